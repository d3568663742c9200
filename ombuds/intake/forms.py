"""The complainant's forms. They check and explain; the services decide and store."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.intake.report import MAX_LINE, MAX_TEXT, ReportAccount
from ombuds.intake.steps import (
    ANONYMOUS,
    NAMED,
    NAMED_ONLY,
    STEPS,
    Step,
    is_anonymous,
    step_of,
)
from ombuds.lib.form_words import choose_in_plain_words
from ombuds.people.models import Organisation

MIN_PASSWORD = 12
ANONYMITY_CHOICES = [
    (ANONYMOUS, _("Yes, stay anonymous – I will get a receipt to come back with")),  # noqa: RUF001 (a real en dash)
    (NAMED, _("No, I will give my name and choose a password")),
]


class Radios(forms.RadioSelect):
    """Radios whose field id is the first option's, so error summary links land on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return forms.widgets.ChoiceWidget.id_for_label(self, id_, index or "0")


class DescribedForm(forms.Form):
    """GOV.UK habits for every field: a CSS class, and aria-describedby pointing at the
    hint and, after a failed submit, at the error message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            choose_in_plain_words(field)
            if field.help_text:
                self._describe(name, f"{self[name].id_for_label}-hint")

    def _describe(self, name: str, element_id: str) -> None:
        widget = self.fields[name].widget
        if widget.use_fieldset:  # radios: includes/radios.html describes the fieldset
            return
        attrs = widget.attrs
        attrs["aria-describedby"] = " ".join(
            part for part in (attrs.get("aria-describedby", ""), element_id) if part
        )

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self._describe(name, f"{self[name].id_for_label}-error")
                css = self.fields[name].widget.attrs.get("class", "")
                if css and "--error" not in css:
                    self.fields[name].widget.attrs["class"] = f"{css} {css}--error"


def _text(label: Any, *, required: bool, limit: int, hint: Any = "", missing: Any = "") -> Any:
    line = limit == MAX_LINE
    widget = (
        forms.TextInput(attrs={"class": "input"})
        if line
        else forms.Textarea(attrs={"class": "textarea", "rows": 6})
    )
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=hint,
        widget=widget,
        error_messages={
            "required": missing,
            "max_length": format_lazy(
                _("Your answer must be {limit} characters or fewer"), limit=f"{limit:,}"
            ),
        },
    )


class ReportForm(DescribedForm):
    """The report, asked one topic to a page (`step`: only that page's questions) and
    checked whole before sending. Passwords are not part of it: an identified
    complainant chooses hers on the check-your-answers page (PasswordForm), so a
    password never travels in a hidden field."""

    # In the order of the pages that ask them (the anonymous-or-named choice first), so
    # that checking her answers reads as she gave them.
    field_order = [name for step in STEPS for name in step.fields]

    organisation = forms.ChoiceField(
        label=_("Which organisation is this about?"),
        widget=forms.Select(attrs={"class": "select"}),
        error_messages={"required": _("Select the organisation your report is about")},
    )
    what_happened = _text(
        _("What happened?"),
        required=True,
        limit=MAX_TEXT,
        hint=_("Tell us in your own words. You can add more later."),
        missing=_("Tell us what happened"),
    )
    when = _text(
        _("When did it happen?"),
        required=False,
        limit=MAX_LINE,
        hint=_("A date or roughly, e.g. 'March 2026' or 'over the last year'"),
    )
    where = _text(
        _("Where did it happen?"),
        required=False,
        limit=MAX_LINE,
        hint=_("For example, an office, an event, online or by message"),
    )
    people_involved = _text(
        _("Who was involved?"),
        required=True,
        limit=MAX_TEXT,
        hint=_("Names or descriptions of the person or people who did this, and their role"),
        missing=_("Tell us who was involved"),
    )
    respondent_name = _text(
        _("The name of the person who did this, if you know it"),
        required=False,
        limit=MAX_LINE,
        hint=_("Optional. We use it so that nobody connected to them handles your case."),
    )
    respondent_unit = _text(
        _("Their branch, office or group, if you know it"),
        required=False,
        limit=MAX_LINE,
        hint=_("Optional. Separate several with commas."),
    )
    witnesses = _text(
        _("Did anyone see or hear it?"),
        required=False,
        limit=MAX_TEXT,
        hint=_("Names or descriptions of anyone who saw or heard it, or who you told afterwards"),
    )
    outcome_wanted = _text(
        _("What would you like to happen?"),
        required=False,
        limit=MAX_TEXT,
        hint=_(
            "For example, for it to stop, an apology, or a formal investigation. "
            "You can leave this blank if you are not sure yet."
        ),
    )
    anonymous = forms.ChoiceField(
        label=_("Do you want to stay anonymous?"),
        choices=ANONYMITY_CHOICES,
        help_text=_(
            "If you stay anonymous we do not ask for your name, and you come back with "
            "seven words we give you. Your advocate can still support you, but some things may be "
            "harder to act on without knowing who you are. Either way, only the people handling "
            "your case can read your report."
        ),
        widget=Radios(attrs={"class": "radios__input"}),
        error_messages={"required": _("Select whether you want to stay anonymous")},
    )
    your_name = _text(
        _("Your name"),
        required=False,
        limit=MAX_LINE,
        hint=_("Only if you chose to give your name"),
    )
    your_unit = _text(
        _("Your branch, office or group"),
        required=False,
        limit=MAX_LINE,
        hint=_("Optional. So that nobody from it handles your case. Separate several with commas."),
    )
    contact = _text(
        _("How can we contact you safely?"),
        required=False,
        limit=MAX_LINE,
        hint=_(
            "For example, a personal email address or phone number. We only use it to "
            "contact you about this report. Leave it blank if you prefer to check back "
            "here yourself."
        ),
    )

    def __init__(self, *args: Any, step: Step | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._organisations = dict(
            Organisation.objects.order_by("name").values_list("slug", "name")
        )
        organisation = cast(forms.ChoiceField, self.fields["organisation"])
        organisation.choices = [("", _("Select an organisation")), *self._organisations.items()]
        self._anonymous_chosen = is_anonymous(self.data or self.initial)
        if step is not None:
            asked = step.asked(anonymous=self._anonymous_chosen)
            self.fields = {name: self.fields[name] for name in asked}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = cleaned.get("anonymous", self.data.get("anonymous")) == NAMED
        if named and "your_name" in self.fields and not cleaned.get("your_name", "").strip():
            self.add_error("your_name", _("Enter your name, or choose to stay anonymous"))
        if not named:  # what an anonymous person may have typed before choosing is dropped
            for name in NAMED_ONLY:
                if name in cleaned:
                    cleaned[name] = ""
        return cleaned

    @property
    def is_anonymous(self) -> bool:
        return self.cleaned_data["anonymous"] == ANONYMOUS

    def answer_rows(self) -> list[dict[str, str]]:
        """For checking answers: each question she was asked, the answer as typed, its
        field and the page that asks it (where "Change" takes her)."""
        data = self.cleaned_data
        shown = {
            "organisation": self._organisations.get(data["organisation"], ""),
            "anonymous": dict(ANONYMITY_CHOICES).get(data["anonymous"], ""),
        }
        return [
            {
                "name": name,
                "id": self[name].id_for_label,
                "label": str(field.label),
                "value": str(shown.get(name, data.get(name, ""))),
                "step": step_of(name).name,
            }
            for name, field in self.fields.items()
            if not (name in NAMED_ONLY and self.is_anonymous)
        ]

    def account(self) -> ReportAccount:
        """The answers as the services take them. An anonymous report drops the name."""
        data = self.cleaned_data
        return ReportAccount(
            what_happened=data["what_happened"],
            people_involved=data["people_involved"],
            when=data["when"],
            where=data["where"],
            witnesses=data["witnesses"],
            outcome_wanted=data["outcome_wanted"],
            your_name="" if self.is_anonymous else data["your_name"],
            contact="" if self.is_anonymous else data["contact"],
            respondent_name=data["respondent_name"],
            respondent_unit=data["respondent_unit"],
            your_unit=data["your_unit"],
        )


class PasswordForm(DescribedForm):
    """An identified complainant's new password, asked on the check-your-answers page."""

    password = forms.CharField(
        label=_("Create a password"),
        help_text=format_lazy(
            _(
                "At least {n} characters. A few unrelated words are easy to remember and hard "
                "to guess. We cannot recover it for you."
            ),
            n=MIN_PASSWORD,
        ),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "input", "autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password")},
    )
    password_confirm = forms.CharField(
        label=_("Confirm your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "input", "autocomplete": "new-password"}),
        error_messages={"required": _("Enter your password again")},
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if len(password) < MIN_PASSWORD:
            raise ValidationError(
                _("Your password must be at least %(n)d characters"), params={"n": MIN_PASSWORD}
            )
        validate_password(password)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm is not None and password != confirm:
            self.add_error("password_confirm", _("The passwords do not match"))
        return cleaned


class ReturnForm(DescribedForm):
    receipt = forms.CharField(
        label=_("Your seven words"),
        help_text=_("Type the words in order. Spaces or hyphens between words are fine."),
        max_length=1000,
        widget=forms.TextInput(
            attrs={
                "class": "input",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": _("Enter the seven words you were given")},
    )


class AddInformationForm(DescribedForm):
    text = forms.CharField(
        label=_("What would you like to add?"),
        help_text=_(
            "For example, something else that happened, or something you remembered. "
            "Only the people handling your case can read it."
        ),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 8}),
        error_messages={
            "required": _("Write the information you want to add"),
            "max_length": format_lazy(
                _(
                    "That is too long for one addition: {limit} characters or fewer. "
                    "Split it into parts"
                ),
                limit=f"{MAX_TEXT:,}",
            ),
        },
    )


class WithdrawForm(DescribedForm):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        help_text=_(
            "You do not have to say. If you do, only the people handling your case can read it."
        ),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 4}),
        error_messages={
            "max_length": format_lazy(
                _("Your reason must be {limit} characters or fewer"), limit=f"{MAX_TEXT:,}"
            )
        },
    )
