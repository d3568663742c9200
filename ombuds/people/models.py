"""People, their roles and their keys; organisations served by the scheme."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac

from ombuds.people.regions import ENGLAND_AND_WALES, REGION_CHOICES
from ombuds.record.roles import Role

STAFF_ROLES = frozenset(
    {
        Role.CASE_MANAGER,
        Role.ADVOCATE,
        Role.INVESTIGATOR,
        Role.PANEL_MEMBER,
        Role.LIAISON,
        Role.AUDITOR,
        Role.ADMINISTRATOR,
        Role.OVERSIGHT_OFFICER,
        Role.MATCHING_COUNSELLOR,
    }
)
# Handlers belong to the scheme; only a liaison belongs to an organisation.
HANDLER_ROLES = frozenset({Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR, Role.PANEL_MEMBER})


class Organisation(models.Model):
    """An organisation whose complaints the scheme handles (a party, a parliament...)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    # Whose public holidays its working-day calendar follows (people/regions.py).
    region = models.CharField(max_length=32, choices=REGION_CHOICES, default=ENGLAND_AND_WALES)

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username)


class User(AbstractBaseUser):
    """A person with an account: scheme staff, or a party who chose a password.

    Complainant and respondent accounts get generated sign-in names, so the database
    holds no name of theirs; their names are case content, encrypted.
    """

    username = models.CharField(max_length=60, unique=True)
    display_name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=32, choices=[(r.value, r.value) for r in Role])
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT)
    pseudonym = models.CharField(max_length=32, unique=True)  # how events name this person
    public_key = models.BinaryField()
    locked_private_key = models.BinaryField()  # Argon2id(password)-encrypted
    is_active = models.BooleanField(default=True)
    # Where "there is an update, please sign in" goes; blank: on her pages only.
    email = models.EmailField(blank=True)
    # The language of those e-mails: the one she was reading when she gave the address.
    language = models.CharField(max_length=8, default="en")
    # Raised to end every session she has (a reset of her second factor): part of the
    # session hash Django checks on each request, as her password hash already is.
    sessions_epoch = models.PositiveIntegerField(default=0)

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects: ClassVar[Any] = PersonManager()

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Epoch 0 hashes exactly as Django does, so no session ends when this is deployed.
        if not self.sessions_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "ombuds.people.User.session_auth_hash",
            f"{self.password}/{self.sessions_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES


class Declaration(models.Model):
    """A handler's current declaration of interests (a read model of her latest
    `person.interests_declared` event). Only tokens are kept in the clear; the words she
    typed are sealed to her own key so she alone can review them."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="declaration")
    version = models.PositiveIntegerField()
    declared_at = models.DateTimeField()
    tokens = models.JSONField(default=list)
    sealed_interests = models.BinaryField()

    def __str__(self) -> str:
        return f"declaration {self.version} of {self.person_id}"


class SecondFactor(models.Model):
    """A staff member's TOTP authenticator. The seed is encrypted under an instance key
    held outside the database; `last_step` stops a code being used twice."""

    person = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    sealed_secret = models.BinaryField()
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"second factor of {self.person_id}"


class RecoveryCode(models.Model):
    """One single-use recovery code, stored only as a digest (the code has 120 bits)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"recovery code of {self.person_id}"


class Passkey(models.Model):
    """A staff member's passkey (a WebAuthn credential), which she may use instead of her
    authenticator app's code. Only its public key is kept; `sign_count` is the
    authenticator's counter at its last use, so a copy that falls behind is refused."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60)  # hers, to tell her passkeys apart
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url, as sent
    public_key = models.BinaryField()  # COSE-encoded
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"passkey {self.pk} of {self.person_id}"
