"""The respondent's pages (/respond/...) and the handlers' pages about her
(/cases/<reference>/respondent/...).

Views parse input, call one service or selector and render. The respondent's pages need
a signed-in respondent whose session can open her key; she only ever holds the
respondent key, so nothing that was not disclosed to her can be opened for her pages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, handler_participant
from ombuds.cases.selectors import case_for_handler
from ombuds.cases.services import case_read
from ombuds.cases.views import ACCOUNT_QUESTIONS, action_page
from ombuds.intake import throttle
from ombuds.lib.errors import (
    DecryptionFailed,
    InvalidInput,
    NotFound,
    NotPermitted,
    TransitionRefused,
)
from ombuds.messaging.files import FileRefused
from ombuds.messaging.uploads import memory_uploads
from ombuds.messaging.views import attachment_response
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record import events
from ombuds.record.roles import Role
from ombuds.respondents.forms import (
    REDACTION_HINT,
    AllegationsForm,
    EvidenceForm,
    InviteForm,
    JoinForm,
    ResponseForm,
    allegations_initial,
)
from ombuds.respondents.selectors import respondent_case_view
from ombuds.respondents.services import (
    DISCLOSERS,
    INVITERS,
    READERS,
    allegations_disclose,
    disclosed_allegations,
    disclosure_refusal,
    evidence_add,
    respondent_evidence_open,
    respondent_file_read,
    respondent_invite,
    respondent_invited,
    respondent_join,
    respondent_participant,
    response_submit,
)
from ombuds.web.links import respondent_links
from ombuds.web.session import session_private_key, sign_in_account

_SIGN_IN_NAME = "ombuds.respondents.sign_in_name"  # shown once, after she joins
BUSY = "Too many attempts right now. Try again in a minute."

RespondentView = Callable[..., HttpResponse]  # (request, participant, *url arguments)


# --- Handlers' pages ---------------------------------------------------------------------


def _handler_case(
    request: HttpRequest, reference: str, roles: frozenset[Role], refusal: str
) -> tuple[User, Case]:
    """The case, if this handler is on it (else 404), in one of `roles` (else 403)."""
    person = person_of(request)
    case = case_for_handler(person, reference)
    if Role(person.role) not in roles:
        raise NotPermitted(refusal)
    return person, case


def _join_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("respondents:join"))


@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def invite(request: HttpRequest, reference: str) -> HttpResponse:
    """Explain; POST invites the respondent and shows the invitation code, once, in the
    response itself (it is stored nowhere, not even wrapped in the session)."""
    refusal = "Only the case manager or the investigator can invite the respondent."
    _, case = _handler_case(request, reference, INVITERS, refusal)
    shown: dict[str, str] = {}

    @sensitive_variables()
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        invitation = respondent_invite(
            participant=handler_participant(person, case, key), expected_version=data["version"]
        )
        shown["code"] = invitation.code
        return "The respondent has been invited. Their invitation code cannot be shown again."

    response = action_page(
        request,
        reference,
        action="invite the respondent",
        roles=INVITERS,
        form_class=InviteForm,
        template="respondents/invite.html",
        run=run,
        needs_key=True,
        context={"invited": respondent_invited(case)},
    )
    if "code" not in shown:
        return response
    # action_page would redirect to the case (where its notice waits); show the code instead.
    context = {"case": case, "code": shown["code"], "join_url": _join_url(request)}
    page = render(request, "respondents/invited.html", context)
    page["Cache-Control"] = "no-store"
    return page


def _account(person: User, case: Case, key: bytes) -> dict[str, Any]:
    """The complainant's account and later additions, for the investigator's reference
    (reading them is recorded, as on the case page)."""
    entries = case_read(actor=person, case=case, private_key=key)
    account = entries[0].content if entries and entries[0].type == events.SUBMITTED.type else {}
    return {
        "account": [(label, account.get(name, "")) for name, label in ACCOUNT_QUESTIONS],
        "added": [
            (e.recorded_at, e.content.get("text", ""))
            for e in entries
            if e.type == events.INFORMATION_ADDED.type
        ],
    }


def _allegations_page(
    request: HttpRequest,
    person: User,
    case: Case,
    key: bytes,
    form: AllegationsForm,
    status: int = 200,
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "hint": REDACTION_HINT,
        "refusal": disclosure_refusal(case),
        **_account(person, case, key),
    }
    return render(request, "respondents/disclose.html", context, status=status)


def _latest(person: User, case: Case, key: bytes) -> list[str]:
    try:
        return disclosed_allegations(handler_participant(person, case, key))
    except NotPermitted:
        return []


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_http_methods(["GET", "POST"])
@sensitive_variables()
def disclose(request: HttpRequest, reference: str) -> HttpResponse:
    """Write the allegations (GET starts from the latest disclosure, to amend it); POST
    "add" gives one more field, "change" shows the typed text again, anything else checks
    it and shows exactly what the respondent will read. Nothing is stored here."""
    refusal = "Only the investigator can disclose the allegations."
    person, case = _handler_case(request, reference, DISCLOSERS, refusal)
    key = session_private_key(request)
    if key is None:
        return end_lost_session(request)
    if request.method == "GET":
        initial = allegations_initial(_latest(person, case, key), case.version)
        return _allegations_page(request, person, case, key, AllegationsForm(initial=initial))
    form = AllegationsForm(request.POST)
    if "add" in request.POST or "change" in request.POST:
        extra = 1 if "add" in request.POST else 0
        initial = allegations_initial(form.typed(), request.POST.get("version", ""))
        fresh = AllegationsForm(initial=initial, count=form.count + extra)
        return _allegations_page(request, person, case, key, fresh)
    if not form.is_valid():
        return _allegations_page(request, person, case, key, form, status=400)
    return render(request, "respondents/disclose_check.html", {"case": case, "form": form})


@sensitive_post_parameters()
@role_required(*HANDLER_ROLES)
@require_POST
@sensitive_variables()
def disclose_send(request: HttpRequest, reference: str) -> HttpResponse:
    """Disclose the checked allegations (carried in hidden fields). A refusal shows the
    check page again with the reason, everything typed kept."""
    refusal = "Only the investigator can disclose the allegations."
    _handler_case(request, reference, DISCLOSERS, refusal)

    @sensitive_variables()
    def run(person: User, case: Case, data: dict[str, Any], key: bytes | None) -> str:
        allegations_disclose(
            participant=handler_participant(person, case, key),
            allegations=data["allegations"],
            expected_version=data["version"],
        )
        return "The allegations have been disclosed to the respondent in writing."

    return action_page(
        request,
        reference,
        action="disclose the allegations",
        roles=DISCLOSERS,
        form_class=AllegationsForm,
        template="respondents/disclose_check.html",
        run=run,
        needs_key=True,
    )


def _download(participant: Participant, attachment_id: uuid.UUID, original: bool) -> HttpResponse:
    try:
        opened = respondent_evidence_open(
            participant=participant, attachment_id=str(attachment_id), original=original
        )
    except DecryptionFailed as exc:  # missing or altered on disk: nothing to give, not a 500
        raise NotFound("This file cannot be opened.") from exc
    return attachment_response(opened)


def _reader(request: HttpRequest, reference: str) -> Participant | None:
    """A handler who may read the respondent's side of this case, with her key."""
    refusal = "Only the case manager, the investigator or the panel can read this."
    person, case = _handler_case(request, reference, READERS, refusal)
    key = session_private_key(request)
    return None if key is None else handler_participant(person, case, key)


@role_required(*HANDLER_ROLES)
@require_GET
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    """The allegations as disclosed, her responses and witnesses, and her evidence."""
    participant = _reader(request, reference)
    if participant is None:
        return end_lost_session(request)
    context = {"case": participant.case, "file": respondent_file_read(participant=participant)}
    return render(request, "respondents/overview.html", context)


@role_required(*HANDLER_ROLES)
@require_GET
def case_evidence(
    request: HttpRequest, reference: str, attachment_id: uuid.UUID, original: bool = False
) -> HttpResponse:
    participant = _reader(request, reference)
    if participant is None:
        return end_lost_session(request)
    return _download(participant, attachment_id, original)


# --- The respondent's pages --------------------------------------------------------------


def respondent_page(view: RespondentView) -> Callable[..., HttpResponse]:
    """The page needs a signed-in respondent (anyone not signed in goes to the sign-in
    page, anyone else signed in gets 403) whose session still opens her key."""

    @role_required(Role.RESPONDENT)
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = session_private_key(request)
        if key is None:
            return end_lost_session(request)
        return view(request, respondent_participant(person_of(request), key), *args, **kwargs)

    return wrapper


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
    """Her invitation code and a password she chooses; then she is signed in. Repeated
    failures are slowed down as for receipts (the same counters)."""
    if request.method == "GET":
        return _join_page(request, JoinForm())
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, form, status=400)
    verdict = throttle.attempt_allowed(request.session)
    if not verdict.allowed:
        form.refuse(BUSY if verdict.busy else "Wait a little before you try again.")
        return _join_page(request, form, status=429)
    try:
        joined = respondent_join(
            code=form.cleaned_data["code"], password=form.cleaned_data["password"]
        )
    except InvalidInput as exc:
        throttle.record_failure(request.session)
        form.refuse(exc.message, "code")
        return _join_page(request, form, status=400)
    throttle.record_success(request.session)
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
        "links": respondent_links(participant, view.state),
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
                messages.success(request, "Your response has been sent to the investigator.")
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
                messages.success(request, "Your evidence has been sent to the investigator.")
                return redirect("respondents:case")
        form.ask_for_the_file_again()
    context = {"view": view, "form": form}
    return render(request, "respondents/evidence.html", context, status=status)


@require_GET
@respondent_page
def my_evidence(
    request: HttpRequest, participant: Participant, attachment_id: uuid.UUID, original: bool = False
) -> HttpResponse:
    return _download(participant, attachment_id, original)
