"""The words of every notification, fixed per kind (no Django, no case).

Nothing here takes a case, a reference or anything a person wrote: an e-mail can only
ever say that there is something to see and where to sign in. A staff digest carries
counts, never references.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

UPDATE = "update"  # a party: something new on her case
RECEIPT_UPDATE = "receipt_update"  # a complainant without an account: sign in by receipt
REMINDER = "reminder"  # a handler: a deadline falls due soon
MISSED = "missed"  # a handler: a deadline was missed, a reason is owed
ESCALATION = "escalation"  # the oversight officer: a deadline was missed
DIGEST = "digest"  # staff, daily: counts of what is due


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


_SIGN_IN = (
    "Please sign in to see it:\n\n{site}/{path}\n\nFor your privacy, this e-mail says nothing more."
)
# fmt: off
_WORDS: dict[str, tuple[str, str, str]] = {
    UPDATE: ("There is an update for you", "There is an update for you.", "home/"),
    # She has no account: the page where she types the seven words of her receipt.
    RECEIPT_UPDATE: ("There is an update for you",
                     "There is an update for you. Sign in with the seven words of your "
                     "receipt.", "return/"),
    REMINDER: ("A deadline is coming up",
               "A deadline on one of your cases falls due soon.", "cases/?due=soon"),
    MISSED: ("A deadline has been missed",
             "A deadline on one of your cases has been missed. Record the reason and a new "
             "date before you do anything else on that case.", "cases/?due=overdue"),
    ESCALATION: ("A deadline has been missed",
                 "A deadline has been missed on a case you oversee.", "oversight/delays/"),
    DIGEST: ("What is due today", "", "home/"),
}
# fmt: on
KINDS = frozenset(_WORDS)


_DIGEST = (
    "Cases with a deadline in the next two working days: {due_soon}. "
    "Cases with a missed deadline: {overdue}."
)
_SUBJECT = "Ombuds: {subject}"


def _as_written(text: str) -> str:
    return text


def message_for(
    kind: str,
    *,
    site: str,
    due_soon: int = 0,
    overdue: int = 0,
    translate: Callable[[str], str] = _as_written,
) -> Message:
    """The e-mail for one outbox row of `kind`. Every sentence here is a message id:
    `translate` gives it in the recipient's language, and `site` ends with her language's
    prefix (the Welsh pages are under /cy/)."""
    subject, lead, path = _WORDS[kind]
    if kind == DIGEST:
        lead = translate(_DIGEST).format(due_soon=due_soon, overdue=overdue)
    else:
        lead = translate(lead)
    sign_in = translate(_SIGN_IN).format(site=site, path=path)
    return Message(
        subject=translate(_SUBJECT).format(subject=translate(subject)),
        body=f"{lead}\n\n{sign_in}",
    )
