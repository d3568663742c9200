"""An invitation for the respondent to join her case with her own password."""

from django.db import models

from ombuds.cases.models import Case


class Invitation(models.Model):
    """One invitation code per case. The code (seven words, like a receipt) is shown once to
    the inviting handler to pass on; only its Argon2id-derived lookup is stored. The
    respondent's key pair is made at invitation, its private key locked under the code,
    so the respondent key can be sealed to her before she ever signs in."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="invitation")
    lookup = models.CharField(max_length=64, unique=True)
    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()
    invited_at = models.DateTimeField()
    joined = models.BooleanField(default=False)
    tag = models.BigIntegerField(null=True, db_index=True)  # as ReceiptCredential.tag

    def __str__(self) -> str:
        return f"invitation for {self.case_id}"
