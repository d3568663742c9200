"""Who holds which of a case's keys: the key policy, and sealing, opening and revoking.

The policy is `keys_for_role`; every path that seals a key to a handler goes through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ombuds import vault
from ombuds.cases.grants import signed_handlers
from ombuds.cases.models import Case, CaseKey
from ombuds.ledger.models import Event
from ombuds.ledger.services import event_content, event_metadata
from ombuds.lib.errors import DecryptionFailed, NotFound
from ombuds.people.models import HANDLER_ROLES, User
from ombuds.people.signed_record import signed_people
from ombuds.record.roles import Role
from ombuds.record.spec import Key


def person_holder(person: User) -> str:
    return f"person:{person.pseudonym}"


def keys_for_role(role: Role, keys: Mapping[str, bytes]) -> dict[str, bytes]:
    """The keys a handler in `role` is given. The advocate supports the complainant: she
    never holds the respondent's channel."""
    if role == Role.ADVOCATE:
        return {p: key for p, key in keys.items() if p in (Key.CASE, Key.HANDLERS)}
    return dict(keys)


def share_missing_keys(case: Case, held: Mapping[str, bytes]) -> int:
    """Seal to every handler on the case the keys her role should hold and she lacks.

    A handler allocated by someone who did not hold every key (the complainant choosing a
    new advocate holds only the case key) gets the rest the next time a colleague who
    holds them opens the case (`held`: the keys she holds). Returns how many wraps were added.
    """
    have = set(CaseKey.objects.filter(case=case).values_list("holder", "purpose"))
    added = 0
    # Who holds which role comes from signed allocations in the ledger, never from the
    # assignments table, which a database administrator could write.
    signed = {(p, r) for p, r in signed_handlers(case.id) if r in HANDLER_ROLES}
    people = User.objects.filter(pseudonym__in=[p for p, _ in signed], is_active=True)
    handlers = [h for h in signed_people(people) if (h.pseudonym, h.role) in signed]
    for handler in handlers:
        holder = person_holder(handler)
        for purpose, key in keys_for_role(Role(handler.role), held).items():
            if (holder, purpose) not in have:
                share_case_key(
                    case,
                    key,
                    holder=holder,
                    public_key=bytes(handler.public_key),
                    purpose=purpose,
                )
                added += 1
    return added


def case_key_for(
    case: Case, *, holder: str, private_key: bytes | None, purpose: str = Key.CASE
) -> bytes:
    """Open the case key of `purpose` sealed to `holder`. NotFound when she has none."""
    wrap = CaseKey.objects.filter(case=case, holder=holder, purpose=purpose).first()
    if wrap is None or private_key is None:
        raise NotFound("No such case.")
    try:
        return vault.open_case_key(bytes(wrap.sealed_key), private_key=private_key)
    except DecryptionFailed as exc:
        raise NotFound("No such case.") from exc


def keys_for(case: Case, *, holder: str, private_key: bytes | None) -> dict[str, bytes]:
    """Every case key this holder can open, by purpose."""
    if private_key is None:
        return {}
    keys: dict[str, bytes] = {}
    for wrap in CaseKey.objects.filter(case=case, holder=holder):
        try:
            keys[wrap.purpose] = vault.open_case_key(
                bytes(wrap.sealed_key), private_key=private_key
            )
        except DecryptionFailed:
            continue
    return keys


def share_case_key(
    case: Case, case_key: bytes, *, holder: str, public_key: bytes, purpose: str = Key.CASE
) -> None:
    """Seal one of the case's keys to one more holder (replacing her old wrap, if any)."""
    case_keys_store(
        [sealed_case_key(case, case_key, holder=holder, public_key=public_key, purpose=purpose)]
    )


def sealed_case_key(
    case: Case, case_key: bytes, *, holder: str, public_key: bytes, purpose: str = Key.CASE
) -> CaseKey:
    """One of the case's keys sealed to a holder, not yet stored (`case_keys_store`)."""
    return CaseKey(
        case_id=case.id,
        holder=holder,
        purpose=purpose,
        sealed_key=vault.seal_case_key(case_key, to_public_key=public_key),
    )


def case_keys_store(wraps: list[CaseKey]) -> None:
    """Store sealed keys in one upsert statement, each replacing the holder's old wrap."""
    if wraps:
        CaseKey.objects.bulk_create(
            wraps,
            update_conflicts=True,
            unique_fields=["case", "holder", "purpose"],
            update_fields=["sealed_key"],
        )


def key_of(event: Event) -> str:
    """Which of the case's keys encrypts this event's body."""
    return str(event_metadata(event).get("key", Key.CASE))


def open_event(event: Event, keys: Mapping[str, bytes]) -> dict[str, Any] | None:
    """An event's content, if one of `keys` opens it; None if it is not for these keys."""
    key = keys.get(key_of(event))
    if key is None:
        return None
    return event_content(event, key)


def revoke_case_key(case: Case, *, holder: str) -> None:
    """Remove a holder's wraps: unassigning someone takes the case away from her."""
    CaseKey.objects.filter(case=case, holder=holder).delete()
