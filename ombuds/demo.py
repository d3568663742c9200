"""Demo data: one organisation, staff of every role, and cases at different stages.

Everything is made through the services, exactly as people would make it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ombuds.cases import services as case_services
from ombuds.cases.independence import case_record_parties
from ombuds.cases.models import Case
from ombuds.cases.participants import handler_participant
from ombuds.cases.routing import route
from ombuds.checkins.services import checkin_record
from ombuds.intake.report import ReportAccount
from ombuds.intake.services import (
    Submission,
    complainant_participant,
    report_add_information,
    report_submit,
    report_withdraw,
)
from ombuds.people.models import Organisation, User
from ombuds.people.services import organisation_create, person_create, person_unlock_key
from ombuds.record.roles import Role
from ombuds.respondents.models import Invitation
from ombuds.respondents.services import respondent_invite
from ombuds.survey.services import (
    survey_answer,
    survey_close,
    survey_create,
    survey_question_add,
    survey_tokens_issue,
)
from ombuds.testimony import services as testimony
from ombuds.timetable.services import service_levels_set
from ombuds.vetting.services import vetting_permission_grant

DEMO_PASSWORD = "ombuds-demo-2026"  # noqa: S105 - printed to the person running the demo
DEMO_ORGANISATION = "demo-party"

_STAFF = (
    ("admin", "Morgan Admin", Role.ADMINISTRATOR),
    ("casemanager", "Priya Shah", Role.CASE_MANAGER),
    ("advocate", "Sam Rivera", Role.ADVOCATE),
    ("investigator", "Jo Okafor", Role.INVESTIGATOR),
    ("panel1", "Chris Lee", Role.PANEL_MEMBER),
    ("panel2", "Dana Novak", Role.PANEL_MEMBER),
    ("panel3", "Eli Brown", Role.PANEL_MEMBER),
    ("auditor", "Ana Costa", Role.AUDITOR),
    ("liaison", "Pat Liaison", Role.LIAISON),
    ("counsellor", "Robin Hale", Role.MATCHING_COUNSELLOR),
    ("oversight", "Lee Walsh", Role.OVERSIGHT_OFFICER),
)


@dataclass
class DemoSeed:
    staff: list[tuple[str, str]] = field(default_factory=list)
    receipt: str | None = None
    sign_in_name: str | None = None
    invitation: str | None = None  # the respondent's invitation code on the named case
    survey_token: str | None = None  # an unused token of the open demo survey
    # The code works once: after the respondent has joined, a re-run says so instead.
    invitation_used: bool = False
    closed_receipt: str | None = None  # a closed case whose advocate has checked in


def _account(what: str, who: str, **more: str) -> ReportAccount:
    return ReportAccount(what_happened=what, people_involved=who, **more)


def _invitation_used() -> bool:
    """Whether the respondent of the demo's named case has used her invitation code. The
    demo's invitation is the instance's first: it is made before anyone uses the demo."""
    first = Invitation.objects.order_by("invited_at", "pk").first()
    return first is not None and first.joined


def seed_demo() -> DemoSeed:
    """Create the demo data once; later runs find it and only report the logins."""
    seed = DemoSeed(staff=[(u, r.value) for u, _, r in _STAFF])
    saved = settings.DATA_DIR / "demo-logins.txt"
    if Organisation.objects.filter(slug=DEMO_ORGANISATION).exists():
        if saved.exists():
            lines = [*saved.read_text().splitlines(), "", "", ""]
            seed.receipt, seed.sign_in_name = lines[0] or None, lines[1] or None
            seed.invitation = lines[2] or None
            seed.survey_token = lines[3] if len(lines) > 3 and lines[3] else None
            seed.closed_receipt = lines[4] if len(lines) > 4 and lines[4] else None
            seed.invitation_used = _invitation_used()
        return seed
    with transaction.atomic():
        organisation = organisation_create(actor=None, name="Demo Party", slug=DEMO_ORGANISATION)
        people: dict[str, User] = {}
        for username, name, role in _STAFF:
            people[username] = person_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=name,
                organisation=organisation if role == Role.LIAISON else None,
            )
        slug = organisation.slug
        manager = people["casemanager"]
        key = person_unlock_key(person=manager, password=DEMO_PASSWORD)

        fresh = report_submit(
            organisation_slug=slug,
            anonymous=True,
            account=_account(
                "At the regional conference dinner he kept putting his hand on my knee and "
                "suggested I come up to his room to 'talk about my selection'.",
                "A member of the regional executive",
                when="Saturday 7 November 2026",
                where="Conference hotel, Leeds",
                witnesses="Two people at our table may have seen it.",
                outcome_wanted="I want it recorded and I want it to stop.",
            ),
        )
        seed.receipt = fresh.receipt

        named = report_submit(
            organisation_slug=slug,
            anonymous=False,
            password=DEMO_PASSWORD,
            account=_account(
                "My line manager shouts at me in front of colleagues and has said that "
                "complaining would damage my career.",
                "My line manager in the research office",
                when="Over the last six months",
                where="Parliamentary office",
                your_name="Demo Complainant",
                contact="Text me on 07700 900123 after 6pm",
                respondent_name="Dr Morgan Fell",
            ),
        )
        seed.sign_in_name = named.sign_in_name
        case = case_services.case_acknowledge(actor=manager, case=named.case)
        case = case_services.case_assess(
            actor=manager,
            case=case,
            private_key=key,
            scope="in_scope",
            risk="medium",
            notes="Pattern of bullying; the complainant fears retaliation.",
        )
        case_services.case_allocate(
            actor=manager, case=case, private_key=key, role=Role.INVESTIGATOR
        )
        report_add_information(
            access=named.access, text="It happened again on Monday at the team meeting."
        )
        manager_on_case = handler_participant(manager, Case.objects.get(pk=case.pk), key)
        case_record_parties(
            participant=manager_on_case,
            parties={"respondent_name": "Demo Respondent", "respondent_units": "Research office"},
        )
        route(
            participant=handler_participant(manager, Case.objects.get(pk=case.pk), key),
            to="investigation",
        )
        investigator = people["investigator"]
        invitation = respondent_invite(
            participant=handler_participant(
                investigator,
                Case.objects.get(pk=case.pk),
                person_unlock_key(person=investigator, password=DEMO_PASSWORD),
            )
        )
        seed.invitation = invitation.code

        acknowledged = report_submit(
            organisation_slug=slug,
            anonymous=True,
            account=_account(
                "Repeated unwanted messages late at night after a campaign event.",
                "A campaign coordinator",
                # The same person as the named case, spelt another way: the two are linked.
                respondent_name="fell, morgan MP",
            ),
        )
        case_services.case_acknowledge(actor=manager, case=acknowledged.case)

        closed = report_submit(
            organisation_slug=slug,
            anonymous=True,
            account=_account("Rude remarks in a branch meeting.", "A branch officer"),
        )
        _demo_closed_with_checkin(people, organisation, closed)
        seed.closed_receipt = closed.receipt

        withdrawn = report_submit(
            organisation_slug=slug,
            anonymous=True,
            account=_account("Comments about my clothes.", "A volunteer"),
        )
        report_withdraw(access=withdrawn.access, reason="I have left the branch.")
        seed.survey_token = _demo_surveys(people["admin"], organisation)
        _demo_testimony(people["advocate"], [fresh, named, acknowledged, closed, withdrawn])
        # The liaison may make vetting checks ("Morgan Fell": an open investigation).
        vetting_permission_grant(actor=people["admin"], person=people["liaison"])
    logins = (
        seed.receipt,
        seed.sign_in_name,
        seed.invitation,
        seed.survey_token,
        seed.closed_receipt,
    )
    saved.write_text("".join(f"{line or ''}\n" for line in logins))
    saved.chmod(0o600)
    return seed


def _demo_closed_with_checkin(
    people: dict[str, User], organisation: Organisation, closed: Submission
) -> None:
    """A case closed after an apology, whose advocate has made her first check-in: its
    complainant (by the receipt printed) sees it and is asked whether anything has
    happened since. The demo party's first check-in is two days after closure (an
    administrator's setting, as any organisation may choose), so that it can be made the
    day the demo starts: the advocate may check in from a week before the date."""
    service_levels_set(actor=people["admin"], organisation=organisation,
                       values={"checkin_first": 2})  # fmt: skip
    manager = people["casemanager"]
    case = case_services.case_acknowledge(actor=manager, case=closed.case)
    case_services.case_close(
        actor=manager,
        case=case,
        private_key=person_unlock_key(person=manager, password=DEMO_PASSWORD),
        reason="Resolved: the complainant accepted a written apology.",
    )
    advocate = people["advocate"]
    checkin_record(
        participant=handler_participant(
            advocate,
            Case.objects.get(pk=closed.case.pk),
            person_unlock_key(person=advocate, password=DEMO_PASSWORD),
        ),
        message="Hello, it is Sam, your advocate. Your case closed this week: I wanted to "
        "see how you are, and whether the atmosphere in the branch has changed.",
    )


# Twelve answers to last year's survey (released and published, with small counts
# hidden), and this year's open, with one token left for whoever runs the demo.
_LAST_YEAR = [
    {"experienced": ["bullying"], "witnessed": ["bullying"], "reported": ["no"],
     "why_not": ["consequences", "senior"], "q1": ["no"]},
    {"experienced": ["sexual_harassment"], "witnessed": ["none"], "reported": ["some"],
     "why_not": ["believed"], "q1": ["no"]},
    *[{"experienced": ["none"], "witnessed": ["none"], "reported": ["not_applicable"],
       "q1": ["yes"]}] * 10,
]  # fmt: skip


def _demo_surveys(admin: User, organisation: Organisation) -> str:
    """A closed survey with published results, and an open one; returns a fresh token."""
    last = survey_create(actor=admin, organisation=organisation, title="Staff survey 2025",
                         period="2025")  # fmt: skip
    survey_question_add(actor=admin, survey=last, text="Do you know how to make a complaint?",
                        text_cy="Ydych chi'n gwybod sut i wneud cwyn?")  # fmt: skip
    tokens = survey_tokens_issue(actor=admin, survey=last, count=len(_LAST_YEAR) + 3)
    for token, answers in zip(tokens, _LAST_YEAR, strict=False):
        survey_answer(token=token, answers=answers)
    survey_close(actor=admin, survey=last)
    this = survey_create(actor=admin, organisation=organisation, title="Staff survey 2026",
                         period="2026")  # fmt: skip
    return survey_tokens_issue(actor=admin, survey=this, count=5)[0]


_ACCOUNTS = (
    "At a conference dinner a senior member kept touching me and suggested we talk about my "
    "selection in his room. I said nothing at the time because I was afraid for my career.",
    "For months my manager shouted at me in front of colleagues. When I said I might "
    "complain, I was told it would damage my prospects.",
    "After a campaign event I received messages late at night for weeks. I did not know "
    "who to tell, or whether anyone would take it seriously.",
    "Remarks were made about me in a branch meeting and everyone laughed. An apology "
    "helped, but I wish someone had spoken up at the time.",
    "Comments about my clothes became a running joke. I left the branch in the end.",
)


def _demo_testimony(advocate: User, reports: list[Submission]) -> None:
    """Five approved anonymised accounts, so the organisation's page is shown."""
    key = person_unlock_key(person=advocate, password=DEMO_PASSWORD)
    for report, text in zip(reports, _ACCOUNTS, strict=True):
        testimony.testimony_consent(participant=complainant_participant(report.access), account="")
        case = Case.objects.get(pk=report.case.pk)
        testimony.testimony_draft(participant=handler_participant(advocate, case, key), text=text,
                                  expected_version=case.version)  # fmt: skip
        testimony.testimony_approve(participant=complainant_participant(report.access), draft=1)
