"""A choice that is not one of the options (only a hand-made post sends one) gets the
field's own plain words ("Choose ..."), never Django's "Select a valid choice"."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import ombuds
from ombuds.escrow.forms import DecisionForm
from ombuds.intake.forms import DescribedForm
from ombuds.people.forms import PlainForm


def _all_form_classes() -> list[type[forms.Form]]:
    for module in pkgutil.walk_packages(ombuds.__path__, "ombuds."):
        if module.name.endswith(".forms") or module.name.endswith("_forms"):
            importlib.import_module(module.name)
    found: list[type[forms.Form]] = []
    todo: list[type[forms.Form]] = [PlainForm, DescribedForm]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_the_escrow_decision_says_choose() -> None:
    form = DecisionForm({"decision": "neither"})
    assert not form.is_valid()
    assert form.errors["decision"] == ["Choose whether to go on to a full complaint"]


@pytest.mark.django_db
def test_no_form_of_ours_answers_a_stray_choice_in_djangos_words() -> None:
    djangos = str(forms.ChoiceField.default_error_messages["invalid_choice"])
    checked = 0
    for cls in _all_form_classes():
        try:
            form = cls()
        except TypeError:
            continue  # a form that needs its page's arguments
        for name, field in form.fields.items():
            if not isinstance(field, forms.ChoiceField):
                continue
            checked += 1
            own_required = (
                field.error_messages["required"] != forms.Field.default_error_messages["required"]
            )
            if own_required:
                assert str(field.error_messages["invalid_choice"]) != djangos, (cls, name)
    assert checked >= 10
