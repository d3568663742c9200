"""The event registry: every kind of event, declared once (plain Python, no Django).

This module holds a case's events; the scheme's own (people, organisations, the escrow,
vetting, statistics, surveys) are in `scheme.py` beside it, which this module imports, so
that importing the registry declares every row before any lookup.

Each row says, for one event type: its stable dotted name (never renamed: it is hashed
into the ledger) and schema version; its clear metadata fields and their types (an append
with a missing, unknown or mistyped field is refused); which keys may encrypt its body;
who may record it and in which stages (for a lifecycle transition's event the table in
`cases/lifecycle.py` decides instead); how it changes the folded case (`record/effects.py`); how
each reader sees it on her own timeline; and whether opening its content is recorded as a
read. The shape of a row and the checks are in `record/spec.py`.

To add a kind of event: add one row here, record it with `case_record(participant,
events.THE_ROW, ...)` and name it by its row, never a string. To change a schema: raise
its `version` and register an `@upcaster` below; stored events are never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ombuds.record import effects as fx

# The scheme's own rows: imported here, so that every row is declared before any lookup.
from ombuds.record.events import scheme as scheme
from ombuds.record.roles import Role

# The registry's lookups live in `spec`; importing them from here declares every row first.
from ombuds.record.spec import EventSpec as EventSpec
from ombuds.record.spec import (
    FieldKind,
    HandlerContent,
    Key,
    Only,
    Optional,
    Seen,
    declare,
    declare_read,
    declare_transition,
    upcaster,
)
from ombuds.record.spec import all_specs as all_specs
from ombuds.record.spec import spec_for as spec_for
from ombuds.record.spec import upcast as upcast
from ombuds.record.stages import WITHDRAWABLE_STAGES, Stage

R = Role
C, Rk, H = Key.CASE, Key.RESPONDENT, Key.HANDLERS
CM, ADV, INV, PANEL = R.CASE_MANAGER, R.ADVOCATE, R.INVESTIGATOR, R.PANEL_MEMBER
CPL, RESP, SYS = R.COMPLAINANT, R.RESPONDENT, R.SYSTEM
EVERY, HERS = HandlerContent.EVERY_HANDLER, HandlerContent.ADVOCATE_IF_HERS
OWN_COPY, OWN_INTERVIEW = Only.OWN_COPY, Only.OWN_INTERVIEW
INVESTIGATING = frozenset({Stage.INVESTIGATION})
ANY_STAGE = None  # the service says when
_ALLOCATION: dict[str, FieldKind] = {
    "person": str, "role": str, "eligible": int, "conflicted": int, "excluded": int,
    "seed": str, "round": int, "panel": Optional(str), "seat": Optional(int),
}  # fmt: skip
_DECISION: dict[str, FieldKind] = {"panel": str, "proposal": int}

# fmt: off
# The lifecycle's events (stage changes). -------------------------------------------------
SUBMITTED = declare_transition("case.submitted", version=2, keys=(C,), records_move=False,
    effect=fx.opens_case,
    fields={"reference": str, "organisation": str, "anonymous": bool, "complainant": str,
            "tokens": list},
    handlers="Report received", complainant=Seen("You sent your report"),
    handler_content=EVERY)
ACKNOWLEDGED = declare_transition("case.acknowledged", handlers="Report acknowledged",
    complainant=Seen("Your report was acknowledged"))
ASSESSED = declare_transition("case.assessed", keys=(H,), handlers="Assessment recorded",
    complainant=Seen("Your report was assessed"), handler_content=EVERY)
INFORMAL_STARTED = declare_transition("case.informal_resolution_started", keys=(C, H),
    handlers="Informal resolution started", complainant=Seen("Informal resolution started"))
INVESTIGATION_OPENED = declare_transition("case.investigation_opened", keys=(C, H),
    handlers="Investigation opened", complainant=Seen("An investigation was opened"))
ESCALATED = declare_transition("case.escalated", keys=(C, H), handlers="Escalated to investigation",
    complainant=Seen("Your case moved to a formal investigation"), handler_content=EVERY)
FINDINGS_RECORDED = declare_transition("case.findings_recorded", keys=(C,),
    fields={"draft": Optional(int)}, effect=fx.makes_findings_final,
    handlers="Findings recorded", complainant=Seen("The investigator's findings are final"),
    handler_content=EVERY)
DECIDED = declare_transition("case.decided", keys=(C,), effect=fx.decides,
    fields={**_DECISION, "sanctions": list, "upheld": Optional(bool)},
    handlers="The panel decided",
    complainant=Seen("The panel made its decision"), handler_content=EVERY)
APPEALED = declare_transition("case.appealed", keys=(C, Rk), fields={"appellant": str},
    effect=fx.notes_appellant,
    handlers="The decision was appealed", complainant=Seen("The decision was appealed"),
    respondent=Seen("The decision was appealed"), handler_content=HERS)
APPEAL_DECIDED = declare_transition("case.appeal_decided", keys=(C,), effect=fx.decides_appeal,
    fields={**_DECISION, "sanctions": list, "upheld": Optional(bool)},
    handlers="The appeal panel decided",
    complainant=Seen("The appeal panel made its decision, which is final"),
    handler_content=EVERY)
REFERRED = declare_transition("case.referred", keys=(C, H), handlers="Referred to the police",
    complainant=Seen("Your case was referred to the police"),
    respondent=Seen("The case was referred to the police"), handler_content=EVERY)
WITHDRAWN = declare_transition("case.withdrawn", keys=(C,),
    handlers="The complainant withdrew the complaint",
    complainant=Seen("You withdrew your complaint"),
    respondent=Seen("The complaint was withdrawn"), handler_content=EVERY)
WITHDRAWAL_ACCEPTED = declare_transition("case.withdrawal_accepted",
    handlers="The complainant's withdrawal was accepted",
    complainant=Seen("Your withdrawal was accepted"),
    respondent=Seen("The complaint was withdrawn"))
CLOSED = declare_transition("case.closed", keys=(C,), fields={"reason_code": Optional(str)},
    handlers="Case closed",
    complainant=Seen("Your case was closed", detail="reason", detail_label="Reason",
                     coded={"appeal_time_passed": "Nobody appealed in the time allowed, so "
                            "the panel's decision is final."}),
    respondent=Seen("The case was closed"), handler_content=EVERY)

# Who is on the case. ----------------------------------------------------------------------
# The oversight officer re-allocates a handler who keeps missing dates (deadlines app);
# the administrator re-allocates the open cases of a leaver (cases/leavers); a handler who
# steps off, a panel member included, has her successor allocated (cases/independence).
_ALLOCATORS = (SYS, CM, ADV, INV, PANEL, CPL, R.OVERSIGHT_OFFICER, R.ADMINISTRATOR)
ASSIGNED = declare("case.assigned",
    roles=_ALLOCATORS,
    stages=ANY_STAGE,
    fields=_ALLOCATION, effect=fx.assigns, grants_access=True,
    handlers="Allocated from the independent pool",
    complainant=Seen("", per_role={
        ADV.value: "{advocate} was named as your advocate",
        CM.value: "A case manager from the independent scheme was assigned to your case",
        INV.value: "An independent investigator was appointed"}))
UNASSIGNED = declare("case.unassigned",
    roles=_ALLOCATORS,
    stages=ANY_STAGE,
    fields={"person": str, "role": str, "why": str}, effect=fx.unassigns,
    handlers="Removed from the case")
RECUSED = declare("case.recused", roles=(CM, ADV, INV, PANEL), keys=(H,), effect=fx.recuses,
    fields={"person": str, "role": str}, handlers="A handler recused", handler_content=EVERY)
PARTIES_RECORDED = declare("case.parties_recorded", roles=(CM,), keys=(C, H),
    fields={"tokens": list}, effect=fx.records_parties,
    handlers="Parties recorded for conflict checks", handler_content=EVERY)
ADVOCATE_CHANGE_REQUESTED = declare("case.advocate_change_requested", roles=(CPL,),
    effect=fx.counts_advocate_change,
    handlers="The complainant asked for a different advocate",
    complainant=Seen("You asked for a different advocate"))

# The complainant's own steps, and triage. -------------------------------------------------
INFORMATION_ADDED = declare("case.information_added", roles=(CPL,), keys=(C,),
    handlers="The complainant added information",
    complainant=Seen("You added information", detail="text"), handler_content=EVERY)
INFORMAL_AGREED = declare("case.informal_agreed", roles=(CPL,),
    effect=fx.sets_fact("complainant_agrees_informal"),
    handlers="The complainant agreed to informal resolution",
    complainant=Seen("You agreed to informal resolution"))
REFERRAL_CONSENTED = declare("case.referral_consented", roles=(CPL,),
    effect=fx.sets_fact("complainant_consents_to_referral"),
    handlers="The complainant consented to referral to the police",
    complainant=Seen("You consented to referral to the police"))
# Her consent is hers to take back, until the case is referred.
REFERRAL_CONSENT_WITHDRAWN = declare("case.referral_consent_withdrawn", roles=(CPL,),
    effect=fx.clears_fact("complainant_consents_to_referral"),
    handlers="The complainant withdrew her consent to referral to the police",
    complainant=Seen("You withdrew your consent to referral to the police"))
RISK_RECORDED = declare("case.risk_recorded", roles=(CM,), keys=(H,),
    effect=fx.sets_fact("risk_to_others_recorded"),
    handlers="A risk to others was recorded", handler_content=EVERY)
SAFEGUARDING_OVERRIDE = declare("case.safeguarding_override_recorded",
    roles=(CM, ADV, INV), keys=(H,), effect=fx.counts_safeguarding_override,
    handlers="A safeguarding override was recorded")
WITHDRAWAL_REQUESTED = declare("case.withdrawal_requested", roles=(CPL,), keys=(C,),
    stages=WITHDRAWABLE_STAGES,
    effect=fx.sets_fact("withdrawal_requested"),
    handlers="The complainant asked to withdraw", complainant=Seen("You asked to withdraw"),
    handler_content=EVERY)
CONTINUED_AFTER_WITHDRAWAL = declare("case.continued_after_withdrawal", roles=(CM,),
    keys=(H,), effect=fx.withdrawal_request_decided,
    handlers="The case continues without the complainant",
    complainant=Seen("Your case manager decided the case must continue"),
    handler_content=EVERY)

# The respondent's side. -------------------------------------------------------------------
RESPONDENT_INVITED = declare("case.respondent_invited", roles=(CM, INV),
    stages=INVESTIGATING, fields={"invitation": int}, grants_access=True,
    handlers="The respondent was invited to take part",
    complainant=Seen("The person you reported was told about the complaint"))
RESPONDENT_JOINED = declare("case.respondent_joined", roles=(RESP,),
    fields={"person": str, "role": str}, effect=fx.joins_as_respondent, grants_access=True,
    handlers="The respondent joined", respondent=Seen("You joined the case"))
ALLEGATIONS_DISCLOSED = declare("case.allegations_disclosed", roles=(INV,),
    stages=INVESTIGATING, keys=(Rk,), fields={"count": int},
    effect=fx.discloses_allegations,
    handlers="The respondent was told the allegations",
    complainant=Seen("The allegations were put in writing to the person you reported"),
    respondent=Seen("You were told the allegations in writing"))
RESPONSE_SUBMITTED = declare("case.response_submitted", roles=(RESP,), keys=(Rk,),
    fields={"witnesses": int}, handlers="The respondent responded",
    complainant=Seen("The person you reported responded"),
    respondent=Seen("You sent your response"))
EVIDENCE_ADDED = declare("case.evidence_added", roles=(RESP,), keys=(C, Rk),
    fields={"attachment": str}, handlers="Evidence added")
# fmt: on

# fmt: off
# Investigation and interim measures. ------------------------------------------------------
INTERVIEW_RECORDED = declare("case.interview_recorded", roles=(INV,), stages=INVESTIGATING,
    keys=(C, Rk, H), fields={"interview": int, "interviewee": str},
    effect=fx.notes_interview, handlers="Interview notes recorded",
    complainant=Seen("The notes of your interview were recorded", only=OWN_INTERVIEW),
    respondent=Seen("The notes of your interview were recorded", only=OWN_INTERVIEW),
    handler_content=HERS)
INTERVIEW_COMMENTED = declare("case.interview_commented", roles=(CPL, RESP),
    stages=INVESTIGATING, keys=(C, Rk), fields={"interview": int},
    handlers="Interviewee commented on the notes",
    complainant=Seen("You commented on the notes of your interview", only=OWN_COPY),
    respondent=Seen("You commented on the notes of your interview", only=OWN_COPY),
    handler_content=HERS)
INTERVIEW_DECLINED = declare("case.interview_declined", roles=(INV,), stages=INVESTIGATING,
    keys=(Rk,), effect=fx.sets_fact("respondent_declined_interview"),
    handlers="The respondent declined an interview",
    respondent=Seen("It was recorded that you declined an interview"))
DRAFT_REPORT_SHARED = declare("case.draft_report_shared", roles=(INV,),
    stages=INVESTIGATING, keys=(C, Rk), fields={"draft": int},
    handlers="Draft report shared for comment", one_copy_for_handlers=True,
    complainant=Seen("The investigator's draft report is ready for your comments",
                     only=OWN_COPY),
    respondent=Seen("The investigator's draft report is ready for your comments",
                    only=OWN_COPY), handler_content=EVERY)
DRAFT_REPORT_COMMENTED = declare("case.draft_report_commented", roles=(CPL, RESP),
    stages=INVESTIGATING, keys=(C, Rk), fields={"draft": int},
    handlers="Comment on the draft report",
    complainant=Seen("You commented on the draft report", only=OWN_COPY),
    respondent=Seen("You commented on the draft report", only=OWN_COPY), handler_content=HERS)
FINDINGS_DISCLOSED = declare("case.findings_disclosed", roles=(INV,), stages=ANY_STAGE,
    keys=(Rk,), fields={"draft": int}, handlers="Findings sent to the respondent",
    respondent=Seen("The investigator's findings are final"))
MEASURE_PROPOSED = declare("case.measure_proposed", roles=(INV,), keys=(H,),
    fields={"measure": int, "kind": str, "review_date": str},
    handlers="Interim measure proposed")
MEASURE_APPROVED = declare("case.measure_approved", roles=(CM,), keys=(H,),
    fields={"measure": int}, handlers="Interim measure approved",
    complainant=Seen("An interim measure was put in place while your complaint is "
                     "investigated"),
    respondent=Seen("An interim measure was put in place"))
MEASURE_DISCLOSED = declare("case.measure_disclosed", roles=(CM,), keys=(Rk,),
    fields={"measure": int}, handlers="Interim measure sent to the respondent")
MEASURE_REPRESENTATION = declare("case.measure_representation_made", roles=(RESP,),
    keys=(Rk,), fields={"measure": int},
    handlers="The respondent made representations on a measure",
    respondent=Seen("You made representations on an interim measure"))
MEASURE_REVIEWED = declare("case.measure_reviewed", roles=(CM,), keys=(Rk,),
    fields={"measure": int, "outcome": str, "review_date": (str, type(None))},
    handlers="Interim measure reviewed", respondent=Seen("An interim measure was reviewed"))
MEASURE_LAPSED = declare("case.measure_lapsed", roles=(SYS,), stages=ANY_STAGE,
    fields={"measure": int}, handlers="Interim measure lapsed at its review date",
    respondent=Seen("An interim measure lapsed"))
# A measure is interim: one in force, or still proposed, ends when its case ends.
MEASURE_ENDED = declare("case.measure_ended", roles=(SYS,), stages=ANY_STAGE,
    fields={"measure": int}, handlers="Interim measure ended with the case",
    respondent=Seen("An interim measure ended because the case ended"))

# Messages, support, the organisation. -----------------------------------------------------
MESSAGE_SENT = declare("case.message_sent", roles=(CPL, RESP, ADV, INV), keys=(C, Rk),
    fields={"thread": str, "attachments": list},
    handlers="A message was sent in a private thread",
    handler_content=HandlerContent.THEIR_SIDES_ONLY)
SUPPORT_RECORDED = declare("case.support_recorded", roles=(ADV,), keys=(H,),
    handlers="The advocate recorded support given",
    handler_content=HandlerContent.THEIR_SIDES_ONLY)
ORGANISATION_NOTIFIED = declare("case.organisation_notified", roles=(CM, PANEL, SYS),
    stages=ANY_STAGE, fields={"notice": int, "kind": str, "liaisons": int},
    handlers="The organisation was told what to implement")

# Delay: missed deadlines and their reasons (the deadlines app). ---------------------------
_HANDLER_ROLES = (CM, ADV, INV, PANEL)
DEADLINE_MISSED = declare("case.deadline_missed", roles=(SYS,), stages=ANY_STAGE,
    fields={"deadline": str, "due": str, "responsible_role": str, "responsible": list,
            "misses": int},
    effect=fx.counts_missed_deadline,
    handlers="A deadline was missed and escalated to oversight")
DELAY_EXPLAINED = declare("case.delay_explained", roles=_HANDLER_ROLES, keys=(H,),
    stages=ANY_STAGE,
    fields={"deadline": str, "reason": str, "new_due": str, "needs_approval": bool},
    effect=fx.explains_missed_deadline,
    handlers="The reason for a delay and a new date were recorded")
EXTENSION_APPROVED = declare("case.extension_approved", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields={"deadline": str, "new_due": str},
    handlers="The oversight officer approved a longer extension")
EXTENSION_REFUSED = declare("case.extension_refused", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields={"deadline": str},
    handlers="The oversight officer refused a longer extension")
UPDATE_REQUESTED = declare("case.update_requested", roles=(CPL,), fields={"due": str},
    handlers="The complainant asked for an update",
    complainant=Seen("You asked for an update"))

# After the case: check-ins against retaliation (ombuds/checkins). -------------------------
# Closure schedules the advocate's check-ins (`due`: end of each day, UTC; `days` after
# closure). She may decline them ("left" / "no_checkins"). An answer that something has
# happened opens a new case, linked to this one by a `case.linked` on each side.
CLOSED_ONLY = frozenset({Stage.CLOSED})
CHECKINS_SCHEDULED = declare("case.checkins_scheduled", roles=(CM, SYS), stages=CLOSED_ONLY,
    fields={"days": list, "due": list}, effect=fx.schedules_checkins,
    handlers="The advocate's check-ins after closure were scheduled",
    complainant=Seen("Your advocate will check in with you in the months after your case "
                     "closed"))
CHECKINS_DECLINED = declare("case.checkins_declined", roles=(CPL,), stages=ANY_STAGE,
    fields={"why": str}, effect=fx.declines_checkins,
    handlers="The complainant asked for no more check-ins",
    complainant=Seen("You told us you want no more check-ins"))
CHECKIN_RECORDED = declare("case.checkin_recorded", roles=(ADV,), stages=CLOSED_ONLY,
    keys=(C,), fields={"checkin": int}, effect=fx.records_checkin,
    handlers="The advocate checked in with the complainant",
    complainant=Seen("Your advocate checked in with you", detail="message",
                     detail_label="Message"), handler_content=EVERY)
CHECKIN_ANSWERED = declare("case.checkin_answered", roles=(CPL,), stages=CLOSED_ONLY,
    keys=(C,), fields={"checkin": int, "something_happened": bool},
    effect=fx.answers_checkin, handlers="The complainant answered a check-in",
    complainant=Seen("You answered your advocate's check-in", detail="account"),
    handler_content=EVERY)
CASE_LINKED = declare("case.linked", roles=(CPL,), stages=ANY_STAGE,
    fields={"case": str, "reference": str, "relation": str},
    handlers="Linked to another case of the same complainant",
    complainant=Seen("Linked to your other case"))

# The panels. ------------------------------------------------------------------------------
PANELS_DECIDING = frozenset({Stage.FINDINGS, Stage.APPEAL})
DECISION_PROPOSED = declare("case.decision_proposed", roles=(PANEL,), stages=PANELS_DECIDING,
    keys=(H,), fields={**_DECISION, "sanctions": list}, effect=fx.proposes_decision,
    handlers="Panel decision proposed")
DECISION_SIGNED = declare("case.decision_signed", roles=(PANEL,), stages=PANELS_DECIDING,
    fields=_DECISION, effect=fx.signs_decision, handlers="A panel member signed the decision")
DECISION_DISCLOSED = declare("case.decision_disclosed", roles=(PANEL,), stages=ANY_STAGE,
    keys=(Rk,), fields=_DECISION,
    handlers="The respondent was sent the panel's decision",
    respondent=Seen("You were sent the panel's decision"))
APPEAL_DECISION_DISCLOSED = declare("case.appeal_decision_disclosed", roles=(PANEL,),
    stages=ANY_STAGE, keys=(Rk,), fields=_DECISION,
    handlers="The respondent was sent the appeal panel's decision",
    respondent=Seen("You were sent the appeal panel's decision, which is final"))

# Reads (the case's access stream). ----------------------------------------------------
CONTENT_READ = declare_read("case.content_read", part=Optional(str), what=Optional(str))
ATTACHMENT_READ = declare_read("case.attachment_read", attachment=str)
MESSAGES_READ = declare_read("case.messages_read", thread=str)

# Access to a case that names the same person as another (ombuds/vetting): asked, then
# decided. Metadata holds references and pseudonyms, never a name, a token or a purpose.
_LINK = {"request": int, "person": str}
LINK_ACCESS_REQUESTED = declare("case.link_access_requested", roles=(CM,), stages=ANY_STAGE,
    fields={**_LINK, "from_reference": str},
    handlers="The manager of a case naming the same person asked to see this case")
LINK_ACCESS_APPROVED = declare("case.link_access_approved", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields=_LINK,
    handlers="The oversight officer let the manager of a linked case see this case")
LINK_ACCESS_REFUSED = declare("case.link_access_refused", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields=_LINK,
    handlers="The oversight officer refused the manager of a linked case access")

# Collated testimony (ombuds/testimony). ----------------------------------------------------
# A complainant's testimony is her case's: consent (her own words, case key), her
# advocate's redacted text (case key, numbered drafts), her approval of one draft, and the
# withdrawal of her consent. Metadata holds draft numbers only.
TESTIMONY_CONSENTED = declare("case.testimony_consented", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE, keys=(Key.CASE,),
    handlers="The complainant agreed to an anonymised account being published",
    complainant=Seen("You agreed that an anonymised account of your experience may be "
                     "published"), handler_content=HandlerContent.EVERY_HANDLER)
TESTIMONY_DRAFTED = declare("case.testimony_drafted", roles=(R.ADVOCATE,), stages=ANY_STAGE,
    keys=(Key.CASE,), fields={"draft": int},
    handlers="The advocate prepared the anonymised account",
    complainant=Seen("Your advocate prepared your anonymised account for you to check"),
    handler_content=HandlerContent.EVERY_HANDLER)
TESTIMONY_APPROVED = declare("case.testimony_approved", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE, fields={"draft": int},
    handlers="The complainant approved the anonymised account",
    complainant=Seen("You approved your anonymised account for publication"))
TESTIMONY_WITHDRAWN = declare("case.testimony_withdrawn", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE,
    handlers="The complainant withdrew her consent to publication",
    complainant=Seen("You withdrew your consent: your account is not published"))
# fmt: on


@upcaster(SUBMITTED.type, 1)
def _submitted_v1_to_v2(metadata: Mapping[str, Any]) -> dict[str, Any]:
    # Version 1 reports written before the report could name the person carried no
    # conflict tokens; version 2 always states them, empty when she named no one.
    return {"tokens": [], **metadata}
