"""Who can act in Ombuds: one vocabulary shared by people, cases and every face."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COMPLAINANT = "complainant"
    ADVOCATE = "advocate"
    CASE_MANAGER = "case_manager"
    INVESTIGATOR = "investigator"
    PANEL_MEMBER = "panel_member"
    RESPONDENT = "respondent"
    LIAISON = "liaison"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    OVERSIGHT_OFFICER = "oversight_officer"  # the scheme's watchdog over delay: no content
    MATCHING_COUNSELLOR = "matching_counsellor"  # the escrow: reads matched entries only
    SYSTEM = "system"


# Handlers belong to the scheme and are allocated to cases from its independent pool.
HANDLER_ROLES = frozenset({Role.CASE_MANAGER, Role.ADVOCATE, Role.INVESTIGATOR, Role.PANEL_MEMBER})
PARTY_ROLES = frozenset({Role.COMPLAINANT, Role.RESPONDENT})

# fmt: off
# A role as a heading or a label: "Case manager".
ROLE_NAMES: dict[Role, str] = {
    Role.CASE_MANAGER: "Case manager", Role.ADVOCATE: "Advocate",
    Role.INVESTIGATOR: "Investigator", Role.PANEL_MEMBER: "Panel member",
    Role.LIAISON: "Organisation liaison", Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Scheme administrator", Role.COMPLAINANT: "Complainant",
    Role.RESPONDENT: "Respondent", Role.OVERSIGHT_OFFICER: "Oversight officer",
    Role.MATCHING_COUNSELLOR: "Matching counsellor", Role.SYSTEM: "The system",
}
# A role inside a sentence: "Only a case manager can ...".
ROLE_IN_SENTENCE: dict[Role, str] = {
    Role.COMPLAINANT: "the complainant", Role.ADVOCATE: "an advocate",
    Role.CASE_MANAGER: "a case manager", Role.INVESTIGATOR: "the investigator",
    Role.PANEL_MEMBER: "a panel member", Role.RESPONDENT: "the respondent",
    Role.LIAISON: "an organisation liaison", Role.AUDITOR: "an auditor",
    Role.ADMINISTRATOR: "an administrator", Role.OVERSIGHT_OFFICER: "the oversight officer",
    Role.MATCHING_COUNSELLOR: "a matching counsellor", Role.SYSTEM: "the system",
}
# fmt: on


def role_name(role: str) -> str:
    """A stored role value as a label; an unknown value is shown as it is."""
    try:
        return ROLE_NAMES[Role(role)]
    except ValueError:
        return role
