"""Counters that slow down guessing, shared by every server process through the database.

Neither table holds an IP address or anything else about who is asking: per-address
limits belong to the reverse proxy (nginx `limit_req`), which keeps them in memory.
"""

from django.db import models


class TokenBucket(models.Model):
    """A global budget of slow work (Argon2id derivations asked for by strangers)."""

    name = models.CharField(max_length=40, primary_key=True)
    tokens = models.FloatField()
    updated = models.FloatField()  # seconds since the epoch

    def __str__(self) -> str:
        return self.name


class FailureCount(models.Model):
    """Failed sign-ins to one account. `key` is a hash of the sign-in name (the account
    may not even exist), never an address."""

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)  # in a row: sets the delay
    last_failure = models.FloatField(default=0.0)
    unreported = models.PositiveIntegerField(default=0)  # told to the holder at sign-in

    def __str__(self) -> str:
        return self.key
