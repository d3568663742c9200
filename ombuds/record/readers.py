"""How each reader sees an event, from its registry row (plain Python, no Django).

One answer for every page: the case file (handlers), the complainant's status page and
the respondent's pages all ask here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ombuds.record.events import spec_for
from ombuds.record.roles import Role
from ombuds.record.spec import HandlerContent, Key, Only, Seen


def _her_copy(reader: Role, metadata: Mapping[str, object]) -> bool:
    written_for_respondent = metadata.get("key") == Key.RESPONDENT
    return written_for_respondent if reader == Role.RESPONDENT else not written_for_respondent


def seen_by_party(reader: Role, event_type: str, metadata: Mapping[str, object]) -> Seen | None:
    """How a party (complainant or respondent) sees this event on her timeline, or None.

    Events written once for each key appear once to each party (her own copy); each sees
    only her own interview. Other events a party sees as words only, never their content.
    """
    seen = spec_for(event_type).seen_by(reader)
    if seen is None:
        return None
    if seen.only is Only.OWN_COPY and not _her_copy(reader, metadata):
        return None
    if seen.only is Only.OWN_INTERVIEW and not (
        _her_copy(reader, metadata) and metadata.get("interviewee") == reader
    ):
        return None
    return seen


def shown_to_handlers(event_type: str, metadata: Mapping[str, object]) -> bool:
    """Whether the case file lists this event: handlers hold every key, so of an event
    written once per key they see one copy."""
    spec = spec_for(event_type)
    return bool(spec.handlers) and not (
        spec.one_copy_for_handlers and metadata.get("key") == Key.RESPONDENT
    )


def handler_reads_content(
    role: Role, event_type: str, actor_role: str, metadata: Mapping[str, object]
) -> bool:
    """Whether a handler in `role` is shown this event's content in the case file."""
    rule = spec_for(event_type).handler_content
    if rule is HandlerContent.THEIR_SIDES_ONLY:
        return False  # messages belong to their thread's two sides (messaging's pages)
    if role != Role.ADVOCATE or rule is HandlerContent.EVERY_HANDLER:
        return True
    if rule is HandlerContent.ADVOCATE_IF_HERS:
        return actor_role == Role.COMPLAINANT or metadata.get("interviewee") == Role.COMPLAINANT
    return False
