"""The scheme's own events: rows of the registry that belong to no case (plain Python).

People and their access, organisations, the matching escrow, vetting checks, published
statistics and surveys. Each is declared once here, as a case's events are in the
package's `__init__.py` (which imports this module, so that every row is declared before
a lookup); the shape of a row and the checks are in `record/spec.py`. Name a row by its
constant here, never by a string.
"""

from __future__ import annotations

from ombuds.record.roles import HANDLER_ROLES, Role
from ombuds.record.spec import Optional, Stream, declare, declare_escrow, declare_scheme

R = Role
CPL, RESP, SYS = R.COMPLAINANT, R.RESPONDENT, R.SYSTEM

# fmt: off
# People, their roles and keys. --------------------------------------------------------------
PERSON_CREATED = declare("person.created", stream=Stream.SCHEME, stages=None,
    roles=(R.ADMINISTRATOR, SYS, CPL, RESP), grants_access=True,
    fields={"person": str, "role": str, "organisation": (str, type(None)),
            "keyprint": Optional(str)})
PASSWORD_CHANGED = declare_scheme("person.password_changed", tuple(Role), person=str)
INTERESTS_DECLARED = declare_scheme("person.interests_declared", tuple(HANDLER_ROLES),
    person=str, tokens=list, version=int)
ORGANISATION_CREATED = declare_scheme("organisation.created", (R.ADMINISTRATOR, SYS),
    organisation=str)
SANCTIONS_CHOSEN = declare_scheme("organisation.sanctions_chosen", (R.ADMINISTRATOR,),
    organisation=str, sanctions=list)
CALENDAR_REGION_SET = declare_scheme("organisation.calendar_region_set", (R.ADMINISTRATOR,),
    organisation=str, region=str)
CLOSURE_DAY_ADDED = declare_scheme("organisation.closure_day_added", (R.ADMINISTRATOR,),
    organisation=str, day=str)
CLOSURE_DAY_REMOVED = declare_scheme("organisation.closure_day_removed", (R.ADMINISTRATOR,),
    organisation=str, day=str)
SERVICE_LEVEL_SET = declare_scheme("organisation.service_level_set", (R.ADMINISTRATOR,),
    organisation=str, level=str, value=int)
SECOND_FACTOR_ENROLLED = declare_scheme("person.second_factor_enrolled", tuple(Role),
    person=str)
SECOND_FACTOR_RESET = declare_scheme("person.second_factor_reset", (R.ADMINISTRATOR, SYS),
    person=str)
# A staff member added or removed a passkey (people/passkeys.py); `passkey` is a digest of
# its credential id, never the name she gave it.
PASSKEY_REGISTERED = declare_scheme("person.passkey_registered", tuple(Role), person=str,
    passkey=str)
PASSKEY_REMOVED = declare_scheme("person.passkey_removed", tuple(Role), person=str, passkey=str)
PERSON_DEACTIVATED = declare_scheme("person.deactivated", (R.ADMINISTRATOR, SYS), person=str)
# A new role or a new key pair is a grant, signed as person.created is: keys are sealed
# only to the role and public key the latest signed of the three names (people/signed_record).
PERSON_ROLE_CHANGED = declare("person.role_changed", stream=Stream.SCHEME, stages=None,
    roles=(R.ADMINISTRATOR, SYS), grants_access=True,
    fields={"person": str, "old": str, "new": str})
PASSWORD_RESET = declare("person.password_reset", stream=Stream.SCHEME, stages=None,
    roles=(R.ADMINISTRATOR, SYS), grants_access=True,
    fields={"person": str, "keyprint": str})


# Naming the same person. ---------------------------------------------------------------
# The matching escrow and vetting checks. Metadata holds ids, counts, pseudonyms and answer
# classes: never a name, a token or a purpose.
# The matching escrow (ombuds/escrow). ------------------------------------------------------
# Streams escrow/<entry id> and escrow/match/<match id>; metadata: ids and counts only.
# The entry's body holds her account and the identifiers she gave, in canonical form.
ESCROW_ENTRY_ADDED = declare_escrow("escrow.entry_added", (CPL,), sealed=True,
    identifiers=int, threshold=int)
# She withdrew it: its marks and her copy of its key are gone.
ESCROW_ENTRY_WITHDRAWN = declare_escrow("escrow.entry_withdrawn", (CPL,))
# `threshold` distinct people named the same person; then one more joined.
ESCROW_MATCH_FOUND = declare_escrow("escrow.match_found", (SYS,), people=int, threshold=int)
ESCROW_MATCH_JOINED = declare_escrow("escrow.match_joined", (SYS,), people=int)
# The matching counsellor opened a match's entries (a recorded read); wrote to one person.
ESCROW_ENTRIES_READ = declare_escrow("escrow.entries_read", (R.MATCHING_COUNSELLOR,),
    entries=int)
# A counsellor who opened a match sealed its shares to colleagues who had none they could
# open (appointed later, or given a new key pair after a password reset): pseudonyms only.
ESCROW_SHARES_RESEALED = declare_escrow("escrow.shares_resealed", (R.MATCHING_COUNSELLOR,),
    to=str, marks=int)
ESCROW_PERSON_CONTACTED = declare_escrow("escrow.person_contacted", (R.MATCHING_COUNSELLOR,),
    sealed=True, match=str)
# The person chose to go on to a full complaint ("go_on") or not ("not_now").
ESCROW_PERSON_DECIDED = declare_escrow("escrow.person_decided", (CPL,), decision=str)

# Vetting checks (ombuds/vetting): pseudonyms and answer classes only.
VETTING_GRANTED = declare_scheme("person.vetting_granted", (R.ADMINISTRATOR,), person=str)
VETTING_WITHDRAWN = declare_scheme("person.vetting_withdrawn", (R.ADMINISTRATOR,), person=str)
VETTING_CHECKED = declare_scheme("vetting.check_made", (R.LIAISON,), check=str,
    organisation=str, liaison=str, answer=str, told=int)
VETTING_COMMENTED = declare_scheme("vetting.comment_written", (RESP,), person=str)
VETTING_POLICY_SET = declare_scheme("organisation.vetting_policy_set", (R.ADMINISTRATOR,),
    organisation=str, finding_years=int, tell_person=bool)

# Statistics (ombuds/oversight), in the stream scheme/statistics. -------------------------
# When the sweep makes a quarter's figures final it records, in the same transaction, a
# SHA-256 digest of every count it stored for that quarter (`oversight/sealing.py`): the
# organisation's slug, the quarter and the digest, nothing else. Every page that publishes
# the quarter checks its stored counts against it first.
# `late`: the quarter was frozen before freezes were signed, and its digest was taken once,
# from its stored counts as they stood then (migration oversight/0002).
QUARTER_FROZEN = declare_scheme("statistics.quarter_frozen", (R.SYSTEM,),
    organisation=str, quarter=int, digest=str, late=Optional(bool))

# Surveys (ombuds/survey). -----------------------------------------------------------------
# A survey's events are the scheme's own: created, tokens issued, closed. Answering is not
# an event, and nothing here names a token or an answer: an answer must not be linkable to
# the token that allowed it, the ledger included (docs/SECURITY.md).
SURVEY_CREATED = declare_scheme("survey.created", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, organisation=str, period=str)
SURVEY_QUESTION_ADDED = declare_scheme("survey.question_added", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, question=int)
SURVEY_TOKENS_ISSUED = declare_scheme("survey.tokens_issued", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, count=int)
SURVEY_CLOSED = declare_scheme("survey.closed", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, answers=int)
# fmt: on
