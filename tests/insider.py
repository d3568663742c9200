"""A database administrator's hand: what she can do to the ledger and the product never does.

The append-only triggers guard against the application's own mistakes, not against her
(`ombuds/ledger/migrations/0002_append_only.py`): she drops them, then rewrites or deletes
rows. Tests play her to show that `ombuds verify` names what she did. The triggers are
dropped inside the test's transaction, so they come back when it is rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

_LEDGER_TABLES = ("ledger_event", "ledger_checkpoint")


def insider_sql(sql: str, params: list[Any] | None = None) -> None:
    """Runs `sql` with the ledger's append-only triggers dropped."""
    with connection.cursor() as cursor:
        for table in _LEDGER_TABLES:
            if connection.vendor == "sqlite":
                for action in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        cursor.execute(sql, params or [])
