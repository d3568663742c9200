"""A database administrator's hand and eyes: what she can do to the ledger and the product
never does, and what she reads.

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


def every_row() -> str:
    """Every value of every row of every table, as text (binary columns as latin-1): what a
    database administrator, or a thief with a copy, reads."""
    seen = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        seen.append(bytes(value).decode("latin-1"))
                    else:
                        seen.append(str(value))
    return "\n".join(seen)
