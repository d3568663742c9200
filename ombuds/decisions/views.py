"""Pages of the decision and the appeal: the case manager's panel page, the panel's pages,
the parties' decision and appeal pages, and the administrator's sanctions page.

Views parse input, call one service or selector and render. A case the handler is not
assigned to is 404 (`case_for_handler`); the wrong role on it is 403.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.action_page import CONCURRENT, Action, action_page
from ombuds.cases.guards import complainant_page, handler_on_case, respondent_page
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant
from ombuds.cases.read_models import case_state
from ombuds.decisions.appeals import appeal_lodge
from ombuds.decisions.catalogue import sanctions_choose
from ombuds.decisions.forms import (
    AppealForm,
    NamedRecordForm,
    PanelForm,
    RecordForm,
    SanctionsForm,
    SignForm,
    outcome_choices,
    propose_form,
)
from ombuds.decisions.panels import appeal_panel_allocate, panel_allocate
from ombuds.decisions.rounds import APPEAL, FIRST, round_at, sitting
from ombuds.decisions.selectors import (
    allegations_for,
    appeal_grounds,
    current_proposal,
    decisions_for,
    findings_for,
    names_of,
    sanctions_of,
)
from ombuds.decisions.services import (
    decision_propose,
    decision_record,
    decision_sign,
    record_needs_name,
)
from ombuds.lib.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    TransitionRefused,
)
from ombuds.people.models import HANDLER_ROLES, Organisation
from ombuds.people.reauth import recent_password_required
from ombuds.people.session import ComplainantAccess
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.outcomes import decision_text
from ombuds.record.roles import Role
from ombuds.record.stages import Stage
from ombuds.timetable.service_levels import APPEAL_WINDOW

PANEL = frozenset({Role.PANEL_MEMBER})
CASE_MANAGER = frozenset({Role.CASE_MANAGER})


# The case manager: allocate a panel --------------------------------------------------------


def _round_context(participant: Participant) -> dict[str, Any]:
    return {"round": APPEAL if participant.case.stage == Stage.APPEAL else FIRST}


@action_page(
    roles=CASE_MANAGER,
    form=PanelForm,
    template="decisions/panel.html",
    action="allocate a panel",
    context=_round_context,
)
def panel(act: Action) -> str:
    rnd = act.context["round"]
    allocate = appeal_panel_allocate if rnd is APPEAL else panel_allocate
    chosen = allocate(participant=act.participant, expected_version=act.version)
    names = ", ".join(p.display_name or p.username for p in chosen)
    return f"The pool chose {rnd.title} at random: {names}."


# The panel: read, propose, sign, record -------------------------------------------------


def _panel_context(participant: Participant) -> dict[str, Any]:
    """What a panel member reads while deciding: the findings, the allegations as
    disclosed, on appeal the first decision and the grounds, and the current proposal."""
    state = case_state(participant.case.id)
    rnd = round_at(state.stage)
    proposal = current_proposal(participant, state)
    sitting_now = sitting(state, rnd.panel) if rnd else frozenset()
    members = names_of(sitting_now | (proposal.signers if proposal else frozenset()))
    decisions = decisions_for(participant, now=timezone.now())
    return {
        "state": state,
        "round": rnd,
        "appeal_days": APPEAL_WINDOW.working_days,
        "deciding": rnd is not None and participant.pseudonym in sitting_now,
        "findings": findings_for(participant),
        "allegations": allegations_for(participant),
        "decisions": decisions,
        "grounds": appeal_grounds(participant) if rnd is APPEAL else None,
        "proposal": proposal,
        "proposal_text": (
            decision_text(proposal.content, panel=proposal.panel, at=proposal.proposed_at)
            if proposal
            else None
        ),
        "proposer": members.get(proposal.proposer, "") if proposal else "",
        "signed": sorted(members.get(p, "") for p in proposal.signers) if proposal else [],
        "unsigned": sorted(members[p] for p in sitting_now - proposal.signers) if proposal else [],
        "you_signed": bool(proposal and participant.pseudonym in proposal.signers),
    }


@role_required(*HANDLER_ROLES)
@require_GET
def decision(request: HttpRequest, reference: str) -> HttpResponse:
    participant = handler_on_case(request, reference, PANEL, PANEL_ONLY)
    if participant is None:
        return end_lost_session(request)
    context = {"case": participant.case, **_panel_context(participant)}
    return render(request, "decisions/decision.html", context)


PANEL_ONLY = "Only the panel members deciding this case can open this page."


def _propose_form(participant: Participant, context: Mapping[str, Any]) -> type[Any]:
    return propose_form(context["findings"], sanctions_of(participant.case.organisation))


@action_page(
    roles=PANEL,
    refusal=PANEL_ONLY,
    form=_propose_form,
    template="decisions/propose.html",
    action="propose a decision",
    context=_panel_context,
    sensitive=True,
)
@sensitive_variables()
def propose(act: Action) -> str:
    decision_propose(
        participant=act.participant,
        outcomes=outcome_choices(act.context["findings"], act.data),
        sanctions=act.data["sanctions"],
        reasons=act.data["reasons"],
        expected_version=act.version,
    )
    return "Your proposal has been recorded. The other two members must now sign it."


@action_page(
    roles=PANEL,
    refusal=PANEL_ONLY,
    form=SignForm,
    template="decisions/sign.html",
    action="sign the decision",
    context=_panel_context,
)
def sign(act: Action) -> str:
    decision_sign(
        participant=act.participant, proposal=act.data["proposal"], expected_version=act.version
    )
    return "You have signed the proposed decision."


def _record_form(participant: Participant, context: Mapping[str, Any]) -> type[Any]:
    return NamedRecordForm if record_needs_name(participant) else RecordForm


@action_page(
    roles=PANEL,
    refusal=PANEL_ONLY,
    form=_record_form,
    template="decisions/record.html",
    action="record the decision",
    context=_panel_context,
    sensitive=True,
)
@sensitive_variables()
def record(act: Action) -> str:
    case = decision_record(
        participant=act.participant,
        respondent_name=act.data.get("respondent_name", ""),
        expected_version=act.version,
    )
    if case.stage == Stage.CLOSED:
        return "The appeal decision has been recorded. It is final, and the case is closed."
    return "The decision has been recorded. Both parties can now read it."


# The parties: the decision, and an appeal -------------------------------------------------


def _party_decision(request: HttpRequest, participant: Participant, back: str) -> HttpResponse:
    decisions = decisions_for(participant, now=timezone.now())
    if decisions.first is None:
        raise NotFound("There is no decision on this case yet.")
    context = {
        "decisions": decisions,
        "you": participant.role.value,
        "back": back,
        "appeal_url": (
            "decisions:complainant_appeal"
            if participant.role == Role.COMPLAINANT
            else "decisions:respondent_appeal"
        ),
    }
    return render(request, "decisions/party_decision.html", context)


def _party_appeal(
    request: HttpRequest, participant: Participant, *, back: str, done: str
) -> HttpResponse:
    decisions = decisions_for(participant, now=timezone.now())
    if decisions.first is None:
        raise NotFound("There is no decision on this case yet.")
    form = AppealForm(request.POST or None, initial={"version": participant.case.version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                appeal_lodge(
                    participant=participant,
                    grounds=form.cleaned_data["grounds"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentChange:
                # Her grounds are kept, now with the case's current version, so that sending
                # the form again (as the page invites) can succeed.
                data = request.POST.copy()
                data["version"] = str(
                    Case.objects.values_list("version", flat=True).get(pk=participant.case.pk)
                )
                form = AppealForm(data)
                form.is_valid()
                form.refuse(CONCURRENT)
                status = 409
            except (TransitionRefused, InvalidInput) as exc:
                form.refuse(exc.message)
            else:
                messages.success(
                    request,
                    (
                        "Your appeal has been sent. A new panel, with nobody who has handled your "
                        "case, will decide it."
                    ),
                )
                return redirect(done)
    context = {"form": form, "decisions": decisions, "back": back, "you": participant.role.value}
    return render(request, "decisions/appeal.html", context, status=status)


@require_GET
@complainant_page
def complainant_decision(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    return _party_decision(request, complainant_participant(access), "intake:my_report")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_page
@sensitive_variables()
def complainant_appeal(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    return _party_appeal(
        request,
        complainant_participant(access),
        back="decisions:complainant_decision",
        done="decisions:complainant_decision",
    )


@require_GET
@respondent_page
def respondent_decision(request: HttpRequest, participant: Participant) -> HttpResponse:
    return _party_decision(request, participant, "respondents:case")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def respondent_appeal(request: HttpRequest, participant: Participant) -> HttpResponse:
    return _party_appeal(
        request,
        participant,
        back="decisions:respondent_decision",
        done="decisions:respondent_decision",
    )


# The administrator: an organisation's sanctions ---------------------------------------------


@role_required(Role.ADMINISTRATOR)
@recent_password_required
@require_http_methods(["GET", "POST"])
def sanctions(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound("No such organisation.")
    current = [s.code for s in sanctions_of(organisation)]
    form = SanctionsForm(request.POST or None, initial={"codes": current})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sanctions_choose(
                    actor=person_of(request),
                    organisation=organisation,
                    codes=form.cleaned_data["codes"],
                )
            except InvalidInput as exc:
                form.refuse(exc.message)
            else:
                messages.success(request, f"The sanctions for {organisation.name} are saved.")
                return redirect("decisions:sanctions", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "form": form,
    }
    return render(request, "decisions/sanctions.html", context, status=status)
