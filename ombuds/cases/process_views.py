"""Pages for the independent process on a case: parties, routing, referral, risk and
safeguarding, the complainant's withdrawal request, and recusal.

Each is one form that runs one service through `action_page` (404 off the case, 403 in
the wrong role, the case version carried, refusals re-rendered with nothing changed).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.cases.action_views import Run, action_page
from ombuds.cases.forms import (
    CaseActionForm,
    PartiesForm,
    ReasonForm,
    RiskForm,
    RouteForm,
    WithdrawalForm,
)
from ombuds.cases.independence import REPLACEABLE, case_record_parties, handler_recuse
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.routing import (
    OVERRIDERS,
    refer,
    risk_record,
    route,
    safeguarding_override_record,
    withdrawal_decide,
)
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.views import role_required
from ombuds.record.roles import Role

_CM = frozenset({Role.CASE_MANAGER})


def _page(
    request: HttpRequest,
    reference: str,
    *,
    title: str,
    roles: frozenset[Role],
    form_class: type[CaseActionForm],
    run: Run,
    lead: tuple[str, ...] = (),
    button: str = "Continue",
    warning: str = "",
    button_style: str = "",
    done_url: str | None = None,
) -> HttpResponse:
    return action_page(
        request,
        reference,
        action=title.lower(),
        roles=roles,
        form_class=form_class,
        template="cases/process_form.html",
        run=run,
        needs_key=True,
        done_url=done_url,
        context={
            "title": title,
            "lead": lead,
            "button": button,
            "warning": warning,
            "button_style": button_style,
        },
    )


def _on(person: User, case: Case, key: bytes | None) -> Participant:
    return handler_participant(person, case, key)


_VIEW = (
    sensitive_post_parameters(),
    role_required(*HANDLER_ROLES),
    require_http_methods(["GET", "POST"]),
)


def _decorate(view: Any) -> Any:
    for decorator in reversed(_VIEW):
        view = decorator(view)
    return view


@_decorate
def parties(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        fields = {k: v for k, v in data.items() if k != "version"}
        replaced = case_record_parties(
            participant=_on(person, case, key), parties=fields, expected_version=data["version"]
        )
        if replaced:
            return (
                "The parties are recorded. Because of a declared conflict of interest, a new "
                + " and a new ".join(r.replace("_", " ") for r in replaced)
                + " were allocated from the pool."
            )
        return "The parties are recorded. Nobody on the case has a conflict with them."

    return _page(
        request,
        reference,
        title="Record the parties",
        roles=_CM,
        form_class=PartiesForm,
        run=run,
        button="Record the parties",
        lead=(
            "Handlers who have declared an interest in any of these (the same branch or group, "
            "the same employer, or a close relationship with a named person) are taken off "
            "the case and replaced at random.",
            "What you write here is encrypted; only keyed fingerprints are used for the check.",
        ),
    )


@_decorate
def route_case(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        route(participant=_on(person, case, key), to=data["to"], expected_version=data["version"])
        return "The case has been routed."

    return _page(
        request,
        reference,
        title="Route the case",
        roles=_CM,
        form_class=RouteForm,
        run=run,
        button="Route the case",
        lead=(
            "Informal resolution needs the complainant's recorded agreement. An investigation "
            "needs an investigator allocated first.",
        ),
    )


@_decorate
def escalate(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        route(
            participant=_on(person, case, key),
            to="escalate",
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "The case is now a formal investigation."

    return _page(
        request,
        reference,
        title="Escalate to investigation",
        roles=_CM,
        form_class=ReasonForm,
        run=run,
        button="Escalate to investigation",
    )


@_decorate
def refer_case(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        refer(
            participant=_on(person, case, key),
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "The case has been referred to the police."

    return _page(
        request,
        reference,
        title="Refer the case to the police",
        roles=_CM,
        form_class=ReasonForm,
        run=run,
        button="Refer to the police",
        button_style="warning",
        warning="Only with the complainant's recorded consent, or with a recorded risk to "
        "others and safeguarding overrides recorded by two different people.",
    )


@_decorate
def record_risk(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        risk_record(participant=_on(person, case, key), details=data["details"])
        return "The risk to others is recorded."

    return _page(
        request,
        reference,
        title="Record a risk to others",
        roles=_CM,
        form_class=RiskForm,
        run=run,
        button="Record the risk",
        lead=(
            "With a risk recorded, the complainant's withdrawal becomes a request you decide, "
            "and a referral can go ahead without her consent if two people record a "
            "safeguarding override.",
        ),
    )


@_decorate
def safeguarding(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        safeguarding_override_record(participant=_on(person, case, key), reason=data["reason"])
        return "Your safeguarding override is recorded."

    return _page(
        request,
        reference,
        title="Record a safeguarding override",
        roles=OVERRIDERS,
        form_class=ReasonForm,
        run=run,
        button="Record the override",
        button_style="warning",
        warning="This overrides the complainant's wishes about referral to the police. A "
        "second person must record one too before a referral without her consent.",
    )


@_decorate
def withdrawal(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        accept = data["decision"] == "accept"
        withdrawal_decide(
            participant=_on(person, case, key),
            accept=accept,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "The withdrawal is accepted." if accept else "The case continues."

    return _page(
        request,
        reference,
        title="Decide the complainant's withdrawal request",
        roles=_CM,
        form_class=WithdrawalForm,
        run=run,
        button="Record the decision",
        lead=("The complainant asked to withdraw while a risk to others is recorded.",),
    )


@_decorate
def recuse(request: HttpRequest, reference: str) -> HttpResponse:
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        handler_recuse(
            participant=_on(person, case, key),
            reason=data["reason"],
            expected_version=data["version"],
        )
        return "You have stepped off the case."

    return _page(
        request,
        reference,
        title="Step off this case",
        roles=frozenset(REPLACEABLE),
        form_class=ReasonForm,
        run=run,
        button="Step off the case",
        button_style="warning",
        lead=(
            "Someone else from the independent pool will be allocated at random. Your reason "
            "is recorded in the case history.",
        ),
        warning="You will lose access to this case straight away.",
        done_url="cases:my_cases",
    )
