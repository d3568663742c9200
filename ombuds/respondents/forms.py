"""Forms for the respondent's pages and the investigator's pages about her.

Lists that grow (allegations, witnesses) are plain numbered fields; an "Add another"
submit button re-renders the form with one more, so no JavaScript is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from ombuds.cases.forms import CaseActionForm
from ombuds.lib.errors import InvalidInput
from ombuds.messaging.files import MAX_BYTES
from ombuds.messaging.forms import ACCEPTED, CHOOSE_AGAIN, KEEP_ORIGINAL
from ombuds.people.forms import NewPasswordMixin, PlainForm
from ombuds.respondents.evidence import MAX_EVIDENCE_DESCRIPTION
from ombuds.respondents.redaction import CLOSE, MAX_ALLEGATION, MAX_ALLEGATIONS, OPEN, redact
from ombuds.respondents.services import (
    MAX_RESPONSE,
    MAX_WITNESS_HOW,
    MAX_WITNESS_NAME,
    MAX_WITNESSES,
    Witness,
)


def _count(data: Mapping[str, Any] | None, name: str, limit: int) -> int:
    """How many numbered fields (`name` formatted with 1, 2, ...) the data carries."""
    count = 0
    while data is not None and count < limit and name.format(count + 1) in data:
        count += 1
    return max(count, 1)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "textarea", "rows": rows})


class InviteForm(CaseActionForm):
    pass


ALLEGATION = "allegation_{}"


class AllegationsForm(CaseActionForm):
    """One textarea per allegation. Blank ones are ignored; the rest are numbered by
    position. Cleaned data: `allegations` (as typed) and `disclosed` (as she will read)."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *args: Any,
        count: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        source = data if data is not None else self.initial
        self.count = min(count or _count(source, ALLEGATION, MAX_ALLEGATIONS), MAX_ALLEGATIONS)
        for number in range(1, self.count + 1):
            self.fields[ALLEGATION.format(number)] = forms.CharField(
                label=f"Allegation {number}",
                required=False,
                max_length=MAX_ALLEGATION,
                widget=_textarea(5),
                error_messages={
                    "max_length": f"Allegation {number} must be {MAX_ALLEGATION:,} characters "
                    "or fewer"
                },
            )

    @property
    def can_add(self) -> bool:
        return self.count < MAX_ALLEGATIONS

    def typed(self) -> list[str]:
        """What was typed in each field, blank or not, without checking it."""
        source = self.data if self.is_bound else self.initial
        return [str(source.get(ALLEGATION.format(n), "")) for n in range(1, self.count + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [
            (number, cleaned.get(ALLEGATION.format(number), ""))
            for number in range(1, self.count + 1)
        ]
        given = [(number, text) for number, text in given if text and text.strip()]
        if not given and not self.errors:
            self.add_error(ALLEGATION.format(1), "Write at least one allegation")
        disclosed = []
        for number, text in given:
            try:
                disclosed.append(redact(text, number=number))
            except InvalidInput as exc:
                self.add_error(ALLEGATION.format(number), exc.message)
        cleaned["allegations"] = [text for _, text in given]
        cleaned["disclosed"] = disclosed
        return cleaned


def allegations_initial(texts: list[str], version: object) -> dict[str, Any]:
    """Initial data for an AllegationsForm showing `texts` (at least one field)."""
    initial: dict[str, Any] = {ALLEGATION.format(n): t for n, t in enumerate(texts, start=1)}
    return {**initial, "version": version}


REDACTION_HINT = (
    f"Put anything the respondent must not read between {OPEN} and {CLOSE}: it is removed "
    "from what is disclosed. The complainant's name and contact details are never disclosed "
    "unless you type them here, so do not, unless the respondent must know them to answer."
)

WITNESS_NAME = "witness_{}_name"
WITNESS_HOW = "witness_{}_how"


class ResponseForm(PlainForm):
    """Her response in writing and any witnesses, each a name and how they can help."""

    response = forms.CharField(
        label=gettext_lazy("Your response"),
        required=False,
        max_length=MAX_RESPONSE,
        strip=False,
        widget=_textarea(12),
        help_text=gettext_lazy(
            "Answer each allegation in your own words. You can refer to the allegations "
            "by their numbers. You can send more later."
        ),
        error_messages={
            "max_length": format_lazy(
                gettext_lazy(
                    "Your response must be {limit} characters or fewer. Send the rest as "
                    "another response"
                ),
                limit=f"{MAX_RESPONSE:,}",
            )
        },
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *args: Any,
        count: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, *args, **kwargs)
        source = data if data is not None else self.initial
        self.count = min(count or _count(source, WITNESS_NAME, MAX_WITNESSES), MAX_WITNESSES)
        for number in range(1, self.count + 1):
            self.fields[WITNESS_NAME.format(number)] = forms.CharField(
                label=gettext("Witness %(number)s: name") % {"number": number},
                required=False,
                max_length=MAX_WITNESS_NAME,
                widget=forms.TextInput(attrs={"class": "input"}),
                error_messages={
                    "max_length": gettext("The name must be %(limit)s characters or fewer")
                    % {"limit": MAX_WITNESS_NAME}
                },
            )
            self.fields[WITNESS_HOW.format(number)] = forms.CharField(
                label=gettext("Witness %(number)s: how they can help") % {"number": number},
                required=False,
                max_length=MAX_WITNESS_HOW,
                widget=_textarea(3),
                help_text=gettext(
                    "What they saw, heard or know, and how the investigator can reach them."
                ),
                error_messages={
                    "max_length": gettext("This must be %(limit)s characters or fewer")
                    % {"limit": f"{MAX_WITNESS_HOW:,}"}
                },
            )
        self._describe_hints()

    def _describe_hints(self) -> None:
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-hint"

    @property
    def can_add(self) -> bool:
        return self.count < MAX_WITNESSES

    def witness_fields(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [
            (n, self[WITNESS_NAME.format(n)], self[WITNESS_HOW.format(n)])
            for n in range(1, self.count + 1)
        ]

    def typed(self) -> dict[str, str]:
        """Everything typed, to show again in a form with one more witness."""
        return {name: str(self.data.get(name, "")) for name in self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        witnesses = []
        for number in range(1, self.count + 1):
            name = cleaned.get(WITNESS_NAME.format(number), "")
            how = cleaned.get(WITNESS_HOW.format(number), "")
            if how and not name:
                self.add_error(
                    WITNESS_NAME.format(number),
                    gettext("Give the name of witness %(number)s") % {"number": number},
                )
            elif name:
                witnesses.append(Witness(name=name, how=how))
        response = cleaned.get("response", "")
        if not (response or "").strip() and not witnesses and not self.errors:
            self.add_error("response", gettext("Write your response, or name at least one witness"))
        cleaned["witnesses"] = witnesses
        return cleaned


class JoinForm(NewPasswordMixin):
    code = forms.CharField(
        label=gettext_lazy("Your invitation code"),
        help_text=gettext_lazy(
            "The seven words the investigator or case manager gave you. Spaces or "
            "hyphens between words are fine."
        ),
        max_length=1000,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Enter your invitation code")},
    )
    password = forms.CharField(
        label=gettext_lazy("Choose a password"),
        help_text=gettext_lazy(
            "At least 12 characters. A few unrelated words make a strong password. "
            "We cannot recover it for you."
        ),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Choose a password")},
    )
    confirm_password = forms.CharField(
        label=gettext_lazy("Type the password again"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Type the password again")},
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        self.check_new_password("password", "confirm_password")
        return cleaned


class EvidenceForm(PlainForm):
    """A file she sends as evidence, what it is, and whether to keep the original."""

    file = forms.FileField(
        label=gettext_lazy("Choose a file"),
        help_text=format_lazy(
            gettext_lazy(
                "A PDF, a JPEG or PNG image, or a plain text file, up to {size} MB. Before we "
                "store it we remove hidden details such as the location a photo was taken and "
                "a document's author."
            ),
            size=MAX_BYTES // (1024 * 1024),
        ),
        widget=forms.FileInput(attrs={"class": "file-upload", "accept": ACCEPTED}),
        error_messages={
            "required": gettext_lazy("Choose the file to send"),
            "empty": gettext_lazy("The chosen file is empty. Choose a different file"),
            "invalid": gettext_lazy("The file could not be read. Choose it again"),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("What is the file, and what does it show? (optional)"),
        required=False,
        max_length=MAX_EVIDENCE_DESCRIPTION,
        help_text=gettext_lazy(
            "For example, 'the emails we exchanged after the meeting on 10 March'."
        ),
        error_messages={
            "max_length": format_lazy(
                gettext_lazy("The description must be {limit} characters or fewer"),
                limit=MAX_EVIDENCE_DESCRIPTION,
            )
        },
    )
    keep_original = forms.BooleanField(label=KEEP_ORIGINAL, required=False)

    def ask_for_the_file_again(self) -> None:
        """After any problem the chosen file is gone (never kept): say so at the field."""
        if self.files.get("file") and not self.errors.get("file"):
            self.add_error("file", str(CHOOSE_AGAIN))
