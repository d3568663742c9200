"""The escrow's forms. They check and explain; the services normalise and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.escrow.services import MAX_ACCOUNT
from ombuds.intake.forms import DescribedForm, Radios

MAX_LINE = 200


def _line(label: Any, hint: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_LINE,
        help_text=hint,
        widget=forms.TextInput(
            attrs={"class": "input", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={
            "max_length": format_lazy(
                _("{label} must be {limit} characters or fewer"), label=label, limit=MAX_LINE
            )
        },
    )


class EntryForm(DescribedForm):
    name = _line(
        _("Their full name"), _("First name and surname. Titles such as MP or Dr do not matter.")
    )
    email = _line(_("Their e-mail address (optional)"), _("For example, name@example.org."))
    phone = _line(
        _("Their phone number (optional)"),
        _("For example, 07700 900123 or +44 7700 900123."),
    )
    handle = _line(
        _("Their social media handle (optional)"),
        _("The name after the @, or the profile's address."),
    )
    account = forms.CharField(
        label=_("What happened"),
        help_text=_(
            "Only a matching counsellor can read this, "
            "and only if someone else names the same person."
        ),
        max_length=MAX_ACCOUNT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 8}),
        error_messages={
            "required": _("Write what happened"),
            "max_length": format_lazy(
                _("That is too long: {limit} characters or fewer"), limit=f"{MAX_ACCOUNT:,}"
            ),
        },
    )

    def identifiers(self) -> list[tuple[str, str]]:
        return [(kind, self.cleaned_data[kind]) for kind in ("name", "email", "phone", "handle")]


class MessageForm(DescribedForm):
    message = forms.CharField(
        label=_("Your message to this person"),
        help_text=_(
            "Say who you are and how they can talk to you. Do not mention anyone else's entry."
        ),
        max_length=5_000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 5}),
        error_messages={"required": _("Write your message")},
    )


class DecisionForm(DescribedForm):
    decision = forms.ChoiceField(
        label=_("Do you want to go on to a full complaint?"),
        choices=[
            ("go_on", _("Yes: add my entry to my report, so my case starts from it")),
            ("not_now", _("Not now: keep my entry as it is")),
        ],
        widget=Radios,
        error_messages={"required": _("Choose whether to go on to a full complaint")},
    )
