"""The one way to write a handler's page that runs one command.

A page is its command, declared with what the page needs:

    @action_page(roles=CASE_MANAGER, form=AcknowledgeForm, template="cases/acknowledge.html",
                 action="acknowledge the report")
    def acknowledge(act: Action) -> str:
        case_acknowledge(participant=act.participant, expected_version=act.version)
        return "The report has been acknowledged."

The decorator is the whole request: the handler is found on the case once (signed out:
sign-in; not on the case: 404; another role: 403; a session that lost her key: sign in
again), the form is shown at the case's version, and on a valid POST the command runs
once against that version. A refusal re-renders the form with the reason and everything
typed, nothing changed; a concurrent change says so (409). Afterwards she goes back to
the case (or to `done_url`) with the command's sentence as a message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.cases.forms import CaseActionForm
from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.selectors import case_for_handler
from ombuds.lib.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    NotPermitted,
    TransitionRefused,
)
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role

CONCURRENT = (
    "Someone else changed this case just now, so nothing was saved. Check the case, then try again."
)


@dataclass(frozen=True)
class Action:
    """One run of a page's command: who acts, what she sent, and what the page read."""

    request: HttpRequest
    participant: Participant
    data: dict[str, Any]  # the form's cleaned data
    context: Mapping[str, Any] = field(default_factory=dict)  # the page's, read once
    url: Mapping[str, Any] = field(default_factory=dict)  # the URL's other arguments

    @property
    def person(self) -> User:
        """The handler acting (every handler's participant has her account)."""
        if self.participant.person is None:
            raise NotPermitted("Sign in to do this.")
        return self.participant.person

    @property
    def version(self) -> int:
        """The case's version when the form was shown: the command runs against it."""
        return int(self.data["version"])


Command = Callable[[Action], "str | HttpResponse"]
Context = Callable[..., dict[str, Any]]  # (participant, **url) -> the page's context
FormFactory = Callable[[Participant, Mapping[str, Any]], type[CaseActionForm]]


def action_page(
    *,
    roles: frozenset[Role],
    form: type[CaseActionForm] | FormFactory,
    template: str,
    action: str,
    context: Context | Mapping[str, Any] | None = None,
    refusal: str = "",
    acting: tuple[frozenset[Role], str] | None = None,
    exists: Callable[..., bool] | None = None,
    needs_key: bool = True,
    done_url: str | None = None,
    post_only: bool = False,
    sensitive: bool = False,
) -> Callable[[Command], Callable[..., HttpResponse]]:
    """Make a handler's action page from its command (see the module's docstring).

    `action` completes "Your role on this case does not allow you to ..." (it may name
    the URL's arguments: "allocate an {role}"), unless `refusal` says it all. `acting`:
    for a page more roles may read than may act on, the roles that may POST and the
    refusal (403) for the others. `exists`: whether the URL's arguments name something
    there is (else 404, before anything else). `context`
    is a dict, or a function of the participant and the URL's arguments; `form` a form
    class, or a function of the participant and the context. A command that returns a
    response (a page shown once, instead of going back to the case) is answered with it.
    """

    def decorate(command: Command) -> Callable[..., HttpResponse]:
        @functools.wraps(command)
        def page(request: HttpRequest, reference: str, **url: Any) -> HttpResponse:
            if exists is not None and not exists(**url):
                raise NotFound("No such page.")
            participant = _participant(request, reference, roles, refusal or _refused(action, url))
            if participant is None or (needs_key and participant.private_key is None):
                return end_lost_session(request)
            page_context = _context(context, participant, url)
            form_class = form if isinstance(form, type) else form(participant, page_context)
            bound = form_class(request.POST or None, initial={"version": participant.case.version})
            status = 200
            if request.method == "POST":
                if acting is not None and participant.role not in acting[0]:
                    raise NotPermitted(acting[1])
                status = 400
                if bound.is_valid():
                    act = Action(request, participant, bound.cleaned_data, page_context, url)
                    try:
                        done = command(act)
                    except ConcurrentChange:
                        bound = _with_fresh_version(form_class, request, participant)
                        bound.refuse(CONCURRENT)
                        status = 409
                    except TransitionRefused as exc:
                        bound.refuse(exc.message)
                    except InvalidInput as exc:
                        bound.refuse(exc.message, exc.field if exc.field in bound.fields else None)
                    else:
                        if isinstance(done, HttpResponse):
                            return done
                        messages.success(request, done)
                        if done_url:
                            return redirect(done_url)
                        return redirect("cases:case_detail", reference=participant.case.reference)
            full_context = {"case": participant.case, "form": bound, **page_context}
            return render(request, template, full_context, status=status)

        view: Callable[..., HttpResponse] = page
        if sensitive:
            view = sensitive_post_parameters()(view)
        view = require_http_methods(["POST"] if post_only else ["GET", "POST"])(view)
        return role_required(*HANDLER_ROLES)(view)

    return decorate


def _refused(action: str, url: Mapping[str, Any]) -> str:
    return f"Your role on this case does not allow you to {action.format(**url)}."


def _participant(
    request: HttpRequest, reference: str, roles: frozenset[Role], refusal: str
) -> Participant | None:
    """The handler on this case (404 if she is not on it) in one of `roles` (else 403),
    with her key if her session still opens it."""
    person = person_of(request)
    case = case_for_handler(person, reference)  # not assigned: 404 before anything else
    if Role(person.role) not in roles:
        raise NotPermitted(refusal)
    return handler_participant(person, case, session_private_key(request))


def _context(
    context: Context | Mapping[str, Any] | None, participant: Participant, url: dict[str, Any]
) -> dict[str, Any]:
    if context is None:
        return {}
    if callable(context):
        return context(participant, **url)
    return dict(context)


def _with_fresh_version(
    form_class: type[CaseActionForm], request: HttpRequest, participant: Participant
) -> CaseActionForm:
    """The same form and answers, now carrying the case's current version."""
    data = request.POST.copy()
    data["version"] = str(case_for_handler(person_of(request), participant.case.reference).version)
    refreshed = form_class(data)
    refreshed.is_valid()
    return refreshed
