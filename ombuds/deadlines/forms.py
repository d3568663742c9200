"""Forms of the delay pages: the handler's explanation, the oversight officer's decision
on an extension and her re-allocation."""

from __future__ import annotations

from typing import Any

from django import forms

from ombuds.people.forms import PlainForm, Radios
from ombuds.timetable.forms import memorable_date
from ombuds.timetable.rules import REALLOCATION_REASONS


class ExplainDelayForm(PlainForm):
    reason = forms.ChoiceField(
        label="Why was the deadline missed?",
        choices=[],
        widget=forms.RadioSelect,
        help_text="Both parties and the oversight officer see this reason, in these words.",
        error_messages={"required": "Choose the reason for the delay"},
    )
    new_date = memorable_date(
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
        from ombuds.timetable.rules import DELAY_REASONS

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
    why = forms.ChoiceField(
        label="Why",
        choices=list(REALLOCATION_REASONS.items()),
        widget=Radios,
        help_text="Recorded on the case.",
        error_messages={"required": "Choose why the case is being re-allocated"},
    )
