"""The vetting forms. They check and explain; the services normalise and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ombuds.intake.forms import DescribedForm
from ombuds.people.models import Organisation
from ombuds.vetting.rules import MAX_FINDING_YEARS, MAX_PURPOSE, MIN_FINDING_YEARS
from ombuds.vetting.services import MAX_COMMENT

_LINE = {"class": "input", "autocomplete": "off", "spellcheck": "false"}


class CheckForm(DescribedForm):
    name = forms.CharField(
        label=_("Their full name"),
        max_length=200,
        help_text=_("First name and surname. Titles such as MP or Cllr do not matter."),
        widget=forms.TextInput(attrs=_LINE),
        error_messages={"required": _("Enter the person's full name.")},
    )
    email = forms.CharField(
        label=_("Their e-mail address (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_LINE),
    )
    organisation = forms.ChoiceField(
        label=_("Their organisation"),
        help_text=_("You can only check people in your own organisation."),
        widget=forms.Select(attrs={"class": "select"}),
    )
    purpose = forms.CharField(
        label=_("Why you are asking"),
        max_length=MAX_PURPOSE,
        required=False,  # the service explains a missing purpose
        help_text=_(
            'For example, "appointment to the shadow cabinet". The person checked may be '
            "told the purpose."
        ),
        widget=forms.TextInput(attrs={"class": "input"}),
    )

    def __init__(self, *args: Any, home: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(o.slug, o.name) for o in Organisation.objects.order_by("name")]
        self.fields["organisation"].choices = choices  # type: ignore[attr-defined]
        if home is not None and not self.is_bound:
            self.initial["organisation"] = home.slug


class CommentForm(DescribedForm):
    comment = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT,
        required=False,
        help_text=_(
            "Given with any answer that says there is a record about you. Leave it empty to "
            "take your comment away."
        ),
        widget=forms.Textarea(attrs={"class": "textarea", "rows": 4}),
    )


class PolicyForm(DescribedForm):
    finding_years = forms.IntegerField(
        label=_("Years an upheld finding counts"),
        min_value=MIN_FINDING_YEARS,
        max_value=MAX_FINDING_YEARS,
        help_text=_("From the decision. The scheme's default is 5."),
        widget=forms.NumberInput(attrs={"class": "input input--width-4"}),
    )
    tell_person = forms.BooleanField(
        label=_("Tell the person checked that a check was made, and its purpose"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "checkboxes__input"}),
    )
