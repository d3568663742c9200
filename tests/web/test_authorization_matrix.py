"""The authorisation matrix: every persona x every page and action of a case.

One case is taken, through the services, as far as the pages go: reported anonymously,
acknowledged, assessed, investigated (the respondent invited, joined and told the
allegations; interviews; a message and a file in each thread; her response and
evidence; interim measures; a draft report and the final findings) and decided by a
panel of three (matrix_cases.py). Then every persona tries every URL:

* GET for pages; POST with an empty body for actions. An empty POST from someone allowed
  gets the form again with its errors (400) or whatever the product does with it (it
  is never 403, 404 or a sign-in redirect); from anyone else it is refused before
  anything is read, and the case's ledger does not grow.
* The expectations are written from the design (shared/DESIGN.md, docs/ARCHITECTURE.md
  "Who sees what"), cell by cell:
    - a handler not assigned to the case gets 404 on everything about it; assigned in
      the wrong role, 403;
    - the liaison, the auditor, the administrator and the respondent never reach a
      /cases/ page: role_required(handlers) refuses them with 403 before the case is
      even looked up (so 403, not 404, and nothing is revealed either way);
    - the complainant (by receipt) has no account session, so /cases/ and /respond/
      send her to the sign-in page; staff and the respondent have no complainant
      session, so /my-report/ sends them to the return page;
    - each message thread is readable by its two sides only (403 for the rest of the
      case's handlers), and so is each file sent in it;
    - the other complainant reaches only her own case: never anything of this one.
* test_every_url_pattern_is_in_the_matrix fails as soon as a URL pattern exists that no
  row covers (outside a short list of public pages), so a new page cannot be added
  without an authorisation decision here.

The case is built once for the module inside a transaction that is rolled back at the
end; each cell runs in pytest-django's own savepoint on top of it, so an allowed action
that does change something (an empty POST that is valid) is undone before the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from pytest_django import DjangoDbBlocker

from tests.web.matrix_cases import (
    EVIDENCE_DESCRIPTION,
    HANDLERS,
    MEASURE_REASON,
    ON_THE_CASE,
    OUTSIDERS,
    PERSONAS,
    RESPONDENT_INTERVIEW,
    RESPONSE,
    SUPPORT_NOTES,
    WITNESS_HOW,
    WITNESS_INTERVIEW,
    World,
    build_world,
    message_text,
    sign_in_everyone,
)

pytestmark = pytest.mark.django_db

# --- What a cell expects ---------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    to: str = ""  # a 302's Location starts with this
    allowed: bool = True

    def __str__(self) -> str:
        return f"{self.status} -> {self.to}" if self.to else str(self.status)


OK = Expect(200)
FORM = Expect(400)  # allowed: the empty form comes back with its errors
NO = Expect(403, allowed=False)
HIDDEN = Expect(404, allowed=False)
SIGN_IN = Expect(302, "/sign-in/", allowed=False)  # no account session
RETURN = Expect(302, "/return/", allowed=False)  # no complainant session


def to(where: str) -> Expect:
    """Allowed, and sent on to `where` (e.g. a person's own start page)."""
    return Expect(302, where)


ACCOUNTS = tuple(p for p in PERSONAS if p not in {"complainant", "other_complainant", "anonymous"})
NOT_SIGNED_IN = ("complainant", "other_complainant", "anonymous")
STAFF = tuple(p for p in ACCOUNTS if p != "respondent")
# Personas who must never see this case's reference on any page they get.
STRANGERS = (
    *OUTSIDERS,
    "other_complainant",
    "anonymous",
    "auditor",
    "administrator",
    "oversight_officer",  # sees a reference only once a deadline of its case is missed
    "matching_counsellor",
)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # a template: {ref}, {ca_file}, ... are filled from the built case
    cells: Mapping[str, Expect]
    xfail: Mapping[str, str] = field(default_factory=dict)  # persona: the bug

    @property
    def label(self) -> str:
        return self.method + " " + _PLACEHOLDER.sub(r"<\1>", self.path)


def _cells(base: Mapping[str, Expect], allowed: Mapping[str, Expect]) -> dict[str, Expect]:
    cells = dict(base)
    cells.update(allowed)
    assert set(cells) == set(PERSONAS)
    return cells


Who = Iterable[str] | Mapping[str, Expect]


def _allowed(method: str, who: Who) -> dict[str, Expect]:
    if isinstance(who, Mapping):
        return dict(who)
    return {p: OK if method == "GET" else FORM for p in who}


def _rows(
    methods: str,
    path: str,
    base: Mapping[str, Expect],
    who: Who,
    post: Mapping[str, Expect] | None = None,
    xfail: Mapping[str, str] | None = None,
) -> list[Row]:
    """One row per method in `methods` ("GET", "POST" or "GET POST"): `who` may use the
    URL (OK for GET, FORM for an empty POST unless `post` says otherwise)."""
    rows = []
    for method in methods.split():
        allowed = _allowed(method, who)
        if method == "POST" and post is not None:
            allowed.update(post)
        rows.append(Row(method, path, _cells(base, allowed), xfail or {}))
    return rows


# The default of each part of the site, before the people it is for are added.
CASE_BASE: dict[str, Expect] = {
    **{p: NO for p in HANDLERS},  # on the case, in the wrong role
    **{p: HIDDEN for p in OUTSIDERS},  # not on the case
    "respondent": NO,
    "liaison": NO,
    "auditor": NO,
    "administrator": NO,
    "oversight_officer": NO,
    "matching_counsellor": NO,
    **{p: SIGN_IN for p in NOT_SIGNED_IN},
}
MY_REPORT_BASE: dict[str, Expect] = {p: RETURN for p in PERSONAS}
# The respondent's pages: anyone signed in in another role is refused (403), anyone with
# no account session goes to the sign-in page.
RESPOND_BASE: dict[str, Expect] = {
    **{p: NO for p in ACCOUNTS},
    **{p: SIGN_IN for p in NOT_SIGNED_IN},
}
STAFF_BASE = RESPOND_BASE  # /liaison/, /oversight/, /admin-area/: one role each


def case(
    methods: str,
    part: str,
    who: Who,
    post: Mapping[str, Expect] | None = None,
    xfail: Mapping[str, str] | None = None,
) -> list[Row]:
    return _rows(methods, f"/cases/{{ref}}/{part}", CASE_BASE, who, post, xfail)


def mine(methods: str, part: str, who: Who, post: Mapping[str, Expect] | None = None) -> list[Row]:
    return _rows(methods, f"/my-report/{part}", MY_REPORT_BASE, who, post)


def respond(methods: str, part: str, who: Who) -> list[Row]:
    return _rows(methods, f"/respond/{part}", RESPOND_BASE, who)


CA, CI, RI = "complainant-advocate", "complainant-investigator", "respondent-investigator"
CASE_HANDLERS = tuple(p for p in ON_THE_CASE if p != "complainant")
EVERYONE_ON_THE_CASE_HIDDEN = {p: HIDDEN for p in CASE_HANDLERS}
DONE_MINE = {"complainant": to("/my-report/"), "other_complainant": to("/my-report/")}
UNBOUND = {"administrator": OK}

# --- The matrix --------------------------------------------------------------------------

ROWS: list[Row] = [
    # The handlers' own list: every handler has one (an outsider's is empty).
    *_rows("GET", "/cases/", CASE_BASE, (*HANDLERS, *OUTSIDERS)),
    # The case file and the case manager's lifecycle actions.
    *case("GET", "", CASE_HANDLERS),
    *case("GET POST", "acknowledge/", ["case_manager"]),
    *case("GET POST", "assess/", ["case_manager"]),
    *case("GET POST", "close/", ["case_manager"]),
    *case("GET POST", "allocate/advocate/", ["case_manager"]),
    *case("GET POST", "allocate/investigator/", ["case_manager"]),
    # Not a role that is allocated one at a time: no such page, for anyone on it or not.
    *case("GET", "allocate/panel_member/", {p: HIDDEN for p in (*HANDLERS, *OUTSIDERS)}),
    *case("GET POST", "parties/", ["case_manager"]),
    *case("GET POST", "route/", ["case_manager"]),
    *case("GET POST", "escalate/", ["case_manager"]),
    *case("GET POST", "refer/", ["case_manager"]),
    *case("GET POST", "risk/", ["case_manager"]),
    *case("GET POST", "safeguarding/", ["case_manager", "advocate", "investigator"]),
    *case("GET POST", "withdrawal/", ["case_manager"]),
    # Every handler may step off; a panel member is replaced on her own panel.
    *case("GET POST", "recuse/", ["case_manager", "advocate", "investigator", "panel_member"]),
    # Explaining a missed deadline: any handler on the case reaches it (none is owed here).
    *case("GET POST", "delay/", CASE_HANDLERS),
    # Check-ins after closure: the advocate's page (none is owed on this case, which is
    # not closed: the form is refused with its reason).
    *case("GET POST", "check-in/", ["advocate"]),
    # Collated testimony: her advocate prepares the anonymised text (she has not agreed
    # here, so the empty form is refused with its reason).
    *case("GET POST", "testimony/", ["advocate"]),
    # The respondent's side: the case manager, the investigator and the panel read it.
    *case("GET", "respondent/", ["case_manager", "investigator", "panel_member"]),
    *case(
        "GET", "respondent/evidence/{evidence}/", ["case_manager", "investigator", "panel_member"]
    ),
    *case(
        "GET",
        "respondent/evidence/{evidence}/original/",
        ["case_manager", "investigator", "panel_member"],
    ),
    # A file sent in the complainant-advocate thread is not the respondent's evidence.
    *case(
        "GET",
        "respondent/evidence/{ca_file}/",
        {"case_manager": HIDDEN, "investigator": HIDDEN, "panel_member": HIDDEN},
    ),
    *case("GET POST", "respondent/invite/", ["case_manager", "investigator"]),
    *case("GET POST", "respondent/disclose/", ["investigator"]),
    *case("POST", "respondent/disclose/send/", ["investigator"]),
    # Messages: each thread for its two sides only.
    *case("GET POST", f"messages/{CA}/", ["advocate"]),
    *case("GET POST", f"messages/{CI}/", ["investigator"]),
    *case("GET POST", f"messages/{RI}/", ["investigator"]),
    *case("GET", "messages/no-such-thread/", EVERYONE_ON_THE_CASE_HIDDEN),
    *case("GET POST", "support/", ["advocate"]),
    # Files sent in messages: the sides of the thread they were sent in.
    *case("GET", "attachments/{ca_file}/", ["advocate"]),
    *case("GET", "attachments/{ca_file}/original/", ["advocate"]),
    *case("GET", "attachments/{ci_file}/", ["investigator"]),
    *case("GET", "attachments/{ri_file}/", ["investigator"]),
    *case("GET", "attachments/{ri_file}/original/", ["investigator"]),
    # The respondent's evidence was sent in no message: not a message file for anyone.
    *case("GET", "attachments/{evidence}/", EVERYONE_ON_THE_CASE_HIDDEN),
    # Interim measures: the investigator proposes, a case manager approves and reviews.
    *case("GET", "measures/", ["investigator", "case_manager"]),
    *case("POST", "measures/", ["investigator"]),
    *case("GET POST", "measures/{proposed_measure}/approve/", ["case_manager"]),
    *case("GET POST", "measures/{approved_measure}/review/", ["case_manager"]),
    # The investigation: the investigator's alone.
    *case("GET", "interviews/", ["investigator"]),
    *case("GET POST", "interviews/record/", ["investigator"]),
    *case("GET POST", "interviews/declined/", ["investigator"]),
    *case("GET", "interviews/{complainant_interview}/", ["investigator"]),
    *case("GET", "interviews/{respondent_interview}/", ["investigator"]),
    *case("GET", "evidence/", ["investigator"]),
    *case("GET POST", "draft-report/", ["investigator"]),
    *case("GET POST", "findings/", ["investigator"]),
    # The decision: the case manager allocates the panel; the panel decides.
    *case("GET POST", "panel/", ["case_manager"]),
    *case("GET", "decision/", ["panel_member"]),
    *case("GET POST", "decision/propose/", ["panel_member"]),
    *case("GET POST", "decision/sign/", ["panel_member"]),
    *case("GET POST", "decision/record/", ["panel_member"]),
    # --- The complainant's pages: hers, and the other complainant's own case. ---------
    *mine("GET", "", ["complainant", "other_complainant"]),
    # An empty "add information" comes back with its error (400).
    *mine("GET POST", "add/", ["complainant", "other_complainant"]),
    # These actions have no fields: the empty POST is the action itself, and it is done
    # (withdrawing too: its reason is optional). Each cell's savepoint undoes it. Her case
    # here has been decided, so her withdrawal is refused on the form (the decision stands).
    *mine(
        "GET POST",
        "withdraw/",
        ["complainant", "other_complainant"],
        post={"complainant": FORM, "other_complainant": to("/my-report/")},
    ),
    *mine("GET", "proof/", ["complainant", "other_complainant"]),
    # Her case's delay register; asking for an update before 20 quiet days is refused.
    # Check-ins: nothing to answer yet (GET goes back to her page; an empty answer is
    # refused with its errors); "no more check-ins" is hers while her case is open; a
    # case not linked to hers is hidden.
    *mine("GET", "check-in/", DONE_MINE),
    *mine("POST", "check-in/", ["complainant", "other_complainant"]),
    *mine("GET POST", "check-ins/stop/", ["complainant", "other_complainant"]),
    *mine("POST", "linked/", {"complainant": HIDDEN, "other_complainant": HIDDEN}),
    *mine("GET", "delays/", ["complainant", "other_complainant"]),
    # Her e-mail address, kept against her own receipt: each complainant reaches only hers
    # (an empty POST withdraws it). Staff and the respondent have no complainant session.
    *mine("GET POST", "notifications/", ["complainant", "other_complainant"], post=DONE_MINE),
    *mine("POST", "delays/ask/", ["complainant", "other_complainant"]),
    *mine("GET POST", "choices/informal/", ["complainant", "other_complainant"], post=DONE_MINE),
    *mine("GET POST", "choices/referral/", ["complainant", "other_complainant"], post=DONE_MINE),
    # Taking back a consent she never gave is refused on the page.
    *mine("GET POST", "choices/no_referral/", ["complainant", "other_complainant"]),
    *mine("GET POST", "advocate/", ["complainant", "other_complainant"], post=DONE_MINE),
    *mine("GET", "messages/", ["complainant", "other_complainant"]),
    *mine("GET POST", f"messages/{CA}/", ["complainant", "other_complainant"]),
    # The other complainant's case has no investigator yet: no such conversation.
    *mine(
        "GET POST",
        f"messages/{CI}/",
        {"complainant": OK, "other_complainant": HIDDEN},
        post={"complainant": FORM},
    ),
    *mine("GET POST", f"messages/{RI}/", {"complainant": NO, "other_complainant": NO}),
    *mine("GET", "attachments/{ca_file}/", {"complainant": OK, "other_complainant": HIDDEN}),
    *mine(
        "GET", "attachments/{ca_file}/original/", {"complainant": OK, "other_complainant": HIDDEN}
    ),
    *mine("GET", "attachments/{ri_file}/", {"complainant": NO, "other_complainant": HIDDEN}),
    *mine("GET", "attachments/{evidence}/", {"complainant": HIDDEN, "other_complainant": HIDDEN}),
    *mine(
        "GET POST",
        "interviews/{complainant_interview}/",
        {"complainant": OK, "other_complainant": HIDDEN},
        post={"complainant": FORM},
    ),
    *mine(
        "GET",
        "interviews/{respondent_interview}/",
        {"complainant": HIDDEN, "other_complainant": HIDDEN},
    ),
    *mine(
        "GET",
        "interviews/{witness_interview}/",
        {"complainant": HIDDEN, "other_complainant": HIDDEN},
    ),
    *mine(
        "GET POST",
        "draft-report/",
        {"complainant": OK, "other_complainant": HIDDEN},
        post={"complainant": FORM},
    ),
    *mine("GET", "decision/", {"complainant": OK, "other_complainant": HIDDEN}),
    *mine(
        "GET POST",
        "appeal/",
        {"complainant": OK, "other_complainant": HIDDEN},
        post={"complainant": FORM},
    ),
    # --- The respondent's pages. ------------------------------------------------------
    *respond("GET", "case/", ["respondent"]),
    *respond("GET POST", "response/", ["respondent"]),
    *respond("GET POST", "evidence/", ["respondent"]),
    *respond("GET", "evidence/{evidence}/", ["respondent"]),
    *respond("GET", "evidence/{evidence}/original/", ["respondent"]),
    *respond("GET", "evidence/{ca_file}/", {"respondent": HIDDEN}),
    *_rows("GET POST", "/respond/messages/", RESPOND_BASE, ["respondent"]),
    *_rows("GET", "/respond/attachments/{ri_file}/", RESPOND_BASE, ["respondent"]),
    *_rows("GET", "/respond/attachments/{ri_file}/original/", RESPOND_BASE, ["respondent"]),
    *_rows("GET", "/respond/attachments/{ca_file}/", RESPOND_BASE, {"respondent": NO}),
    *_rows("GET", "/respond/attachments/{evidence}/", RESPOND_BASE, {"respondent": HIDDEN}),
    *respond("GET POST", "interviews/{respondent_interview}/", ["respondent"]),
    *respond("GET", "interviews/{complainant_interview}/", {"respondent": HIDDEN}),
    *respond("GET POST", "draft-report/", ["respondent"]),
    *respond("GET", "measures/", ["respondent"]),
    *respond("GET POST", "measures/{approved_measure}/", ["respondent"]),
    # Only proposed: never disclosed to her.
    *respond("GET", "measures/{proposed_measure}/", {"respondent": HIDDEN}),
    *respond("GET", "decision/", ["respondent"]),
    *respond("GET", "delays/", ["respondent"]),
    *respond("GET POST", "appeal/", ["respondent"]),
    # --- One role each: the liaison, the auditor, the administrator. ------------------
    *_rows("GET", "/liaison/", STAFF_BASE, ["liaison"]),
    *_rows("GET", "/oversight/", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/reads/", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/delay-register/", STAFF_BASE, ["auditor"]),
    *_rows("POST", "/oversight/verify/", STAFF_BASE, {"auditor": to("/oversight/")}),
    # Statistics: suppressed figures only, for the auditor (the public ones are PUBLIC).
    *_rows("GET", "/oversight/statistics/", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/statistics/{slug}/{year}/", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/statistics/{slug}/{year}/report/", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/statistics/{slug}/{year}/report.pdf", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/statistics/{slug}/{year}/figures.csv", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/oversight/statistics/{slug}/{year}/chart/stage.svg", STAFF_BASE, ["auditor"]),
    *_rows("GET", "/admin-area/", STAFF_BASE, ["administrator"]),
    # Every staff member: administrators before their actions, all before passkey changes.
    *_rows("GET POST", "/account/confirm/", STAFF_BASE, STAFF, {p: OK for p in STAFF}),
    # --- The matching escrow: each complainant her own entries; the counsellor the
    # matches (both complainants named the same person, so one match exists).
    *mine("GET POST", "escrow/", ["complainant", "other_complainant"]),
    *mine(
        "POST",
        "escrow/{escrow_entry}/withdraw/",
        {"complainant": to("/my-report/escrow/"), "other_complainant": HIDDEN},
    ),
    *mine(
        "POST", "escrow/{escrow_entry}/decide/", {"complainant": FORM, "other_complainant": HIDDEN}
    ),
    # Collated testimony: each complainant her own consent; nothing to withdraw here.
    *mine("GET POST", "testimony/", ["complainant", "other_complainant"]),
    *mine(
        "POST",
        "testimony/withdraw/",
        {p: to("/my-report/testimony/") for p in ("complainant", "other_complainant")},
    ),
    *_rows("GET", "/escrow/", STAFF_BASE, ["matching_counsellor"]),
    *_rows("GET", "/escrow/{escrow_match}/", STAFF_BASE, ["matching_counsellor"]),
    *_rows(
        "POST",
        "/escrow/{escrow_match}/contact/{other_escrow_entry}/",
        STAFF_BASE,
        ["matching_counsellor"],
    ),
    # --- Vetting checks and repeat complaints (ombuds/vetting). The liaison has the
    # vetting permission (tests/vetting: 403 without it); both reports name one person.
    *_rows("GET POST", "/vetting/", STAFF_BASE, ["liaison"], {"liaison": OK}),
    *_rows("GET", "/vetting/checks/", STAFF_BASE, ["oversight_officer"]),
    *_rows("GET", "/vetting/access-requests/", STAFF_BASE, ["oversight_officer"]),
    *_rows(
        "POST",
        "/vetting/access-requests/{link_request}/",
        STAFF_BASE,
        {"oversight_officer": to("/vetting/access-requests/")},
    ),
    *_rows("GET", "/oversight/vetting/", STAFF_BASE, ["auditor"]),
    *case("GET", "same-person/", ["case_manager"]),
    # She is on the other case already: told so, back to the list.
    *case("POST", "same-person/{other_ref}/ask/", {"case_manager": to("/cases/")}),
    *respond("GET", "vetting/", ["respondent"]),
    *_rows("POST", "/respond/vetting/", RESPOND_BASE, {"respondent": to("/respond/vetting/")}),
    *_rows("GET", "/admin-area/vetting/", STAFF_BASE, ["administrator"]),
    # An empty body leaves the form unbound: shown again, 200.
    *_rows(
        "GET POST",
        "/admin-area/organisations/{slug}/vetting/",
        STAFF_BASE,
        ["administrator"],
        UNBOUND,
    ),
    *_rows(
        "POST",
        "/admin-area/vetting/{liaison}/",
        STAFF_BASE,
        {"administrator": to("/admin-area/vetting/")},
    ),
    # An empty body leaves these forms unbound (`request.POST or None`): shown again, 200.
    *_rows("GET POST", "/admin-area/organisations/new/", STAFF_BASE, ["administrator"], UNBOUND),
    *_rows("GET", "/admin-area/staff/", STAFF_BASE, ["administrator"]),
    *_rows("GET POST", "/admin-area/staff/new/", STAFF_BASE, ["administrator"], UNBOUND),
    # An empty POST names no action: the page again.
    *_rows(
        "GET POST",
        "/admin-area/staff/{staff}/",
        STAFF_BASE,
        ["administrator"],
        {"administrator": OK},
    ),
    *_rows(
        "GET POST", "/admin-area/organisations/{slug}/sanctions/", STAFF_BASE, ["administrator"]
    ),
    # An organisation's working days and service levels (deadlines).
    *_rows("GET", "/admin-area/organisations/{slug}/calendar/", STAFF_BASE, ["administrator"]),
    *_rows(
        "POST", "/admin-area/organisations/{slug}/calendar/region/", STAFF_BASE, ["administrator"]
    ),
    *_rows(
        "POST", "/admin-area/organisations/{slug}/calendar/closures/", STAFF_BASE, ["administrator"]
    ),
    *_rows(
        "POST",
        "/admin-area/organisations/{slug}/calendar/closures/remove/",
        STAFF_BASE,
        ["administrator"],
    ),
    *_rows(
        "GET POST",
        "/admin-area/organisations/{slug}/service-levels/",
        STAFF_BASE,
        ["administrator"],
    ),
    # Anonymous climate surveys: the administrator runs them; empty forms come back.
    *_rows("GET POST", "/admin-area/surveys/", STAFF_BASE, ["administrator"], UNBOUND),
    *_rows("GET", "/admin-area/surveys/{survey}/", STAFF_BASE, ["administrator"]),
    *_rows("POST", "/admin-area/surveys/{survey}/questions/", STAFF_BASE, ["administrator"]),
    *_rows("POST", "/admin-area/surveys/{survey}/tokens/", STAFF_BASE, ["administrator"]),
    *_rows(
        "POST",
        "/admin-area/surveys/{survey}/close/",
        STAFF_BASE,
        {"administrator": to("/admin-area/surveys/")},
    ),
    # Its results (suppressed counts): the administrator, the auditor, the oversight officer.
    *_rows("GET", "/surveys/", STAFF_BASE, ["administrator", "auditor", "oversight_officer"]),
    *_rows(
        "GET", "/surveys/{survey}/", STAFF_BASE, ["administrator", "auditor", "oversight_officer"]
    ),
    # --- The oversight officer: missed deadlines only; a case with none is hidden. -----
    *_rows("GET", "/oversight/delays/", STAFF_BASE, ["oversight_officer"]),
    *_rows("GET", "/oversight/delays/{ref}/", STAFF_BASE, {"oversight_officer": HIDDEN}),
    *_rows("POST", "/oversight/delays/{ref}/extension/", STAFF_BASE, {"oversight_officer": HIDDEN}),
    *_rows(
        "POST", "/oversight/delays/{ref}/reallocate/", STAFF_BASE, {"oversight_officer": HIDDEN}
    ),
    # --- Everyone with an account: her own start page, password and interests. --------
    *_rows(
        "GET",
        "/home/",
        STAFF_BASE,
        {
            **{p: to("/cases/") for p in (*HANDLERS, *OUTSIDERS)},
            "respondent": to("/respond/case/"),
            "liaison": to("/liaison/"),
            "auditor": to("/oversight/"),
            "administrator": to("/admin-area/"),
            "oversight_officer": to("/oversight/delays/"),
            "matching_counsellor": to("/escrow/"),
        },
    ),
    *_rows("GET POST", "/account/password/", STAFF_BASE, ACCOUNTS, {p: OK for p in ACCOUNTS}),
    *_rows("GET", "/account/password/changed/", STAFF_BASE, ACCOUNTS),
    # An empty address is allowed (updates on her pages only): saved and shown again.
    *_rows(
        "GET POST",
        "/account/notifications/",
        STAFF_BASE,
        ACCOUNTS,
        {p: to("/account/notifications/") for p in ACCOUNTS},
    ),
    # Shown once after a sign-in that followed failures; otherwise on to her start page.
    *_rows("GET", "/account/sign-in-attempts/", STAFF_BASE, {p: to("/home/") for p in ACCOUNTS}),
    *_rows("GET POST", "/account/interests/", STAFF_BASE, (*HANDLERS, *OUTSIDERS)),
    # Passkeys: staff only (a respondent signs in with her password alone). An empty POST
    # shows the page again; only the case manager has one, and only she may remove it.
    *_rows("GET POST", "/account/passkeys/", STAFF_BASE, STAFF, {p: OK for p in STAFF}),
    *_rows(
        "POST",
        "/account/passkeys/{passkey}/remove/",
        STAFF_BASE,
        {**{p: HIDDEN for p in STAFF}, "case_manager": to("/account/passkeys/")},
    ),
]

# Public pages: no session needed, nothing of any case on them.
PUBLIC = frozenset(
    {
        "intake:home",
        "intake:help",
        "intake:staying_safe",
        "favicon",
        "too_large",  # what the proxy shows for a request over its limit
        "intake:report",
        "intake:report_send",
        "intake:report_sent",
        "intake:return",
        "people:sign_in",
        "people:sign_out",
        # The second step of signing in: only for a session whose password was just right.
        "people:sign_in_code",
        "people:set_up",
        "people:recovery_codes",
        "respondents:landing",
        "respondents:join",
        "respondents:joined",
        "transparency:page",
        "transparency:checkpoint_note",
        # Published statistics: suppressed figures of quarters that have ended
        # (tests/oversight/test_statistics_pages.py crawls them for anything of a case).
        "transparency:statistics",
        "transparency:statistics_year",
        "transparency:statistics_report",
        "transparency:statistics_pdf",
        "transparency:statistics_csv",
        "transparency:statistics_chart",
        # Anonymous surveys: answering with a token (in the body), and the results of
        # closed surveys (tests/survey/test_survey.py).
        "survey_public:start",
        "survey_public:answer",
        "survey_public:thanks",
        "survey_public:published_list",
        "survey_public:published",
        # Collated testimony: approved accounts, only once an organisation has five.
        "testimony:published_list",
        "testimony:published",
    }
)
SAMPLE = {
    "ref": "OMB-AAAA-BBBB",
    "slug": "an-organisation",
    "staff": "someone",
    "year": "2025",
    "ca_file": "00000000-0000-4000-8000-000000000001",
    "ci_file": "00000000-0000-4000-8000-000000000002",
    "ri_file": "00000000-0000-4000-8000-000000000003",
    "evidence": "00000000-0000-4000-8000-000000000004",
    "complainant_interview": "1",
    "respondent_interview": "2",
    "witness_interview": "3",
    "approved_measure": "1",
    "proposed_measure": "2",
    "escrow_entry": "00000000-0000-4000-8000-000000000005",
    "other_escrow_entry": "00000000-0000-4000-8000-000000000006",
    "escrow_match": "00000000-0000-4000-8000-000000000007",
    "survey": "00000000-0000-4000-8000-000000000008",
    "other_ref": "OMB-CCCC-DDDD",
    "link_request": "1",
    "liaison": "someone",
    "passkey": "1",
}


# --- The case, once for the module --------------------------------------------------------


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    blobs: Path = tmp_path_factory.mktemp("matrix-blobs")
    with (
        django_db_blocker.unblock(),
        override_settings(OMBUDS_BLOB_DIR=blobs),
        transaction.atomic(),
    ):
        built, receipts = build_world()
        sign_in_everyone(built, receipts)
        yield built
        transaction.set_rollback(True)  # nothing of it outlives the module


def cell_params() -> Iterator[object]:
    for row in ROWS:
        for persona in PERSONAS:
            marks = []
            if persona in row.xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=row.xfail[persona]))
            yield pytest.param(row, persona, id=f"{persona}-{row.label}", marks=marks)


@pytest.mark.parametrize(("row", "persona"), list(cell_params()))
def test_matrix(world: World, row: Row, persona: str) -> None:
    expected = row.cells[persona]
    url = row.path.format(**world.values)
    client = world.client(persona)
    before = world.events()
    response = client.get(url) if row.method == "GET" else client.post(url, {})
    got = f"{response.status_code} -> {response['Location']}" if "Location" in response else ""
    assert response.status_code == expected.status, got or response.status_code
    if expected.to:
        assert response["Location"].startswith(expected.to), got
    if not expected.allowed or row.method == "GET":
        # Refused before anything happened; a page read never writes to the case.
        assert world.events() == before, "the case's ledger grew"
    if persona in STRANGERS:
        assert world.case.reference.encode() not in response.content


# --- Every URL pattern has its row ----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str


def url_patterns(
    patterns: Iterable[URLPattern | URLResolver] | None = None,
    prefix: str = "",
    namespace: str = "",
) -> Iterator[Pattern]:
    """Every URL pattern of the project, with its full route and namespaced name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace or ""
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield Pattern(prefix + str(entry.pattern), name)


def _covered() -> dict[str, set[str]]:
    """The methods the matrix tries on each route."""
    covered: dict[str, set[str]] = {}
    for row in ROWS:
        match = resolve(row.path.format(**SAMPLE))
        covered.setdefault(match.route, set()).add(row.method)
    return covered


def test_every_url_pattern_is_in_the_matrix() -> None:
    covered = _covered()
    missing = [
        f"{p.route} ({p.name})"
        for p in url_patterns()
        if p.route not in covered and p.name not in PUBLIC and not p.route.startswith("static/")
    ]
    assert not missing, "URL patterns with no authorisation decision in the matrix:\n" + "\n".join(
        missing
    )


def test_the_matrix_covers_no_public_page_and_names_every_persona() -> None:
    names = {p.route: p.name for p in url_patterns()}
    assert {names[route] for route in _covered()}.isdisjoint(PUBLIC)
    for row in ROWS:
        assert set(row.cells) == set(PERSONAS), row.label
    labels = [row.label for row in ROWS]
    assert len(labels) == len(set(labels)), "two rows with the same label"


def method_params() -> Iterator[object]:
    """Each route tried with one method only, and a persona allowed on it."""
    seen: set[str] = set()
    covered = _covered()
    for row in ROWS:
        route = resolve(row.path.format(**SAMPLE)).route
        if route in seen or len(covered[route]) == 2:
            continue
        allowed = [p for p, e in row.cells.items() if e.allowed]
        if not allowed:
            continue
        seen.add(route)
        other = "POST" if row.method == "GET" else "GET"
        yield pytest.param(
            row, allowed[0], other, id=f"{allowed[0]}-{other} {row.label[4:].strip()}"
        )


@pytest.mark.parametrize(("row", "persona", "method"), list(method_params()))
def test_a_page_without_an_action_refuses_the_other_method(
    world: World, row: Row, persona: str, method: str
) -> None:
    """Routes the matrix tries only with GET take no POST (and the one POST-only route
    no GET): an action the matrix does not list cannot hide behind a page."""
    url = row.path.format(**world.values)
    client = world.client(persona)
    before = world.events()
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == 405
    assert world.events() == before


# --- The case file shows nothing its own pages refuse ------------------------------------

# The case file (/cases/<ref>/) shows the history of the case with each event's content.
# What the design keeps from a handler on the case, and the product's own page refuses her
# (403 in the matrix above), must not be readable there either: each thread's messages
# and the advocate's support notes are for their sides only; the respondent's side of the
# case (her response, witnesses and evidence: respondents.services.READERS) and the
# investigation's interviews and measures are not for the complainant's advocate.
# (Pages that refuse for workflow only, e.g. the panel on /interviews/, are not listed.)
# Rows: what, its text, the page that refuses, the handlers on the case it refuses.
CASE_FILE_LEAK = (
    "ombuds/cases/views.py case_detail shows {what} on /cases/<ref>/, although "
    "/cases/<ref>/{page} refuses it with 403{why}."
)
SECRETS: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "the complainant-advocate messages",
        message_text(CA),
        f"messages/{CA}/",
        ("case_manager", "investigator", "panel_member"),
    ),
    (
        "the complainant-investigator messages",
        message_text(CI),
        f"messages/{CI}/",
        ("advocate", "case_manager", "panel_member"),
    ),
    (
        "the respondent-investigator messages",
        message_text(RI),
        f"messages/{RI}/",
        ("advocate", "case_manager", "panel_member"),
    ),
    (
        "the advocate's support notes",
        SUPPORT_NOTES,
        "support/",
        ("case_manager", "investigator", "panel_member"),
    ),
    ("the respondent's written response", RESPONSE, "respondent/", ("advocate",)),
    ("the witnesses the respondent named", WITNESS_HOW, "respondent/", ("advocate",)),
    ("the respondent's evidence", EVIDENCE_DESCRIPTION, "respondent/", ("advocate",)),
    (
        "the notes of the respondent's interview",
        RESPONDENT_INTERVIEW,
        "interviews/{respondent_interview}/",
        ("advocate",),
    ),
    (
        "the notes of a witness's interview",
        WITNESS_INTERVIEW,
        "interviews/{witness_interview}/",
        ("advocate",),
    ),
    ("the reasons for the interim measures", MEASURE_REASON, "measures/", ("advocate",)),
]
# Cells where the product shows it anyway: real bugs, kept failing until fixed
# ((persona, what): the rest of the explanation).
CASE_FILE_BUGS: dict[tuple[str, str], str] = {}  # none known; add a cell here to xfail it


def secret_params() -> Iterator[object]:
    for what, text, page, refused in SECRETS:
        for persona in refused:
            marks = []
            if (persona, what) in CASE_FILE_BUGS:
                why = CASE_FILE_BUGS[persona, what]
                shown = _PLACEHOLDER.sub(r"<\1>", page)
                reason = CASE_FILE_LEAK.format(what=what, page=shown, why=why)
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(persona, text, page, id=f"{persona}-{what}", marks=marks)


@pytest.mark.parametrize(("persona", "text", "page"), list(secret_params()))
def test_the_case_file_shows_nothing_its_pages_refuse(
    world: World, persona: str, text: str, page: str
) -> None:
    client = world.client(persona)
    refused = client.get(f"/cases/{world.values['ref']}/{page.format(**world.values)}")
    assert refused.status_code == 403  # as the matrix says
    case_file = client.get(f"/cases/{world.values['ref']}/")
    assert case_file.status_code == 200
    assert text.encode() not in case_file.content
