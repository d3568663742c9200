"""One guard per kind of reader, used by every handler page, so the same refusal always
gets the same answer: signed out goes to staff sign-in (`role_required`), not on the case
is 404, the wrong role on it is 403."""

from __future__ import annotations

from django.http import HttpRequest

from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.selectors import case_for_handler
from ombuds.lib.errors import NotPermitted
from ombuds.people.session import session_private_key
from ombuds.people.views import person_of
from ombuds.record.roles import Role


def handler_on_case(
    request: HttpRequest, reference: str, roles: frozenset[Role], refusal: str
) -> Participant | None:
    """The handler on this case (404 if she is not on it) in one of `roles` (else 403);
    None if her session can no longer open her key."""
    person = person_of(request)
    case = case_for_handler(person, reference)
    if Role(person.role) not in roles:
        raise NotPermitted(refusal)
    key = session_private_key(request)
    return handler_participant(person, case, key) if key is not None else None
