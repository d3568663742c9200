"""Forms of the investigation and interim measures. They parse and explain; the services
decide. Handlers' forms carry the case version they were shown."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.cases.forms import CaseActionForm
from ombuds.investigation.rules import INTERVIEWEES, MAX_REVIEW_DAYS, MAX_TEXT, MEASURE_KINDS
from ombuds.lib.date_input import MemorableDateField
from ombuds.people.forms import PlainForm, Radios
from ombuds.record.outcomes import OUTCOMES


def _text(label: Any, required: Any, *, rows: int = 6, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MAX_TEXT,
        required=bool(required),
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required,
            "max_length": format_lazy(_("{label} must be 20,000 characters or fewer"), label=label),
        },
    )


def _date(label: Any, required: Any, *, help_text: Any) -> MemorableDateField:
    return MemorableDateField(label=label, required=required, help_text=help_text)


# Interim measures ----------------------------------------------------------------------


class ProposeMeasureForm(CaseActionForm):
    kind = forms.ChoiceField(
        label=_("What measure do you propose?"),
        choices=[(code, words[0]) for code, words in MEASURE_KINDS.items()],
        widget=Radios,
        error_messages={
            "required": _("Choose the kind of measure"),
            "invalid_choice": _("Choose the kind of measure"),
        },
    )
    details = _text(
        _("Describe the measure"),
        "",
        rows=4,
        help_text=_(
            "What exactly it covers, for example which offices or events. Needed for "
            "“Another measure”. The respondent reads this."
        ),
    )
    reason = _text(
        _("Why is the measure needed now?"),
        _("Enter the reason for the measure"),
        help_text=_(
            "The respondent reads this reason, so she can answer it. Do not name the "
            "complainant or witnesses, or quote the allegations. The organisation never sees it."
        ),
    )
    review_date = _date(
        _("Review date"),
        _("Enter the review date"),
        help_text=format_lazy(
            _(
                "A working day within {days} days. The measure lapses on this "
                "date unless a case manager reviews it. For example, 14 3 2027."
            ),
            days=MAX_REVIEW_DAYS,
        ),
    )


class ApproveMeasureForm(CaseActionForm):
    respondent_name = forms.CharField(
        label=_("The respondent's name, as the organisation knows them"),
        max_length=200,
        help_text=_(
            "The organisation's liaison is told this name, the measure and its dates: "
            "nothing about the allegations or who complained."
        ),
        error_messages={
            "required": _("Enter the respondent's name as the organisation knows them"),
            "max_length": _("The name must be 200 characters or fewer"),
        },
    )


class ReviewMeasureForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label=_("What is your decision?"),
        choices=[
            ("continued", _("Continue the measure to a new review date")),
            ("lifted", _("Lift the measure now")),
        ],
        widget=Radios,
        error_messages={
            "required": _("Choose whether to continue or lift the measure"),
            "invalid_choice": _("Choose whether to continue or lift the measure"),
        },
    )
    review_date = _date(
        _("New review date (if you continue it)"),
        "",
        help_text=format_lazy(
            _("A working day within {days} days. For example, 14 3 2027."), days=MAX_REVIEW_DAYS
        ),
    )
    reason = _text(
        _("Reasons for your decision"),
        _("Enter the reasons for your decision"),
        help_text=_("The respondent reads this, with any representations she made in mind."),
    )


class RepresentationForm(PlainForm):
    text = _text(
        _("Your representations"),
        _("Enter your representations"),
        rows=8,
        help_text=_(
            "Why the measure should be lifted or changed, or anything the case manager "
            "should know before reviewing it."
        ),
    )


# Interviews ------------------------------------------------------------------------------


class InterviewForm(CaseActionForm):
    interviewee = forms.ChoiceField(
        label=_("Who was interviewed?"),
        choices=list(INTERVIEWEES.items()),
        widget=Radios,
        help_text=_(
            "The complainant and the respondent can read the notes of their own "
            "interview and comment on their accuracy."
        ),
        error_messages={
            "required": _("Choose who was interviewed"),
            "invalid_choice": _("Choose who was interviewed"),
        },
    )
    witness = forms.CharField(
        label=_("The witness's name or description (witnesses only)"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("The witness's name must be 200 characters or fewer")},
    )
    held_on = _date(
        _("Date of the interview"),
        _("Enter the date of the interview"),
        help_text=_("For example, 14 3 2027."),
    )
    notes = _text(_("Interview notes"), _("Enter the interview notes"), rows=14)


class DeclinedForm(CaseActionForm):
    offered = _text(
        _("The opportunity offered"),
        _("Enter the dates and times offered, and how they were offered"),
        help_text=_("The dates and times offered, how they were offered, and when."),
    )
    answer = _text(
        _("The respondent's answer"),
        _("Enter the respondent's answer"),
        help_text=_("Her answer, in her words if she gave them. She can read what you record."),
    )


class CommentForm(PlainForm):
    text = _text(
        _("Your comments"),
        _("Enter your comments"),
        rows=8,
        help_text=_("Anything that is inaccurate or missing, and what it should say."),
    )


class DraftCommentForm(CommentForm):
    draft = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# The draft report and the findings ------------------------------------------------------


class ReportForm(CaseActionForm):
    """A finding on each disclosed allegation and a summary. Built per case by
    `report_form`, since the allegations differ from case to case."""

    allegations: ClassVar[list[str]] = []

    summary = _text(_("Summary"), _("Enter a summary of the report"), rows=8)

    def allegation_fields(self) -> list[tuple[int, str, forms.BoundField, forms.BoundField]]:
        return [
            (n, text, self[f"outcome_{n}"], self[f"reasons_{n}"])
            for n, text in enumerate(self.allegations, start=1)
        ]


def report_form(allegations: list[str]) -> type[ReportForm]:
    """A report form with an outcome and reasons for each allegation, numbered from 1."""
    fields: dict[str, Any] = {"allegations": allegations}
    for n in range(1, len(allegations) + 1):
        fields[f"outcome_{n}"] = forms.ChoiceField(
            label=format_lazy(_("Finding on allegation {n}"), n=n),
            choices=list(OUTCOMES.items()),
            widget=Radios,
            error_messages={
                "required": format_lazy(_("Choose a finding on allegation {n}"), n=n),
                "invalid_choice": format_lazy(_("Choose a finding on allegation {n}"), n=n),
            },
        )
        fields[f"reasons_{n}"] = _text(
            format_lazy(_("Reasons for the finding on allegation {n}"), n=n),
            format_lazy(_("Give the reasons for the finding on allegation {n}"), n=n),
        )
    return type("CaseReportForm", (ReportForm,), fields)


def findings_from(data: dict[str, Any], count: int) -> dict[int, tuple[str, str]]:
    """The findings in a valid report form's cleaned data, by allegation number."""
    return {n: (data[f"outcome_{n}"], data[f"reasons_{n}"]) for n in range(1, count + 1)}


class Report(Protocol):
    @property
    def summary(self) -> str: ...

    @property
    def findings(self) -> list[dict[str, Any]]: ...


def report_prefill(report: Report | None) -> dict[str, Any]:
    """Initial values from an earlier draft, so the investigator revises rather than retypes."""
    if report is None:
        return {}
    initial: dict[str, Any] = {"summary": report.summary}
    for finding in report.findings:
        n = finding.get("allegation")
        initial[f"outcome_{n}"] = finding.get("outcome", "")
        initial[f"reasons_{n}"] = finding.get("reasons", "")
    return initial
