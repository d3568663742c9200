"""Vetting checks: an organisation liaison with the vetting permission asks about a named
person before an appointment, and gets the minimal answer the policy sets (`rules.py`).

The name never reaches the database: it becomes the tokens of `naming.py`, looked up in
the index of people named in cases of her own organisation. Every check is an event and
a row; its stated purpose is sealed to the liaison, the oversight officers, the auditors
and, where the policy says so, the person checked, who is also told by e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ombuds import vault
from ombuds.ledger.actor import Actor
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.limits.services import bucket_take
from ombuds.notifications.messages import UPDATE
from ombuds.notifications.services import outbox_add
from ombuds.people.models import Organisation, User
from ombuds.people.signed_record import signed_people
from ombuds.record.events import scheme as events_scheme
from ombuds.record.roles import Role
from ombuds.record.services import event_append
from ombuds.vetting import rules
from ombuds.vetting.models import Check, CheckCopy, Comment, Permission, Policy
from ombuds.vetting.naming import person_tokens
from ombuds.vetting.selectors import (
    LIST_LENGTH,
    answer_today,
    cases_naming,
    may_vet,
    policy_for,
    respondent_organisation,
)

MAX_COMMENT = 1_000


class TooManyChecks(InvalidInput):
    """The liaison has made as many checks as the scheme allows for now."""


class OtherOrganisation(InvalidInput):
    """A check about a person outside the liaison's own organisation."""


def _administrator(actor: User, person: User) -> Actor:
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Only an administrator can change who may make vetting checks.")
    if person.role != Role.LIAISON:
        raise InvalidInput("Only an organisation liaison can make vetting checks.")
    return Actor(pseudonym=actor.pseudonym, role=Role.ADMINISTRATOR.value)


def vetting_permission_grant(*, actor: User, person: User) -> None:
    """The administrator lets an organisation liaison make vetting checks."""
    who = _administrator(actor, person)
    with transaction.atomic():
        _, created = Permission.objects.get_or_create(
            person=person, defaults={"granted_at": timezone.now()}
        )
        if created:
            meta = {"person": person.pseudonym}
            event_append(
                events_scheme.VETTING_GRANTED, stream=SCHEME_STREAM, actor=who, metadata=meta
            )


def vetting_permission_withdraw(*, actor: User, person: User) -> None:
    """The administrator takes the vetting permission away from a liaison."""
    who = _administrator(actor, person)
    with transaction.atomic():
        deleted, _ = Permission.objects.filter(person=person).delete()
        if deleted:
            meta = {"person": person.pseudonym}
            event_append(
                events_scheme.VETTING_WITHDRAWN, stream=SCHEME_STREAM, actor=who, metadata=meta
            )


def vetting_policy_set(
    *, actor: User, organisation: Organisation, finding_years: int, tell_person: bool
) -> None:
    """The administrator sets how long an upheld finding counts in the organisation's
    vetting answers, and whether the person checked is told of each check."""
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Only an administrator can set the vetting policy.")
    if not rules.MIN_FINDING_YEARS <= finding_years <= rules.MAX_FINDING_YEARS:
        raise InvalidInput(
            f"Choose from {rules.MIN_FINDING_YEARS} to {rules.MAX_FINDING_YEARS} years."
        )
    with transaction.atomic():
        Policy.objects.update_or_create(
            organisation=organisation,
            defaults={"finding_years": finding_years, "tell_person": tell_person},
        )
        event_append(
            events_scheme.VETTING_POLICY_SET,
            stream=SCHEME_STREAM,
            actor=Actor(pseudonym=actor.pseudonym, role=Role.ADMINISTRATOR.value),
            metadata={
                "organisation": organisation.slug, "finding_years": finding_years,
                "tell_person": tell_person,
            },
        )  # fmt: skip


# The check ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckAnswer:
    check: Check
    kinds: tuple[str, ...]  # () for "no record"
    comments: list[str]  # what the person checked asked to accompany a "record" answer


def _check_asked(liaison: User, organisation: str, purpose: str) -> tuple[Organisation, str]:
    """The liaison's organisation and the purpose, or the refusal (nothing recorded)."""
    if not may_vet(liaison):
        raise NotPermitted("You do not have permission to make vetting checks.")
    purpose = rules.check_purpose(purpose)
    home = liaison.organisation
    if home is None or organisation != home.slug:
        raise OtherOrganisation(
            "You can only check people in your own organisation. Ask the scheme about anyone else."
        )
    return home, purpose


def vetting_check(
    *,
    liaison: User,
    private_key: bytes,
    name: str,
    email: str,
    organisation: str,
    purpose: str,
    now: datetime | None = None,
) -> CheckAnswer:
    """A vetting check about a named person in the liaison's own organisation, for a
    stated purpose. Refused, with nothing recorded, without the permission (NotPermitted),
    without a purpose, across organisations, for too generic a name, or past the liaison's
    rate limit (`OMBUDS_VETTING_CHECKS_PER_DAY`)."""
    home, purpose = _check_asked(liaison, organisation, purpose)
    tokens = person_tokens(name=name, organisation=organisation, email=email)
    now = now or timezone.now()
    policy = policy_for(home)
    cases = cases_naming(tokens, home)
    answer = answer_today(cases, home, now, policy)
    # The respondents of those cases whom the signed record proves (a row written into the
    # people table by hand is told nothing, and sealed no purpose).
    people = signed_people(
        User.objects.filter(
            assignments__case__in=cases, assignments__role=Role.RESPONDENT, is_active=True
        ).distinct()
    ) if cases else []  # fmt: skip
    told = people if policy.tell_person else []
    with transaction.atomic():
        # In the check's own transaction: one commit, and a refused check takes nothing.
        if not bucket_take(f"vetting:{liaison.pseudonym}", per_day=_per_day()):
            raise TooManyChecks(
                "You have made as many vetting checks as the scheme allows for now. Try "
                "again tomorrow, or contact the scheme."
            )
        check = Check.objects.create(
            organisation=home, liaison=liaison, asked_at=now, answer=answer, people_told=len(told)
        )
        event_append(
            events_scheme.VETTING_CHECKED,
            stream=SCHEME_STREAM,
            actor=Actor(pseudonym=liaison.pseudonym, role=Role.LIAISON.value),
            metadata={
                "check": str(check.id), "organisation": home.slug,
                "liaison": liaison.pseudonym, "answer": answer, "told": len(told),
            },
        )  # fmt: skip
        _seal_purpose(check, purpose, liaison=liaison, told=told)
        for person in told:
            outbox_add(recipient=person, kind=UPDATE, now=now, dedupe="update")
    comments = [] if answer == rules.NO_RECORD else _comments_for(liaison, private_key, people)
    return CheckAnswer(check=check, kinds=rules.answer_kinds(answer), comments=comments)


def _per_day() -> float:
    return float(settings.OMBUDS_VETTING_CHECKS_PER_DAY)


def _watchers() -> list[User]:
    """The oversight officers and auditors whose role and key the signed record proves (a
    row written into the people table by hand is sealed nothing)."""
    return signed_people(
        User.objects.filter(role__in=[Role.OVERSIGHT_OFFICER, Role.AUDITOR], is_active=True)
    )


def _seal_purpose(check: Check, purpose: str, *, liaison: User, told: list[User]) -> None:
    """The purpose, sealed to each reader: the liaison, the oversight officers and
    auditors (their vetting lists), and each person checked."""
    readers = {liaison.pk: (liaison, False)}
    readers.update({w.pk: (w, False) for w in _watchers()})
    readers.update({p.pk: (p, True) for p in told})
    CheckCopy.objects.bulk_create(
        CheckCopy(
            check_made=check,
            reader=reader,
            about_reader=about,
            sealed=vault.seal_to_person(purpose.encode(), to_public_key=bytes(reader.public_key)),
        )
        for reader, about in readers.values()
    )


def _comments_for(liaison: User, private_key: bytes, people: list[User]) -> list[str]:
    copies = Comment.objects.filter(person__in=people, reader=liaison)
    return [
        vault.open_sealed_for_person(bytes(c.sealed), private_key=private_key).decode()
        for c in copies
    ]


# The person checked ------------------------------------------------------------------


def vetting_comment_write(*, person: User, comment: str) -> None:
    """The respondent's short comment, given with any "record" answer about her: sealed
    to herself and to each liaison of her organisation who may make checks. An empty
    comment takes the last one away."""
    if person.role != Role.RESPONDENT:
        raise NotPermitted("Only the person checked can comment on checks about her.")
    text = comment.strip()
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"Keep your comment to {MAX_COMMENT:,} characters or fewer.")
    now = timezone.now()
    with transaction.atomic():
        Comment.objects.filter(person=person).delete()
        if text:
            _seal_comment(person, text, [person, *_vetting_liaisons(person)], now)
        event_append(
            events_scheme.VETTING_COMMENTED,
            stream=SCHEME_STREAM,
            actor=Actor(pseudonym=person.pseudonym, role=Role.RESPONDENT.value),
            metadata={"person": person.pseudonym},
        )


def _vetting_liaisons(person: User) -> list[User]:
    """The liaisons of her case's organisation who may make checks now, whose role, key
    and organisation the signed record proves (a row written into the people table by
    hand is sealed nothing)."""
    organisation = respondent_organisation(person)
    if organisation is None:
        return []
    return signed_people(
        User.objects.filter(
            role=Role.LIAISON, organisation=organisation, is_active=True, vetting__isnull=False
        ),
        organisation=organisation,
    )


def _seal_comment(person: User, text: str, readers: list[User], now: datetime) -> None:
    Comment.objects.bulk_create(
        Comment(
            person=person,
            reader=reader,
            written_at=now,
            sealed=vault.seal_to_person(text.encode(), to_public_key=bytes(reader.public_key)),
        )
        for reader in readers
    )


def vetting_comment_share(*, person: User, private_key: bytes) -> int:
    """Seal her comment to liaisons allowed to vet since she wrote it (only she can open
    it, so this runs when she opens her page, as `share_missing_keys` does for handlers).
    Returns how many copies were added."""
    own = Comment.objects.filter(person=person, reader=person).first()
    if own is None:
        return 0
    have = set(Comment.objects.filter(person=person).values_list("reader_id", flat=True))
    missing = [reader for reader in _vetting_liaisons(person) if reader.pk not in have]
    if missing:
        text = vault.open_sealed_for_person(bytes(own.sealed), private_key=private_key).decode()
        with transaction.atomic():
            _seal_comment(person, text, missing, own.written_at)
    return len(missing)


def vetting_purposes_share(*, reader: User, private_key: bytes) -> int:
    """Seal the purposes this oversight officer or auditor can read to those appointed
    since those checks were made (a purpose is sealed to the readers of its day; only a
    reader can open it, so this runs when one opens her list, as `share_missing_keys`
    does for handlers). Returns how many copies were added."""
    if reader.role not in (Role.OVERSIGHT_OFFICER, Role.AUDITOR):
        return 0
    watchers = [w for w in _watchers() if w.pk != reader.pk]
    held = CheckCopy.objects.filter(reader=reader, about_reader=False).order_by("-pk")[:LIST_LENGTH]
    copies = list(held.values_list("check_made_id", "sealed"))
    have = set(
        CheckCopy.objects.filter(check_made__in=[c for c, _ in copies]).values_list(
            "check_made_id", "reader_id"
        )
    )
    missing = [
        (check_id, sealed, watcher)
        for check_id, sealed in copies
        for watcher in watchers
        if (check_id, watcher.pk) not in have
    ]
    with transaction.atomic():
        CheckCopy.objects.bulk_create(
            (
                CheckCopy(
                    check_made_id=check_id,
                    reader=watcher,
                    sealed=vault.seal_to_person(
                        vault.open_sealed_for_person(bytes(sealed), private_key=private_key),
                        to_public_key=bytes(watcher.public_key),
                    ),
                )
                for check_id, sealed, watcher in missing
            ),
            ignore_conflicts=True,  # another reader sharing at the same moment
        )
    return len(missing)
