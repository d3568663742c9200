"""Refusals a party reads are given in her language. The rules and services refuse in
English (the rule modules import no Django); the pages turn the sentence into Welsh
through the catalogue where it is shown (people.forms.PlainForm.refuse, the error
middleware, the complainant's views)."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ombuds.cases import lifecycle
from ombuds.decisions.forms import AppealForm
from ombuds.intake import services as intake_services
from ombuds.intake.services import Submission
from ombuds.investigation.forms import CommentForm, RepresentationForm
from ombuds.investigation.models import InterimMeasure
from ombuds.lib.errors import DomainError
from ombuds.messaging import files, threads
from ombuds.people.forms import PlainForm
from ombuds.people.models import Organisation
from ombuds.record.roles import Role
from ombuds.record.stages import Stage, stage_state
from ombuds.record.state import CaseFacts
from tests.conftest import Cast, sign_in_with_receipt
from tests.investigation.conftest import World, make_world
from tests.web.test_complainant_pages import answers, text_of

# The lifecycle's and services' refusals a complainant or respondent can meet.
PARTY_REFUSALS = [
    lifecycle.NO_RISK_TO_OTHERS.refusal,
    lifecycle.REFERRAL_ALLOWED.refusal,
    lifecycle.APPEAL_OPEN.refusal,
    intake_services.FORM_EXPIRED,
    "You have already asked to withdraw.",
    "This case has already ended.",
    "This case has ended, so information can no longer be added.",
    "That invitation code is not right, or has already been used.",
    "The case has ended, so a response can no longer be sent.",
    # The matching escrow's, on her entry's page.
    "A first name alone matches too many people. Add the person's surname.",
    "Say which organisation or unit the person belongs to.",
    "Give at least one way to identify the person.",
    "This check-in has already been answered.",
]


@pytest.mark.parametrize("refusal", PARTY_REFUSALS)
def test_a_refusal_a_party_reads_has_welsh(refusal: str) -> None:
    with translation.override("cy"):
        assert gettext(refusal) != refusal


def test_a_refused_form_shows_the_refusal_in_her_language() -> None:
    with translation.override("cy"):
        form = PlainForm({})
        form.is_valid()
        form.refuse("You have already asked to withdraw.")
        assert form.non_field_errors() == ["Rydych chi eisoes wedi gofyn am dynnu'n ôl."]


@pytest.mark.parametrize("form", [AppealForm, CommentForm, RepresentationForm])
def test_the_parties_forms_in_the_investigation_and_decision_are_in_welsh(
    form: type[forms.Form],
) -> None:
    for field in form.base_fields.values():
        for text in (field.label, field.help_text, field.error_messages.get("required")):
            if text and not field.widget.is_hidden:
                english = str(text)
                with translation.override("cy"):
                    assert str(text) != english, english


@pytest.mark.django_db
def test_an_expired_send_form_says_so_in_welsh(organisation: Organisation) -> None:
    response = Client().post("/cy/report/send/", {**answers(organisation), "send_token": "x"})
    page = html.unescape(response.content.decode())
    assert "Mae'r ffurflen hon wedi dod i ben." in page
    assert intake_services.FORM_EXPIRED not in page


def _refusal(name: str, stage: Stage, role: Role, reason: str | None = None) -> str:
    with pytest.raises(DomainError) as refused:
        lifecycle.check_transition(
            lifecycle.transition_named(name), stage=stage, role=role, facts=CaseFacts(),
            reason=reason,
        )  # fmt: skip
    return refused.value.message


def test_a_refusal_put_together_from_parts_reads_whole_in_welsh() -> None:
    """The lifecycle's refusals name the stage and the action: each part is a word of the
    catalogue, so the sentence is Welsh throughout, and still English in English."""
    assert (
        _refusal("withdraw", Stage.CLOSED, Role.COMPLAINANT)
        == "This case is closed; it cannot be withdrawn now."
    )
    with translation.override("cy"):
        assert (
            _refusal("withdraw", Stage.CLOSED, Role.COMPLAINANT)
            == "Mae'r achos hwn ar gau, felly ni ellir tynnu'r gŵyn yn ôl nawr."
        )
        assert (
            _refusal("close", Stage.INVESTIGATION, Role.CASE_MANAGER)
            == "Rhaid cofnodi rheswm er mwyn cau'r achos."
        )


def test_every_part_of_a_put_together_refusal_has_welsh() -> None:
    parts = [stage_state(None), *(stage_state(stage) for stage in Stage)]
    parts += [t.label.lower() for t in (lifecycle.SUBMIT, *lifecycle.TRANSITIONS)]
    with translation.override("cy"):
        assert [part for part in parts if gettext(part) == part] == []


def test_the_words_of_outcomes_sanctions_and_measures_a_party_reads_have_welsh() -> None:
    """Decisions, findings and interim measures are worded by rule modules (no Django); the
    parties' pages translate each word where it is shown."""
    from ombuds.investigation.rules import MEASURE_KINDS, STATUS_WORDS
    from ombuds.record.outcomes import CATALOGUE, OUTCOMES

    words = [*OUTCOMES.values(), *(sanction.words for sanction in CATALOGUE)]
    words += [kind[0] for kind in MEASURE_KINDS.values()] + list(STATUS_WORDS.values())
    with translation.override("cy"):
        assert [word for word in words if gettext(word) == word] == []


# Messages, evidence files, delays, the draft report and interim measures -----------------

# Every refusal of a file (messaging.files), and the sentences of the message services.
FILE_AND_MESSAGE_REFUSALS = [
    files.NOT_ALLOWED,
    files.TOO_LARGE,
    files.EMPTY,
    files.PDF_TOO_LARGE,
    files.IMAGE_TOO_LARGE,
    files.IMAGE_FAR_TOO_LARGE,
    files.DAMAGED,
    files.LOCKED_PDF,
    threads.ENDED,
    threads.NOT_NOW,
    "Write a message, or attach a file.",
    "You described a file but did not choose one. Choose the file.",
    "Your message must be %(limit)s characters or fewer.",
    "The description of the file must be %(limit)s characters or fewer.",
    # The draft report and the respondent's representations on an interim measure.
    "The findings are final, so the draft is closed to comments.",
    "A newer draft was shared while you were writing. Read it, then send your comments "
    "again: what you wrote is kept below.",
    "Measure %(number)s has not been approved, so it is not in force.",
    "Measure %(number)s lapsed at its review date, %(day)s %(month)s %(year)s; nothing can "
    "be done on it now. Propose a new measure if one is still needed.",
    "Measure %(number)s has been lifted.",
    # Asking for an update.
    "You can ask for an update when you have heard nothing for %(days)s working days, and "
    "once until it is answered.",
]


@pytest.mark.parametrize("refusal", FILE_AND_MESSAGE_REFUSALS)
def test_a_refusal_of_a_file_a_message_a_draft_or_a_measure_has_welsh(refusal: str) -> None:
    with translation.override("cy"):
        assert gettext(refusal) != refusal


@pytest.mark.parametrize(
    ("data", "welsh"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "Ni ellir anfon y math hwn o ffeil."),
        (b"%PDF-1.7\nthis is not really a pdf", "Nid oedd modd darllen y ffeil fel PDF."),
        (b"\xff\xd8\xff\xe0 not a jpeg", "Nid oedd modd darllen y ffeil fel delwedd JPEG."),
        (b"", "Mae'r ffeil a ddewiswyd yn wag."),
    ],
)
def test_a_refused_file_is_told_in_welsh_with_its_kind_in_welsh(data: bytes, welsh: str) -> None:
    with pytest.raises(files.FileRefused) as refused:
        files.prepare(data)
    assert not refused.value.message.startswith(welsh)  # English outside a Welsh page
    with translation.override("cy"):
        assert refused.value.message.startswith(welsh), refused.value.message


def test_the_size_of_a_refused_image_is_filled_in_after_the_sentence_is_translated() -> None:
    refused = files.FileRefused(files.IMAGE_TOO_LARGE, width="7745", height="7745")
    assert "too large to process (7745 x 7745 pixels)" in refused.message
    with translation.override("cy"):
        assert "rhy fawr i'w phrosesu (7745 x 7745 picsel)" in refused.message


def _complainant(report: Submission) -> Client:
    client = Client()
    assert report.receipt
    sign_in_with_receipt(client, report.receipt)
    return client


MESSAGES = "/cy/my-report/messages/complainant-advocate/"


@pytest.mark.django_db
def test_a_refused_file_on_her_message_page_is_told_in_welsh_at_the_field(
    anonymous_report: Submission,
) -> None:
    client = _complainant(anonymous_report)
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    refused = client.post(MESSAGES, {"text": "Neges", "file": exe})
    page = text_of(refused)
    assert refused.status_code == 400
    at_the_field = '<p class="error-message" id="id_file-error"><span class="visually-hidden">'
    assert f"{at_the_field}Gwall:</span> Ni ellir anfon y math hwn o ffeil." in page
    assert files.NOT_ALLOWED not in page
    described = text_of(client.post(MESSAGES, {"text": "Neges", "description": "llun"}))
    assert "Fe wnaethoch ddisgrifio ffeil ond heb ddewis un." in described
    assert "You described a file" not in described


@pytest.mark.django_db
def test_her_message_page_its_notice_and_its_back_link_are_in_welsh(
    anonymous_report: Submission,
) -> None:
    client = _complainant(anonymous_report)
    page = text_of(client.post(MESSAGES, {"text": "Neges"}, follow=True))
    assert "Mae eich neges wedi'i hanfon." in page
    assert '<h1 class="heading-l">Negeseuon gyda\'ch eiriolwr</h1>' in page
    assert '<h3 class="timeline__title">Chi</h3>' in page
    assert "Dim ond eich eiriolwr a chi all eu darllen." in page
    with translation.override("cy"):
        back = gettext("Your messages")
    assert f'class="back-link">{back}</a>' in page
    for english in ("Your message has been sent.", "Messages with your advocate", ">You<"):
        assert english not in page
    threads_page = text_of(client.get("/cy/my-report/messages/"))
    assert "Negeseuon gyda'ch eiriolwr" in threads_page


@pytest.mark.django_db
def test_the_delay_page_and_asking_too_soon_are_in_welsh(anonymous_report: Submission) -> None:
    client = _complainant(anonymous_report)
    page = text_of(client.get("/cy/my-report/delays/"))
    assert '<h1 class="heading-l">Oedi ar eich achos</h1>' in page
    assert "Os na fyddwch yn clywed dim gennym am 20 diwrnod gwaith" in page
    assert "Delays on your case" not in page
    refused = client.post("/cy/my-report/delays/ask/")
    assert refused.status_code == 400
    assert "Gallwch ofyn am ddiweddariad pan nad ydych wedi clywed dim gennym am 20 diwrnod" in (
        text_of(refused)
    )
    assert "You can ask for an update" not in text_of(refused)


def test_every_word_of_the_delay_register_a_party_reads_has_welsh() -> None:
    """The register on the parties' delay page: what happened, the deadline, the reason."""
    from ombuds.deadlines.selectors import _WHAT
    from ombuds.timetable.rules import DELAY_REASONS
    from ombuds.timetable.service_levels import SERVICE_LEVELS

    words = [*_WHAT.values(), *DELAY_REASONS.values(), *(s.covers for s in SERVICE_LEVELS)]
    with translation.override("cy"):
        assert [word for word in words if gettext(word) == word] == []


@pytest.fixture
def world(anonymous_report: Submission, cast: Cast) -> World:
    return make_world(anonymous_report, cast)


@pytest.mark.django_db
def test_a_refused_file_on_the_respondents_evidence_page_is_told_in_welsh(world: World) -> None:
    world.disclose()
    client = world.respondent_client()
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 100)
    refused = client.post("/cy/respond/evidence/", {"file": exe, "description": "Llun"})
    page = text_of(refused)
    assert refused.status_code == 400
    assert "Ni ellir anfon y math hwn o ffeil." in page and files.NOT_ALLOWED not in page


@pytest.mark.django_db
def test_a_comment_on_a_replaced_draft_is_refused_in_welsh_and_kept(world: World) -> None:
    world.disclose()
    world.interview("respondent")
    first = world.share_draft()
    client = world.complainant_client()
    world.share_draft()  # a newer draft while she writes
    refused = client.post(
        "/cy/my-report/draft-report/", {"draft": first, "text": "Mae'r dyddiad yn anghywir."}
    )
    page = text_of(refused)
    assert refused.status_code == 400 and "Mae'r dyddiad yn anghywir." in page
    assert "Cafodd drafft mwy diweddar ei rannu tra oeddech yn ysgrifennu." in page
    assert "A newer draft was shared" not in page


@pytest.mark.django_db
def test_representations_on_a_lapsed_measure_are_refused_in_welsh(world: World) -> None:
    number = world.approved_measure(days=3)
    review_date = InterimMeasure.objects.get().review_date
    later = datetime.combine(review_date + timedelta(days=1), time(9), tzinfo=UTC)
    with time_machine.travel(later):
        client = world.respondent_client()
        refused = client.post(f"/cy/respond/measures/{number}/", {"text": "Nid yw'n deg."})
    with translation.override("cy"):
        month = gettext(f"{review_date:%B}")
    page = text_of(refused)
    assert refused.status_code == 400
    assert (
        f"Daeth mesur {number} i ben ar ei ddyddiad adolygu, "
        f"{review_date.day} {month} {review_date.year};"
    ) in page
    assert "lapsed at its review date" not in page
