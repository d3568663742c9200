"""Finding 12 of issue 7: one stalled process cannot freeze every process's writes.

On PostgreSQL the settings give every connection a lock timeout and an idle-in-
transaction timeout (settings.POSTGRESQL_TIMEOUTS): another connection that takes the
ledger head and then stalls is cut off after a few seconds, a command that waits for it
too long is refused with "try again" (503) and changes nothing, and appends go on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from ombuds.cases.models import Case
from ombuds.intake.services import report_submit
from ombuds.ledger.models import Event
from ombuds.people.models import Organisation
from ombuds.web import middleware
from tests.conftest import Cast, an_account
from tests.web.test_complainant_pages import answers

LOCK_TIMEOUT_S = 6  # settings.POSTGRESQL_TIMEOUTS
IDLE_TIMEOUT_S = 4


def submit(organisation: Organisation) -> None:
    report_submit(organisation_slug=organisation.slug, account=an_account(), anonymous=True)


def with_product_timeouts(wrapper: BaseDatabaseWrapper) -> None:
    """The product's session settings (the test settings leave them out: see there)."""
    with wrapper.cursor() as cursor:
        for setting in settings.POSTGRESQL_TIMEOUTS:
            name, value = setting.split("=")
            cursor.execute(f"SET {name} = %s", [value])


@contextmanager
def another_process_holding_the_head() -> Iterator[BaseDatabaseWrapper]:
    """Another process's session, with the product's timeouts, that has taken the ledger
    head and not let go."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    other.inc_thread_sharing()
    try:
        with_product_timeouts(other)
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT size FROM ledger_ledgerhead WHERE id = 1 FOR UPDATE")
        yield other
    finally:
        other.close()


def test_postgresql_sessions_carry_the_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    from ombuds import settings as product

    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.invalid:5432/ombuds")
    options = str(product._database()["OPTIONS"]["options"])  # type: ignore[index]
    assert product.POSTGRESQL_TIMEOUTS == (
        "lock_timeout=6s",
        "idle_in_transaction_session_timeout=4s",
        "statement_timeout=30s",
    )
    for setting in product.POSTGRESQL_TIMEOUTS:
        assert f"-c {setting}" in options


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL only (DATABASE_URL): SQLite has one writer and a busy timeout instead",
)
@pytest.mark.django_db(transaction=True)
def test_finding_12_stalled_process_cannot_hold_ledger(
    cast: Cast, organisation: Organisation
) -> None:
    assert connection.vendor == "postgresql"
    with_product_timeouts(connection)
    submit(organisation)  # the head row exists and is committed
    # A process paused while holding the head: the server ends its transaction after a
    # few seconds, and the command waiting for the head goes through.
    with another_process_holding_the_head():
        started = time.monotonic()
        submit(organisation)
        waited = time.monotonic() - started
    assert IDLE_TIMEOUT_S - 1 <= waited < LOCK_TIMEOUT_S
    assert Case.objects.count() == 2
    # A process stuck in a statement while holding the head: whoever waits for it more
    # than a few seconds is refused (a 503 "try again" on the web), and nothing changes.
    events = Event.objects.count()
    with another_process_holding_the_head() as stuck:
        sleeping = threading.Thread(
            target=lambda: stuck.cursor().execute("SELECT pg_sleep(%s)", [LOCK_TIMEOUT_S + 2])
        )
        sleeping.start()
        started = time.monotonic()
        with pytest.raises(OperationalError) as refused:
            submit(organisation)
        waited = time.monotonic() - started
        sleeping.join()
    assert LOCK_TIMEOUT_S - 1 <= waited < LOCK_TIMEOUT_S + 2
    assert middleware.busy_database(refused.value)
    assert Event.objects.count() == events
    submit(organisation)  # and once it has gone, writes go on
    assert Case.objects.count() == 3
    with connection.cursor() as cursor:
        cursor.execute("RESET ALL")  # back to the suite's own settings


@pytest.mark.django_db
def test_a_command_the_database_refuses_asks_to_try_again(
    cast: Cast, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the database: a lock wait it gave up on is a 503 that says try again."""

    def locked(**_: object) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("ombuds.intake.report_views.report_submit", locked)
    client = Client()
    data = {**answers(organisation), "send_token": "0" * 32}
    response = client.post("/report/send/", data)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "try again" in response.content.decode() and "Nothing was changed" in (
        response.content.decode()
    )
