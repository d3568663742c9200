"""Forms of collated testimony: the complainant's (Welsh in the catalogue) and her
advocate's (staff words, marked for translation)."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.cases.forms import CaseActionForm
from ombuds.intake.forms import DescribedForm
from ombuds.testimony.rules import MAX_ACCOUNT

TOO_LONG = format_lazy(
    _("The account must be {limit} characters or fewer"), limit=f"{MAX_ACCOUNT:,}"
)


class ConsentForm(DescribedForm):
    account = forms.CharField(
        label=_("Your account, in your own words (optional)"),
        help_text=_(
            "What you would like people to know about what happened to you. Leave out names, "
            "places and dates: your advocate will go through it with you and take out anything "
            "that could identify you or anyone else. You can also leave this empty and write it "
            "with your advocate."
        ),
        required=False,
        max_length=MAX_ACCOUNT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 8}),
        error_messages={"max_length": TOO_LONG},
    )
    consent = forms.BooleanField(
        label=_("I agree that an anonymised account of my experience may be published"),
        error_messages={"required": _("Tick the box to agree, or go back")},
    )


class ApproveForm(DescribedForm):
    draft = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DraftForm(CaseActionForm):
    text = forms.CharField(
        label=_("The anonymised account"),
        help_text=_(
            "Prepared with her: no names, places, dates, roles or details that could identify "
            "her, the person she reported or anyone else. She approves the final text."
        ),
        max_length=MAX_ACCOUNT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 12}),
        error_messages={"required": _("Write the anonymised account"), "max_length": TOO_LONG},
    )
