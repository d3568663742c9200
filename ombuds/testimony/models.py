"""Approved accounts waiting to be shown, or shown (collated testimony).

An account is the text she approved, sealed under an instance key (a file outside the
database) so that the public page can show it without any case key, and so that a stolen
database does not give away accounts that are not yet shown. The row names its case only
by a keyed digest (for her withdrawal), its id is random and it carries no time.
"""

from __future__ import annotations

import uuid

from django.db import models

from ombuds.people.models import Organisation


class ApprovedAccount(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    holder = models.CharField(max_length=64, unique=True)  # keyed digest of the case id
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return "an approved account"
