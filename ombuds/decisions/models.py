"""Each organisation's choice of sanctions from the scheme's catalogue (no case content)."""

from django.db import models

from ombuds.people.models import Organisation


class SanctionCatalogue(models.Model):
    """The sanction codes an organisation's panels may choose. Without a row, the whole
    catalogue (`decisions.sanctions.CATALOGUE`) applies. Changes are recorded in the ledger
    (`organisation.sanctions_chosen`)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sanction_catalogue"
    )
    codes = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"sanctions of {self.organisation_id}"
