"""Pages for the independent process on a case: parties, routing, referral, risk and
safeguarding, the complainant's withdrawal request, and recusal.

Each is one form that runs one command, written the one way (`cases.action_page`: 404
off the case, 403 in the wrong role, the case version carried, refusals re-rendered with
nothing changed) on the shared process form.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse

from ombuds.cases.action_page import Action, Command, action_page
from ombuds.cases.forms import (
    CaseActionForm,
    PartiesForm,
    ReasonForm,
    RiskForm,
    RouteForm,
    WithdrawalForm,
)
from ombuds.cases.independence import REPLACEABLE, case_record_parties, handler_recuse
from ombuds.cases.routing import (
    OVERRIDERS,
    refer,
    risk_record,
    route,
    safeguarding_override_record,
    withdrawal_decide,
)
from ombuds.record.roles import Role

_CM = frozenset({Role.CASE_MANAGER})


def process_page(
    *,
    title: str,
    roles: frozenset[Role],
    form: type[CaseActionForm],
    lead: tuple[str, ...] = (),
    button: str = "Continue",
    warning: str = "",
    button_style: str = "",
    done_url: str | None = None,
) -> Callable[[Command], Callable[..., HttpResponse]]:
    """An action page on the shared process form, titled and explained by its words."""
    return action_page(
        roles=roles,
        form=form,
        template="cases/process_form.html",
        action=title.lower(),
        done_url=done_url,
        sensitive=True,
        context={
            "title": title,
            "lead": lead,
            "button": button,
            "warning": warning,
            "button_style": button_style,
        },
    )


@process_page(
    title="Record the parties",
    roles=_CM,
    form=PartiesForm,
    button="Record the parties",
    lead=(
        "Handlers who have declared an interest in any of these (the same branch or group, "
        "the same employer, or a close relationship with a named person) are taken off "
        "the case and replaced at random.",
        "What you write here is encrypted; only keyed fingerprints are used for the check.",
    ),
)
def parties(act: Action) -> str:
    fields = {k: v for k, v in act.data.items() if k != "version"}
    replaced = case_record_parties(
        participant=act.participant, parties=fields, expected_version=act.version
    )
    if replaced:
        return (
            "The parties are recorded. Because of a declared conflict of interest, a new "
            + " and a new ".join(r.replace("_", " ") for r in replaced)
            + " were allocated from the pool."
        )
    return "The parties are recorded. Nobody on the case has a conflict with them."


@process_page(
    title="Route the case",
    roles=_CM,
    form=RouteForm,
    button="Route the case",
    lead=(
        "Informal resolution needs the complainant's recorded agreement. An investigation "
        "needs an investigator allocated first.",
    ),
)
def route_case(act: Action) -> str:
    route(participant=act.participant, to=act.data["to"], expected_version=act.version)
    return "The case has been routed."


@process_page(
    title="Escalate to investigation",
    roles=_CM,
    form=ReasonForm,
    button="Escalate to investigation",
)
def escalate(act: Action) -> str:
    route(
        participant=act.participant,
        to="escalate",
        reason=act.data["reason"],
        expected_version=act.version,
    )
    return "The case is now a formal investigation."


@process_page(
    title="Refer the case to the police",
    roles=_CM,
    form=ReasonForm,
    button="Refer to the police",
    button_style="warning",
    warning="Only with the complainant's recorded consent, or with a recorded risk to "
    "others and safeguarding overrides recorded by two different people.",
)
def refer_case(act: Action) -> str:
    refer(
        participant=act.participant,
        reason=act.data["reason"],
        expected_version=act.version,
    )
    return "The case has been referred to the police."


@process_page(
    title="Record a risk to others",
    roles=_CM,
    form=RiskForm,
    button="Record the risk",
    lead=(
        "With a risk recorded, the complainant's withdrawal becomes a request you decide, "
        "and a referral can go ahead without her consent if two people record a "
        "safeguarding override.",
    ),
)
def record_risk(act: Action) -> str:
    risk_record(participant=act.participant, details=act.data["details"])
    return "The risk to others is recorded."


@process_page(
    title="Record a safeguarding override",
    roles=OVERRIDERS,
    form=ReasonForm,
    button="Record the override",
    button_style="warning",
    warning="This overrides the complainant's wishes about referral to the police. A "
    "second person must record one too before a referral without her consent.",
)
def safeguarding(act: Action) -> str:
    safeguarding_override_record(participant=act.participant, reason=act.data["reason"])
    return "Your safeguarding override is recorded."


@process_page(
    title="Decide the complainant's withdrawal request",
    roles=_CM,
    form=WithdrawalForm,
    button="Record the decision",
    lead=("The complainant asked to withdraw while a risk to others is recorded.",),
)
def withdrawal(act: Action) -> str:
    accept = act.data["decision"] == "accept"
    withdrawal_decide(
        participant=act.participant,
        accept=accept,
        reason=act.data["reason"],
        expected_version=act.version,
    )
    return "The withdrawal is accepted." if accept else "The case continues."


@process_page(
    title="Step off this case",
    roles=frozenset(REPLACEABLE),
    form=ReasonForm,
    button="Step off the case",
    button_style="warning",
    lead=(
        "Someone else from the independent pool will be allocated at random. Your reason "
        "is recorded in the case history.",
    ),
    warning="You will lose access to this case straight away.",
    done_url="cases:my_cases",
)
def recuse(act: Action) -> str:
    handler_recuse(
        participant=act.participant,
        reason=act.data["reason"],
        expected_version=act.version,
    )
    return "You have stepped off the case."
