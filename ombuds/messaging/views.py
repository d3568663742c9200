"""Message pages for each reader (complainant, respondent, handler), file downloads, and
the advocate's record of support.

Views parse input, call one service and render. Who may see what is decided where the
reader is found (not on the case: 404) and by the services (on the case but not a side
of the thread: NotPermitted, 403). Case content never goes into URLs; the views that take
it hide their POST data from error reports, and keep uploads in memory (uploads.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.action_page import Action, action_page
from ombuds.cases.guards import complainant_part, handler_page, respondent_page
from ombuds.cases.models import Case
from ombuds.cases.participants import (
    Participant,
)
from ombuds.cases.read_models import case_state
from ombuds.lib.errors import DecryptionFailed, InvalidInput, NotFound
from ombuds.messaging.attachments import OpenedAttachment
from ombuds.messaging.files import FileRefused
from ombuds.messaging.forms import MessageForm, SupportForm
from ombuds.messaging.selectors import support_records, thread_for, thread_summaries
from ombuds.messaging.services import (
    FileRef,
    Message,
    message_attachment_open,
    message_send,
    support_record,
    thread_read,
)
from ombuds.messaging.threads import COMPLAINANT_ADVOCATE, RESPONDENT_INVESTIGATOR
from ombuds.messaging.uploads import memory_uploads
from ombuds.record.roles import Role

SENT = gettext_lazy("Your message has been sent.")


# Who is reading ---------------------------------------------------------------------------


# A conversation, the same page for every reader --------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where this reader's pages are."""

    here: str
    back_url: str
    back_label: str
    file_url: Callable[[str], str]
    original_url: Callable[[str], str]
    caption: str = ""


@dataclass(frozen=True)
class ShownFile:
    ref: FileRef
    url: str
    original_url: str


@dataclass(frozen=True)
class Shown:
    message: Message
    sender: str
    files: list[ShownFile]


def _shown(messages: list[Message], other_side: str, where: Where) -> list[Shown]:
    you, them = gettext("You"), gettext(other_side)  # the thread's words, in her language
    return [
        Shown(
            message=m,
            sender=you if m.from_you else them,
            files=[
                ShownFile(
                    f, where.file_url(f.id), where.original_url(f.id) if f.original_kept else ""
                )
                for f in m.files
            ],
        )
        for m in messages
    ]


@sensitive_variables()
def _conversation(
    request: HttpRequest, participant: Participant, thread: str, where: Where
) -> HttpResponse:
    """Read a thread; on POST send a message in it (the text kept on a failed submit)."""
    thread_for(participant, thread)  # 403 or 404 before anything is read or sent
    status = 200
    if request.method == "POST":
        status = 400
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                message_send(
                    participant=participant,
                    thread=thread,
                    text=data["text"],
                    upload=data["file"],
                    description=data["description"],
                    keep_original=data["keep_original"],
                )
            except InvalidInput as exc:  # a file refused, or a field's own refusal
                if isinstance(exc, FileRefused) or exc.field == "file":
                    form.refuse_file(exc.message)
                else:
                    form.refuse(exc.message, exc.field if exc.field in form.fields else None)
            else:
                messages.success(request, str(SENT))
                return redirect(where.here)
        form.ask_for_the_file_again()
    else:
        form = MessageForm()
    view = thread_read(participant=participant, thread=thread)
    context = {
        "view": view,
        "where": where,
        "shown": _shown(view.messages, view.other_side, where),
        "form": form,
    }
    return render(request, "messaging/thread.html", context, status=status)


def attachment_response(opened: OpenedAttachment) -> HttpResponse:
    """A decrypted file as a download that no browser renders or sniffs in the page."""
    content_type = opened.media_type
    if content_type == "text/plain":
        content_type = "text/plain; charset=utf-8"
    response = HttpResponse(opened.data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, opened.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


def _download(
    participant: Participant, attachment_id: uuid.UUID, *, original: bool
) -> HttpResponse:
    try:
        opened = message_attachment_open(
            participant=participant, attachment_id=str(attachment_id), original=original
        )
    except DecryptionFailed as exc:  # missing or altered on disk: nothing to give, not a 500
        raise NotFound("This file cannot be opened.") from exc
    return attachment_response(opened)


# The complainant ----------------------------------------------------------------------------


def _complainant_where(thread: str) -> Where:
    return Where(
        here=reverse("messaging:my_thread", args=[thread]),
        back_url=reverse("messaging:my_threads"),
        back_label=gettext("Your messages"),
        file_url=lambda i: reverse("messaging:my_attachment", args=[i]),
        original_url=lambda i: reverse("messaging:my_attachment_original", args=[i]),
    )


@require_GET
@complainant_part
def my_threads(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Her conversations: with her advocate, and with the investigator once there is one."""
    state = case_state(participant.case.id)
    summaries = thread_summaries(participant.case, state, Role.COMPLAINANT, participant.pseudonym)
    rows = [(reverse("messaging:my_thread", args=[s.thread.name]), s) for s in summaries]
    context = {"rows": rows, "not_yet": COMPLAINANT_ADVOCATE.not_yet}
    return render(request, "messaging/threads.html", context)


@memory_uploads
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@complainant_part
def my_thread(request: HttpRequest, participant: Participant, thread: str) -> HttpResponse:
    return _conversation(request, participant, thread, _complainant_where(thread))


@require_GET
@complainant_part
def my_attachment(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=False)


@require_GET
@complainant_part
def my_attachment_original(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=True)


# The respondent -----------------------------------------------------------------------------


@memory_uploads
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
def respondent_thread(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Her one conversation: with the investigator."""
    where = Where(
        here=reverse("messaging:respondent_thread"),
        back_url=reverse("people:home"),
        back_label=gettext("Your case"),
        file_url=lambda i: reverse("messaging:respondent_attachment", args=[i]),
        original_url=lambda i: reverse("messaging:respondent_attachment_original", args=[i]),
    )
    return _conversation(request, participant, RESPONDENT_INVESTIGATOR.name, where)


@require_GET
@respondent_page
def respondent_attachment(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=False)


@require_GET
@respondent_page
def respondent_attachment_original(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=True)


# Handlers -----------------------------------------------------------------------------------


def _case_where(case: Case, thread: str) -> Where:
    reference = case.reference
    return Where(
        here=reverse("messaging:case_thread", args=[reference, thread]),
        back_url=reverse("cases:case_detail", args=[reference]),
        back_label=gettext("Back to the case"),
        file_url=lambda i: reverse("messaging:case_attachment", args=[reference, i]),
        original_url=lambda i: reverse("messaging:case_attachment_original", args=[reference, i]),
        caption=gettext("Case %(reference)s") % {"reference": reference},
    )


@memory_uploads
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@handler_page
def case_thread(request: HttpRequest, participant: Participant, thread: str) -> HttpResponse:
    return _conversation(request, participant, thread, _case_where(participant.case, thread))


@require_GET
@handler_page
def case_attachment(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=False)


@require_GET
@handler_page
def case_attachment_original(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID
) -> HttpResponse:
    return _download(participant, attachment_id, original=True)


ONLY_ADVOCATE = "Only the complainant's advocate can record support given."


def _support_context(participant: Participant) -> dict[str, Any]:
    return {"records": support_records(participant)}


@action_page(
    roles=frozenset({Role.ADVOCATE}),
    refusal=ONLY_ADVOCATE,
    form=SupportForm,
    template="messaging/support.html",
    action="record support given",
    context=_support_context,
    sensitive=True,
)
def support(act: Action) -> str:
    """The advocate records support she gave, and sees what has been recorded."""
    support_record(
        participant=act.participant,
        kind=act.data["kind"],
        notes=act.data["notes"],
        expected_version=act.version,
    )
    return "The support you gave has been recorded."
