"""The old record still reads: a ledger written by the code before the typed record.

`tests/fixtures/old_ledger/` holds every row a run of `tests/fixtures/make_old_ledger.py`
wrote (made from main at 3ef0c01): a whole case from report to appeal decision, three more
of our own, and the demo's. It is loaded as it was stored, then verified, folded and
opened by today's code. A failure here means today's code no longer reads a record an
earlier version wrote: fix the code (or add an upcaster), never the fixture. No migration
may rewrite an event.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from ombuds.cases.keys import keys_for, open_event

# The code under test: imported here, at the top, so that a rename fails loudly.
from ombuds.cases.models import Assignment, Case, CaseKey
from ombuds.cases.participants import complainant_participant
from ombuds.cases.read_models import case_events
from ombuds.cases.read_models import case_state as case_state_from_events
from ombuds.decisions.models import SanctionCatalogue
from ombuds.intake.services import receipt_sign_in
from ombuds.investigation.measure_selectors import measures_of
from ombuds.investigation.models import InterimMeasure
from ombuds.ledger.checkpoints import head_sign_once
from ombuds.ledger.models import Event
from ombuds.ledger.services import SCHEME_STREAM, event_metadata
from ombuds.ledger.verify import verify_ledger
from ombuds.liaison.models import Notice
from ombuds.people.models import Declaration, User
from ombuds.people.services import person_unlock_key

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "old_ledger"
MANIFEST: dict[str, Any] = json.loads((FIXTURE / "manifest.json").read_text())


def _value(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.BinaryField):
        return bytes.fromhex(value)
    if isinstance(field, models.DateField | models.UUIDField):  # DateTimeField included
        return field.to_python(value)
    return value


def load_old_ledger() -> None:
    """Insert every dumped row as it was stored (inserts only: the ledger refuses edits)."""
    tables: dict[str, list[dict[str, Any]]] = json.loads((FIXTURE / "tables.json").read_text())
    by_table = {m._meta.db_table: m for m in apps.get_models()}
    for table, rows in tables.items():  # dumped in foreign-key order
        model = by_table[table]
        columns = {str(f.column): f for f in model._meta.concrete_fields}
        model._default_manager.bulk_create(
            model(**{columns[c].attname: _value(columns[c], v) for c, v in row.items()})
            for row in rows
        )


@pytest.fixture
def old_ledger(db: None, settings: Any) -> None:
    settings.OMBUDS_SIGNING_KEY_FILE = FIXTURE / "checkpoint-signing.key"
    load_old_ledger()
    # As `ombuds migrate` does on upgrading: the old head was never signed.
    assert head_sign_once()


@dataclass(frozen=True)
class ReadModels:
    """What a case's read models say, in the fold's own terms."""

    reference: str
    organisation: str
    anonymous: bool
    stage: str
    received_at: datetime | None
    stage_entered_at: datetime | None
    deadline_name: str
    deadline_at: datetime | None
    version: int
    assignments: frozenset[tuple[str, str]]  # (pseudonym, role) of people with an account
    measures: dict[int, tuple[str, date, str, Any, Any, Any, Any]]


def _measure_row(m: Any) -> tuple[str, date, str, Any, Any, Any, Any]:
    return (
        m.kind,
        m.review_date,
        m.status,
        m.proposed_at,
        m.approved_at,
        m.reviewed_at,
        m.ended_at,
    )


def folded(case: Case) -> ReadModels:
    """The read models today's folds rebuild from the case's events. The one place that
    calls them: retarget it when they are renamed."""
    state = case_state_from_events(case.id)
    with_account = set(User.objects.values_list("pseudonym", flat=True))
    return ReadModels(
        reference=state.reference,
        organisation=state.organisation,
        anonymous=state.anonymous,
        stage=state.stage.value if state.stage else "",
        received_at=state.received_at,
        stage_entered_at=state.stage_entered_at,
        deadline_name=state.deadline_name,
        deadline_at=state.deadline_at,
        version=state.version,
        assignments=frozenset(pair for pair in state.assignments if pair[0] in with_account),
        measures={n: _measure_row(m) for n, m in measures_of(case).items()},
    )


def stored(case: Case) -> ReadModels:
    """The read models as the old code stored them."""
    assignments = Assignment.objects.filter(case=case).values_list("person__pseudonym", "role")
    return ReadModels(
        reference=case.reference,
        organisation=case.organisation.slug,
        anonymous=case.anonymous,
        stage=case.stage,
        received_at=case.received_at,
        stage_entered_at=case.stage_entered_at,
        deadline_name=case.deadline_name,
        deadline_at=case.deadline_at,
        version=case.version,
        assignments=frozenset(assignments),
        measures={m.number: _measure_row(m) for m in InterimMeasure.objects.filter(case=case)},
    )


def test_the_old_ledger_verifies(old_ledger: None) -> None:
    """Every chain, the Merkle tree and every signed checkpoint check out as written."""
    report = verify_ledger()
    assert report.problems == []
    assert report.events == MANIFEST["rows"]["ledger_event"]
    assert report.checkpoints == MANIFEST["rows"]["ledger_checkpoint"] > 1


def test_each_case_folds_into_the_read_models_it_was_stored_with(old_ledger: None) -> None:
    cases = list(Case.objects.select_related("organisation").order_by("reference"))
    assert len(cases) == MANIFEST["rows"]["cases_case"]
    for case in cases:
        assert folded(case) == stored(case), case.reference
    whole = Case.objects.get(pk=MANIFEST["cases"]["whole"])
    assert stored(whole).stage == "closed" and stored(whole).measures
    assert {c.stage for c in cases} >= {"closed", "withdrawn", "referred", "investigation"}


def test_the_scheme_read_models_are_their_last_events(old_ledger: None) -> None:
    scheme = [e for e in Event.objects.filter(stream=SCHEME_STREAM).order_by("seq")]
    declared = [event_metadata(e) for e in scheme if e.type == "person.interests_declared"]
    declarations = Declaration.objects.select_related("person")
    assert declarations.count() == len(declared) > 0
    for declaration, meta in zip(declarations, declared, strict=True):
        assert meta["person"] == declaration.person.pseudonym
        assert (meta["version"], meta["tokens"]) == (declaration.version, declaration.tokens)
    chosen = [event_metadata(e) for e in scheme if e.type == "organisation.sanctions_chosen"]
    (catalogue,) = SanctionCatalogue.objects.select_related("organisation")
    assert chosen[-1] == {
        "organisation": catalogue.organisation.slug,
        "sanctions": catalogue.codes,
    }
    notified = {
        event_metadata(e)["notice"]: event_metadata(e)["kind"]
        for e in Event.objects.filter(type="case.organisation_notified")
    }
    assert notified == dict(Notice.objects.values_list("pk", "kind"))


def _unlocked_keys(case: Case) -> dict[str, bytes]:
    """Every key of the case that some account with a known password holds, by purpose."""
    keys: dict[str, bytes] = {}
    passwords = MANIFEST["passwords"]
    holders = {w.holder for w in CaseKey.objects.filter(case=case)}
    for person in User.objects.filter(pseudonym__in=[h.split(":", 1)[1] for h in holders]):
        password = passwords.get(person.username) or passwords.get(person.role)
        if password is None:
            continue
        private_key = person_unlock_key(person=person, password=password)
        keys.update(keys_for(case, holder=f"person:{person.pseudonym}", private_key=private_key))
    return keys


def test_every_encrypted_body_still_opens(old_ledger: None) -> None:
    """Case keys sealed to accounts, and bodies bound to their events, open as written."""
    opened = 0
    for case in Case.objects.all():
        keys = _unlocked_keys(case)
        for event in case_events(case.id):
            if bytes(event.body):
                assert open_event(event, keys) is not None, (case.reference, event.type)
                opened += 1
    assert opened > 50


def test_the_complainants_receipt_still_opens_her_case(old_ledger: None) -> None:
    """The receipt derives the same lookup and key pair, which open her own case."""
    access = receipt_sign_in(MANIFEST["whole_case_receipt"])
    assert access is not None
    assert access.case_id == uuid.UUID(MANIFEST["cases"]["whole"])
    her = complainant_participant(access)
    (submitted,) = [e for e in case_events(access.case_id) if e.type == "case.submitted"]
    content = open_event(submitted, her.keys())
    assert content is not None
    assert "«again»" in json.dumps(content, ensure_ascii=False)
