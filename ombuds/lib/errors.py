"""One error hierarchy for the whole product, mapped to HTTP in one place: web/middleware.py."""


class DomainError(Exception):
    """Base of every error a person can be told about in plain words."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotPermitted(DomainError):
    """The person is known but their role may not do this (HTTP 403)."""


class NotFound(DomainError):
    """The thing does not exist, or the person may not know it exists (HTTP 404)."""


class TransitionRefused(DomainError):
    """A lifecycle transition whose source stage or guards do not hold."""


class InvalidInput(DomainError):
    """Input that fails validation; nothing was changed."""


class ConcurrentChange(DomainError):
    """Somebody else changed the case first; reload and try again."""


class DecryptionFailed(DomainError):
    """Ciphertext could not be opened: wrong key, wrong binding or tampered."""


class Busy(DomainError):
    """The database refused to wait any longer (a lock or a stalled process); nothing was
    changed and the same command may simply be tried again (HTTP 503)."""


class MalformedEvent(DomainError):
    """A stored event no longer parses (bad encoding or JSON): the record was damaged or
    tampered with. Carries the event's sequence number so a page can say which one."""

    def __init__(self, message: str = "", *, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq
