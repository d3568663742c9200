"""Forms for signing in, passwords and the administrator's pages.

Forms only parse and explain; the services decide. `PlainForm` gives every widget the
stylesheet's class and ties hints and errors to their field for screen readers.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.forms.widgets import Input
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ombuds.lib.form_words import choose_in_plain_words
from ombuds.people.models import STAFF_ROLES, Organisation
from ombuds.record.roles import Role

_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.Textarea, "textarea"),
    (forms.Select, "select"),
    (forms.RadioSelect, "radios__input"),
    (forms.CheckboxInput, "checkboxes__input"),
    (forms.HiddenInput, ""),
    (Input, "input"),
)


class Radios(forms.RadioSelect):
    """Radios whose error-summary link points at the first option, as GOV.UK does."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class PlainForm(forms.Form):
    """A form rendered with includes/field.html and includes/error_summary.html."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for kind, c in _WIDGET_CLASSES if isinstance(field.widget, kind)), "")
            if css:
                field.widget.attrs.setdefault("class", css)
            choose_in_plain_words(field)

    def full_clean(self) -> None:
        super().full_clean()
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.id_for_label}-hint")
            if self.errors.get(name):
                described.append(f"{bound.id_for_label}-error")
                if not isinstance(field.widget, forms.RadioSelect):
                    field.widget.attrs["aria-invalid"] = "true"
            if described and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def refuse(self, message: str, field: str | None = None) -> None:
        """Add a service's refusal to the form, so it shows in the error summary, in her
        language: the rules and services refuse in English (the rule modules import no
        Django), and the catalogue turns the sentence into Welsh here, at the page."""
        self.add_error(field, gettext(message))


def _password_field(
    label: Any, autocomplete: str, required: Any, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}, render_value=False),
        error_messages={"required": required},
    )


class SignInForm(PlainForm):
    username = forms.CharField(
        label=_("Sign-in name"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": _("Enter your sign-in name")},
    )
    password = _password_field(_("Password"), "current-password", _("Enter your password"))


_STRONG_HINT = _("At least 12 characters. A few unrelated words make a strong password.")


class NewPasswordMixin(PlainForm):
    """A new password typed twice, checked against the password rules."""

    def check_new_password(self, name: str, confirm: str) -> None:
        password = self.cleaned_data.get(name)
        if password and password != self.cleaned_data.get(confirm):
            self.add_error(confirm, _("The passwords do not match"))
        elif password:
            try:
                validate_password(password)
            except forms.ValidationError as exc:
                self.add_error(name, " ".join(exc.messages))


class PasswordChangeForm(NewPasswordMixin):
    old_password = _password_field(
        _("Current password"), "current-password", _("Enter your current password")
    )
    new_password = _password_field(
        _("New password"), "new-password", _("Enter a new password"), _STRONG_HINT
    )
    confirm_password = _password_field(
        _("New password again"), "new-password", _("Enter the new password again")
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.check_new_password("new_password", "confirm_password")
        return cleaned


class OrganisationForm(PlainForm):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="As people inside it would recognise it, for example Demo Party.",
        error_messages={"required": "Enter the organisation's name"},
    )


ROLE_NAMES: dict[str, str] = {
    Role.CASE_MANAGER: "Case manager",
    Role.ADVOCATE: "Advocate",
    Role.INVESTIGATOR: "Investigator",
    Role.PANEL_MEMBER: "Panel member",
    Role.LIAISON: "Organisation liaison",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Scheme administrator",
    Role.MATCHING_COUNSELLOR: "Matching counsellor",
    Role.OVERSIGHT_OFFICER: "Oversight officer",
    Role.COMPLAINANT: "Complainant",
    Role.RESPONDENT: "Respondent",
    Role.SYSTEM: "The system",
}
_HANDOVER_HINT = "At least 12 characters."
STAFF_ROLE_CHOICES = [(r.value, ROLE_NAMES[r]) for r in Role if r in STAFF_ROLES]


class StaffForm(NewPasswordMixin):
    username = forms.CharField(
        label=_("Sign-in name"),
        max_length=60,
        help_text="Letters, numbers, dots and hyphens, for example j.smith.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter a sign-in name"},
    )
    display_name = forms.CharField(
        label="Display name",
        max_length=120,
        help_text="Shown to colleagues, and to complainants when this person is their advocate.",
        error_messages={"required": "Enter a display name"},
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *STAFF_ROLE_CHOICES],
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (organisation liaisons only)",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="None",
        help_text="Handlers belong to the independent scheme, never to an organisation.",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    password = _password_field(
        "Initial password", "new-password", "Enter an initial password", _HANDOVER_HINT
    )
    confirm_password = _password_field(
        "Initial password again", "new-password", "Enter the initial password again"
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        role, organisation = self.cleaned_data.get("role"), self.cleaned_data.get("organisation")
        if role == Role.LIAISON and organisation is None:
            self.add_error("organisation", "Choose the organisation this liaison works for")
        elif role and role != Role.LIAISON and organisation is not None:
            self.add_error(
                "organisation", "Only an organisation liaison belongs to an organisation"
            )
        self.check_new_password("password", "confirm_password")
        return cleaned


INTEREST_FIELDS = (
    ("unit", "Branches, offices or units you belong to or work closely with"),
    ("group", "Factions, caucuses or groups you belong to"),
    ("employer", "Employers, past or present, that could matter"),
    ("person", "People you are close to (family, friends, partners, close colleagues)"),
)


def _interest_box(index: int, *, rows: int = 4, hint: str = "One per line.") -> forms.CharField:
    return forms.CharField(
        label=INTEREST_FIELDS[index][1],
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=hint,
    )


class InterestsForm(PlainForm):
    """One interest per line in each box; an empty form declares no interests."""

    unit = _interest_box(0)
    group = _interest_box(1)
    employer = _interest_box(2, rows=3)
    person = _interest_box(
        3,
        hint="One name per line. Only you can read these names back; the scheme keeps "
        "only fingerprints of them to check cases for conflicts.",
    )

    def interests(self) -> list[tuple[str, str]]:
        return [
            (kind, line.strip())
            for kind, _ in INTEREST_FIELDS
            for line in self.cleaned_data.get(kind, "").splitlines()
            if line.strip()
        ]


class CodeForm(PlainForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )


class PasskeyForm(PlainForm):
    """A name for a new passkey; its browser's response comes in a hidden field, filled
    in by static/js/passkeys.js."""

    name = forms.CharField(
        label=_("Name of this passkey"),
        max_length=60,
        help_text=_("So you can tell your passkeys apart: for example, the device it is on."),
        error_messages={
            "required": _("Enter a name for this passkey, such as the device it is on.")
        },
    )
    credential = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)


class RoleForm(PlainForm):
    role = forms.ChoiceField(
        label=_("New role"),
        choices=[
            ("", _("Choose a role")),
            *(c for c in STAFF_ROLE_CHOICES if c[0] != Role.LIAISON),
        ],
        error_messages={"required": _("Choose a role"), "invalid_choice": _("Choose a role")},
    )


class ResetPasswordForm(NewPasswordMixin):
    password = _password_field(
        _("New password"), "new-password", _("Enter a new password"), _STRONG_HINT
    )
    confirm_password = _password_field(
        _("New password again"), "new-password", _("Enter the new password again")
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.check_new_password("password", "confirm_password")
        return cleaned
