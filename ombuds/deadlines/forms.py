"""Forms of the administrator's calendar and service-level pages, and the handler's
delay explanation."""

from __future__ import annotations

from typing import Any

from django import forms

from ombuds.deadlines.regions import REGION_CHOICES
from ombuds.deadlines.service_levels import SERVICE_LEVELS
from ombuds.lib.date_input import MemorableDateField
from ombuds.people.forms import PlainForm


def _date(label: str, required: str, help_text: str) -> MemorableDateField:
    return MemorableDateField(label=label, required=required, help_text=help_text)


class RegionForm(PlainForm):
    region = forms.ChoiceField(
        label="Whose public holidays does this organisation keep?",
        choices=REGION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a region"},
    )


class ClosureDayForm(PlainForm):
    day = _date("Closure day", "Enter the day the scheme is closed", "For example, 4 1 2027.")
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


class ExplainDelayForm(PlainForm):
    reason = forms.ChoiceField(
        label="Why was the deadline missed?",
        choices=[],
        widget=forms.RadioSelect,
        help_text="Both parties and the oversight officer see this reason, in these words.",
        error_messages={"required": "Choose the reason for the delay"},
    )
    new_date = _date(
        "New date",
        "Enter the new date",
        "A working day in the future. Further than the service level needs the oversight "
        "officer's approval. For example, 27 3 2027.",
    )
    note = forms.CharField(
        label="Anything the other handlers should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Encrypted; only the handlers on this case can read it.",
        error_messages={"max_length": "The note must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from ombuds.deadlines.rules import DELAY_REASONS

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = list(DELAY_REASONS.items())  # type: ignore[attr-defined]


class DecideExtensionForm(PlainForm):
    decision = forms.ChoiceField(
        label="Do you approve the extension?",
        choices=[("approve", "Approve the new date"), ("refuse", "Refuse it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the extension"},
    )


class ReallocateForm(PlainForm):
    role = forms.ChoiceField(
        label="Whose place should be taken?",
        choices=[
            ("case_manager", "The case manager"),
            ("advocate", "The advocate"),
            ("investigator", "The investigator"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role to re-allocate"},
    )
    why = forms.CharField(
        label="Why",
        max_length=200,
        help_text="Recorded on the case. Do not write anything about the complaint itself.",
        error_messages={"required": "Say why the case is being re-allocated"},
    )
