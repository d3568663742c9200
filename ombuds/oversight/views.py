"""The auditor's page: the ledger verified, and aggregate figures with no identities."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ombuds.ledger.verify import verify_ledger
from ombuds.oversight.selectors import THRESHOLD, case_figures
from ombuds.people.views import role_required
from ombuds.record.roles import Role


@role_required(Role.AUDITOR)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = {"report": verify_ledger(), "figures": case_figures(), "threshold": THRESHOLD}
    return render(request, "oversight/overview.html", context)
