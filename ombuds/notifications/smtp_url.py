"""E-mail settings from the environment: one URL, or Django's own EMAIL_* variables.

Imported by settings.py, so it imports nothing of Django's that needs settings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def site_url(environ: Mapping[str, str], *, origin: str, production: bool) -> str:
    """The address e-mails tell people to sign in at: OMBUDS_SITE_URL, or the site's own
    origin (a different public name for complainants, say). In production, https only:
    a plain address would carry her sign-in in the clear."""
    url = environ.get("OMBUDS_SITE_URL", "").strip().rstrip("/") or origin
    if production and not url.startswith("https://"):
        raise ImproperlyConfigured("OMBUDS_SITE_URL must be an https:// address in production.")
    return url


def email_settings(environ: Mapping[str, str], *, demo: bool) -> dict[str, Any]:
    """EMAIL_* settings: from OMBUDS_SMTP_URL if set, else the EMAIL_* variables, else
    the console in a demo and SMTP on localhost:25 otherwise."""
    found: dict[str, Any] = {
        "DEFAULT_FROM_EMAIL": environ.get("OMBUDS_MAIL_FROM", "ombuds@localhost"),
        "EMAIL_TIMEOUT": 10,
    }
    url = environ.get("OMBUDS_SMTP_URL", "")
    if url:
        found.update(_from_url(url))
        return found
    plain = {k: v for k, v in environ.items() if k.startswith("EMAIL_")}
    if plain:
        found["EMAIL_BACKEND"] = plain.get("EMAIL_BACKEND", SMTP_BACKEND)
        found["EMAIL_HOST"] = plain.get("EMAIL_HOST", "localhost")
        found["EMAIL_PORT"] = int(plain.get("EMAIL_PORT", "25"))
        found["EMAIL_HOST_USER"] = plain.get("EMAIL_HOST_USER", "")
        found["EMAIL_HOST_PASSWORD"] = plain.get("EMAIL_HOST_PASSWORD", "")
        found["EMAIL_USE_TLS"] = plain.get("EMAIL_USE_TLS", "") in {"1", "true", "True"}
        found["EMAIL_USE_SSL"] = plain.get("EMAIL_USE_SSL", "") in {"1", "true", "True"}
        return found
    found["EMAIL_BACKEND"] = CONSOLE_BACKEND if demo else SMTP_BACKEND
    return found


def _from_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured("OMBUDS_SMTP_URL must look like smtp://user:pass@host:587")
    query = parse_qs(parts.query)
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_USE_TLS": query.get("starttls", ["0"])[0] in {"1", "true"},
    }
