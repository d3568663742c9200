"""The survey's forms: the administrator's (staff words, marked for translation), the
token and the answers (public: Welsh in the catalogue)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ombuds.decisions.forms import Checkboxes
from ombuds.intake.forms import DescribedForm, Radios
from ombuds.people.models import Organisation
from ombuds.survey.questions import Question
from ombuds.survey.rules import Kind
from ombuds.survey.services import MOST_TOKENS

EXCLUSIVE = _("“None of these” and “I prefer not to say” cannot be chosen with other answers")


class SurveyForm(DescribedForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        to_field_name="slug",
        error_messages={"required": _("Choose the organisation the survey is about")},
    )
    title = forms.CharField(
        label=_("Title"),
        help_text=_("For example, Staff survey 2026."),
        max_length=120,
        error_messages={"required": _("Give the survey a title")},
    )
    period = forms.CharField(
        label=_("Period the answers cover"),
        help_text=_("For example, 2026. Answers are dated to this period and nothing finer."),
        max_length=40,
        error_messages={"required": _("Say what period the answers cover")},
    )


class OwnQuestionForm(DescribedForm):
    text = forms.CharField(
        label=_("Your question"),
        help_text=_("People answer yes, no, or that they prefer not to say."),
        max_length=300,
        error_messages={"required": _("Write the question")},
    )
    text_cy = forms.CharField(
        label=_("The question in Welsh (optional)"),
        help_text=_("Shown to people who read the survey in Welsh."),
        max_length=300,
        required=False,
    )


class TokensForm(DescribedForm):
    count = forms.IntegerField(
        label=_("How many tokens"),
        help_text=_("One for each person who may answer. Each can be used once."),
        min_value=1,
        max_value=MOST_TOKENS,
        error_messages={
            "required": _("Say how many tokens to issue"),
            "invalid": _("Say how many tokens to issue, as a number"),
            "min_value": _("Issue at least one token"),
            "max_value": _("Issue at most %(limit_value)s tokens at a time"),
        },
    )
    as_text = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TokenForm(DescribedForm):
    token = forms.CharField(
        label=_("Your token"),
        help_text=_("The code you were given, for example ABCD-EFGH-JKLM-NPQR."),
        max_length=40,
        error_messages={"required": _("Enter your token")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class AnswerForm(TokenForm):
    """The token again (hidden: it came in the body of the last POST, never in a URL) and
    one field per question of the survey."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[question.code] = _field(question)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            chosen = data.get(question.code) or []
            if len(chosen) > 1 and set(chosen) & set(question.exclusive):
                self.add_error(question.code, EXCLUSIVE)
        return data

    def answers(self) -> dict[str, list[str]]:
        data = self.cleaned_data
        return {
            k: [v] if isinstance(v, str) else list(v) for k, v in data.items() if k != "token" and v
        }


def _field(question: Question) -> forms.Field:
    # Built per request, so the words are already in the reader's language.
    choices = [(code, str(label)) for code, label in question.options]
    label, hint = str(question.text), str(question.hint)
    if question.kind == Kind.ONE:
        return forms.ChoiceField(
            label=label, help_text=hint, choices=choices, widget=Radios,
            error_messages={"required": _("Choose an answer to this question")},
        )  # fmt: skip
    return forms.MultipleChoiceField(
        label=label, help_text=hint, choices=choices, widget=Checkboxes(),
        required=False,
    )  # fmt: skip
