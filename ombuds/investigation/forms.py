"""Forms of the investigation and interim measures. They parse and explain; the services
decide. Handlers' forms carry the case version they were shown."""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from django import forms

from ombuds.cases.forms import CaseActionForm
from ombuds.investigation.rules import INTERVIEWEES, MAX_REVIEW_DAYS, MAX_TEXT, MEASURE_KINDS
from ombuds.lib.date_input import MemorableDateField
from ombuds.people.forms import PlainForm, Radios
from ombuds.record.outcomes import OUTCOMES

_TOO_LONG = "must be 20,000 characters or fewer"


def _text(label: str, required: str, *, rows: int = 6, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=MAX_TEXT,
        required=bool(required),
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required, "max_length": f"{label} {_TOO_LONG}"},
    )


def _date(label: str, required: str, *, help_text: str) -> MemorableDateField:
    return MemorableDateField(label=label, required=required, help_text=help_text)


# Interim measures ----------------------------------------------------------------------


class ProposeMeasureForm(CaseActionForm):
    kind = forms.ChoiceField(
        label="What measure do you propose?",
        choices=[(code, words[0]) for code, words in MEASURE_KINDS.items()],
        widget=Radios,
        error_messages={
            "required": "Choose the kind of measure",
            "invalid_choice": "Choose the kind of measure",
        },
    )
    details = _text(
        "Describe the measure",
        "",
        rows=4,
        help_text="What exactly it covers, for example which offices or events. Needed for "
        "“Another measure”. The respondent reads this.",
    )
    reason = _text(
        "Why is the measure needed now?",
        "Enter the reason for the measure",
        help_text="The respondent reads this reason, so she can answer it. Do not name the "
        "complainant or witnesses, or quote the allegations. The organisation never sees it.",
    )
    review_date = _date(
        "Review date",
        "Enter the review date",
        help_text=f"A working day within {MAX_REVIEW_DAYS} days. The measure lapses on this "
        "date unless a case manager reviews it. For example, 14 3 2027.",
    )


class ApproveMeasureForm(CaseActionForm):
    respondent_name = forms.CharField(
        label="The respondent's name, as the organisation knows them",
        max_length=200,
        help_text="The organisation's liaison is told this name, the measure and its dates: "
        "nothing about the allegations or who complained.",
        error_messages={
            "required": "Enter the respondent's name as the organisation knows them",
            "max_length": "The name must be 200 characters or fewer",
        },
    )


class ReviewMeasureForm(CaseActionForm):
    outcome = forms.ChoiceField(
        label="What is your decision?",
        choices=[
            ("continued", "Continue the measure to a new review date"),
            ("lifted", "Lift the measure now"),
        ],
        widget=Radios,
        error_messages={
            "required": "Choose whether to continue or lift the measure",
            "invalid_choice": "Choose whether to continue or lift the measure",
        },
    )
    review_date = _date(
        "New review date (if you continue it)",
        "",
        help_text=f"A working day within {MAX_REVIEW_DAYS} days. For example, 14 3 2027.",
    )
    reason = _text(
        "Reasons for your decision",
        "Enter the reasons for your decision",
        help_text="The respondent reads this, with any representations she made in mind.",
    )


class RepresentationForm(PlainForm):
    text = _text(
        "Your representations",
        "Enter your representations",
        rows=8,
        help_text="Why the measure should be lifted or changed, or anything the case manager "
        "should know before reviewing it.",
    )


# Interviews ------------------------------------------------------------------------------


class InterviewForm(CaseActionForm):
    interviewee = forms.ChoiceField(
        label="Who was interviewed?",
        choices=list(INTERVIEWEES.items()),
        widget=Radios,
        help_text="The complainant and the respondent can read the notes of their own "
        "interview and comment on their accuracy.",
        error_messages={
            "required": "Choose who was interviewed",
            "invalid_choice": "Choose who was interviewed",
        },
    )
    witness = forms.CharField(
        label="The witness's name or description (witnesses only)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The witness's name must be 200 characters or fewer"},
    )
    held_on = _date(
        "Date of the interview",
        "Enter the date of the interview",
        help_text="For example, 14 3 2027.",
    )
    notes = _text("Interview notes", "Enter the interview notes", rows=14)


class DeclinedForm(CaseActionForm):
    offered = _text(
        "The opportunity offered",
        "Enter the dates and times offered, and how they were offered",
        help_text="The dates and times offered, how they were offered, and when.",
    )
    answer = _text(
        "The respondent's answer",
        "Enter the respondent's answer",
        help_text="Her answer, in her words if she gave them. She can read what you record.",
    )


class CommentForm(PlainForm):
    text = _text(
        "Your comments",
        "Enter your comments",
        rows=8,
        help_text="Anything that is inaccurate or missing, and what it should say.",
    )


class DraftCommentForm(CommentForm):
    draft = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


# The draft report and the findings ------------------------------------------------------


class ReportForm(CaseActionForm):
    """A finding on each disclosed allegation and a summary. Built per case by
    `report_form`, since the allegations differ from case to case."""

    allegations: ClassVar[list[str]] = []

    summary = _text("Summary", "Enter a summary of the report", rows=8)

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
            label=f"Finding on allegation {n}",
            choices=list(OUTCOMES.items()),
            widget=Radios,
            error_messages={
                "required": f"Choose a finding on allegation {n}",
                "invalid_choice": f"Choose a finding on allegation {n}",
            },
        )
        fields[f"reasons_{n}"] = _text(
            f"Reasons for the finding on allegation {n}",
            f"Give the reasons for the finding on allegation {n}",
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
