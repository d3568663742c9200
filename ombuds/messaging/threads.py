"""The message threads of a case, the kinds of support an advocate records, and their
words. Plain Python: no Django.

Each thread has exactly two sides. It is encrypted with the key both sides hold: the case
key between the complainant and a handler, the respondent key between the respondent and
the investigator (the respondent holds no other key).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ombuds.lib.errors import NotFound
from ombuds.record import events
from ombuds.record.roles import Role

CASE_KEY = "case"  # the values of ombuds.record.spec.Key (kept here to stay pure)
RESPONDENT_KEY = "respondent"


@dataclass(frozen=True)
class Thread:
    name: str  # stable: stored in event metadata and used in URLs
    sides: tuple[Role, Role]
    key_purpose: str
    # How each side names the thread and the other side.
    titles: tuple[tuple[Role, str], ...]
    others: tuple[tuple[Role, str], ...]
    not_yet: str  # why the thread is not there yet, for the side that waits

    def title_for(self, role: Role) -> str:
        return dict(self.titles)[role]

    def other_side_for(self, role: Role) -> str:
        return dict(self.others)[role]

    def open_with(self, assigned_roles: Iterable[str]) -> bool:
        """Both sides are on the case now (so messages can be sent)."""
        present = set(assigned_roles)
        return all(side in present for side in self.sides)


COMPLAINANT_ADVOCATE = Thread(
    name="complainant-advocate",
    sides=(Role.COMPLAINANT, Role.ADVOCATE),
    key_purpose=CASE_KEY,
    titles=(
        (Role.COMPLAINANT, "Messages with your advocate"),
        (Role.ADVOCATE, "Messages with the complainant"),
    ),
    others=((Role.COMPLAINANT, "Your advocate"), (Role.ADVOCATE, "The complainant")),
    not_yet="You can send messages once your advocate has been named.",
)
COMPLAINANT_INVESTIGATOR = Thread(
    name="complainant-investigator",
    sides=(Role.COMPLAINANT, Role.INVESTIGATOR),
    key_purpose=CASE_KEY,
    titles=(
        (Role.COMPLAINANT, "Messages with the investigator"),
        (Role.INVESTIGATOR, "Messages with the complainant"),
    ),
    others=((Role.COMPLAINANT, "The investigator"), (Role.INVESTIGATOR, "The complainant")),
    not_yet="You can write to the investigator once one has been appointed.",
)
RESPONDENT_INVESTIGATOR = Thread(
    name="respondent-investigator",
    sides=(Role.RESPONDENT, Role.INVESTIGATOR),
    key_purpose=RESPONDENT_KEY,
    titles=(
        (Role.RESPONDENT, "Messages with the investigator"),
        (Role.INVESTIGATOR, "Messages with the respondent"),
    ),
    others=((Role.RESPONDENT, "The investigator"), (Role.INVESTIGATOR, "The respondent")),
    not_yet="You can write to the investigator once one has been appointed.",
)

THREADS: dict[str, Thread] = {
    t.name: t for t in (COMPLAINANT_ADVOCATE, COMPLAINANT_INVESTIGATOR, RESPONDENT_INVESTIGATOR)
}


def thread_named(name: str) -> Thread:
    """The thread called `name`; NotFound for any other name."""
    thread = THREADS.get(name)
    if thread is None:
        raise NotFound("No such conversation.")
    return thread


def threads_of(role: Role) -> list[Thread]:
    """The threads a role is one side of, in the order they are listed."""
    return [t for t in THREADS.values() if role in t.sides]


ENDED = "This case has ended, so messages can no longer be sent. You can still read them."
NOT_NOW = "The other side is not on the case at the moment, so messages cannot be sent."

# The advocate's record of support given: code -> words. Codes are stored in the encrypted
# body, never renamed.
SUPPORT_KINDS: dict[str, str] = {
    "listened": "Listened and explained the process",
    "safety_planning": "Safety planning",
    "counselling_referral": "Referred to counselling",
    "accompanied_interview": "Accompanied to interview",
    "other": "Other",
}

# Plain words for this app's events (cases/words.py holds the shared tables).
HANDLER_WORDS: dict[str, str] = {
    events.MESSAGE_SENT.type: "Message",
    events.SUPPORT_RECORDED.type: "The advocate recorded support given",
}
