"""A date as three boxes (day, month, year), as GOV.UK's date input asks for one.

A browser's own date picker is hard to use with a screen reader or a keyboard and looks
different in every browser; three labelled boxes work everywhere, with or without
JavaScript. What she typed comes back exactly as typed when the form is shown again, and
each mistake gets its own message ("… must include a month", "… must be a real date").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

PARTS = ("day", "month", "year")
_MOST_DIGITS = 8  # a box of 5,000 digits is not a date, and int() refuses 4,301


class MemorableDateWidget(forms.MultiWidget):
    """Three numeric text boxes named `<name>_day`, `<name>_month`, `<name>_year`."""

    template_name = "includes/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in PARTS
        }
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Our templates directory, not the form renderer's (which sees only Django's own).
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308

    def id_for_label(self, id_: str) -> str:
        # The error summary links to the first box, as GOV.UK's does.
        return f"{id_}_0" if id_ else ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        labels = (_("Day"), _("Month"), _("Year"))
        for box, label, part in zip(context["widget"]["subwidgets"], labels, PARTS, strict=True):
            box["label"] = label
            box["part"] = part
            box["attrs"].pop("class", None)  # each box has its own width (the template's)
        return context


class MemorableDateField(forms.MultiValueField):
    """A date typed into three boxes; refuses a missing part or an impossible date with a
    message that names the part."""

    widget = MemorableDateWidget

    def __init__(self, *, label: Any, required: Any = "", help_text: Any = "") -> None:
        self.what = label
        boxes = tuple(forms.CharField(required=False) for _part in PARTS)
        super().__init__(
            fields=boxes,
            require_all_fields=False,
            required=bool(required),
            label=label,
            help_text=help_text,
            error_messages={"required": required or _("Enter a date")},
        )

    def compress(self, data_list: list[str]) -> date | None:
        values = [str(v or "").strip() for v in (data_list or ["", "", ""])]
        if not any(values):
            return None
        missing = [part for part, v in zip(PARTS, values, strict=True) if not v]
        if missing:
            raise forms.ValidationError(
                _("%(what)s must include a %(part)s"),
                code="incomplete",
                params={"what": self.what, "part": _part_word(missing[0])},
            )
        # ASCII digits only ("²" is a digit to str.isdigit but not to int), and few of them.
        if not all(v.isascii() and v.isdigit() and len(v) <= _MOST_DIGITS for v in values):
            raise forms.ValidationError(
                _("%(what)s must be a real date"), code="invalid", params={"what": self.what}
            )
        day, month, year = (int(v) for v in values)
        if len(values[2]) != 4:
            raise forms.ValidationError(_("Year must include 4 numbers"), code="invalid_year")
        try:
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                _("%(what)s must be a real date"), code="invalid", params={"what": self.what}
            ) from None


def _part_word(part: str) -> Any:
    return {"day": _("day"), "month": _("month"), "year": _("year")}[part]
