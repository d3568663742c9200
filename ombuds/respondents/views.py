"""The respondent's pages (/respond/...) and the handlers' pages about her
(/cases/<reference>/respondent/...).

Views parse input, call one service or selector and render. The respondent's pages need
a signed-in respondent whose session can open her key; she only ever holds the
respondent key, so nothing that was not disclosed to her can be opened for her pages.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from ombuds.cases.guards import respondent_page
from ombuds.cases.participants import Participant
from ombuds.lib.errors import (
    DecryptionFailed,
    InvalidInput,
    NotFound,
    TransitionRefused,
)
from ombuds.limits.services import ServerBusy
from ombuds.messaging.files import FileRefused
from ombuds.messaging.uploads import memory_uploads
from ombuds.messaging.views import attachment_response
from ombuds.people.session import sign_in_account
from ombuds.record.roles import Role
from ombuds.respondents.evidence import (
    evidence_add,
    respondent_evidence_open,
)
from ombuds.respondents.forms import (
    EvidenceForm,
    JoinForm,
    ResponseForm,
)
from ombuds.respondents.selectors import respondent_case_view
from ombuds.respondents.services import respondent_join, response_submit

_SIGN_IN_NAME = "ombuds.respondents.sign_in_name"  # shown once, after she joins
BUSY = gettext_lazy("Too many attempts right now. Try again in a minute.")


# --- Handlers' pages ---------------------------------------------------------------------


def evidence_download(
    participant: Participant, attachment_id: uuid.UUID, original: bool
) -> HttpResponse:
    try:
        opened = respondent_evidence_open(
            participant=participant, attachment_id=str(attachment_id), original=original
        )
    except DecryptionFailed as exc:  # missing or altered on disk: nothing to give, not a 500
        raise NotFound("This file cannot be opened.") from exc
    return attachment_response(opened)


# --- The respondent's pages --------------------------------------------------------------


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    signed_in = getattr(request.user, "role", "") == Role.RESPONDENT
    return render(request, "respondents/landing.html", {"is_respondent": signed_in})


def _join_page(request: HttpRequest, form: JoinForm, status: int = 200) -> HttpResponse:
    return render(request, "respondents/join.html", {"form": form}, status=status)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def join(request: HttpRequest) -> HttpResponse:
    """Her invitation code and a password she chooses; then she is signed in. A wrong
    code costs an index lookup, as for receipts."""
    if request.method == "GET":
        return _join_page(request, JoinForm())
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, form, status=400)
    try:
        joined = respondent_join(
            code=form.cleaned_data["code"], password=form.cleaned_data["password"]
        )
    except ServerBusy:
        form.refuse(str(BUSY))
        return _join_page(request, form, status=429)
    except InvalidInput as exc:
        form.refuse(exc.message, "code")
        return _join_page(request, form, status=400)
    response = redirect("respondents:joined")
    logout(request)  # whoever was signed in on this browser before, she starts afresh
    sign_in_account(request, response, joined.person, joined.private_key)
    request.session[_SIGN_IN_NAME] = joined.person.username
    return response


@require_GET
@respondent_page
def joined(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Her generated sign-in name, shown this once."""
    name = request.session.pop(_SIGN_IN_NAME, None)
    if name is None:
        return redirect("respondents:case")
    return render(request, "respondents/joined.html", {"sign_in_name": name})


@require_GET
@respondent_page
def case_page(request: HttpRequest, participant: Participant) -> HttpResponse:
    view = respondent_case_view(participant)
    context = {
        "view": view,
        "participant": participant,  # for the links the parts above offer
    }
    return render(request, "respondents/case.html", context)


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def response_page(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Her response in writing and the witnesses she names; "add" gives one more witness."""
    view = respondent_case_view(participant)
    posted = request.method == "POST"
    form = ResponseForm(request.POST) if posted else ResponseForm()
    status = 200
    if "add" in request.POST:
        form = ResponseForm(initial=form.typed(), count=form.count + 1)
    elif posted:
        status = 400
        if form.is_valid():
            try:
                response_submit(
                    participant=participant,
                    response=form.cleaned_data["response"],
                    witnesses=form.cleaned_data["witnesses"],
                )
            except (InvalidInput, TransitionRefused) as exc:
                form.refuse(exc.message)
            else:
                messages.success(
                    request, gettext("Your response has been sent to the investigator.")
                )
                return redirect("respondents:case")
    context = {"view": view, "form": form}
    return render(request, "respondents/response.html", context, status=status)


@memory_uploads
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@respondent_page
@sensitive_variables()
def evidence(request: HttpRequest, participant: Participant) -> HttpResponse:
    """Send a file as evidence. Uploads stay in memory (never on disk in the clear); after
    any problem the file is asked for again, everything else typed is kept."""
    view = respondent_case_view(participant)
    posted = request.method == "POST"
    form = EvidenceForm(request.POST, request.FILES) if posted else EvidenceForm()
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                evidence_add(
                    participant=participant,
                    upload=form.cleaned_data["file"],
                    description=form.cleaned_data["description"],
                    keep_original=form.cleaned_data["keep_original"],
                )
            except (InvalidInput, TransitionRefused) as exc:
                form.refuse(exc.message, "file" if isinstance(exc, FileRefused) else None)
            else:
                messages.success(
                    request, gettext("Your evidence has been sent to the investigator.")
                )
                return redirect("respondents:case")
        form.ask_for_the_file_again()
    context = {"view": view, "form": form}
    return render(request, "respondents/evidence.html", context, status=status)


@require_GET
@respondent_page
def my_evidence(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID, original: bool = False
) -> HttpResponse:
    return evidence_download(participant, attachment_id, original)
