"""Forms of the panels, the parties' appeal and the administrator's sanctions page.

Forms only parse and explain; the services decide (and check everything again)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.cases.forms import CaseActionForm
from ombuds.decisions.selectors import AllegationFinding
from ombuds.decisions.services import ACCEPT, MAX_NAME, MAX_TEXT, OutcomeChoice
from ombuds.people.forms import PlainForm, Radios
from ombuds.record.outcomes import CATALOGUE, NO_ACTION, OUTCOMES, Sanction, outcome_words


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose error-summary link points at the first option."""

    def __init__(self) -> None:
        super().__init__(attrs={"class": "checkboxes__input"})

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class PanelForm(CaseActionForm):
    pass


class ProposeForm(CaseActionForm):
    """Per allegation: accept the investigator's finding or substitute the panel's own
    outcome with reasons; then sanctions and reasons. Made for one case by `propose_form`."""

    findings: tuple[AllegationFinding, ...] = ()
    catalogue: tuple[Sanction, ...] = ()

    sanctions = forms.MultipleChoiceField(
        label=_("Sanctions"),
        widget=Checkboxes(),
        help_text=_(
            "Choose at least one. No action cannot be combined with a sanction. The "
            "organisation is told only the sanctions it must implement."
        ),
        error_messages={
            "required": _("Choose at least one sanction, or choose no action"),
            "invalid_choice": _("Choose sanctions from this organisation's catalogue"),
        },
    )
    reasons = forms.CharField(
        label=_("The panel's reasons"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Both parties will read these reasons. Write them in plain words."),
        error_messages={
            "required": _("Give the panel's reasons for its decision"),
            "max_length": _("The reasons must be 20,000 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sanctions = cast(forms.MultipleChoiceField, self.fields["sanctions"])
        sanctions.choices = [(s.code, s.words) for s in self.catalogue]
        for finding in self.findings:
            n = finding.number
            self.fields[f"outcome_{n}"] = forms.ChoiceField(
                label=format_lazy(_("Allegation {n}"), n=n),
                choices=[
                    (
                        ACCEPT,
                        format_lazy(
                            _("Accept the investigator's finding: {finding}"),
                            finding=outcome_words(finding.finding),
                        ),
                    )
                ]
                + [
                    (code, format_lazy(_("{outcome}: the panel's own outcome"), outcome=words))
                    for code, words in OUTCOMES.items()
                    if code != finding.finding
                ],
                initial=ACCEPT,
                widget=Radios(attrs={"class": "radios__input"}),
                error_messages={
                    "required": format_lazy(_("Decide on allegation {n}"), n=n),
                    "invalid_choice": format_lazy(_("Decide on allegation {n}"), n=n),
                },
            )
            self.fields[f"reasons_{n}"] = forms.CharField(
                label=format_lazy(
                    _("If the panel changes the finding on allegation {n}: its reasons"), n=n
                ),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 4, "class": "textarea"}),
                error_messages={
                    "max_length": format_lazy(
                        _("The reasons on allegation {n} must be 20,000 characters or fewer"), n=n
                    )
                },
            )
        # Field order: the allegations first, then sanctions and reasons.
        self.order_fields([k for k in self.fields if k not in {"sanctions", "reasons"}])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for finding in self.findings:
            n = finding.number
            changed = data.get(f"outcome_{n}") not in (None, ACCEPT)
            if changed and not str(data.get(f"reasons_{n}", "")).strip():
                self.add_error(
                    f"reasons_{n}",
                    format_lazy(
                        _("Give the panel's reasons for changing the finding on allegation {n}"),
                        n=n,
                    ),
                )
        return data

    def allegation_rows(self) -> list[tuple[AllegationFinding, forms.BoundField, forms.BoundField]]:
        return [
            (f, self[f"outcome_{f.number}"], self[f"reasons_{f.number}"]) for f in self.findings
        ]


def outcome_choices(findings: list[AllegationFinding], data: dict[str, Any]) -> list[OutcomeChoice]:
    """The panel's decision on each allegation, from a valid propose form's data."""
    return [
        OutcomeChoice(
            number=f.number,
            outcome=data[f"outcome_{f.number}"],
            reasons=data.get(f"reasons_{f.number}", ""),
        )
        for f in findings
    ]


def propose_form(findings: list[AllegationFinding], catalogue: list[Sanction]) -> type[ProposeForm]:
    """The propose form for one case's findings and its organisation's sanctions."""
    attrs = {"findings": tuple(findings), "catalogue": tuple(catalogue)}
    return cast(type[ProposeForm], type("CaseProposeForm", (ProposeForm,), attrs))


class SignForm(CaseActionForm):
    proposal = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("This page is out of date. Go back to the case and try again."),
            "invalid": _("This page is out of date. Go back to the case and try again."),
            "min_value": _("This page is out of date. Go back to the case and try again."),
        },
    )


class RecordForm(CaseActionForm):
    pass


class NamedRecordForm(RecordForm):
    """When the organisation must be told and the case manager has not recorded the
    respondent's name."""

    respondent_name = forms.CharField(
        label=_("The respondent's name, as the organisation knows them"),
        max_length=MAX_NAME,
        help_text=_(
            "The case manager has not recorded it. Only the organisation's liaison is told it, "
            "with the sanctions to implement."
        ),
        error_messages={
            "required": _("Enter the respondent's name as the organisation knows them"),
            "max_length": format_lazy(
                _("The name must be {limit} characters or fewer"), limit=MAX_NAME
            ),
        },
    )


class AppealForm(CaseActionForm):
    grounds = forms.CharField(
        label=_("Your grounds of appeal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Say why you think the decision is wrong: for example, the process was unfair, "
            "there is new evidence, or the sanction does not fit what was found. The people "
            "handling the case and the appeal panel read this; the other party does not."
        ),
        error_messages={
            "required": _("Write your grounds of appeal"),
            "max_length": _("Your grounds of appeal must be 20,000 characters or fewer"),
        },
    )


class SanctionsForm(PlainForm):
    codes = forms.MultipleChoiceField(
        label=_("Sanctions this organisation's panels may choose"),
        choices=[(s.code, s.words) for s in CATALOGUE if s.code != NO_ACTION],
        widget=Checkboxes(),
        help_text=_("No action is always available to a panel."),
        error_messages={
            "required": _("Choose at least one sanction"),
            "invalid_choice": _("Choose sanctions from the scheme's catalogue"),
        },
    )
