"""Forms of the check-ins: the advocate's, and the complainant's answer and "no more
check-ins". Complainant-facing words are marked for translation (Welsh in the catalogue)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.cases.forms import CaseActionForm
from ombuds.intake.forms import DescribedForm, Radios
from ombuds.record.checkins import MAX_ACCOUNT, MAX_MESSAGE

NOTHING, SOMETHING = "nothing", "something"


class RecordCheckInForm(CaseActionForm):
    message = forms.CharField(
        label="A short message to the complainant (optional)",
        help_text=(
            "She reads it on her status page, with the question whether anything has "
            "happened since. Only she and the people handling the case can read it."
        ),
        required=False,
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The message must be {MAX_MESSAGE:,} characters or fewer"},
    )


class AnswerCheckInForm(DescribedForm):
    checkin = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=3)
    happened = forms.ChoiceField(
        label=_("Has anything happened since that you want to tell us about?"),
        help_text=_(
            "For example, being treated differently, left out, threatened or talked about "
            "because you complained."
        ),
        choices=[
            (NOTHING, _("Nothing has happened")),
            (SOMETHING, _("Something has happened")),
        ],
        widget=Radios,
        error_messages={"required": _("Choose whether anything has happened")},
    )
    account = forms.CharField(
        label=_("If something has happened, tell us about it"),
        help_text=_(
            "What happened, when, and who was involved. We will open a new case about it, "
            "linked to this one, with the same advocate. Only the people handling it can read it."
        ),
        required=False,
        max_length=MAX_ACCOUNT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 8}),
        error_messages={
            "max_length": format_lazy(
                _("Your account must be {limit} characters or fewer"), limit=f"{MAX_ACCOUNT:,}"
            )
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("happened") == SOMETHING and not cleaned.get("account", "").strip():
            self.add_error("account", _("Tell us what has happened"))
        return cleaned


class DeclineCheckInsForm(DescribedForm):
    why = forms.ChoiceField(
        label=_("Why do you want no more check-ins?"),
        choices=[
            ("left", _("I have left the organisation")),
            ("no_checkins", _("I do not want any more check-ins")),
        ],
        widget=Radios,
        error_messages={"required": _("Choose why you want no more check-ins")},
    )


class LinkedCaseForm(forms.Form):
    reference = forms.CharField(max_length=20)
