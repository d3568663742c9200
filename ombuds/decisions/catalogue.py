"""The sanctions an organisation's panels may impose, chosen by the administrator."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from ombuds.decisions.models import SanctionCatalogue
from ombuds.ledger.services import SCHEME_STREAM
from ombuds.lib.errors import InvalidInput, NotPermitted
from ombuds.lib.security_log import administrator_action
from ombuds.people.models import Organisation, User
from ombuds.people.services import actor_of
from ombuds.record.events import scheme as events_scheme
from ombuds.record.outcomes import (
    NO_ACTION,
    catalogue_codes,
)
from ombuds.record.roles import Role
from ombuds.record.services import event_append


def sanctions_choose(
    *, actor: User, organisation: Organisation, codes: Sequence[str]
) -> SanctionCatalogue:
    """A scheme administrator chooses which sanctions the organisation's panels may use.
    "No action" is always among them. Recorded in the scheme's ledger."""
    if actor.role != Role.ADMINISTRATOR:
        raise NotPermitted("Only a scheme administrator chooses an organisation's sanctions.")
    chosen = catalogue_codes(codes)
    if chosen == [NO_ACTION]:
        raise InvalidInput("Choose at least one sanction besides no action.")
    with transaction.atomic():
        catalogue, _ = SanctionCatalogue.objects.update_or_create(
            organisation=organisation, defaults={"codes": chosen, "updated_at": timezone.now()}
        )
        event_append(
            events_scheme.SANCTIONS_CHOSEN,
            stream=SCHEME_STREAM,
            actor=actor_of(actor),
            metadata={"organisation": organisation.slug, "sanctions": chosen},
        )
        administrator_action(by=actor.pseudonym, action=events_scheme.SANCTIONS_CHOSEN.type)
    return catalogue
