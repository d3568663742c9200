"""The escrow's link on the complainant's status page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext

from ombuds.lib.link import Link


def complainant_links(participant: Any, state: Any) -> list[Link]:
    return [
        Link(
            url=reverse("escrow:mine"),
            label=gettext("Name someone only if others do too"),
            hint=gettext("A sealed entry, read only if someone else names the same person."),
        )
    ]
