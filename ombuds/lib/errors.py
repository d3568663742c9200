"""One error hierarchy for the whole product, mapped to HTTP in one place: web/middleware.py.

The rules and services refuse in English, and the rule modules import no Django; a
person reads the refusal in her own language all the same, because `message` looks the
sentence up in the catalogue the product installs (`translate_with`, from web.apps).
"""

from collections.abc import Callable


def _as_written(text: str) -> str:
    return text


_translate: Callable[[str], str] = _as_written


def translate_with(translate: Callable[[str], str]) -> None:
    """Install the catalogue's lookup (Django's gettext, in the reader's language)."""
    global _translate
    _translate = translate


def _in_language(text: str) -> str:
    return _translate(text) if text else ""  # an empty msgid is the catalogue's header


class DomainError(Exception):
    """Base of every error a person can be told about in plain words.

    `message` is a sentence, or a pattern whose %(name)s parts are words of their own
    ("This case is %(state)s; it cannot be %(done)s now."): each is looked up in the
    catalogue, so a sentence put together from parts reads right in Welsh too.
    """

    def __init__(self, message: str = "", **parts: str) -> None:
        super().__init__(message % parts if parts else message)
        self.pattern = message
        self.parts = parts

    @property
    def message(self) -> str:
        """The refusal in the reader's language (English outside a request)."""
        if not self.parts:
            return _in_language(self.pattern)
        words = {name: _in_language(part) for name, part in self.parts.items()}
        return _in_language(self.pattern) % words


class NotPermitted(DomainError):
    """The person is known but their role may not do this (HTTP 403)."""


class NotFound(DomainError):
    """The thing does not exist, or the person may not know it exists (HTTP 404)."""


class TransitionRefused(DomainError):
    """A lifecycle transition whose source stage or guards do not hold."""


class InvalidInput(DomainError):
    """Input that fails validation; nothing was changed. `field`: the input it is about
    (the service's parameter, which its form names alike), so a page can show the
    refusal at that field and link to it from the error summary."""

    def __init__(self, message: str = "", *, field: str | None = None, **parts: str) -> None:
        super().__init__(message, **parts)
        self.field = field


class ConcurrentChange(DomainError):
    """Somebody else changed the case first; reload and try again."""


class DecryptionFailed(DomainError):
    """Ciphertext could not be opened: wrong key, wrong binding or tampered."""


class Busy(DomainError):
    """The database refused to wait any longer (a lock or a stalled process); nothing was
    changed and the same command may simply be tried again (HTTP 503)."""


class LedgerUnsigned(Busy):
    """The ledger's head does not carry this instance's signature over what is stored:
    someone changed the record outside Ombuds, or it was never signed. Nothing is written
    on top of it until the operator has run `ombuds verify --full` and restored the
    database or accepted the record (`ombuds checkpoint --accept-head`) (HTTP 503)."""


class MalformedEvent(DomainError):
    """A stored event no longer parses (bad encoding or JSON): the record was damaged or
    tampered with. Carries the event's sequence number so a page can say which one."""

    def __init__(self, message: str = "", *, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq
