"""Forms of the administrator's calendar and service-level pages."""

from __future__ import annotations

from typing import Any

from django import forms

from ombuds.lib.date_input import MemorableDateField
from ombuds.people.forms import PlainForm
from ombuds.people.regions import REGION_CHOICES
from ombuds.timetable.service_levels import SERVICE_LEVELS


def memorable_date(label: str, required: str, help_text: str) -> MemorableDateField:
    return MemorableDateField(label=label, required=required, help_text=help_text)


class RegionForm(PlainForm):
    region = forms.ChoiceField(
        label="Whose public holidays does this organisation keep?",
        choices=REGION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a region"},
    )


class ClosureDayForm(PlainForm):
    day = memorable_date(
        "Closure day", "Enter the day the scheme is closed", "For example, 4 1 2027."
    )
    label = forms.CharField(
        label="What the closure is",
        max_length=80,
        help_text="For example Office move. Shown to staff only.",
        error_messages={"required": "Say what the closure is"},
    )


class RemoveClosureForm(PlainForm):
    day = forms.DateField(widget=forms.HiddenInput)


class ServiceLevelsForm(PlainForm):
    """One whole number per service level; the limits are checked by the service, so the
    refusal names the Directive in the same words everywhere."""

    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, initial=current, **kwargs)
        for level in SERVICE_LEVELS:
            limit = f" Limit: {level.limit_kind} {level.limit}." if level.limit else ""
            field = forms.IntegerField(
                label=f"{level.covers} ({level.unit})",
                help_text=f"Scheme default {level.default}.{limit}",
                min_value=1,
                max_value=999,
                error_messages={
                    "required": f"Enter a number for: {level.covers}",
                    "invalid": f"{level.covers} must be a whole number",
                    "min_value": f"{level.covers} must be at least 1",
                    "max_value": f"{level.covers} must be 999 or fewer",
                },
            )
            field.widget.attrs.update({"inputmode": "numeric", "class": "input input--width-4"})
            self.fields[level.name] = field
