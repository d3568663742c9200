"""Each checkpoint links to the one before (`Checkpoint.previous`), and the head names the
latest (`LedgerHead.checkpoint`) and carries a signature (`signed_at`, `signature`):
`ombuds migrate` signs an existing head in the run that applies this migration
(`checkpoints.head_sign_once`).

On SQLite, adding a column with a default rebuilds the table, and a rebuilt table has
lost its triggers: 0003 left `ledger_checkpoint` without its append-only guard there. This
migration puts the guard back on both ledger tables, after its own rebuild.
"""

import importlib

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

_guard = importlib.import_module("ombuds.ledger.migrations.0002_append_only")


def guard_again(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _guard.drop_triggers(apps, schema_editor)
    _guard.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_tree_nodes_notes_verifications")]

    operations = [
        migrations.AddField(
            model_name="checkpoint",
            name="previous",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="ledgerhead",
            name="checkpoint",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="ledgerhead",
            name="signed_at",
            field=models.CharField(blank=True, db_default="", default="", max_length=32),
        ),
        migrations.AddField(
            model_name="ledgerhead",
            name="signature",
            field=models.CharField(blank=True, db_default="", default="", max_length=128),
        ),
        migrations.RunPython(guard_again, migrations.RunPython.noop),
    ]
