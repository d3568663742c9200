"""The organisation liaison's page: only what the organisation must implement."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ombuds.liaison.services import notices_for
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role
from ombuds.vetting.selectors import may_vet

_KIND_WORDS = {
    "interim_measure": "Interim measure to put in place",
    "measure_ended": "Interim measure has ended",
    "sanction": "Sanction to implement",
}


@role_required(Role.LIAISON)
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    opened = notices_for(liaison=person_of(request), private_key=private_key)
    rows = [(_KIND_WORDS.get(n.kind, n.kind), n) for n in opened]
    context = {"rows": rows, "may_vet": may_vet(person_of(request))}
    return render(request, "liaison/notices.html", context)
