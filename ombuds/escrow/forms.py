"""The escrow's forms. They check and explain; the services normalise and decide."""

from __future__ import annotations

from django import forms

from ombuds.escrow.services import MAX_ACCOUNT
from ombuds.intake.forms import DescribedForm, Radios


def _line(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        help_text=hint,
        widget=forms.TextInput(
            attrs={"class": "input", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={"max_length": f"{label} must be 200 characters or fewer"},
    )


class EntryForm(DescribedForm):
    name = _line(
        "Their full name", "First name and surname. Titles such as MP or Dr do not matter."
    )
    email = _line("Their e-mail address (optional)", "For example, name@example.org.")
    phone = _line("Their phone number (optional)", "For example, 07700 900123 or +44 7700 900123.")
    handle = _line(
        "Their social media handle (optional)", "The name after the @, or the profile's address."
    )
    account = forms.CharField(
        label="What happened",
        help_text="Only a matching counsellor can read this, "
        "and only if someone else names the same person.",
        max_length=MAX_ACCOUNT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 8}),
        error_messages={
            "required": "Write what happened",
            "max_length": f"That is too long: {MAX_ACCOUNT:,} characters or fewer",
        },
    )

    def identifiers(self) -> list[tuple[str, str]]:
        return [(kind, self.cleaned_data[kind]) for kind in ("name", "email", "phone", "handle")]


class MessageForm(DescribedForm):
    message = forms.CharField(
        label="Your message to this person",
        help_text="Say who you are and how they can talk to you. "
        "Do not mention anyone else's entry.",
        max_length=5_000,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 5}),
        error_messages={"required": "Write your message"},
    )


class DecisionForm(DescribedForm):
    decision = forms.ChoiceField(
        label="Do you want to go on to a full complaint?",
        choices=[
            ("go_on", "Yes: add my entry to my report, so my case starts from it"),
            ("not_now", "Not now: keep my entry as it is"),
        ],
        widget=Radios,
        error_messages={"required": "Choose whether to go on to a full complaint"},
    )
