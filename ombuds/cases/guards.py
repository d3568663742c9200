"""One guard per kind of reader, used by every page of a case, so the same refusal always
gets the same answer:

- signed out: a handler or respondent goes to the sign-in page (`role_required`), a
  complainant to the seven-word return page, told her session ended;
- not entitled to the case: 404 (`case_for_handler`, the participant lookups);
- the wrong role: 403 (`role_required`, `NotPermitted`);
- a session that can no longer open her key: signed out, asked to sign in again.

A page is written as `@handler_page`, `@complainant_page`, `@complainant_part` or
`@respondent_page` over a view that receives who is reading; a handler's page that runs
one command is written with `cases.action_views.action_page`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ombuds.cases.participants import (
    Participant,
    account_complainant_access,
    complainant_participant,
    handler_participant,
    respondent_participant,
)
from ombuds.cases.selectors import case_for_handler
from ombuds.lib.errors import NotPermitted
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.session import (
    ComplainantAccess,
    complainant_access,
    complainant_case_hold,
    session_private_key,
)
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role

SESSION_ENDED = "ombuds.session_ended"  # a flag for the return page, no content

PageView = Callable[..., HttpResponse]


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


def handler_page(view: PageView) -> PageView:
    """A page of the case in the URL for any handler on it: view(request, participant,
    ...). Which handler roles may act there is the service's rule."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, reference: str, *args: Any, **kwargs: Any) -> HttpResponse:
        participant = handler_on_case(request, reference, HANDLER_ROLES, "")
        if participant is None:
            return end_lost_session(request)
        return view(request, participant, *args, **kwargs)

    return role_required(*HANDLER_ROLES)(wrapper)


def to_return_page(request: HttpRequest) -> HttpResponse:
    """A complainant without access to her case: to the return page, told why."""
    request.session[SESSION_ENDED] = True
    return redirect("intake:return")


def _account_case(request: HttpRequest) -> ComplainantAccess | None:
    """A complainant who signed in with her account: her case joins the session on the
    first page she opens (sign-in itself knows nothing of cases)."""
    key = session_private_key(request)
    if not isinstance(request.user, User) or key is None:
        return None
    access = account_complainant_access(request.user, key)
    if access is not None:
        complainant_case_hold(request, access)
    return access


def complainant_page(view: PageView) -> PageView:
    """A page of the complainant's own case: view(request, access, ...). Without her
    access (no session, an ended one, or a staff session) she goes to the return page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = complainant_access(request) or _account_case(request)
        if access is None:
            return to_return_page(request)
        return view(request, access, *args, **kwargs)

    return wrapper


def complainant_part(view: PageView) -> PageView:
    """`complainant_page` for a view that acts as her: view(request, participant, ...)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, access: ComplainantAccess, *args: Any, **kw: Any) -> Any:
        return view(request, complainant_participant(access), *args, **kw)

    return complainant_page(wrapper)


def respondent_page(view: PageView) -> PageView:
    """A page of the respondent's own case: view(request, participant, ...). Signed out:
    the sign-in page; signed in in another role: 403; her key lost: sign in again."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = session_private_key(request)
        if key is None:
            return end_lost_session(request)
        return view(request, respondent_participant(person_of(request), key), *args, **kwargs)

    return role_required(Role.RESPONDENT)(wrapper)
