"""What lets an anonymous complainant come back: a slow hash of her receipt, never the receipt."""

from django.db import models

from ombuds.cases.models import Case


class ReceiptCredential(models.Model):
    # BLAKE2b of Argon2id(receipt): finding the case costs a full key derivation.
    lookup = models.CharField(max_length=64, unique=True)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="receipt")
    public_key = models.BinaryField()
    complainant = models.CharField(max_length=32)  # her pseudonym in this case's events

    def __str__(self) -> str:
        return f"receipt for {self.case_id}"
