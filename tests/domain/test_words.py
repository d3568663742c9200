"""Each party sees her own copy of events written once per key, and nothing of the other's."""

from ombuds.cases.words import COMPLAINANT_WORDS, HANDLER_WORDS, RESPONDENT_WORDS, shown_to


def test_draft_report_is_shown_once_to_each_party() -> None:
    for_complainant = {"draft": 1}
    for_respondent = {"draft": 1, "key": "respondent"}
    event = "case.draft_report_shared"
    assert shown_to("complainant", event, for_complainant)
    assert not shown_to("complainant", event, for_respondent)
    assert shown_to("respondent", event, for_respondent)
    assert not shown_to("respondent", event, for_complainant)


def test_each_party_sees_only_her_own_interview() -> None:
    event = "case.interview_recorded"
    assert shown_to("complainant", event, {"interviewee": "complainant"})
    assert not shown_to("complainant", event, {"interviewee": "witness"})
    assert not shown_to("complainant", event, {"interviewee": "respondent", "key": "respondent"})
    assert shown_to("respondent", event, {"interviewee": "respondent", "key": "respondent"})
    assert not shown_to("respondent", event, {"interviewee": "complainant"})


def test_private_events_are_never_shown_to_the_other_party() -> None:
    assert not shown_to("respondent", "case.information_added", {})
    assert not shown_to("respondent", "case.submitted", {})
    # She is told the respondent answered (in words); what he wrote is not hers to read.
    assert shown_to("complainant", "case.response_submitted", {"key": "respondent"})


def test_every_party_event_has_handler_words() -> None:
    assert set(COMPLAINANT_WORDS) - set(HANDLER_WORDS) == set()
    assert set(RESPONDENT_WORDS) - set(HANDLER_WORDS) == set()
