"""The report's question pages with JavaScript off, through the Django test client: one
topic to a page, anonymous-or-named first, Back and Change keeping her answers, errors
on each page, and nothing kept on the server before she sends."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ombuds.intake.steps import STEPS
from ombuds.people.models import Organisation
from tests.conftest import (
    Cast,
    answer_page,
    hidden_fields,
    page_form,
    step_form,
    walk_report,
)
from tests.web.test_complainant_pages import answers, database_holds, text_of

SAVE_NOTHING = "We save nothing until you send your report."


def back(client: Client, page: str) -> Any:
    """Follow the page's Back, a button of a small form carrying her answers."""
    form = page_form(page, 'name="back"')
    return client.post("/report/", {**hidden_fields(form), "back": "1"})


def step_of(page: str) -> str:
    return hidden_fields(step_form(page))["step"]


def asked(page: str) -> set[str]:
    form = step_form(page)
    return set(
        re.findall(r'<(?:input|textarea|select)\b(?![^>]*type="hidden")[^>]*name="([^"]+)"', form)
    )


def pages_walked(client: Client, data: dict[str, str]) -> list[str]:
    """Every page from the first to check answers, as she sees them."""
    page = text_of(client.get("/report/"))
    seen = [page]
    while "Check your answers" not in page:
        page = text_of(answer_page(client, page, data))
        seen.append(page)
    return seen


def test_one_topic_to_a_page_in_order_each_with_back_and_the_save_nothing_warning(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    pages = pages_walked(client, answers(organisation, anonymous="no", your_name="Sam"))
    questions = pages[:-1]
    assert [step_of(p) for p in questions] == [step.name for step in STEPS]
    assert asked(questions[0]) == {"anonymous"}  # the choice comes first, alone
    for page, step in zip(questions, STEPS, strict=True):
        assert asked(page) == set(step.fields), step.name
        assert page.count("<h1") == 1 and SAVE_NOTHING in page
        assert f"question page {STEPS.index(step) + 1} of {len(STEPS)}" in page
    assert 'href="/" class="back-link"' in questions[0]  # nothing to carry back yet
    for page in [*questions[1:], pages[-1]]:
        assert 'name="back"' in page  # a button: the answers travel in the POST
    assert SAVE_NOTHING in pages[-1]


def test_a_single_question_is_the_page_heading(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    pages = pages_walked(client, answers(organisation))
    what = next(p for p in pages if step_of(p) == "what-happened")
    assert re.search(r'<h1 class="label-wrapper"><label[^>]*for="id_what_happened"', what)
    who = next(p for p in pages if step_of(p) == "who")
    assert '<h1 class="heading-l">Who was involved</h1>' in who


def test_an_anonymous_person_is_never_asked_her_name_or_contact(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    # Even what a named answer left behind is dropped once she chooses anonymity.
    data = answers(organisation, your_name="Sam Example", contact="sam@example.org")
    for page in pages_walked(client, data):
        assert 'name="your_name"' not in page and 'name="contact"' not in page
        assert "Your name" not in page and "How can we contact you safely?" not in page
        assert "Sam Example" not in page and "sam@example.org" not in page


def test_a_named_person_is_asked_about_herself_on_the_last_page(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    pages = pages_walked(client, answers(organisation, anonymous="no", your_name="Sam"))
    assert asked(pages[-2]) == {"your_name", "your_unit", "contact"}
    assert "You will choose a password when you check your answers" in pages[-2]
    assert "Sam" in pages[-1] and 'name="password"' in pages[-1]


def test_back_returns_each_page_with_her_answers_in_it(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation, respondent_name="Councillor Grey")
    check = text_of(walk_report(client, data))
    page = text_of(back(client, check))
    assert step_of(page) == "about-you" and "Check your answers" not in page
    expected = {
        "outcome": "I want it investigated.</textarea>",
        "witnesses": "A volunteer saw it</textarea>",
        "who": 'value="Councillor Grey"',
        "when": 'value="March 2026"',
        "what-happened": "He cornered me at the conference drinks and",  # a regex, too
        "organisation": 'value="The party conference hotel"',
        "anonymous": r'value="yes"[^>]*checked',
    }
    for name, shown in expected.items():
        page = text_of(back(client, page))
        assert step_of(page) == name and re.search(shown, page), name
        assert "error-summary" not in page
    # And forward again from the first page, every answer is still there.
    assert "Check your answers" in text_of(walk_report_from(client, page, data))


def walk_report_from(client: Client, page: str, data: dict[str, str]) -> Any:
    response = answer_page(client, page, data)
    while "Check your answers" not in (page := text_of(response)):
        response = answer_page(client, page, {})  # nothing new typed: the page's own values
        assert "error-summary" not in text_of(response)
    return response


def test_every_answer_has_a_change_that_goes_to_its_page_and_back_to_check(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation)
    check = text_of(walk_report(client, data))
    changes = re.findall(r'name="change" value="([^"]+)"', check)
    assert sorted(set(changes)) == sorted(s.name for s in STEPS)
    rows = re.findall(r'<dt class="summary-list__key">', check)
    assert len(changes) == len(rows)
    change_form = page_form(check, 'name="change"')
    for step in STEPS:
        page = text_of(client.post("/report/", {**hidden_fields(change_form), "change": step.name}))
        assert step_of(page) == step.name and 'name="checking" value="1"' in page
        assert "Check your answers" in text_of(answer_page(client, page, {}))  # straight back
        assert "Check your answers" in text_of(back(client, page))  # Back too


def test_changing_to_named_asks_about_her_then_returns_to_check(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    check = text_of(walk_report(client, answers(organisation)))
    change_form = page_form(check, 'name="change"')
    first = text_of(client.post("/report/", {**hidden_fields(change_form), "change": "anonymous"}))
    about = text_of(answer_page(client, first, {"anonymous": "no"}))
    assert step_of(about) == "about-you" and "error-summary" not in about
    assert {"your_name", "contact"} <= asked(about)
    check = text_of(answer_page(client, about, {"your_name": "Sam Example"}))
    assert "Check your answers" in check and "Sam Example" in check


@pytest.mark.parametrize("step", ["nonsense", ""])
def test_an_unknown_page_starts_at_the_beginning(client: Client, db: None, step: str) -> None:
    page = text_of(client.post("/report/", {"step": step}))
    assert step_of(page) == "anonymous"


def test_a_send_missing_an_answer_shows_its_page_with_the_error(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation, people_involved="")
    page = text_of(client.post("/report/send/", {"send_token": "x" * 32, **data}))
    assert step_of(page) == "who" and "Tell us who was involved" in page
    assert 'href="#id_people_involved"' in page


def test_nothing_she_writes_is_kept_on_the_server_before_she_sends(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    data = answers(organisation, what_happened="Canary-51c2 in the lift", your_name="Canary-9d")
    data["anonymous"] = "no"
    check = text_of(walk_report(client, data))
    back(client, check)
    assert "Canary-51c2" in check
    assert database_holds("Canary-51c2") == [] and database_holds("Canary-9d") == []


def test_the_pages_stay_in_welsh_from_one_to_the_next(
    client: Client, cast: Cast, organisation: Organisation
) -> None:
    first = text_of(client.get("/cy/report/"))
    assert 'action="/cy/report/"' in first
    data = {**hidden_fields(step_form(first)), "step": "anonymous", "anonymous": "yes"}
    second = text_of(client.post("/cy/report/", data))
    assert "Ble digwyddodd hyn" in second and "Pa sefydliad yw hwn?" in second
    assert "tudalen gwestiwn 2 o 8" in second and "Nid ydym yn cadw dim" in second
