"""Finding 1: guessing receipts or invitation codes locks no one else out, costs the
server an index lookup per wrong guess, and the budget of slow checks is shared by every
server process (it lives in the database)."""

from __future__ import annotations

import time

import pytest
import time_machine
from django.test import Client, override_settings

from ombuds import vault
from ombuds.intake import services as intake_services
from ombuds.intake.services import Submission
from ombuds.limits.models import TokenBucket
from ombuds.limits.services import DERIVATIONS, derivation_take
from tests.web.test_complainant_pages import database_holds

SLOW_BUDGET = {"OMBUDS_DERIVATIONS_PER_SECOND": 1.0, "OMBUDS_DERIVATIONS_BURST": 2.0}


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the Argon2id derivations a sign-in makes."""
    made: list[str] = []
    real = vault.receipt_keys

    def counting(receipt: str, **kwargs: object) -> vault.ReceiptKeys:
        made.append(receipt)
        return real(receipt, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(intake_services.vault, "receipt_keys", counting)
    return made


@override_settings(**SLOW_BUDGET)
def test_finding_1_wrong_receipts_from_many_clients_lock_no_one_out(
    anonymous_report: Submission, derivations: list[str]
) -> None:
    assert anonymous_report.receipt
    words = vault.new_receipt
    for _ in range(300):  # 300 cookie-less clients, each with one well-formed wrong receipt
        response = Client().post("/return/", {"receipt": words()})
        assert response.status_code == 200
    assert derivations == []  # none of them cost an Argon2id derivation
    started = time.monotonic()
    response = Client().post("/return/", {"receipt": anonymous_report.receipt})
    assert response.status_code == 302 and response["Location"] == "/my-report/"
    assert time.monotonic() - started < 5
    assert len(derivations) == 1


@override_settings(**SLOW_BUDGET)
def test_finding_1_wrong_invitation_codes_lock_no_one_out(client: Client, db: None) -> None:
    for _ in range(100):
        response = Client().post(
            "/respond/join/",
            {
                "code": vault.new_receipt(),
                "password": "a long enough pass 1",
                "confirm_password": "a long enough pass 1",
            },
        )
        assert response.status_code == 400
    assert not TokenBucket.objects.exists()  # no slow check was even asked for


def test_the_budget_of_slow_checks_refills_with_time(db: None) -> None:
    with override_settings(**SLOW_BUDGET), time_machine.travel(1_900_000_000, tick=False) as clock:
        assert derivation_take(patience=0) and derivation_take(patience=0)
        assert not derivation_take(patience=0)  # the burst of two is spent
        clock.shift(0.5)
        assert not derivation_take(patience=0)
        clock.shift(0.5)
        assert derivation_take(patience=0)  # one a second
        clock.shift(3600)
        assert derivation_take(patience=0) and derivation_take(patience=0)
        assert not derivation_take(patience=0)  # never more than the burst


def test_the_budget_is_in_the_database_so_every_process_shares_it(db: None) -> None:
    with override_settings(**SLOW_BUDGET), time_machine.travel(1_900_000_000, tick=False):
        derivation_take(patience=0)
        derivation_take(patience=0)
        bucket = TokenBucket.objects.get(name=DERIVATIONS)
        assert bucket.tokens < 1  # another process reading this row sees it spent
        assert not derivation_take(patience=0)


@override_settings(OMBUDS_DERIVATIONS_PER_SECOND=1.0, OMBUDS_DERIVATIONS_BURST=1.0)
def test_a_right_receipt_waits_its_turn_rather_than_being_refused(
    anonymous_report: Submission,
) -> None:
    assert anonymous_report.receipt
    assert derivation_take(patience=0)  # someone else just took the only token
    started = time.monotonic()
    response = Client().post("/return/", {"receipt": anonymous_report.receipt})
    assert response.status_code == 302
    assert 0.3 < time.monotonic() - started < 5


@override_settings(OMBUDS_DERIVATIONS_PER_SECOND=0.001, OMBUDS_DERIVATIONS_BURST=1.0)
def test_when_the_budget_is_spent_the_answer_is_busy_not_wrong(
    anonymous_report: Submission, settings: object
) -> None:
    assert anonymous_report.receipt
    assert derivation_take(patience=0)
    with override_settings(OMBUDS_DERIVATION_PATIENCE=0.2):
        response = Client().post("/return/", {"receipt": anonymous_report.receipt})
    assert response.status_code == 429
    assert b"Too many attempts right now" in response.content


def test_guessing_stores_no_address(db: None, anonymous_report: Submission) -> None:
    Client().post("/return/", {"receipt": vault.new_receipt()}, REMOTE_ADDR="203.0.113.9")
    Client().post("/sign-in/", {"username": "x", "password": "y" * 12}, REMOTE_ADDR="203.0.113.9")
    assert database_holds("203.0.113.9") == []
