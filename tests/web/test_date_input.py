"""GOV.UK's date input: three labelled boxes, a message naming what is missing, and what
she typed kept when the form comes back."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django import forms
from django.test import Client

from ombuds.lib.date_input import MemorableDateField
from ombuds.people.forms import PlainForm
from ombuds.people.models import Organisation
from tests.conftest import PASSWORD, Cast, sign_in


class HearingForm(PlainForm):
    held_on = MemorableDateField(label="Date of the hearing", required="Enter the date")
    note = forms.CharField(required=False)


def errors_of(data: dict[str, str]) -> list[str]:
    form = HearingForm(data)
    assert not form.is_valid()
    return [str(e) for e in form.errors["held_on"]]


def test_a_whole_date_is_read() -> None:
    form = HearingForm({"held_on_day": " 4 ", "held_on_month": "01", "held_on_year": "2027"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["held_on"] == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the date"),
        (("", "3", "2027"), "Date of the hearing must include a day"),
        (("14", "", "2027"), "Date of the hearing must include a month"),
        (("14", "3", ""), "Date of the hearing must include a year"),
        (("30", "2", "2027"), "Date of the hearing must be a real date"),
        (("14", "March", "2027"), "Date of the hearing must be a real date"),
        (("14", "3", "27"), "Year must include 4 numbers"),
        # Digits to str.isdigit that int() refuses, and more digits than int() reads.
        (("²", "3", "2027"), "Date of the hearing must be a real date"),
        (("14", "3", "202³"), "Date of the hearing must be a real date"),
        (("9" * 5000, "3", "2027"), "Date of the hearing must be a real date"),
    ],
)
def test_each_mistake_gets_its_own_message(typed: tuple[str, str, str], message: str) -> None:
    day, month, year = typed
    data = {"held_on_day": day, "held_on_month": month, "held_on_year": year}
    assert errors_of(data) == [message]


def test_the_boxes_are_labelled_and_keep_what_she_typed() -> None:
    form = HearingForm({"held_on_day": "30", "held_on_month": "2", "held_on_year": "2027"})
    assert not form.is_valid()
    page = str(form["held_on"])
    for part, label, value in (
        ("day", "Day", "30"),
        ("month", "Month", "2"),
        ("year", "Year", "2027"),
    ):
        box = re.search(rf'<input [^>]*name="held_on_{part}"[^>]*>', page)
        assert box, part
        assert f'value="{value}"' in box.group(0) and 'inputmode="numeric"' in box.group(0)
        box_id = re.search(r'id="([^"]+)"', box.group(0))
        assert (
            box_id
            and f'<label class="label date-input__label" for="{box_id.group(1)}">{label}</label>'
            in page
        )
    # The error summary links to the first box.
    assert form["held_on"].id_for_label == "id_held_on_0"


@pytest.mark.django_db
def test_the_closure_day_page_uses_three_boxes_and_links_the_error(
    cast: Cast, organisation: Organisation
) -> None:
    client = Client()
    sign_in(client, cast.administrator.username, PASSWORD)
    calendar = f"/admin-area/organisations/{organisation.slug}/calendar/"
    page = html.unescape(client.get(calendar).content.decode())
    assert '<legend class="legend">Closure day</legend>' in page
    assert 'name="day_day"' in page and 'name="day_month"' in page and 'name="day_year"' in page
    bad = client.post(
        calendar + "closures/",
        {"day_day": "4", "day_month": "", "day_year": "2027", "label": "Office move"},
    )
    page = html.unescape(bad.content.decode())
    assert bad.status_code == 400
    assert 'href="#id_day_0"' in page and "Closure day must include a month" in page
    assert (
        'value="Office move"' in page
        and 'name="day_day" type="text" inputmode="numeric" value="4"' in page
    )
