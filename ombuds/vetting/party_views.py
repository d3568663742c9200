"""The person checked: on her own page, the checks made about her and their purposes,
what a check about her would answer today, and her comment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.lib.errors import InvalidInput
from ombuds.people.session import session_private_key
from ombuds.people.views import end_lost_session, person_of, role_required
from ombuds.record.roles import Role
from ombuds.vetting import rules
from ombuds.vetting.forms import CommentForm
from ombuds.vetting.selectors import checks_about, own_answer_today, own_comment
from ombuds.vetting.services import vetting_comment_share, vetting_comment_write
from ombuds.vetting.views import KIND_WORDS


@sensitive_post_parameters("comment")
@role_required(Role.RESPONDENT)
@require_http_methods(["GET", "POST"])
def about_me(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    private_key = session_private_key(request)
    if private_key is None:
        return end_lost_session(request)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                vetting_comment_write(person=person, comment=form.cleaned_data["comment"])
            except InvalidInput as exc:
                form.add_error("comment", exc.message)
            else:
                messages.success(request, gettext("Your comment is saved."))
                return redirect("vetting:about_me")
    else:
        vetting_comment_share(person=person, private_key=private_key)
        form = CommentForm(initial={"comment": own_comment(person, private_key)})
    today = rules.answer_kinds(own_answer_today(person, timezone.now()))
    context = {
        "form": form,
        "today": [KIND_WORDS[k] for k in today],
        "checks": [
            (row, [KIND_WORDS[k] for k in row.kinds]) for row in checks_about(person, private_key)
        ],
    }
    return render(request, "vetting/about_me.html", context, status=400 if form.errors else 200)
