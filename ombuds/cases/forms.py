"""Forms for a case manager's actions. Each carries the case version it was shown, so that
two people acting on the same case at once cannot both succeed."""

from __future__ import annotations

from django import forms

from ombuds.cases.assessment import RISKS, SCOPES
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


SCOPE_CHOICES = list(SCOPES.items())
RISK_CHOICES = list(RISKS.items())


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


def _text_field(label: str, hint: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=hint,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:].rstrip('?')}",
            "max_length": "Keep it under 20,000 characters",
        },
    )


class PartiesForm(CaseActionForm):
    respondent_name = forms.CharField(
        label="Name of the person the complaint is about",
        max_length=500,
        error_messages={"required": "Enter the name of the person the complaint is about"},
    )
    respondent_units = forms.CharField(
        label="Their branches, offices or units (optional)",
        required=False,
        max_length=500,
        help_text="Separate several with commas.",
    )
    respondent_groups = forms.CharField(
        label="Their factions or groups (optional)", required=False, max_length=500
    )
    respondent_employer = forms.CharField(
        label="Their employer (optional)", required=False, max_length=500
    )
    complainant_name = forms.CharField(
        label="The complainant's name, if known (optional)", required=False, max_length=500
    )
    complainant_units = forms.CharField(
        label="The complainant's branches, offices or units (optional)",
        required=False,
        max_length=500,
    )
    complainant_groups = forms.CharField(
        label="The complainant's factions or groups (optional)", required=False, max_length=500
    )


ROUTE_CHOICES = [
    ("investigation", "A formal investigation"),
    ("informal", "Informal resolution (the complainant must have agreed)"),
]


def _choice(label: str, choices: list[tuple[str, str]], missing: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=Radios,
        error_messages={"required": missing, "invalid_choice": missing},
    )


class RouteForm(CaseActionForm):
    to = _choice(
        "How should this case go forward?", ROUTE_CHOICES, "Choose how the case should go forward"
    )


class ReasonForm(CaseActionForm):
    reason = _text_field("Reason", "Recorded permanently in the case history.")


class RiskForm(CaseActionForm):
    details = _text_field(
        "What is the risk to others?", "Encrypted. Only the people on this case can read it."
    )


WITHDRAWAL_CHOICES = [
    ("accept", "Accept the withdrawal: the case ends"),
    ("continue", "Continue without the complainant, because of the risk to others"),
]


class WithdrawalForm(CaseActionForm):
    decision = _choice(
        "What do you decide?", WITHDRAWAL_CHOICES, "Choose whether to accept the withdrawal"
    )
    reason = _text_field(
        "Reason (needed to continue)",
        "The complainant is told the case continues; she is not told who else is at risk.",
        required=False,
    )
