"""Forms for writing a message (with an optional evidence file) and recording support.

They parse and explain; the services decide. A file is never kept after a failed submit,
so the page asks for it again in the error (files.FileRefused goes to the file field).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ombuds.cases.forms import CaseActionForm
from ombuds.messaging.files import MAX_BYTES
from ombuds.messaging.services import MAX_DESCRIPTION, MAX_TEXT
from ombuds.messaging.threads import SUPPORT_KINDS
from ombuds.people.forms import PlainForm, Radios

KEEP_ORIGINAL = _(
    "Keep the original file as evidence (it may contain hidden details such as location or author)"
)
CHOOSE_AGAIN = _(
    "Choose the file again: for your safety, a file is not kept when there is a problem "
    "with the form"
)
ACCEPTED = ".pdf,.jpg,.jpeg,.png,.txt,application/pdf,image/jpeg,image/png,text/plain"


class MessageForm(PlainForm):
    text = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": format_lazy(
                _("Your message must be {limit} characters or fewer"), limit=f"{MAX_TEXT:,}"
            )
        },
    )
    file = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        help_text=format_lazy(
            _(
                "A PDF, a JPEG or PNG image, or a plain text file, up to {size} MB. Before we "
                "store it we remove hidden details such as the location a photo was taken and "
                "a document's author."
            ),
            size=MAX_BYTES // (1024 * 1024),
        ),
        widget=forms.FileInput(attrs={"class": "file-upload", "accept": ACCEPTED}),
        error_messages={
            "empty": _("The chosen file is empty. Choose a different file"),
            "invalid": _("The file could not be read. Choose it again"),
        },
    )
    description = forms.CharField(
        label=_("What is the file? (optional)"),
        required=False,
        max_length=MAX_DESCRIPTION,
        help_text=_("For example, 'screenshot of the messages he sent me in March'."),
        error_messages={
            "max_length": format_lazy(
                _("The description must be {limit} characters or fewer"), limit=MAX_DESCRIPTION
            )
        },
    )
    keep_original = forms.BooleanField(label=KEEP_ORIGINAL, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("text", "").strip() and not cleaned.get("file") and not self.errors:
            self.add_error("text", _("Write a message, or attach a file"))
        return cleaned

    @property
    def file_chosen(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))

    def refuse_file(self, message: str) -> None:
        """A refusal of the file itself, shown at the file field (in her language)."""
        self.refuse(message, "file")
        self._describe_file_error()

    def ask_for_the_file_again(self) -> None:
        """After any problem, the chosen file is gone: say so at the file field."""
        if self.file_chosen and not self.errors.get("file"):
            self.refuse_file(str(CHOOSE_AGAIN))

    def _describe_file_error(self) -> None:
        bound = self["file"]
        attrs = self.fields["file"].widget.attrs
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound.id_for_label}-hint {bound.id_for_label}-error"


class SupportForm(CaseActionForm):
    kind = forms.ChoiceField(
        label="What support did you give?",
        choices=list(SUPPORT_KINDS.items()),
        widget=Radios,
        error_messages={
            "required": "Choose the kind of support you gave",
            "invalid_choice": "Choose the kind of support you gave",
        },
    )
    notes = forms.CharField(
        label="Notes (optional, unless you chose 'Other')",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Encrypted. Only the people assigned to this case can read it.",
        error_messages={"max_length": f"The notes must be {MAX_TEXT:,} characters or fewer"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == "other" and not cleaned.get("notes", "").strip():
            self.add_error("notes", "Describe the support you gave")
        return cleaned
