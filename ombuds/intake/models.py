"""What lets an anonymous complainant come back: a slow hash of her receipt, never the receipt."""

from django.db import models

from ombuds.cases.models import Case


class ReceiptCredential(models.Model):
    # BLAKE2b of Argon2id(receipt): finding the case costs a full key derivation.
    lookup = models.CharField(max_length=64, unique=True)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="receipt")
    public_key = models.BinaryField()
    complainant = models.CharField(max_length=32)  # her pseudonym in this case's events
    # 32-bit keyed tag of the receipt (vault.receipt_tag): a wrong receipt is turned away
    # without an Argon2id derivation. Null for receipts issued before tags existed.
    tag = models.BigIntegerField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"receipt for {self.case_id}"


class SentForm(models.Model):
    """The one-time token of a "Send report" form that has been sent: a second post of
    the same form finds it and creates nothing. A random token and nothing else: no
    case, no time, nothing to link it to a report."""

    token = models.CharField(max_length=64, primary_key=True)

    def __str__(self) -> str:
        return "a sent form"
