"""Refusals a party reads are given in her language. The rules and services refuse in
English (the rule modules import no Django); the pages turn the sentence into Welsh
through the catalogue where it is shown (people.forms.PlainForm.refuse, the error
middleware, the complainant's views)."""

from __future__ import annotations

import html

import pytest
from django import forms
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from ombuds.cases import lifecycle
from ombuds.decisions.forms import AppealForm
from ombuds.intake import services as intake_services
from ombuds.investigation.forms import CommentForm, RepresentationForm
from ombuds.lib.errors import DomainError
from ombuds.people.forms import PlainForm
from ombuds.people.models import Organisation
from ombuds.record.roles import Role
from ombuds.record.stages import Stage, stage_state
from ombuds.record.state import CaseFacts
from tests.web.test_complainant_pages import answers

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
