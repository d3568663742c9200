"""Plain words for each event type, as handlers, the complainant and the respondent read them.

One table per reader, so each sees only what concerns her: an event missing from a
party's table is not shown to that party at all.
"""

from __future__ import annotations

from collections.abc import Mapping

# What handlers read in the case history.
HANDLER_WORDS: dict[str, str] = {
    "case.submitted": "Report received",
    "case.assigned": "Allocated from the independent pool",
    "case.unassigned": "Removed from the case",
    "case.recused": "A handler recused",
    "case.acknowledged": "Report acknowledged",
    "case.assessed": "Assessment recorded",
    "case.parties_recorded": "Parties recorded for conflict checks",
    "case.information_added": "The complainant added information",
    "case.advocate_change_requested": "The complainant asked for a different advocate",
    "case.informal_agreed": "The complainant agreed to informal resolution",
    "case.referral_consented": "The complainant consented to referral to the police",
    "case.risk_recorded": "A risk to others was recorded",
    "case.safeguarding_override_recorded": "A safeguarding override was recorded",
    "case.withdrawal_requested": "The complainant asked to withdraw",
    "case.continued_after_withdrawal": "The case continues without the complainant",
    "case.withdrawal_accepted": "The complainant's withdrawal was accepted",
    "case.informal_resolution_started": "Informal resolution started",
    "case.investigation_opened": "Investigation opened",
    "case.escalated": "Escalated to investigation",
    "case.referred": "Referred to the police",
    "case.respondent_invited": "The respondent was invited to take part",
    "case.respondent_joined": "The respondent joined",
    "case.allegations_disclosed": "The respondent was told the allegations",
    "case.response_submitted": "The respondent responded",
    "case.message_sent": "A message was sent in a private thread",
    "case.support_recorded": "The advocate recorded support given",
    "case.evidence_added": "Evidence added",
    "case.interview_recorded": "Interview notes recorded",
    "case.interview_commented": "Interviewee commented on the notes",
    "case.interview_declined": "The respondent declined an interview",
    "case.draft_report_shared": "Draft report shared for comment",
    "case.draft_report_commented": "Comment on the draft report",
    "case.findings_recorded": "Findings recorded",
    "case.measure_proposed": "Interim measure proposed",
    "case.measure_approved": "Interim measure approved",
    "case.measure_representation_made": "The respondent made representations on a measure",
    "case.measure_reviewed": "Interim measure reviewed",
    "case.measure_lapsed": "Interim measure lapsed at its review date",
    "case.decision_proposed": "Panel decision proposed",
    "case.decision_signed": "A panel member signed the decision",
    "case.decided": "The panel decided",
    "case.appealed": "The decision was appealed",
    "case.appeal_decided": "The appeal panel decided",
    "case.organisation_notified": "The organisation was told what to implement",
    "case.measure_disclosed": "Interim measure sent to the respondent",
    "case.decision_disclosed": "The respondent was sent the panel's decision",
    "case.appeal_decision_disclosed": "The respondent was sent the appeal panel's decision",
    "case.findings_disclosed": "Findings sent to the respondent",
    "case.withdrawn": "The complainant withdrew the complaint",
    "case.closed": "Case closed",
}

# What the complainant reads on her status page ("you" is the complainant).
COMPLAINANT_WORDS: dict[str, str] = {
    "case.submitted": "You sent your report",
    "case.information_added": "You added information",
    "case.acknowledged": "Your report was acknowledged",
    "case.assessed": "Your report was assessed",
    "case.advocate_change_requested": "You asked for a different advocate",
    "case.informal_agreed": "You agreed to informal resolution",
    "case.referral_consented": "You consented to referral to the police",
    "case.withdrawal_requested": "You asked to withdraw",
    "case.continued_after_withdrawal": "Your case manager decided the case must continue",
    "case.withdrawal_accepted": "Your withdrawal was accepted",
    "case.informal_resolution_started": "Informal resolution started",
    "case.investigation_opened": "An investigation was opened",
    "case.escalated": "Your case moved to a formal investigation",
    "case.referred": "Your case was referred to the police",
    "case.respondent_invited": "The person you reported was told about the complaint",
    "case.allegations_disclosed": "The allegations were put in writing to the person you reported",
    "case.response_submitted": "The person you reported responded",
    "case.interview_recorded": "The notes of your interview were recorded",
    "case.interview_commented": "You commented on the notes of your interview",
    "case.draft_report_shared": "The investigator's draft report is ready for your comments",
    "case.draft_report_commented": "You commented on the draft report",
    "case.findings_recorded": "The investigator's findings are final",
    "case.measure_approved": "An interim measure was put in place while your complaint is "
    "investigated",
    "case.decided": "The panel made its decision",
    "case.appealed": "The decision was appealed",
    "case.appeal_decided": "The appeal panel made its decision, which is final",
    "case.withdrawn": "You withdrew your complaint",
    "case.closed": "Your case was closed",
}

# What the respondent reads on her own pages.
RESPONDENT_WORDS: dict[str, str] = {
    "case.respondent_joined": "You joined the case",
    "case.allegations_disclosed": "You were told the allegations in writing",
    "case.response_submitted": "You sent your response",
    "case.interview_recorded": "The notes of your interview were recorded",
    "case.interview_commented": "You commented on the notes of your interview",
    "case.interview_declined": "It was recorded that you declined an interview",
    "case.measure_representation_made": "You made representations on an interim measure",
    "case.draft_report_commented": "You commented on the draft report",
    "case.findings_disclosed": "The investigator's findings are final",
    "case.measure_approved": "An interim measure was put in place",
    "case.measure_reviewed": "An interim measure was reviewed",
    "case.measure_lapsed": "An interim measure lapsed",
    "case.draft_report_shared": "The investigator's draft report is ready for your comments",
    "case.decision_disclosed": "You were sent the panel's decision",
    "case.appealed": "The decision was appealed",
    "case.appeal_decision_disclosed": "You were sent the appeal panel's decision, which is final",
    "case.withdrawal_accepted": "The complaint was withdrawn",
    "case.withdrawn": "The complaint was withdrawn",
    "case.referred": "The case was referred to the police",
    "case.closed": "The case was closed",
}


def shown_to(reader: str, event_type: str, metadata: Mapping[str, object]) -> bool:
    """Whether a party sees this event on her timeline at all.

    Events written once for each key appear once to each party (her own copy); each sees
    only her own interview. Other events a party sees as words only, never their content.
    """
    for_respondent = metadata.get("key") == "respondent"
    interviewee = metadata.get("interviewee")
    if reader == "complainant":
        if event_type not in COMPLAINANT_WORDS:
            return False
        if event_type in _WRITTEN_FOR_BOTH and for_respondent:
            return False
        return event_type != "case.interview_recorded" or interviewee == "complainant"
    if reader == "respondent":
        if event_type not in RESPONDENT_WORDS:
            return False
        if event_type in _WRITTEN_FOR_BOTH and not for_respondent:
            return False
        return event_type != "case.interview_recorded" or interviewee == "respondent"
    return True


# Events of which each party sees only the instances written with her own key: the copy
# written for her (the draft report) or her own interview and comments.
_WRITTEN_FOR_BOTH = frozenset(
    {
        "case.draft_report_shared",
        "case.interview_recorded",
        "case.interview_commented",
        "case.draft_report_commented",
    }
)
# Events written once for each key (the same thing twice): handlers see one copy.
_ONE_COPY_PER_KEY = frozenset({"case.draft_report_shared"})


def shown_to_handlers(event_type: str, metadata: Mapping[str, object]) -> bool:
    """Handlers hold both keys: of an event written once per key, show one copy."""
    return not (event_type in _ONE_COPY_PER_KEY and metadata.get("key") == "respondent")
