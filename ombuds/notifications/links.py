"""The notifications' link on the complainant's status page (see ombuds/web/links.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext

from ombuds.cases.participants import Participant
from ombuds.lib.link import Link
from ombuds.notifications.services import RECEIPT_HOLDER
from ombuds.record.state import CaseState


def complainant_links(participant: Participant, state: CaseState) -> list[Link]:
    """Only to a complainant signed in by receipt: one with an account gives her address
    on her account's page (the "Notifications" link at the top of every page)."""
    if not participant.holder.startswith(RECEIPT_HOLDER):
        return []
    return [
        Link(
            url=reverse("notifications:receipt_address"),
            label=gettext("Get an e-mail when there is an update"),
            hint=gettext("Optional. The e-mail never says what it is about."),
        )
    ]
