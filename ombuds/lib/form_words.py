"""Words every form uses alike, whichever base class it has."""

from __future__ import annotations

from django import forms

_DJANGO_REQUIRED = forms.Field.default_error_messages["required"]
_DJANGO_INVALID_CHOICE = forms.ChoiceField.default_error_messages["invalid_choice"]


def choose_in_plain_words(field: forms.Field) -> None:
    """A value that is not one of the choices (only a hand-made post sends one) is told
    what the empty choice is told ("Choose ..."), not Django's "Select a valid choice. x
    is not one of the available choices"."""
    messages = field.error_messages
    if messages.get("invalid_choice") != _DJANGO_INVALID_CHOICE:
        return
    if messages.get("required", _DJANGO_REQUIRED) != _DJANGO_REQUIRED:
        messages["invalid_choice"] = messages["required"]
