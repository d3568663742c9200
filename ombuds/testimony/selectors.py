"""Reads of collated testimony: what an organisation shows on the transparency page."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from ombuds.people.models import Organisation
from ombuds.testimony import rules
from ombuds.testimony.models import ApprovedAccount
from ombuds.testimony.sealing import account_open


def approved_count(organisation: Organisation) -> int:
    return ApprovedAccount.objects.filter(organisation=organisation).count()


def shown_accounts(organisation: Organisation) -> list[str] | None:
    """The organisation's approved accounts in an order that says nothing (by random id),
    or None while there are fewer than the minimum."""
    rows = list(ApprovedAccount.objects.filter(organisation=organisation).order_by("id"))
    if not rules.shown(len(rows)):
        return None
    return [account_open(bytes(row.sealed)) for row in rows]


def organisations_showing_testimony() -> QuerySet[Organisation]:
    enough = (
        ApprovedAccount.objects.values("organisation")
        .annotate(accounts=Count("id"))
        .filter(accounts__gte=rules.MINIMUM_ACCOUNTS)
        .values("organisation")
    )
    return Organisation.objects.filter(pk__in=enough).order_by("name")
