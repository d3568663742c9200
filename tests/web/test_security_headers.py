"""Every response is hardened the same way: strict CSP, no framing, no sniffing, no referrer,
no caching; cookies are HttpOnly and SameSite=Strict; CSRF is enforced; nothing logs requests."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from ombuds.intake.services import Submission
from ombuds.people.keyring import KEY_COOKIE
from tests.conftest import PASSWORD, Cast, sign_in, totp_code

PAGES = ["/sign-in/", "/home/", "/cases/", "/no-such-page/"]


def _csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", PAGES)
def test_headers_on_every_kind_of_response(db: None, url: str) -> None:
    response = Client().get(url)
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = _csp_directives(csp)
    assert directives["default-src"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_the_stylesheet_is_served_locally(db: None) -> None:
    response = Client().get("/static/css/ombuds.css")
    assert response.status_code == 200
    css = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert b".skip-link" in css and b"#ffdd00" in css
    assert b"@import" not in css and b"url(" not in css  # no fonts or images from elsewhere
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_signed_in_pages_have_the_headers_too(cast: Cast, anonymous_report: Submission) -> None:
    client = Client()
    sign_in(client, cast.case_manager.username)
    response = client.get(f"/cases/{anonymous_report.case.reference}/")
    assert response.status_code == 200
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(cast: Cast, anonymous_report: Submission) -> None:
    client = Client()
    sign_in(client, cast.case_manager.username)
    for url in ("/sign-in/", "/cases/", f"/cases/{anonymous_report.case.reference}/"):
        content = client.get(url).content.decode()
        assert (
            "<script"
            not in content.replace('<script src="/static/js/exit-this-page.js" defer></script>', "")
            and "<style" not in content
        )
        assert " style=" not in content and " onclick=" not in content


def test_cookies_are_http_only_and_same_site_strict(cast: Cast) -> None:
    client = Client()
    page = client.get("/sign-in/")
    response = client.post(
        "/sign-in/", {"username": cast.case_manager.username, "password": PASSWORD}
    )
    cookies = {**page.cookies, **response.cookies}
    assert {"csrftoken", "sessionid", KEY_COOKIE} <= set(cookies)
    for name in ("csrftoken", "sessionid", KEY_COOKIE):
        assert cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Strict", name


def test_csrf_is_enforced(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    refused = client.post(
        "/sign-in/", {"username": cast.case_manager.username, "password": PASSWORD}
    )
    assert refused.status_code == 403
    assert KEY_COOKIE not in refused.cookies
    client.get("/sign-in/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/sign-in/",
        {
            "username": cast.case_manager.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )
    assert accepted.status_code == 302


def test_sign_out_needs_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    token = client.cookies["csrftoken"].value
    client.post(
        "/sign-in/",
        {"username": cast.advocate.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    code = totp_code(cast.advocate)
    client.post("/sign-in/code/", {"code": code, "csrfmiddlewaretoken": token})
    assert client.post("/sign-out/").status_code == 403
    assert client.get("/cases/").status_code == 200  # still signed in


def test_requests_are_not_logged(
    cast: Cast, anonymous_report: Submission, caplog: pytest.LogCaptureFixture
) -> None:
    address = "203.0.113.77"
    reference = anonymous_report.case.reference
    client = Client(REMOTE_ADDR=address)
    with caplog.at_level(logging.DEBUG):
        client.get("/no-such-page/")
        client.post("/sign-in/", {"username": "nobody", "password": "wrong password"})
        sign_in(client, cast.auditor.username)
        client.get(f"/cases/{reference}/")  # 403 for an auditor
        client.get("/oversight/")
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert address not in logged
    assert reference not in logged
    assert "/no-such-page/" not in logged and "/cases/" not in logged
    assert "django.request" not in logged
    request_logger = logging.getLogger("django.request")
    # Only server errors (5xx) are logged, by our own content-free formatter.
    assert request_logger.level == logging.ERROR and not request_logger.propagate


def test_a_post_without_its_token_gets_our_own_page_and_changes_nothing(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/return/", {"receipt": "a b c d e f g"})
    assert response.status_code == 403
    assert b"Your form could not be sent" in response.content
