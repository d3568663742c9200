"""One case taken through every stage the pages know about, and everyone who might try a
page of it, for the authorisation matrix (test_authorization_matrix.py).

Everything is made through the services, as tests/conftest.py asks; nothing here is
imported from another test module (but the sign-in helpers of conftest), so those can
change freely. The people sign in through the real sign-in pages, and what each browser
holds afterwards (its cookies) is kept so that every cell of the matrix can start from a
fresh client in that session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from ombuds.cases import services as case_services
from ombuds.cases.commands import case_record
from ombuds.cases.models import Case
from ombuds.cases.participants import Participant, complainant_participant, respondent_participant
from ombuds.cases.participants import handler_participant as _handler_participant
from ombuds.cases.read_models import case_state
from ombuds.decisions.panels import panel_allocate
from ombuds.decisions.services import (
    OutcomeChoice,
    decision_propose,
    decision_record,
    decision_sign,
)
from ombuds.escrow.models import Match
from ombuds.escrow.services import escrow_entry_add
from ombuds.intake.report import ReportAccount
from ombuds.intake.services import Submission, report_submit
from ombuds.investigation.measures import measure_approve, measure_propose
from ombuds.investigation.services import (
    draft_report_comment,
    draft_report_share,
    findings_record,
    interview_record,
)
from ombuds.ledger.models import Event
from ombuds.ledger.services import case_stream, event_metadata
from ombuds.lib.working_days import is_working_day
from ombuds.messaging.services import message_send, support_record
from ombuds.people.models import STAFF_ROLES, Organisation, User
from ombuds.people.services import organisation_create, person_create, person_unlock_key
from ombuds.record import events as registry
from ombuds.record.roles import Role
from ombuds.respondents.evidence import evidence_add
from ombuds.respondents.services import (
    Witness,
    allegations_disclose,
    respondent_invite,
    respondent_join,
    response_submit,
)
from ombuds.survey.services import survey_create
from ombuds.vetting.services import vetting_permission_grant
from tests.conftest import enrol_second_factor, totp_code
from tests.signin.passkey_pages import a_passkey

PASSWORD = "correct horse battery 9"
RESPONDENT_PASSWORD = "her own secret 42"
# What people wrote, to look for on pages that must not show it.
RESPONSE = "I deny the second allegation."
WITNESS_HOW = "Was at the meeting on 10 March"
EVIDENCE_DESCRIPTION = "The minutes of the branch meeting"
RESPONDENT_INTERVIEW = "He said the remarks were a joke."
WITNESS_INTERVIEW = "Jo heard the remarks from the corridor."
MEASURE_REASON = "He chairs the meetings she must attend."
SUPPORT_NOTES = "Talked her through what an interview is like."


def message_text(thread: str) -> str:
    return f"A message in the {thread} thread."


ALLEGATIONS = [
    "On 3 March you made remarks about a colleague's body in the office kitchen.",
    "On 10 March you sent her messages late at night asking to meet alone.",
]

# The columns of the matrix. The first nine are the people on (or around) the case; then
# a handler of each role created after everything was allocated (so on nothing), a second
# complainant with her own receipt and her own case, and a browser with no session.
ON_THE_CASE = ("complainant", "advocate", "case_manager", "investigator", "panel_member")
PERSONAS = (
    *ON_THE_CASE,
    "respondent",
    "liaison",
    "auditor",
    "administrator",
    "oversight_officer",
    "matching_counsellor",
    "outsider_case_manager",
    "outsider_advocate",
    "outsider_investigator",
    "outsider_panel_member",
    "other_complainant",
    "anonymous",
)
HANDLERS = ("advocate", "case_manager", "investigator", "panel_member")
OUTSIDERS = tuple(f"outsider_{role}" for role in HANDLERS)


def an_account(what: str) -> ReportAccount:
    return ReportAccount(
        what_happened=what,
        people_involved="A senior councillor",
        when="Last Tuesday",
        where="Head office",
        witnesses="Nobody",
        outcome_wanted="I want it to stop.",
        your_name="",
        contact="",
        # Both reports name the same person: the two cases are linked (ombuds/vetting).
        respondent_name="Pat Example",
    )


def png_with_author() -> bytes:
    """A small PNG whose text chunk names its author: stripped on upload, so an original
    is kept when the sender asks (and the /original/ download exists)."""
    info = PngInfo()
    info.add_text("Author", "Jane Q. Secretary")
    out = BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def an_upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_with_author(), content_type="image/png")


def working_day_after(days: int) -> date:
    day = timezone.now().date() + timedelta(days=days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def events_of(*cases: Case) -> int:
    """How many events the cases' own streams hold (reads go to the access streams)."""
    return Event.objects.filter(stream__in=[case_stream(c.id) for c in cases]).count()


@dataclass
class World:
    """The case, the other complainant's case, the numbers and ids the URLs need, and the
    cookies of each persona's signed-in browser."""

    case: Case
    other_case: Case
    organisation: Organisation
    people: dict[str, User]
    values: dict[str, str]
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        """A fresh browser holding this persona's session (nothing one cell does to its
        cookies reaches another cell)."""
        client = Client()
        for name, value in self.cookies.get(persona, {}).items():
            client.cookies[name] = value
        return client

    def events(self) -> int:
        return events_of(self.case, self.other_case)


class _Builder:
    def __init__(self) -> None:
        self.people: dict[str, User] = {}
        self.keys: dict[str, bytes] = {}
        self.organisation = organisation_create(actor=None, name="Matrix Party")

    def person(self, persona: str, role: Role, username: str | None = None) -> User:
        name = username or f"matrix-{persona.replace('_', '-')}"
        person = person_create(
            actor=None,
            username=name,
            password=PASSWORD,
            role=role,
            display_name=name.replace("-", " ").title(),
            organisation=self.organisation if role == Role.LIAISON else None,
        )
        self.people[persona] = person
        if role in STAFF_ROLES:
            enrol_second_factor(person)
        return person

    def key(self, person: User) -> bytes:
        if person.username not in self.keys:
            self.keys[person.username] = person_unlock_key(person=person, password=PASSWORD)
        return self.keys[person.username]

    def on(self, persona: str, case: Case) -> Participant:
        person = self.people[persona]
        fresh = Case.objects.get(pk=case.pk)
        return _handler_participant(person, fresh, self.key(person))


def build_world() -> tuple[World, dict[str, str]]:
    """Make the case and everyone around it; returns the world and the two receipts."""
    b = _Builder()
    # Exactly one of each handler before the report: allocation, random among the
    # eligible, has no choice to make.
    b.person("case_manager", Role.CASE_MANAGER)
    b.person("advocate", Role.ADVOCATE)
    b.person("investigator", Role.INVESTIGATOR)
    b.person("panel_member", Role.PANEL_MEMBER)
    b.person("liaison", Role.LIAISON)
    b.person("auditor", Role.AUDITOR)
    b.person("administrator", Role.ADMINISTRATOR)
    b.person("oversight_officer", Role.OVERSIGHT_OFFICER)
    b.person("matching_counsellor", Role.MATCHING_COUNSELLOR)

    # An anonymous report; the complainant comes back with her receipt.
    report: Submission = report_submit(
        organisation_slug=b.organisation.slug,
        account=an_account("He made comments about my body in the office kitchen."),
        anonymous=True,
    )
    other: Submission = report_submit(
        organisation_slug=b.organisation.slug,
        account=an_account("Someone else, something else, another time."),
        anonymous=True,
    )
    assert report.receipt is not None and other.receipt is not None
    case = report.case

    # Acknowledged, assessed, an investigator allocated, routed to investigation.
    cm = b.people["case_manager"]
    case = case_services.case_acknowledge(actor=cm, case=case)
    case = case_services.case_assess(
        actor=cm, case=case, private_key=b.key(cm), scope="in_scope", risk="low", notes=""
    )
    case_services.case_allocate(actor=cm, case=case, private_key=b.key(cm), role=Role.INVESTIGATOR)
    case_record(b.on("case_manager", case), registry.INVESTIGATION_OPENED)

    # The respondent invited and joined, then told the allegations.
    code = respondent_invite(participant=b.on("investigator", case)).code
    joined = respondent_join(code=code, password=RESPONDENT_PASSWORD)
    b.people["respondent"] = joined.person
    respondent = respondent_participant(joined.person, joined.private_key)
    allegations_disclose(participant=b.on("investigator", case), allegations=ALLEGATIONS)

    # Interviews: 1 the complainant's, 2 the respondent's, 3 a witness's.
    today = timezone.now().date()
    interviews = {}
    for interviewee, notes, witness in (
        ("complainant", "She described the kitchen remarks in detail.", ""),
        ("respondent", RESPONDENT_INTERVIEW, ""),
        ("witness", WITNESS_INTERVIEW, "Jo from finance"),
    ):
        interviews[interviewee] = interview_record(
            participant=b.on("investigator", case),
            interviewee=interviewee,
            notes=notes,
            held_on=today,
            witness=witness,
        )

    # A message in each thread; a file in each, its original kept.
    complainant = complainant_participant(report.access)
    files: dict[str, str] = {}

    def send(sender: Participant, thread: str, upload: SimpleUploadedFile | None) -> None:
        message_send(
            participant=sender,
            thread=thread,
            text=message_text(thread),
            upload=upload,
            keep_original=upload is not None,
        )

    send(complainant, "complainant-advocate", an_upload("kitchen.png"))
    send(b.on("advocate", case), "complainant-advocate", None)
    support_record(
        participant=b.on("advocate", case), kind="accompanied_interview", notes=SUPPORT_NOTES
    )
    send(complainant, "complainant-investigator", an_upload("timeline.png"))
    send(b.on("investigator", case), "complainant-investigator", None)
    send(respondent, "respondent-investigator", an_upload("diary.png"))
    send(b.on("investigator", case), "respondent-investigator", None)
    for event in Event.objects.filter(stream=case_stream(case.id), type=registry.MESSAGE_SENT.type):
        metadata = event_metadata(event)
        for attachment in metadata.get("attachments") or ():
            files[str(metadata["thread"])] = str(attachment)

    # The respondent answers in writing and sends evidence of her own.
    response_submit(
        participant=respondent,
        response=RESPONSE,
        witnesses=[Witness(name="Sam", how=WITNESS_HOW)],
    )
    evidence_add(
        participant=respondent,
        upload=an_upload("minutes.png"),
        description=EVIDENCE_DESCRIPTION,
        keep_original=True,
    )
    evidence_event = Event.objects.get(
        stream=case_stream(case.id), type=registry.EVIDENCE_ADDED.type
    )
    evidence = str(event_metadata(evidence_event)["attachment"])

    # Interim measures: 1 approved (disclosed to the respondent, the liaison told),
    # 2 only proposed (nobody but the handlers knows of it).
    approved = measure_propose(
        participant=b.on("investigator", case),
        kind="suspension_from_office",
        review_date=working_day_after(14),
        reason=MEASURE_REASON,
        details="Chair of the Northern branch.",
    )
    measure_approve(participant=b.on("case_manager", case), measure=approved, respondent_name="Pat")
    proposed = measure_propose(
        participant=b.on("investigator", case),
        kind="suspension_from_office",
        review_date=working_day_after(21),
        reason="A second measure, waiting for approval.",
        details="Vice-chair too.",
    )

    # A draft report shared, both parties comment, the findings final.
    outcomes = {1: ("upheld", "Two witnesses heard it."), 2: ("not_upheld", "No record.")}
    draft = draft_report_share(
        participant=b.on("investigator", case), findings=outcomes, summary="Two allegations."
    )
    draft_report_comment(participant=complainant, draft=draft, text="That date is wrong.")
    draft_report_comment(participant=respondent, draft=draft, text="So is that one.")
    findings_record(
        participant=b.on("investigator", case), findings=outcomes, summary="Two allegations."
    )

    # A panel of exactly three (so the panel member persona sits on it) decides.
    b.person("panel_member_2", Role.PANEL_MEMBER)
    b.person("panel_member_3", Role.PANEL_MEMBER)
    panel = panel_allocate(participant=b.on("case_manager", case))
    assert {p.username for p in panel} == {
        b.people[p].username for p in ("panel_member", "panel_member_2", "panel_member_3")
    }
    accept = [OutcomeChoice(number=1, outcome="accept"), OutcomeChoice(number=2, outcome="accept")]
    decision_propose(
        participant=b.on("panel_member_2", case),
        outcomes=accept,
        sanctions=["reprimand"],
        reasons="The panel agrees with the investigator.",
    )
    for signer in ("panel_member_3", "panel_member"):
        proposal = case_state(case.id).proposal
        assert proposal is not None
        decision_sign(participant=b.on(signer, case), proposal=proposal)
    decision_record(participant=b.on("panel_member_2", case), respondent_name="Pat")

    # A handler of each role, created now, so on no case at all.
    for role in HANDLERS:
        b.person(f"outsider_{role}", Role(role))

    # Both complainants name the same person in the matching escrow: one match.
    escrow_entries = [
        escrow_entry_add(access=access, identifiers=[("name", "John Doe")], account="Escrow words.")
        for access in (report.access, other.access)
    ]
    assert escrow_entries[1].matched

    # A survey of the organisation, open (its results readable by three roles).
    survey = survey_create(
        actor=b.people["administrator"], organisation=b.organisation, title="Matrix", period="2026"
    )
    # The liaison may make vetting checks.
    vetting_permission_grant(actor=b.people["administrator"], person=b.people["liaison"])

    world = World(
        case=Case.objects.get(pk=case.pk),
        other_case=Case.objects.get(pk=other.case.pk),
        organisation=b.organisation,
        people=b.people,
        values={
            "ref": case.reference,
            "slug": b.organisation.slug,
            "staff": b.people["auditor"].username,
            "year": str(case.received_at.year),  # the auditor's statistics count it
            "ca_file": files["complainant-advocate"],
            "ci_file": files["complainant-investigator"],
            "ri_file": files["respondent-investigator"],
            "evidence": evidence,
            "complainant_interview": str(interviews["complainant"]),
            "respondent_interview": str(interviews["respondent"]),
            "witness_interview": str(interviews["witness"]),
            "approved_measure": str(approved),
            "proposed_measure": str(proposed),
            "escrow_entry": str(escrow_entries[0].entry.id),
            "other_escrow_entry": str(escrow_entries[1].entry.id),
            "escrow_match": str(Match.objects.get().id),
            "survey": str(survey.id),
            "other_ref": other.case.reference,
            "link_request": "999999",  # none exists: the officer is told it is decided
            "liaison": b.people["liaison"].pseudonym,
            "passkey": str(a_passkey(b.people["case_manager"])),
        },
    )
    return world, {"complainant": report.receipt, "other_complainant": other.receipt}


def sign_in_everyone(world: World, receipts: dict[str, str]) -> None:
    """Sign each persona in through the real pages and keep her browser's cookies."""
    for persona in PERSONAS:
        client = Client()
        if persona in receipts:
            response = client.post("/return/", {"receipt": receipts[persona]})
        elif persona == "anonymous":
            response = None
        else:
            password = RESPONDENT_PASSWORD if persona == "respondent" else PASSWORD
            username = world.people[persona].username
            response = client.post("/sign-in/", {"username": username, "password": password})
            if response["Location"] == "/sign-in/code/":
                code = totp_code(world.people[persona])
                response = client.post("/sign-in/code/", {"code": code})
        if response is not None:
            assert response.status_code == 302, (persona, response.content[:300])
        world.cookies[persona] = {name: morsel.value for name, morsel in client.cookies.items()}
