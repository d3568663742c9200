"""Where a person's notifications go: her own e-mail address, or none (her pages only).

An account holder gives it on /account/notifications/; a complainant who returns by
receipt (no account) on /my-report/notifications/, kept against her receipt holder."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ombuds.cases.guards import complainant_page
from ombuds.lib.errors import InvalidInput
from ombuds.notifications.services import (
    RECEIPT_HOLDER,
    contact_address_of,
    contact_address_set,
    receipt_address_of,
    receipt_address_set,
)
from ombuds.people.forms import PlainForm
from ombuds.people.session import ComplainantAccess
from ombuds.people.views import person_of


class AddressForm(PlainForm):
    email = forms.CharField(
        label=_("E-mail address (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            'We only ever write "there is an update, please sign in": never what it '
            "is about. Leave it empty to see updates on your pages only."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


@sensitive_post_parameters("email")
@login_required
@require_http_methods(["GET", "POST"])
def address(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    bound = request.POST if request.method == "POST" else None
    form = AddressForm(bound, initial={"email": contact_address_of(person)})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contact_address_set(
                    actor=person,
                    email=form.cleaned_data["email"],
                    language=translation.get_language() or "en",
                )
            except InvalidInput as exc:
                form.refuse(exc.message, "email")
            else:
                messages.success(request, gettext("Your notification address is saved."))
                return redirect("notifications:address")
    context = {"form": form}
    return render(request, "notifications/address.html", context, status=status)


class ReceiptAddressForm(AddressForm):
    """The same field; its hint says she signs in with her receipt."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            'We will only ever write "there is an update, please sign in with your '
            'receipt": never your case reference, and never what it is about.'
        )


@sensitive_post_parameters("email")
@require_http_methods(["GET", "POST"])
@complainant_page
def receipt_address(request: HttpRequest, access: ComplainantAccess) -> HttpResponse:
    """A complainant signed in with her receipt gives, changes or withdraws her address.
    One with an account keeps hers with her account."""
    if not access.holder.startswith(RECEIPT_HOLDER):
        return redirect("notifications:address")
    if request.method == "POST" and "withdraw" in request.POST:
        receipt_address_set(holder=access.holder, email="")
        messages.success(request, gettext("We will not e-mail you. Your address is deleted."))
        return redirect("intake:my_report")
    current = receipt_address_of(access.holder)
    bound = request.POST if request.method == "POST" else None
    form = ReceiptAddressForm(bound, initial={"email": current})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                receipt_address_set(
                    holder=access.holder,
                    email=email,
                    language=translation.get_language() or "en",
                )
            except InvalidInput as exc:
                form.refuse(exc.message, "email")
            else:
                saved = (
                    gettext("We will e-mail you when there is an update.")
                    if email.strip()
                    else gettext("We will not e-mail you. Your address is deleted.")
                )
                messages.success(request, saved)
                return redirect("intake:my_report")
    context = {"form": form, "has_address": bool(current)}
    return render(request, "notifications/receipt_address.html", context, status=status)
