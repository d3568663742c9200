"""Each party sees her own copy of events written once per key, and nothing of the other's.

Moved from the old per-reader word tables: the answers now come from the registry rows.
"""

from collections.abc import Mapping

from ombuds.record import events
from ombuds.record.readers import handler_reads_content, seen_by_party, shown_to_handlers
from ombuds.record.roles import Role

CPL, RESP = Role.COMPLAINANT, Role.RESPONDENT


def _seen(reader: Role, spec: events.EventSpec, meta: Mapping[str, object]) -> bool:
    return seen_by_party(reader, spec.type, meta) is not None


def test_draft_report_is_shown_once_to_each_party() -> None:
    for_complainant = {"draft": 1}
    for_respondent = {"draft": 1, "key": "respondent"}
    shared = events.DRAFT_REPORT_SHARED
    assert _seen(CPL, shared, for_complainant)
    assert not _seen(CPL, shared, for_respondent)
    assert _seen(RESP, shared, for_respondent)
    assert not _seen(RESP, shared, for_complainant)
    assert shown_to_handlers(shared.type, for_complainant)
    assert not shown_to_handlers(shared.type, for_respondent)


def test_each_party_sees_only_her_own_interview() -> None:
    interview = events.INTERVIEW_RECORDED
    assert _seen(CPL, interview, {"interviewee": "complainant"})
    assert not _seen(CPL, interview, {"interviewee": "witness"})
    assert not _seen(CPL, interview, {"interviewee": "respondent", "key": "respondent"})
    assert _seen(RESP, interview, {"interviewee": "respondent", "key": "respondent"})
    assert not _seen(RESP, interview, {"interviewee": "complainant"})


def test_private_events_are_never_shown_to_the_other_party() -> None:
    assert not _seen(RESP, events.INFORMATION_ADDED, {})
    assert not _seen(RESP, events.SUBMITTED, {})
    # She is told the respondent answered (in words); what he wrote is not hers to read.
    assert _seen(CPL, events.RESPONSE_SUBMITTED, {"key": "respondent"})


def test_every_party_event_has_handler_words() -> None:
    for spec in events.all_specs():
        if spec.complainant is not None or spec.respondent is not None:
            assert spec.handlers, spec.type


def test_the_advocate_reads_the_complainant_side_only() -> None:
    adv = Role.ADVOCATE
    assert handler_reads_content(adv, events.SUBMITTED.type, "complainant", {})
    assert not handler_reads_content(adv, events.RESPONSE_SUBMITTED.type, "respondent", {})
    assert not handler_reads_content(adv, events.MEASURE_PROPOSED.type, "investigator", {})
    hers = {"interviewee": "complainant"}
    assert handler_reads_content(adv, events.INTERVIEW_RECORDED.type, "investigator", hers)
    witness = {"interviewee": "witness"}
    assert not handler_reads_content(adv, events.INTERVIEW_RECORDED.type, "investigator", witness)
    assert handler_reads_content(adv, events.APPEALED.type, "complainant", {})
    assert not handler_reads_content(adv, events.APPEALED.type, "respondent", {})


def test_messages_are_never_read_in_the_case_file() -> None:
    for role in (Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR, Role.PANEL_MEMBER):
        assert not handler_reads_content(role, events.MESSAGE_SENT.type, "complainant", {})
        assert not handler_reads_content(role, events.SUPPORT_RECORDED.type, "advocate", {})
    assert handler_reads_content(Role.CASE_MANAGER, events.RESPONSE_SUBMITTED.type, "x", {})
