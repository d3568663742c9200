"""Pages that belong to no app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that came back without its security token: say so plainly, change nothing."""
    return render(request, "errors/csrf.html", status=403)
