"""Pages that belong to no app."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

_FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form that came back without its security token: say so plainly, change nothing."""
    return render(request, "errors/csrf.html", status=403)


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says; answer it, not with a 404."""
    response = HttpResponse(_FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """An address that matches no page: the site's own 404 page, in the page's language."""
    return render(request, "errors/404.html", status=404)


@require_GET
def too_large(request: HttpRequest) -> HttpResponse:
    """What the proxy shows instead of its bare 413 when a form was larger than it takes
    (deploy/nginx/ombuds.conf: error_page 413): nothing was read or saved, and she is told
    how to send the file."""
    return render(request, "errors/too_large.html", status=413)
