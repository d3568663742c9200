"""Who an event names as its actor: a pseudonym and a role, never a name."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    pseudonym: str
    role: str


SYSTEM = Actor(pseudonym="system", role="system")
