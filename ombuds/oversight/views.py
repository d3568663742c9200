"""The auditor's page (the stored verification and aggregate figures, no identities), and
the public transparency page."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ombuds.ledger.checkpoints import checkpoint_as_dict, checkpoint_as_note
from ombuds.ledger.models import Checkpoint
from ombuds.ledger.services import current_root
from ombuds.ledger.verification import latest_verification, open_full_request
from ombuds.lib.paging import page_number, position
from ombuds.oversight.delays import audit_delay_page
from ombuds.oversight.reads import read_record_page
from ombuds.oversight.services import full_verification_request
from ombuds.oversight.statistics import organisations_with_years
from ombuds.oversight.tallies import latest_figures_check
from ombuds.people.session import session_private_key
from ombuds.people.views import person_of, role_required
from ombuds.record.roles import Role
from ombuds.vetting.selectors import vetting_list
from ombuds.vetting.services import vetting_purposes_share
from ombuds.vetting.views import KIND_WORDS


@role_required(Role.AUDITOR)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    verification = latest_verification()
    size, _root = current_root()
    figures_check, unchecked = latest_figures_check()
    context = {
        "figures_check": figures_check,
        "unchecked": unchecked,
        "verification": verification,
        "problems": json.loads(verification.problems) if verification else [],
        "unverified": size - verification.size if verification else size,
        "pending": open_full_request(),
    }
    return render(request, "oversight/overview.html", context)


@role_required(Role.AUDITOR)
@require_POST
def verify_full(request: HttpRequest) -> HttpResponse:
    full_verification_request(actor=person_of(request))
    return redirect("oversight:overview")


@role_required(Role.AUDITOR)
@require_GET
def reads(request: HttpRequest) -> HttpResponse:
    """Who read which case when (the auditor's pseudonyms, roles), newest first; reads by
    people no longer assigned to the case are flagged."""
    page = read_record_page(position(request, "before"))
    return render(request, "oversight/reads.html", {"page": page})


@role_required(Role.AUDITOR)
@require_GET
def delays(request: HttpRequest) -> HttpResponse:
    """The delay register without references or names, most overdue first."""
    page = page_number(request)
    rows, more = audit_delay_page(page)
    return render(request, "oversight/delays.html", {"rows": rows, "page": page, "has_next": more})


@role_required(Role.AUDITOR)
@require_GET
def vetting(request: HttpRequest) -> HttpResponse:
    """The auditor's vetting list: purpose, answer class and date, without who asked."""
    reader, private_key = person_of(request), session_private_key(request)
    if private_key is not None:  # purposes she can read, for those appointed since
        vetting_purposes_share(reader=reader, private_key=private_key)
    rows = vetting_list(reader, private_key)
    words = [(row, [KIND_WORDS[k] for k in row.kinds]) for row in rows]
    return render(request, "vetting/checks.html", {"rows": words, "names": False})


def _latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size", "-id").first()


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """Public: the latest signed checkpoint in both formats, and how to check the log."""
    checkpoint = _latest_checkpoint()
    context = {
        "checkpoint": checkpoint,
        "as_json": json.dumps(checkpoint_as_dict(checkpoint), indent=2) if checkpoint else "",
        "as_note": checkpoint_as_note(checkpoint) if checkpoint else None,
        "origin": settings.OMBUDS_LOG_ORIGIN,
        "statistics": organisations_with_years(public=True),
    }
    return render(request, "oversight/transparency.html", context)


@require_GET
def checkpoint_note(request: HttpRequest) -> HttpResponse:
    """Public: the latest checkpoint as a C2SP signed note, for witnesses and tooling."""
    checkpoint = _latest_checkpoint()
    text = checkpoint_as_note(checkpoint) if checkpoint else None
    if text is None:
        return HttpResponse(
            "No checkpoint in the note format yet.\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
