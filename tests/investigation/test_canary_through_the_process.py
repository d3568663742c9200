"""The canary, through the whole process: every text a person writes after the report
(messages and an evidence file, the allegations, an interview, an interim measure, a
draft report and the parties' comments on it, the findings, the panel's reasons, an
appeal's grounds) carries a unique marker. Then every row of every table, every stored
blob, every log record and every e-mail is searched: no marker may be found in the
clear. (`tests/e2e/test_canary.py` does the same for the report itself, from outside.)
The markers must show to the people who may read them, or the canary proves nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from ombuds.decisions.appeals import appeal_lodge
from ombuds.decisions.panels import panel_allocate
from ombuds.decisions.services import OutcomeChoice, decision_propose, decision_record
from ombuds.investigation.measures import measure_approve, measure_propose
from ombuds.investigation.services import (
    draft_report_comment,
    draft_report_share,
    findings_record,
    interview_record,
)
from ombuds.messaging.services import message_send, thread_read
from ombuds.people.models import User
from ombuds.record.roles import Role
from ombuds.respondents.services import allegations_disclose
from tests.decisions.conftest import as_handler, sign_case
from tests.insider import every_row
from tests.investigation.conftest import World, working_day_after

pytestmark = pytest.mark.django_db


def _marker(name: str) -> str:
    return f"CANARY-{name}-{uuid.uuid4().hex[:12]}"


def _blobs_as_text() -> str:
    blobs = settings.OMBUDS_BLOB_DIR
    return "\n".join(p.read_bytes().decode("latin-1") for p in blobs.rglob("*") if p.is_file())


def test_nothing_anyone_writes_is_kept_or_logged_in_the_clear(
    world: World, make_person: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    marks = {
        name: _marker(name)
        for name in (
            "message", "file", "respondent_message", "allegation", "interview", "measure",
            "respondent_name", "draft", "comment", "findings", "panel", "appeal",
        )
    }  # fmt: skip
    with caplog.at_level(logging.DEBUG):
        complainant, respondent = world.complainant(), world.respondent()
        evidence = SimpleUploadedFile(
            "notes.txt", f"{marks['file']}\n".encode(), content_type="text/plain"
        )
        message_send(
            participant=complainant,
            thread="complainant-advocate",
            text=marks["message"],
            upload=evidence,
            description="My notes",
        )
        message_send(
            participant=respondent,
            thread="respondent-investigator",
            text=marks["respondent_message"],
        )
        investigator = world.investigator()
        allegations = [f"He shouted at her. {marks['allegation']}", "He sent messages."]
        allegations_disclose(participant=investigator, allegations=allegations)
        interview_record(
            participant=world.investigator(),
            interviewee="respondent",
            notes=marks["interview"],
            held_on=working_day_after(0),
        )
        number = measure_propose(
            participant=world.investigator(),
            kind="no_contact",
            review_date=working_day_after(20),
            reason=marks["measure"],
        )
        measure_approve(
            participant=world.case_manager(),
            measure=number,
            respondent_name=marks["respondent_name"],
        )
        findings = {1: ("upheld", marks["draft"]), 2: ("not_upheld", "Not corroborated.")}
        draft = draft_report_share(
            participant=world.investigator(), findings=findings, summary="Two allegations."
        )
        draft_report_comment(participant=world.complainant(), draft=draft, text=marks["comment"])
        draft_report_comment(participant=world.respondent(), draft=draft, text="No comment.")
        final = {1: ("upheld", marks["findings"]), 2: ("not_upheld", "Not corroborated.")}
        findings_record(participant=world.investigator(), findings=final, summary="Final.")
        for _ in range(5):
            make_person(Role.PANEL_MEMBER)
        panel = panel_allocate(participant=world.case_manager())
        outcomes = [OutcomeChoice(1, "accept"), OutcomeChoice(2, "accept")]
        case = world.case
        decision_propose(
            participant=as_handler(panel[0], case),
            outcomes=outcomes,
            sanctions=["reprimand"],
            reasons=marks["panel"],
        )
        sign_case(case, panel[1])
        sign_case(case, panel[2])
        decision_record(participant=as_handler(panel[0], case), respondent_name="Pat Doe")
        appeal_lodge(participant=world.respondent(), grounds=marks["appeal"])
    assert number > 0

    # The markers are there for those who may read them (else this test proves nothing).
    thread = thread_read(participant=world.complainant(), thread="complainant-advocate")
    assert any(marks["message"] in m.text for m in thread.messages)

    haystacks = {
        "the database": every_row(),
        "the stored files": _blobs_as_text(),
        "the logs": "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records),
        "the e-mails": "\n".join(f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox),
    }
    # The haystacks are real: the dump holds what is kept in the clear on purpose.
    assert world.case.reference in haystacks["the database"]
    assert "case.appealed" in haystacks["the database"]
    assert caplog.records  # the journey logs (its security events), so the logs are searched
    for where, text in haystacks.items():
        found = sorted(name for name, mark in marks.items() if mark in text)
        assert found == [], f"in the clear in {where}: {found}"
