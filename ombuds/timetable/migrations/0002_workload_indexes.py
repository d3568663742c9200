"""Indexes on the cases read model for the workload lists and the sweep.

`cases.Case` belongs to the cases app; these indexes serve the pages and the sweep of
this app and of `cases/workload.py`, so they are created here, by name, on both SQLite
and PostgreSQL (`IF NOT EXISTS`: safe if the cases app ever declares them itself).
"""

from django.db import migrations

_INDEXES = {
    "cases_case_received_idx": "cases_case (received_at)",
    "cases_case_deadline_idx": "cases_case (deadline_at)",
    "cases_case_stage_deadline_idx": "cases_case (stage, deadline_at)",
    "cases_case_stage_entered_idx": "cases_case (stage_entered_at)",
    "cases_case_stage_received_idx": "cases_case (stage, received_at)",
    "cases_case_stage_age_idx": "cases_case (stage, stage_entered_at)",
    "cases_assignment_person_role_idx": "cases_assignment (person_id, role, case_id)",
}


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_initial"),
        ("cases", "0002_key_purposes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in _INDEXES.items()
    ]
