"""Disclosure of the allegations, and the respondent's response: guards refuse with their
message and change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ombuds.cases import services as case_services
from ombuds.cases.keys import open_event
from ombuds.cases.models import Case, CaseKey
from ombuds.cases.participants import complainant_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.intake.services import Submission
from ombuds.ledger.services import event_metadata
from ombuds.lib.errors import (
    ConcurrentChange,
    InvalidInput,
    NotPermitted,
    TransitionRefused,
)
from ombuds.messaging.attachments import attachment_open
from ombuds.messaging.models import Attachment
from ombuds.record import events as registry
from ombuds.record.spec import Key
from ombuds.respondents.evidence import evidence_add
from ombuds.respondents.redaction import redact, redact_all
from ombuds.respondents.selectors import evidence_sent
from ombuds.respondents.services import (
    Witness,
    allegations_disclose,
    disclosed_allegations,
    respondent_key,
    response_submit,
)
from tests.conftest import Cast
from tests.respondents.conftest import (
    ALLEGATIONS,
    DISCLOSED,
    HIDDEN,
    Respondent,
    fresh,
    handler,
    key_of,
)


def count(case: Case) -> int:
    return len(case_events(case.id))


# Redaction (pure) ------------------------------------------------------------------------


def test_redaction_removes_marked_text_and_tidies_the_gap() -> None:
    assert redact("He said [redact]to Jo Bloggs[/redact] that she was stupid.") == (
        "He said that she was stupid."
    )
    assert redact("A [REDACT]secret\nover lines[/Redact] B [redact]x[/redact].") == "A B."
    assert redact("Line one\n\nLine [redact]x[/redact] two") == "Line one\n\nLine two"


@pytest.mark.parametrize(
    "text",
    ["He said [redact]something", "He said something[/redact]", "[redact]a[/redact] [/redact]"],
)
def test_an_unpaired_marker_is_refused_rather_than_guessed(text: str) -> None:
    with pytest.raises(InvalidInput, match="without a matching"):
        redact(text, number=2)


def test_an_allegation_wholly_redacted_is_refused() -> None:
    with pytest.raises(InvalidInput, match="Allegation 1 has nothing left"):
        redact_all(["[redact]all of it[/redact]"])


def test_blank_allegations_are_dropped_and_the_rest_numbered_by_position() -> None:
    assert redact_all(["", "first", "  ", "second"]) == ["first", "second"]
    with pytest.raises(InvalidInput, match="at least one allegation"):
        redact_all(["", "   "])


# Disclosure ------------------------------------------------------------------------------


def test_disclosure_is_encrypted_for_the_respondent_with_the_redacted_text_removed(
    disclosed: Respondent, cast: Cast
) -> None:
    event = case_events(disclosed.case.id)[-1]
    assert event.type == registry.ALLEGATIONS_DISCLOSED.type
    assert event_metadata(event) == {"count": 2, "key": Key.RESPONDENT}
    assert HIDDEN.encode() not in bytes(event.body)
    assert open_event(event, disclosed.participant().keys()) == {"allegations": DISCLOSED}
    assert disclosed_allegations(disclosed.participant()) == DISCLOSED
    assert disclosed_allegations(handler(cast.investigator, disclosed.case)) == DISCLOSED
    assert case_state(disclosed.case.id).facts.respondent_told_allegations


def test_the_latest_disclosure_wins(disclosed: Respondent, cast: Cast) -> None:
    amended = ["Only this one, amended."]
    allegations_disclose(
        participant=handler(cast.investigator, disclosed.case), allegations=amended
    )
    assert disclosed_allegations(disclosed.participant()) == amended
    assert disclosed_allegations(handler(cast.case_manager, disclosed.case)) == amended


def test_nothing_disclosed_yet_is_an_empty_list(joined: Respondent) -> None:
    assert disclosed_allegations(joined.participant()) == []


def test_the_complainant_cannot_read_the_disclosure(
    disclosed: Respondent, anonymous_report: Submission
) -> None:
    with pytest.raises(NotPermitted):
        disclosed_allegations(complainant_participant(anonymous_report.access))


@pytest.mark.parametrize("role", ["case_manager", "advocate"])
def test_only_the_investigator_discloses(invited: Respondent, cast: Cast, role: str) -> None:
    before = count(invited.case)
    with pytest.raises(NotPermitted):
        allegations_disclose(
            participant=handler(getattr(cast, role), invited.case), allegations=ALLEGATIONS
        )
    assert count(invited.case) == before


def test_the_respondent_cannot_disclose(joined: Respondent) -> None:
    with pytest.raises(NotPermitted):
        allegations_disclose(participant=joined.participant(), allegations=ALLEGATIONS)


def test_disclosure_needs_the_respondent_invited(investigation: Case, cast: Cast) -> None:
    before = count(investigation)
    with pytest.raises(TransitionRefused, match="Invite the respondent"):
        allegations_disclose(
            participant=handler(cast.investigator, investigation), allegations=ALLEGATIONS
        )
    assert count(investigation) == before


def test_disclosure_is_refused_once_the_investigation_is_over(
    invited: Respondent, cast: Cast
) -> None:
    case_services.case_close(
        actor=cast.case_manager,
        case=invited.case,
        private_key=key_of(cast.case_manager),
        reason="Resolved another way.",
    )
    before = count(invited.case)
    with pytest.raises(TransitionRefused, match="while the investigation is open"):
        allegations_disclose(
            participant=handler(cast.investigator, invited.case), allegations=ALLEGATIONS
        )
    assert count(invited.case) == before


def test_bad_allegations_change_nothing(invited: Respondent, cast: Cast) -> None:
    before = count(invited.case)
    for allegations in ([], ["  "], ["[redact]unclosed"]):
        with pytest.raises(InvalidInput):
            allegations_disclose(
                participant=handler(cast.investigator, invited.case), allegations=allegations
            )
    assert count(invited.case) == before


def test_a_stale_version_is_refused(invited: Respondent, cast: Cast) -> None:
    with pytest.raises(ConcurrentChange):
        allegations_disclose(
            participant=handler(cast.investigator, invited.case),
            allegations=ALLEGATIONS,
            expected_version=invited.case.version - 1,
        )


# Her response ----------------------------------------------------------------------------

WITNESSES = [Witness(name="Pat Example", how="Was at the meeting on 10 March.")]


def test_response_and_witnesses_are_recorded_for_the_respondent_key(
    disclosed: Respondent, cast: Cast
) -> None:
    response_submit(
        participant=disclosed.participant(), response="I deny allegation 2.", witnesses=WITNESSES
    )
    response_submit(
        participant=disclosed.participant(), response="And one more thing.", witnesses=[]
    )
    events = [
        e for e in case_events(disclosed.case.id) if e.type == registry.RESPONSE_SUBMITTED.type
    ]
    assert len(events) == 2
    assert event_metadata(events[0]) == {"witnesses": 1, "key": Key.RESPONDENT}
    assert open_event(events[0], handler(cast.investigator, disclosed.case).keys()) == {
        "response": "I deny allegation 2.",
        "witnesses": [{"name": "Pat Example", "how": "Was at the meeting on 10 March."}],
    }
    assert b"I deny" not in bytes(events[0].body)


def test_response_before_disclosure_is_refused(joined: Respondent) -> None:
    before = count(fresh(joined.case))
    with pytest.raises(TransitionRefused, match="once you have been told the allegations"):
        response_submit(participant=joined.participant(), response="I deny it.", witnesses=[])
    assert count(joined.case) == before


def test_response_after_closure_is_refused(disclosed: Respondent, cast: Cast) -> None:
    case_services.case_close(
        actor=cast.case_manager,
        case=fresh(disclosed.case),
        private_key=key_of(cast.case_manager),
        reason="Resolved another way.",
    )
    before = count(disclosed.case)
    with pytest.raises(TransitionRefused, match="case has ended"):
        response_submit(participant=disclosed.participant(), response="I deny it.", witnesses=[])
    assert count(disclosed.case) == before


def test_only_the_respondent_responds(disclosed: Respondent, cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        response_submit(
            participant=handler(cast.investigator, disclosed.case), response="x", witnesses=[]
        )


@pytest.mark.parametrize(
    ("response", "witnesses", "message"),
    [
        ("  ", [], "Write your response, or name at least one witness"),
        ("I deny it.", [Witness(name=" ", how="Saw it")], "Give the name of witness 1"),
        ("x" * 50_001, [], "50,000 characters or fewer"),
    ],
)
def test_bad_responses_change_nothing(
    disclosed: Respondent, response: str, witnesses: list[Witness], message: str
) -> None:
    before = count(disclosed.case)
    with pytest.raises(InvalidInput, match=message):
        response_submit(participant=disclosed.participant(), response=response, witnesses=witnesses)
    assert count(disclosed.case) == before


# Her evidence ----------------------------------------------------------------------------


def a_file(data: bytes = b"My notes of 10 March.\n", name: str = "notes.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/plain")


def test_evidence_is_stored_for_the_respondent_key(joined: Respondent, cast: Cast) -> None:
    evidence_add(
        participant=joined.participant(),
        upload=a_file(),
        description="My notes",
        keep_original=False,
    )
    event = case_events(joined.case.id)[-1]
    assert event.type == registry.EVIDENCE_ADDED.type
    meta = event_metadata(event)
    assert meta["key"] == Key.RESPONDENT and set(meta) == {"attachment", "key"}
    assert open_event(event, joined.participant().keys()) == {
        "filename": "notes.txt",
        "description": "My notes",
    }
    for reader in (joined.participant(), handler(cast.investigator, joined.case)):
        opened = attachment_open(participant=reader, attachment_id=meta["attachment"])
        assert opened.data == b"My notes of 10 March.\n" and opened.filename == "notes.txt"
    assert [e.description for e in evidence_sent(joined.participant())] == ["My notes"]


def test_refused_evidence_leaves_nothing(joined: Respondent, cast: Cast) -> None:
    before = count(joined.case)
    with pytest.raises(InvalidInput, match="cannot be sent"):
        evidence_add(
            participant=joined.participant(),
            upload=a_file(b"MZ\x90\x00\x03binary", "x.exe"),
            description="",
            keep_original=False,
        )
    with pytest.raises(NotPermitted):
        evidence_add(
            participant=handler(cast.investigator, joined.case),
            upload=a_file(),
            description="",
            keep_original=False,
        )
    assert count(joined.case) == before
    case_services.case_close(
        actor=cast.case_manager,
        case=fresh(joined.case),
        private_key=key_of(cast.case_manager),
        reason="Resolved another way.",
    )
    before = count(joined.case)
    with pytest.raises(TransitionRefused, match="case has ended"):
        evidence_add(
            participant=joined.participant(),
            upload=a_file(),
            description="",
            keep_original=False,
        )
    assert count(joined.case) == before
    assert not Attachment.objects.exists()


def test_a_handler_without_the_respondent_key_cannot_make_a_second_one(
    joined: Respondent, cast: Cast
) -> None:
    investigator = handler(cast.investigator, joined.case)
    revoke = CaseKey.objects.filter(holder=investigator.holder, purpose=Key.RESPONDENT)
    revoke.delete()
    with pytest.raises(InvalidInput, match="not been shared with you"):
        respondent_key(investigator)
    # Everyone else's copy is the one the respondent holds, untouched.
    key = joined.participant().case_key(Key.RESPONDENT)
    assert handler(cast.case_manager, joined.case).case_key(Key.RESPONDENT) == key
