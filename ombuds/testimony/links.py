"""Links collated testimony offers on shared pages (see ombuds/web/links.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from ombuds.lib.link import Link
from ombuds.people.models import User
from ombuds.record.roles import Role


def complainant_links(participant: Any, state: Any) -> list[Link]:
    return [
        Link(
            url=reverse("testimony:mine"),
            label=gettext("Share your experience anonymously"),
            hint=gettext("An anonymised account, published only with at least four others."),
        )
    ]


def case_links(case: Any, state: Any, person: User) -> list[Link]:
    if person.role != Role.ADVOCATE:
        return []
    return [Link(reverse("testimony:prepare", args=[case.reference]), "Anonymised account")]
