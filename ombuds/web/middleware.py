"""Security headers and the one place where domain errors become HTTP responses."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from ombuds.lib.errors import Busy, ConcurrentChange, DomainError, NotFound, NotPermitted

TRY_AGAIN = (
    "The service is busy right now and could not finish this. Nothing was changed: "
    "wait a moment and try again."
)
# PostgreSQL: lock_timeout, statement_timeout, idle_in_transaction_session_timeout
# (settings.POSTGRESQL_TIMEOUTS) and deadlocks. SQLite says "database is locked".
_TRY_AGAIN_SQLSTATES = frozenset({"55P03", "57014", "25P03", "40P01", "40001"})


def busy_database(exception: BaseException) -> bool:
    """True when the database gave up waiting: the command may simply be tried again."""
    if not isinstance(exception, DatabaseError):
        return False
    sqlstate = getattr(exception.__cause__, "sqlstate", None)
    return sqlstate in _TRY_AGAIN_SQLSTATES or "database is locked" in str(exception)


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
    """NotFound → 404, NotPermitted → 403, ConcurrentChange → 409, Busy (and a database
    that gave up waiting for a lock) → 503; any other DomainError that reaches here is a
    400 with its plain-words message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if busy_database(exception):
            exception = Busy(TRY_AGAIN)
        if not isinstance(exception, DomainError):
            return None
        # The rules and services refuse in English (the rule modules import no Django);
        # the catalogue gives the sentence in her language here, where it is shown.
        told = {"message": gettext(exception.message) if exception.message else ""}
        if isinstance(exception, Busy):
            response = render(request, "errors/refused.html", told, status=503)
            response["Retry-After"] = "5"
            return response
        if isinstance(exception, NotFound):
            return render(request, "errors/404.html", status=404)
        if isinstance(exception, NotPermitted):
            return render(request, "errors/403.html", told, status=403)
        status = 409 if isinstance(exception, ConcurrentChange) else 400
        return render(request, "errors/refused.html", told, status=status)
