"""Forms for a case manager's actions. Each carries the case version it was shown, so that
two people acting on the same case at once cannot both succeed."""

from __future__ import annotations

from django import forms

from ombuds.people.forms import PlainForm, Radios

MAX_TEXT = 20_000


class CaseActionForm(PlainForm):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "This page is out of date. Go back to the case and try again.",
            "invalid": "This page is out of date. Go back to the case and try again.",
            "min_value": "This page is out of date. Go back to the case and try again.",
        },
    )


class AcknowledgeForm(CaseActionForm):
    pass


class AllocateForm(CaseActionForm):
    pass


SCOPE_CHOICES = [
    ("in_scope", "Within the scheme's scope"),
    ("out_of_scope", "Outside the scheme's scope"),
    ("unclear", "Not clear yet"),
]
RISK_CHOICES = [
    ("low", "Low"),
    ("medium", "Medium"),
    ("high", "High"),
]


class AssessForm(CaseActionForm):
    scope = forms.ChoiceField(
        label="Is the report within the scheme's scope?",
        choices=SCOPE_CHOICES,
        widget=Radios,
        error_messages={
            "required": "Choose whether the report is within the scheme's scope",
            "invalid_choice": "Choose whether the report is within the scheme's scope",
        },
    )
    risk = forms.ChoiceField(
        label="What is the level of risk?",
        choices=RISK_CHOICES,
        widget=Radios,
        help_text="Risk to the complainant or to others, if nothing is done now.",
        error_messages={
            "required": "Choose the level of risk",
            "invalid_choice": "Choose the level of risk",
        },
    )
    notes = forms.CharField(
        label="Assessment notes (optional)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Encrypted. Only the people assigned to this case can read them.",
        error_messages={"max_length": "Assessment notes must be 20,000 characters or fewer"},
    )


class CloseForm(CaseActionForm):
    reason = forms.CharField(
        label="Why is the case being closed?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The complainant will be told this reason. Write it in plain words.",
        error_messages={
            "required": "Enter the reason for closing the case",
            "max_length": "The reason must be 20,000 characters or fewer",
        },
    )
