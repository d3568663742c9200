"""Threads: each side sends and reads; the other people on the case and outsiders cannot;
the respondent's thread needs her key; nothing is sent once the case has ended."""

from __future__ import annotations

import pytest

from ombuds.cases import services as case_services
from ombuds.cases.keys import open_event
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant, handler_participant
from ombuds.cases.read_models import case_events, case_state
from ombuds.intake.services import Submission
from ombuds.ledger.models import Event
from ombuds.ledger.services import access_stream, event_metadata
from ombuds.lib.errors import InvalidInput, NotFound, NotPermitted
from ombuds.messaging.models import ThreadMark
from ombuds.messaging.selectors import support_records, thread_summaries
from ombuds.messaging.services import message_send, support_record, thread_read
from ombuds.messaging.threads import (
    COMPLAINANT_ADVOCATE,
    COMPLAINANT_INVESTIGATOR,
    ENDED,
    RESPONDENT_INVESTIGATOR,
)
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.record.spec import Key
from tests.conftest import Cast
from tests.messaging.conftest import Parties, handler, key_of

CA, CI, RI = COMPLAINANT_ADVOCATE.name, COMPLAINANT_INVESTIGATOR.name, RESPONDENT_INVESTIGATOR.name


def events_count(case: Case) -> int:
    return len(case_events(case.id))


def texts(participant: Participant, thread: str) -> list[str]:
    return [m.text for m in thread_read(participant=participant, thread=thread).messages]


@pytest.mark.parametrize(
    ("thread", "first", "second"),
    [
        (CA, "complainant", "advocate"),
        (CI, "complainant", "investigator"),
        (RI, "respondent", "investigator"),
    ],
)
def test_both_sides_send_and_read(parties: Parties, thread: str, first: str, second: str) -> None:
    one: Participant = getattr(parties, first)
    other: Participant = getattr(parties, second)
    message_send(participant=one, thread=thread, text="Hello, can we talk on Friday?")
    message_send(participant=other, thread=thread, text="Yes, Friday at ten.")
    for reader in (one, other):
        assert texts(reader, thread) == ["Hello, can we talk on Friday?", "Yes, Friday at ten."]
    view = thread_read(participant=one, thread=thread)
    assert [m.from_you for m in view.messages] == [True, False]
    event = case_events(parties.case.id)[-1]
    assert event.type == events.MESSAGE_SENT.type
    assert event_metadata(event)["thread"] == thread
    assert b"Friday" not in bytes(event.body)
    assert "Friday" not in event.metadata


@pytest.mark.parametrize(
    ("thread", "outsiders"),
    [
        (CA, ("investigator", "case_manager", "respondent")),
        (CI, ("advocate", "case_manager", "respondent")),
        (RI, ("complainant", "advocate", "case_manager")),
    ],
)
def test_the_other_people_on_the_case_cannot_read_or_write(
    parties: Parties, thread: str, outsiders: tuple[str, ...]
) -> None:
    sender = parties.complainant if thread != RI else parties.respondent
    message_send(participant=sender, thread=thread, text="Only for the two of us.")
    before = events_count(parties.case)
    for name in outsiders:
        someone: Participant = getattr(parties, name)
        with pytest.raises(NotPermitted):
            thread_read(participant=someone, thread=thread)
        with pytest.raises(NotPermitted):
            message_send(participant=someone, thread=thread, text="Let me in.")
    assert events_count(parties.case) == before


def test_someone_not_on_the_case_is_not_found(
    parties: Parties, cast: Cast, make_person: object
) -> None:
    other = make_person(Role.ADVOCATE, "another-advocate")  # type: ignore[operator]
    with pytest.raises(NotFound):
        handler_participant(other, parties.case, key_of(other))
    with pytest.raises(NotFound):
        thread_read(participant=parties.complainant, thread="complainant-everyone")


def test_respondent_messages_need_the_respondent_key(parties: Parties) -> None:
    message_send(participant=parties.respondent, thread=RI, text="My side of it.")
    event = case_events(parties.case.id)[-1]
    assert event_metadata(event)["key"] == Key.RESPONDENT
    case_key_only: dict[str, bytes] = {Key.CASE: parties.investigator.case_key(Key.CASE)}
    assert open_event(event, case_key_only) is None
    assert open_event(event, parties.complainant.keys()) is None
    assert open_event(event, parties.investigator.keys()) == {
        "text": "My side of it.",
        "files": [],
    }
    # And the respondent opens nothing of the complainant's threads.
    message_send(participant=parties.complainant, thread=CI, text="What I saw.")
    assert open_event(case_events(parties.case.id)[-1], parties.respondent.keys()) is None


def test_the_investigator_threads_exist_only_once_there_is_an_investigator(
    anonymous_report: Submission, cast: Cast
) -> None:
    complainant = complainant_participant(anonymous_report.access)
    with pytest.raises(NotFound):
        thread_read(participant=complainant, thread=CI)
    state = case_state(anonymous_report.case.id)
    titles = [
        s.title
        for s in thread_summaries(
            anonymous_report.case, state, Role.COMPLAINANT, complainant.pseudonym
        )
    ]
    assert titles == ["Messages with your advocate"]
    message_send(participant=complainant, thread=CA, text="Before any investigation.")


def test_the_respondent_thread_exists_only_once_she_has_joined(
    anonymous_report: Submission, cast: Cast
) -> None:
    from tests.messaging.conftest import under_investigation

    case = under_investigation(anonymous_report, cast)
    with pytest.raises(NotFound):
        thread_read(participant=handler(cast.investigator, case), thread=RI)


def test_empty_or_too_long_messages_are_refused(parties: Parties) -> None:
    before = events_count(parties.case)
    with pytest.raises(InvalidInput, match="Write a message"):
        message_send(participant=parties.complainant, thread=CA, text="   ")
    with pytest.raises(InvalidInput, match="20,000"):
        message_send(participant=parties.complainant, thread=CA, text="x" * 20_001)
    assert events_count(parties.case) == before


def test_no_message_once_the_case_has_ended(parties: Parties, cast: Cast) -> None:
    message_send(participant=parties.complainant, thread=CA, text="Before the end.")
    case_services.case_close(
        actor=cast.case_manager,
        case=Case.objects.get(pk=parties.case.pk),
        private_key=key_of(cast.case_manager),
        reason="Resolved.",
    )
    before = events_count(parties.case)
    for sender, thread in ((parties.complainant, CA), (parties.respondent, RI)):
        with pytest.raises(InvalidInput) as refused:
            message_send(participant=sender, thread=thread, text="After the end.")
        assert refused.value.message == ENDED
    assert events_count(parties.case) == before
    view = thread_read(participant=parties.complainant, thread=CA)
    assert [m.text for m in view.messages] == ["Before the end."]  # still readable
    assert not view.can_write and view.why_not == ENDED


def test_new_messages_are_counted_until_read(parties: Parties) -> None:
    message_send(participant=parties.advocate, thread=CA, text="One.")
    message_send(participant=parties.advocate, thread=CA, text="Two.")
    message_send(participant=parties.complainant, thread=CA, text="Mine.")
    state = case_state(parties.case.id)

    def new_for_complainant() -> int:
        (summary,) = [
            s
            for s in thread_summaries(
                parties.case, state, Role.COMPLAINANT, parties.complainant.pseudonym
            )
            if s.thread.name == CA
        ]
        return summary.new

    assert new_for_complainant() == 2
    thread_read(participant=parties.complainant, thread=CA)
    assert new_for_complainant() == 0
    assert ThreadMark.objects.filter(reader=parties.complainant.pseudonym).count() == 1


def test_a_handler_reading_a_thread_is_recorded(parties: Parties) -> None:
    thread_read(participant=parties.advocate, thread=CA)
    read = Event.objects.filter(stream=access_stream(parties.case.id)).order_by("seq").last()
    assert read is not None and read.type == events.MESSAGES_READ.type
    assert event_metadata(read) == {
        "case": str(parties.case.id),
        "person": parties.advocate.pseudonym,
        "thread": CA,
    }


def test_the_advocate_records_support(parties: Parties) -> None:
    support_record(
        participant=parties.advocate, kind="safety_planning", notes="Agreed a safe route home."
    )
    event = case_events(parties.case.id)[-1]
    # The advocate's own notes: written for the handlers, never for the complainant's key.
    assert event.type == events.SUPPORT_RECORDED.type and event_metadata(event) == {
        "key": "handlers"
    }
    assert b"safe route" not in bytes(event.body)
    (entry,) = support_records(parties.advocate)
    assert (entry.kind, entry.notes) == ("Safety planning", "Agreed a safe route home.")


def test_only_the_advocate_records_support(parties: Parties) -> None:
    before = events_count(parties.case)
    for name in ("case_manager", "investigator", "complainant", "respondent"):
        with pytest.raises(NotPermitted):
            support_record(participant=getattr(parties, name), kind="listened", notes="")
    with pytest.raises(InvalidInput, match="Choose the kind"):
        support_record(participant=parties.advocate, kind="gossip", notes="")
    with pytest.raises(InvalidInput, match="Describe"):
        support_record(participant=parties.advocate, kind="other", notes=" ")
    assert events_count(parties.case) == before


def test_support_is_refused_once_the_case_has_ended(parties: Parties, cast: Cast) -> None:
    case_services.case_close(
        actor=cast.case_manager,
        case=Case.objects.get(pk=parties.case.pk),
        private_key=key_of(cast.case_manager),
        reason="Resolved.",
    )
    with pytest.raises(InvalidInput, match="ended"):
        support_record(participant=parties.advocate, kind="listened", notes="")


def test_a_handler_opening_a_file_is_recorded(parties: Parties) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ombuds.messaging.services import message_attachment_open
    from ombuds.record.events import ATTACHMENT_READ

    message_send(
        participant=parties.complainant,
        thread=CA,
        text="File.",
        upload=SimpleUploadedFile("a.txt", b"evidence\n"),
    )
    attachment_id = event_metadata(case_events(parties.case.id)[-1])["attachments"][0]
    message_attachment_open(participant=parties.complainant, attachment_id=attachment_id)
    assert not Event.objects.filter(
        stream=access_stream(parties.case.id), type=ATTACHMENT_READ.type
    )
    message_attachment_open(participant=parties.advocate, attachment_id=attachment_id)
    read = Event.objects.get(stream=access_stream(parties.case.id), type=ATTACHMENT_READ.type)
    assert event_metadata(read)["attachment"] == attachment_id
    assert read.actor_id == parties.advocate.pseudonym
