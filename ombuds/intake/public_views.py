"""Pages anyone may read: where to find independent help, and how to stay safe online."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def help_elsewhere(request: HttpRequest) -> HttpResponse:
    """Independent help that does not depend on reporting: crisis lines, police, GP."""
    return render(request, "intake/help.html")


@require_GET
def staying_safe(request: HttpRequest) -> HttpResponse:
    """How to cover her tracks on a shared or watched device."""
    return render(request, "intake/staying_safe.html")
