"""One migration at a time on a shared database.

Two `ombuds serve --migrate` (or `ombuds migrate`) started together on a new PostgreSQL
database would both create the same tables, and one would die on a unique violation. A
PostgreSQL advisory lock, held on a connection of its own for the whole migration, makes
the second wait and then find nothing left to do. SQLite needs nothing: its file lock
already lets one writer in at a time (each migration runs in a transaction).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

# An arbitrary constant that names "Ombuds migrations" among advisory locks.
MIGRATION_LOCK_ID = 0x0B0D5_0001
_NO_TIMEOUTS = ("SET lock_timeout = 0", "SET statement_timeout = 0")


@contextmanager
def migration_lock(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Hold the instance-wide migration lock (PostgreSQL) while the block runs."""
    if connections[alias].vendor != "postgresql":
        yield
        return
    holder = connections.create_connection(alias)  # its own session: migrate may reconnect
    try:
        with holder.cursor() as cursor:
            # The request timeouts (settings) are not for this wait, nor for the migration.
            for statement in _NO_TIMEOUTS:
                cursor.execute(statement)
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])
        with connections[alias].cursor() as cursor:
            for statement in _NO_TIMEOUTS:
                cursor.execute(statement)
        yield
    finally:
        holder.close()  # ends the session, which releases the lock
