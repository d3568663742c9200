"""What the parts of the product offer on the shared case pages (their links, and the
check-in waiting for her answer), gathered where the pages are drawn: the case, status
and respondent pages belong to lower apps, which must not import the apps above them
(see ombuds/web/links.py)."""

from __future__ import annotations

from typing import Any

from django import template

from ombuds.checkins.forms import AnswerCheckInForm
from ombuds.lib.link import Link
from ombuds.web import links

register = template.Library()


@register.simple_tag
def case_links(case: Any, state: Any, person: Any) -> list[Link]:
    """`{% case_links case state person as links %}` on the handler's case page."""
    return links.case_links(case, state, person)


@register.simple_tag
def complainant_links(participant: Any, state: Any) -> list[Link]:
    """`{% complainant_links participant state as links %}` on her status page."""
    return links.complainant_links(participant, state)


@register.simple_tag
def respondent_links(participant: Any, state: Any) -> list[Link]:
    """`{% respondent_links participant state as links %}` on the respondent's page."""
    return links.respondent_links(participant, state)


@register.simple_tag
def checkin_answer_form(checkin: Any) -> AnswerCheckInForm | None:
    """`{% checkin_answer_form view.checkin as form %}`: her answer to the check-in
    waiting for it, on her status page."""
    return AnswerCheckInForm(initial={"checkin": checkin.number}) if checkin else None
