"""Security headers and the one place where domain errors become HTTP responses."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ombuds.lib.errors import ConcurrentChange, DomainError, NotFound, NotPermitted

# No inline script or style anywhere; nothing loads from another origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # Case pages must not linger in shared computers' caches.
        response.headers.setdefault("Cache-Control", "no-store")
        return response


class DomainErrorMiddleware:
    """NotFound → 404, NotPermitted → 403, ConcurrentChange → 409; any other DomainError
    that reaches here is a 400 with its plain-words message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            return render(request, "errors/404.html", status=404)
        if isinstance(exception, NotPermitted):
            return render(request, "errors/403.html", {"message": exception.message}, status=403)
        status = 409 if isinstance(exception, ConcurrentChange) else 400
        return render(request, "errors/refused.html", {"message": exception.message}, status=status)
