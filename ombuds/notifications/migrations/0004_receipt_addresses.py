"""A complainant who returns by receipt can give a contact address: sealed like the
others, keyed by her receipt holder; the outbox can name a receipt holder instead of a
person (exactly one of the two), with one unsent row per dedupe key for each."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_seal_contact_addresses"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReceiptAddress",
            fields=[
                ("holder", models.CharField(max_length=80, primary_key=True, serialize=False)),
                ("sealed", models.BinaryField()),
                ("language", models.CharField(default="en", max_length=8)),
            ],
        ),
        migrations.AddField(
            model_name="outbox",
            name="holder",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
        migrations.AlterField(
            model_name="outbox",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="outbox",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="outbox",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("sent_at__isnull", True),
                    models.Q(("dedupe", ""), _negated=True),
                    models.Q(("holder", ""), _negated=True),
                ),
                fields=("holder", "dedupe"),
                name="one_unsent_per_holder_dedupe",
            ),
        ),
        migrations.AddConstraint(
            model_name="outbox",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("recipient__isnull", False), ("holder", "")),
                    models.Q(("recipient__isnull", True), models.Q(("holder", ""), _negated=True)),
                    _connector="OR",
                ),
                name="outbox_one_recipient",
            ),
        ),
    ]
