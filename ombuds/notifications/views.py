"""Where a person's notifications go: her own e-mail address, or none (her pages only)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ombuds.lib.errors import InvalidInput
from ombuds.notifications.services import contact_address_of, contact_address_set
from ombuds.people.forms import PlainForm
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
