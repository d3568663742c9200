"""The rows of the registry for naming the same person: the matching escrow (sealed
entries, matches, the counsellor's reads), access to a case that names the same person
as another, and vetting checks. Plain Python; `events.py` imports this module, so
importing `events` declares these rows too. Metadata holds ids, counts, references,
pseudonyms and answer classes: never a name, a token or a purpose.
"""

from __future__ import annotations

from ombuds.record.roles import Role
from ombuds.record.spec import declare, declare_escrow, declare_scheme

R = Role
CM, CPL, RESP, SYS = R.CASE_MANAGER, R.COMPLAINANT, R.RESPONDENT, R.SYSTEM
ANY_STAGE = None  # the service says when

# fmt: off
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

# Repeat complaints and vetting checks (ombuds/vetting): references, pseudonyms, answer
# classes, never a name, token or purpose. Access to a linked case: asked, then decided.
_LINK = {"request": int, "person": str}
LINK_ACCESS_REQUESTED = declare("case.link_access_requested", roles=(CM,), stages=ANY_STAGE,
    fields={**_LINK, "from_reference": str},
    handlers="The manager of a case naming the same person asked to see this case")
LINK_ACCESS_APPROVED = declare("case.link_access_approved", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields=_LINK,
    handlers="The oversight officer let the manager of a linked case see this case")
LINK_ACCESS_REFUSED = declare("case.link_access_refused", roles=(R.OVERSIGHT_OFFICER,),
    stages=ANY_STAGE, fields=_LINK,
    handlers="The oversight officer refused the manager of a linked case access")
VETTING_GRANTED = declare_scheme("person.vetting_granted", (R.ADMINISTRATOR,), person=str)
VETTING_WITHDRAWN = declare_scheme("person.vetting_withdrawn", (R.ADMINISTRATOR,), person=str)
VETTING_CHECKED = declare_scheme("vetting.check_made", (R.LIAISON,), check=str,
    organisation=str, liaison=str, answer=str, told=int)
VETTING_COMMENTED = declare_scheme("vetting.comment_written", (RESP,), person=str)
VETTING_POLICY_SET = declare_scheme("organisation.vetting_policy_set", (R.ADMINISTRATOR,),
    organisation=str, finding_years=int, tell_person=bool)
# fmt: on
