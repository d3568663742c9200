"""The investigation: interviews, the draft report and the final findings.

Interview notes are written with the key of the person interviewed, so she can check
them: the respondent's with the respondent key, everyone else's with the case key. The
draft report is shared twice, once per key, with the same number, so each party reads it
with her own key and comments for factual accuracy. Findings can be made final only by
the lifecycle's `record_findings`, whose guard stands for due process.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.db import transaction

from ombuds.cases.commands import case_record
from ombuds.cases.lifecycle import RESPONDENT_HEARD, check_transition, transition_named
from ombuds.cases.models import Case, CaseKey
from ombuds.cases.participants import Participant
from ombuds.cases.read_models import case_state
from ombuds.investigation.rules import (
    COMMENT_WORKING_DAYS,
    INTERVIEWEES,
    STANDARD,
    clean_findings,
    clean_text,
    comment_window_closed,
)
from ombuds.investigation.selectors import draft_status, findings_final, interviews_of, today
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted, TransitionRefused
from ombuds.people.models import HANDLER_ROLES
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from ombuds.record.stages import Stage
from ombuds.respondents.services import disclosed_allegations, respondent_key

INVESTIGATING = frozenset({Stage.INVESTIGATION})
MAX_WITNESS = 200
OLDEST_INTERVIEW = timedelta(days=3 * 365)
Findings = Mapping[int, tuple[str, str]]  # allegation number: (outcome, reasons)


def _require(participant: Participant, role: Role, what: str) -> None:
    if participant.role != role:
        raise NotPermitted(f"Only {what}.")


def respondent_channel(participant: Participant) -> None:
    """Make sure this handler can write what the respondent may read.

    The respondent key is made on first use; a handler without her copy of an existing
    key must not make a second one (the first would stop opening for everyone else)."""
    if participant.role not in HANDLER_ROLES:
        raise NotPermitted("Only a handler writes to the respondent.")
    if Key.RESPONDENT in participant.keys():
        return
    if CaseKey.objects.filter(case=participant.case, purpose=Key.RESPONDENT).exists():
        raise InvalidInput(
            "You do not hold the respondent's key for this case. Ask the case manager to check "
            "that you were allocated before the respondent was invited."
        )
    respondent_key(participant)


def _told_allegations(case: Case) -> bool:
    return case_state(case.id).facts.respondent_told_allegations


# Interviews ------------------------------------------------------------------------------


def interview_record(
    *,
    participant: Participant,
    interviewee: str,
    notes: str,
    held_on: date,
    witness: str = "",
    expected_version: int | None = None,
) -> int:
    """The investigator records the notes of an interview; returns its number.

    The respondent's interview is written with the respondent key (she checks it), and
    only once she has been told the allegations; the others with the case key. A
    witness is described by name or role, encrypted like the notes."""
    _require(participant, Role.INVESTIGATOR, "the investigator records interviews")
    if interviewee not in INTERVIEWEES:
        raise InvalidInput("Choose who was interviewed.")
    notes = clean_text(notes, missing="Enter the interview notes.", name="The notes")
    witness = witness.strip()
    if interviewee == "witness" and not witness:
        raise InvalidInput("Enter the witness's name, or a description of who they are.")
    if len(witness) > MAX_WITNESS:
        raise InvalidInput(f"The witness's name must be {MAX_WITNESS} characters or fewer.")
    if held_on > today() or held_on < today() - OLDEST_INTERVIEW:
        raise InvalidInput("Enter the date the interview was held: today or earlier.")
    # Each interviewee checks her own notes; a witness's stay with the handlers.
    key = {"respondent": Key.RESPONDENT, "complainant": Key.CASE}.get(interviewee, Key.HANDLERS)
    with transaction.atomic():
        if key == Key.RESPONDENT:
            if not _told_allegations(participant.case):
                raise TransitionRefused(
                    "The respondent must be told the allegations in writing before her "
                    "interview is recorded."
                )
            respondent_channel(participant)
        number = len(interviews_of(participant.case)) + 1
        case_record(
            participant,
            events.INTERVIEW_RECORDED,
            expected_version=expected_version,
            content={
                "notes": notes,
                "held_on": held_on.isoformat(),
                "witness": witness if interviewee == "witness" else "",
            },
            metadata={"interview": number, "interviewee": interviewee},
            key=key,
        )
    return number


def interview_comment(*, participant: Participant, interview: int, text: str) -> Case:
    """The person interviewed comments on the accuracy of her own interview notes."""
    if participant.role not in {Role.COMPLAINANT, Role.RESPONDENT}:
        raise NotPermitted("Only the person interviewed can comment on her interview notes.")
    text = clean_text(text, missing="Enter your comments on the notes.", name="Your comments")
    with transaction.atomic():
        own = [
            i
            for i in interviews_of(participant.case)
            if i.number == interview and i.interviewee == participant.role.value
        ]
        if not own:
            raise NotFound("No such interview.")
        return case_record(
            participant,
            events.INTERVIEW_COMMENTED,
            content={"text": text},
            metadata={"interview": interview},
            key=Key.RESPONDENT if participant.role == Role.RESPONDENT else Key.CASE,
        )


def interview_declined_record(
    *, participant: Participant, offered: str, answer: str, expected_version: int | None = None
) -> Case:
    """The investigator records that the respondent, told the allegations, was offered an
    interview and declined it: the dates offered and her answer. Written with the
    respondent key, so she reads what was recorded about her."""
    _require(participant, Role.INVESTIGATOR, "the investigator records a declined interview")
    offered = clean_text(
        offered,
        missing="Enter the dates and times offered, and how they were offered.",
        name="The dates offered",
    )
    answer = clean_text(answer, missing="Enter the respondent's answer.", name="Her answer")
    with transaction.atomic():
        if not _told_allegations(participant.case):
            raise TransitionRefused(
                "An interview can be offered only once the respondent has been told the "
                "allegations in writing."
            )
        respondent_channel(participant)
        return case_record(
            participant,
            events.INTERVIEW_DECLINED,
            expected_version=expected_version,
            content={"offered": offered, "answer": answer},
            key=Key.RESPONDENT,
        )


# The draft report ----------------------------------------------------------------------------

DRAFT_BEFORE_HEARD = (
    "A draft report cannot be shared until the respondent has been told the allegations and "
    "interviewed, or has declined a recorded opportunity to be interviewed."
)


def _report(participant: Participant, findings: Findings, summary: str) -> dict[str, object]:
    return {
        "standard": STANDARD,
        "summary": clean_text(
            summary, missing="Enter a summary of the report.", name="The summary"
        ),
        "findings": clean_findings(disclosed_allegations(participant), findings),
    }


def draft_report_share(
    *,
    participant: Participant,
    findings: Findings,
    summary: str,
    expected_version: int | None = None,
) -> int:
    """The investigator shares a draft report, one finding per disclosed allegation, with
    both parties for comment on its factual accuracy; returns the draft's number."""
    _require(participant, Role.INVESTIGATOR, "the investigator shares the draft report")
    with transaction.atomic():
        state = case_state(participant.case.id)
        if state.stage != Stage.INVESTIGATION:
            raise TransitionRefused("A draft report is shared while the investigation is open.")
        if not RESPONDENT_HEARD.holds(state.facts):
            raise TransitionRefused(DRAFT_BEFORE_HEARD)
        content = _report(participant, findings, summary)
        respondent_channel(participant)
        number = draft_status(participant.case).number + 1
        for index, key in enumerate((Key.CASE, Key.RESPONDENT)):
            case_record(
                participant,
                events.DRAFT_REPORT_SHARED,
                expected_version=expected_version if index == 0 else None,
                content={"draft": number, **content},
                metadata={"draft": number},
                key=key,
            )
    return number


def draft_report_comment(*, participant: Participant, draft: int, text: str) -> Case:
    """The complainant or the respondent comments on the latest draft's factual accuracy,
    with her own key. Refused if a newer draft was shared meanwhile (she reads it first)."""
    if participant.role not in {Role.COMPLAINANT, Role.RESPONDENT}:
        raise NotPermitted("Only the complainant or the respondent comments on the draft.")
    text = clean_text(text, missing="Enter your comments on the draft.", name="Your comments")
    with transaction.atomic():
        if findings_final(participant.case):
            raise TransitionRefused("The findings are final, so the draft is closed to comments.")
        latest = draft_status(participant.case).number
        if not latest:
            raise NotFound("There is no draft report yet.")
        if draft != latest:
            raise InvalidInput(
                "A newer draft was shared while you were writing. Read it, then send your "
                "comments again: what you wrote is kept below."
            )
        return case_record(
            participant,
            events.DRAFT_REPORT_COMMENTED,
            content={"text": text},
            metadata={"draft": draft},
            key=Key.RESPONDENT if participant.role == Role.RESPONDENT else Key.CASE,
        )


# The findings ------------------------------------------------------------------------------


def findings_refusal(participant: Participant) -> str | None:
    """Why the findings cannot be recorded now (the due-process guard first), or None."""
    state = case_state(participant.case.id)
    try:
        check_transition(
            transition_named("record_findings"),
            stage=state.stage,
            role=participant.role,
            facts=state.facts,
        )
    except TransitionRefused as exc:
        return exc.message
    latest = draft_status(participant.case)
    if latest.shared_at is None:
        return "Share a draft report with both parties for comment before recording the findings."
    both = {Role.COMPLAINANT.value, Role.RESPONDENT.value} <= latest.commented_by
    if not comment_window_closed(
        shared_on=latest.shared_at.date(), today=today(), both_commented=both
    ):
        shared = f"{latest.shared_at.day} {latest.shared_at:%B %Y}"
        return (
            f"Both parties have {COMMENT_WORKING_DAYS} working days to comment on draft "
            f"{latest.number} (shared on {shared}) unless both have already commented."
        )
    return None


def findings_record(
    *,
    participant: Participant,
    findings: Findings,
    summary: str,
    expected_version: int | None = None,
) -> Case:
    """The investigator makes the findings final, one per disclosed allegation.

    The lifecycle's due-process guard refuses until the respondent has been told the
    allegations and interviewed or has declined a recorded opportunity; a draft must
    have been shared and both parties given time to comment. The findings are recorded
    with the case key and a copy is disclosed to the respondent with hers."""
    if participant.role != Role.INVESTIGATOR:
        raise NotPermitted("Only the investigator records the findings.")
    with transaction.atomic():
        refusal = findings_refusal(participant)
        if refusal is not None:
            raise TransitionRefused(refusal)
        draft = draft_status(participant.case).number
        content = {"draft": draft, **_report(participant, findings, summary)}
        respondent_channel(participant)
        if expected_version is None:  # no form: act on the case as it is now
            expected_version = case_state(participant.case.id).version
        case_record(
            participant,
            events.FINDINGS_RECORDED,
            expected_version=expected_version,
            content=content,
            metadata={"draft": draft},
        )
        return case_record(
            participant,
            events.FINDINGS_DISCLOSED,
            content=content,
            metadata={"draft": draft},
            key=Key.RESPONDENT,
        )
