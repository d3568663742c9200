"""The rows of the registry for what the scheme publishes: the signed digest of each
quarter's frozen statistics (ombuds/oversight), anonymous climate surveys (ombuds/survey)
and collated testimony (ombuds/testimony). Plain Python; `events.py` imports this module,
so importing `events` declares these rows too.

When the sweep makes a quarter's figures final it records, in the same transaction, a
SHA-256 digest of every count it stored for that quarter (`oversight/sealing.py`): the
organisation's slug, the quarter and the digest, nothing else (codes and counts are not
even in the metadata, let alone cases or people). Every page that publishes the quarter
checks its stored counts against it first.

A survey's events are the scheme's own (its stream): created, tokens issued, closed.
Answering is not an event, and nothing here names a token or an answer: an answer must
not be linkable to the token that allowed it, the ledger included (docs/SECURITY.md).

A complainant's testimony is her case's: consent (with her own words, case key), her
advocate's redacted text (case key, numbered drafts), her approval of one draft, and the
withdrawal of her consent. Metadata holds draft numbers only.
"""

from __future__ import annotations

from ombuds.record.roles import Role
from ombuds.record.spec import HandlerContent, Key, Optional, Seen, declare, declare_scheme

R = Role
ANY_STAGE = None  # the service says when: testimony may be given at any stage, or after

# fmt: off
# Statistics (ombuds/oversight), in the stream scheme/statistics. -------------------------
# `late`: the quarter was frozen before freezes were signed, and its digest was taken once,
# from its stored counts as they stood then (migration oversight/0002).
QUARTER_FROZEN = declare_scheme("statistics.quarter_frozen", (R.SYSTEM,),
    organisation=str, quarter=int, digest=str, late=Optional(bool))

# Surveys (ombuds/survey). -----------------------------------------------------------------
SURVEY_CREATED = declare_scheme("survey.created", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, organisation=str, period=str)
SURVEY_QUESTION_ADDED = declare_scheme("survey.question_added", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, question=int)
SURVEY_TOKENS_ISSUED = declare_scheme("survey.tokens_issued", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, count=int)
SURVEY_CLOSED = declare_scheme("survey.closed", (R.ADMINISTRATOR, R.SYSTEM),
    survey=str, answers=int)

# Collated testimony (ombuds/testimony). ----------------------------------------------------
TESTIMONY_CONSENTED = declare("case.testimony_consented", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE, keys=(Key.CASE,),
    handlers="The complainant agreed to an anonymised account being published",
    complainant=Seen("You agreed that an anonymised account of your experience may be "
                     "published"), handler_content=HandlerContent.EVERY_HANDLER)
TESTIMONY_DRAFTED = declare("case.testimony_drafted", roles=(R.ADVOCATE,), stages=ANY_STAGE,
    keys=(Key.CASE,), fields={"draft": int},
    handlers="The advocate prepared the anonymised account",
    complainant=Seen("Your advocate prepared your anonymised account for you to check"),
    handler_content=HandlerContent.EVERY_HANDLER)
TESTIMONY_APPROVED = declare("case.testimony_approved", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE, fields={"draft": int},
    handlers="The complainant approved the anonymised account",
    complainant=Seen("You approved your anonymised account for publication"))
TESTIMONY_WITHDRAWN = declare("case.testimony_withdrawn", roles=(R.COMPLAINANT,),
    stages=ANY_STAGE,
    handlers="The complainant withdrew her consent to publication",
    complainant=Seen("You withdrew your consent: your account is not published"))
# fmt: on
