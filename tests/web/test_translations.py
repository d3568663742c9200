"""English and Welsh: every string a person reads is marked for translation, the Welsh
catalogue is complete for the complainant's, the respondent's and the public pages, and
the language lives in the address (no cookie)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

import ombuds
from ombuds.checkins.forms import AnswerCheckInForm, DeclineCheckInsForm
from ombuds.intake.forms import AddInformationForm, PasswordForm, ReportForm, ReturnForm
from ombuds.intake.services import Submission
from ombuds.record.events import all_specs
from ombuds.record.roles import Role
from ombuds.record.stages import Stage, stage_for_respondent, stage_label
from ombuds.survey.forms import TokenForm
from ombuds.testimony.forms import ConsentForm
from ombuds.web.catalogue import compile_catalogues
from tests.conftest import sign_in_with_receipt
from tests.template_text import template_msgids, untranslated

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "cy" / "LC_MESSAGES" / "django.po"

# The pages a complainant, a respondent or anyone at all reads: complete in Welsh.
PARTY_TEMPLATES = sorted(
    [f"intake/{p.name}" for p in (TEMPLATES / "intake").glob("*.html")]
    + [f"errors/{p.name}" for p in (TEMPLATES / "errors").glob("*.html")]
    + ["people/sign_in.html", "people/signed_out.html"]
    + [f"respondents/{n}.html" for n in ("landing", "join", "joined", "case", "evidence")]
    + ["respondents/response.html", "messaging/thread.html", "messaging/threads.html"]
    + ["investigation/party_draft.html", "investigation/party_interview.html"]
    + ["investigation/respond_measure.html", "investigation/respond_measures.html"]
    + ["decisions/party_decision.html", "decisions/appeal.html"]
    + ["deadlines/party_delays.html"]
    + ["oversight/transparency.html", "notifications/address.html"]
    + ["notifications/receipt_address.html"]
    + ["oversight/statistics_index.html"]
    + ["oversight/statistics.html", "oversight/annual_report.html"]
    + ["oversight/includes/statistics_tables.html", "oversight/includes/final_quarters.html"]
    + ["oversight/includes/withheld_quarters.html"]
    + ["escrow/mine.html", "vetting/about_me.html"]
    + [f"checkins/{n}.html" for n in ("answer", "decline", "_answer_form")]
    + [f"survey/{n}.html" for n in ("start", "answer", "thanks", "results", "results_list")]
    + [f"testimony/{n}.html" for n in ("mine", "published_list", "published")]
)
# Python modules whose marked messages the parties read (named as in the catalogue).
PARTY_MODULES = (
    "intake/", "respondents/", "messaging/", "people/forms", "escrow/forms",
    "investigation/services", "investigation/measures", "investigation/party_views",
    "deadlines/updates", "deadlines/party_views", "deadlines/selectors", "timetable/rules",
    "timetable/service_levels",
    "escrow/views", "escrow/links", "checkins/forms", "checkins/views", "vetting/forms",
    "vetting/party_views", "vetting/views", "vetting/links",
    "survey/questions", "survey/services", "testimony/forms", "testimony/views",
    "testimony/services", "testimony/links", "notifications/",
)  # fmt: skip


def _welsh() -> polib.POFile:
    return polib.pofile(str(CATALOGUE))


def _translated(entry: polib.POEntry | None) -> bool:
    if entry is None or "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_every_template_string_is_marked_for_translation(template: str) -> None:
    assert untranslated((TEMPLATES / template).read_text()) == []


def test_the_checker_finds_unmarked_text() -> None:
    source = (
        '{% load i18n %}<p>{% translate "Fine" %}</p><p>Not marked {{ x }}</p>'
        '<nav aria-label="Menu"></nav>{{ y|default:"A file" }}'
        "{% blocktranslate %}Fine too{% endblocktranslate %}{# a comment #}<p>12</p>"
    )
    assert untranslated(source) == ["Not marked", 'aria-label="Menu"', '|default:"A file"']


@pytest.mark.parametrize("template", PARTY_TEMPLATES)
def test_the_welsh_catalogue_covers_the_parties_pages(template: str) -> None:
    welsh = _welsh()
    missing = sorted(m for m in template_msgids(template) if not _translated(welsh.find(m)))
    assert missing == [], f"{template}: not (or not fully) translated into Welsh"


def test_the_welsh_catalogue_covers_the_complainants_python_messages() -> None:
    welsh = _welsh()
    party = [e for e in welsh if any(o[0].startswith(PARTY_MODULES) for o in e.occurrences)]
    assert party, "the catalogue lists where each message comes from"
    assert [e.msgid for e in party if not _translated(e)] == []


def test_the_welsh_catalogue_is_current_and_compiles(tmp_path: Path) -> None:
    """Every message the complainant's forms use is in the catalogue, and it compiles."""
    forms = (ReportForm, PasswordForm, ReturnForm, AddInformationForm, AnswerCheckInForm,
             DeclineCheckInsForm, TokenForm, ConsentForm)  # fmt: skip
    for form in forms:
        for field in form.base_fields.values():
            texts = [field.label, field.help_text, *field.error_messages.values()]
            for text in texts:
                if text and not str(text).startswith(("This field", "Enter a whole")):
                    with translation.override("cy"):
                        welsh = str(text)
                    assert welsh != str(text), text
    (tmp_path / "cy" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "cy" / "LC_MESSAGES" / "django.po").write_text(CATALOGUE.read_text())
    assert compile_catalogues(tmp_path)
    assert (tmp_path / "cy" / "LC_MESSAGES" / "django.mo").stat().st_size > 10_000


@pytest.mark.django_db
def test_welsh_pages_by_address_with_a_switch_and_no_cookie() -> None:
    client = Client()
    english = client.get("/report/")
    welsh = client.get("/cy/report/")
    assert english.status_code == welsh.status_code == 200
    english_text, welsh_text = english.content.decode(), welsh.content.decode()
    assert '<html lang="en-GB">' in english_text and '<html lang="cy">' in welsh_text
    assert "Do you want to stay anonymous?" in english_text
    assert "Ydych chi am aros yn ddienw?" in welsh_text
    assert 'href="/cy/report/" lang="cy" hreflang="cy"' in english_text
    assert 'href="/report/" lang="en" hreflang="en"' in welsh_text
    # Forms and links on a Welsh page stay in Welsh.
    assert 'action="/cy/report/' in welsh_text
    # The choice is in the address: no language cookie, and no cookie outlives the browser.
    for response in (english, welsh):
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        for cookie in response.cookies.values():
            assert not cookie["max-age"] and not cookie["expires"], cookie.key
    assert client.get("/").content.decode().count(' lang="cy"') == 1


@pytest.mark.django_db
def test_an_error_page_switches_language_without_echoing_the_address() -> None:
    response = Client().get("/cy/no-such-page/OMB-AAAA-BBBB/")
    page = response.content.decode()
    assert response.status_code == 404 and "Heb ddod o hyd i'r dudalen" in page
    assert "OMB-AAAA-BBBB" not in page
    assert re.search(r'href="/" lang="en"', page)


def _record_words_the_parties_read() -> set[str]:
    """Every word of the typed record a complainant or a respondent reads: the registry's
    timeline words for each party, and the stage in each party's words."""
    words: set[str] = set()
    for spec in all_specs():
        for party in (Role.COMPLAINANT, Role.RESPONDENT):
            seen = spec.seen_by(party)
            if seen is not None:
                words |= {seen.words, seen.detail_label, *(seen.per_role or {}).values()}
    for stage in Stage:
        words |= {stage_label(stage), stage_for_respondent(stage)}
    return words - {""}


def test_the_welsh_catalogue_covers_every_record_word_the_parties_read() -> None:
    """A new event type a party sees fails here until its words are in Welsh."""
    welsh = _welsh()
    words = _record_words_the_parties_read()
    assert len(words) > 50
    assert sorted(w for w in words if not _translated(welsh.find(w))) == []


@pytest.mark.django_db
def test_her_timeline_and_stage_are_in_welsh(anonymous_report: Submission) -> None:
    client = Client()
    assert anonymous_report.receipt
    sign_in_with_receipt(client, anonymous_report.receipt)
    english = html.unescape(client.get("/my-report/").content.decode())
    welsh = html.unescape(client.get("/cy/my-report/").content.decode())
    assert "You sent your report" in english and "We have received your report" in english
    assert "Fe wnaethoch anfon eich adroddiad" in welsh
    assert "Rydym wedi cael eich adroddiad" in welsh
    assert "You sent your report" not in welsh


def _party_link_words() -> set[str]:
    """Every label and hint a `complainant_links` or `respondent_links` provider writes as
    a literal (`Link(url, "label", hint="...")`): the parties' pages show them translated."""
    import ast

    words: set[str] = set()
    for path in Path(ombuds.__file__).parent.glob("*/links.py"):
        tree = ast.parse(path.read_text())
        for function in tree.body:
            if not isinstance(function, ast.FunctionDef) or function.name not in {
                "complainant_links",
                "respondent_links",
            }:
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "Link":
                    texts = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "hint")]
                    words |= {
                        t.value
                        for t in texts
                        if isinstance(t, ast.Constant) and isinstance(t.value, str)
                    }
    return words


def test_the_links_the_parties_are_offered_have_welsh() -> None:
    welsh = _welsh()
    words = _party_link_words()
    assert "Consent to referral to the police" in words and len(words) >= 8
    assert sorted(w for w in words if not _translated(welsh.find(w))) == []
