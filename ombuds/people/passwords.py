"""A password validator over the breached-password list that zxcvbn ships (30,000 from
public breach corpora, on top of Django's own 20,000), and zxcvbn's estimate of how
guessable the whole password is (repeats, keyboard runs, dates, names). Offline: no
password is ever sent anywhere."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from zxcvbn import zxcvbn

MIN_SCORE = 3  # zxcvbn's "safely unguessable: moderate protection from offline attack"
TOO_GUESSABLE = _(
    "This password is too easy to guess: it is a common or breached password, or built "
    "from repeats, sequences or names. Use four or more unrelated words."
)


class BreachedPasswordValidator:
    """Refuse passwords zxcvbn scores below MIN_SCORE (its lists include breached ones)."""

    def validate(self, password: str, user: Any = None) -> None:
        names = [str(getattr(user, a, "") or "") for a in ("username", "display_name")]
        # zxcvbn is slow on very long input; the first 100 characters decide anyway.
        result = zxcvbn(password[:100], user_inputs=[n for n in names if n])
        if result["score"] < MIN_SCORE:
            raise ValidationError(TOO_GUESSABLE, code="password_too_guessable")

    def get_help_text(self) -> str:
        return gettext("Your password must not be a common or breached password.")
