"""The process an `ombuds` command runs in: Django set up on the instance's settings, its
data directory made owner-only, migrations under a lock, its keys made once and checked
before anything is served or changed, and the demo's own data directory."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path


def setup_django() -> None:
    """Django on the instance's settings, and its data directory, owner-only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ombuds.settings")
    import django

    django.setup()
    from django.conf import settings

    Path(settings.DATA_DIR).mkdir(mode=0o700, parents=True, exist_ok=True)


def migrate() -> None:
    from django.core.management import call_command

    from ombuds.lib.dblock import migration_lock

    with migration_lock():  # several processes may start at once on one database
        bringing_in_signed_heads = not _signed_heads_migrated()
        call_command("migrate", interactive=False, verbosity=0)
        make_keys()
        # Only the run that brings in signed heads signs a ledger's head that was never
        # signed. Later, an unsigned head was blanked by someone without the key, and
        # signing it on every start would cover whatever was changed with it.
        if bringing_in_signed_heads:
            from ombuds.ledger.checkpoints import head_sign_once
            from ombuds.lib.errors import LedgerUnsigned

            try:
                signed = head_sign_once()  # a ledger written before its head was signed
            except LedgerUnsigned:
                print(
                    "The ledger head's signature was removed: it was not signed again. Run"
                    " `ombuds verify --full` (docs/DEPLOY.md).",
                    file=sys.stderr,
                )
            else:
                if signed:
                    print("Signed the ledger head; run `ombuds verify --full` to check it.")


def _signed_heads_migrated() -> bool:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    return ("ledger", SIGNED_HEADS_MIGRATION) in MigrationRecorder(connection).applied_migrations()


SIGNED_HEADS_MIGRATION = "0004_checkpoint_chain"  # the ledger's migration that brought them in


def make_keys() -> None:
    from ombuds.keys import keys_create

    for key, created in keys_create():
        if created:
            print(f"Created the {key.name} in {key.path}; back it up, away from the database.")


def check_keys() -> None:
    # A missing or broken key stops the command here, before it serves or changes anything.
    from ombuds.keys import keys_check

    keys_check()


SWITCH_INTERVAL_SECONDS = 0.0005
# Request threads per process: two per core. The work is CPU-bound (Argon2id runs on its
# own threads, OMBUDS_KDF_CONCURRENCY), waitress buffers slow clients without a thread,
# and more threads only queue for the GIL, which the request holding the ledger head then
# waits behind: with 16 complainants on 2 cores, 8 threads held the head 33-72 ms at the
# 95th percentile and took 3.5-3.8 reports a second; 4 threads, 10-12 ms and 4.1-4.3.
DEFAULT_THREADS = 2 * (os.cpu_count() or 1)


def serve_forever(host: str, port: int, threads: int) -> None:
    from waitress import serve

    from ombuds.web.serving import waitress_options
    from ombuds.wsgi import application

    # A request that holds the ledger head gives up the GIL at every SQL statement; with
    # the default 5 ms switch interval, taking it back behind busy request threads can
    # cost 5 ms a statement, and the head (every other append's turn) waits as long.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    serve(application, **waitress_options(host=host, port=port, threads=threads))


def prepare_demo_environment(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret_file = data_dir / "demo-secret-key"
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    os.environ.setdefault("OMBUDS_ENV", "demo")
    os.environ["OMBUDS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("OMBUDS_SECRET_KEY", secret_file.read_text().strip())


def use_data_dir(args: argparse.Namespace) -> None:
    """Point the command at a demo instance's embedded database (`--data-dir`)."""
    # `--data-dir` points the command at a demo instance's embedded database.
    if getattr(args, "data_dir", None):
        prepare_demo_environment(Path(args.data_dir).resolve())
