"""Normalisation of identifiers: spellings of one person meet, different people do not."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ombuds.escrow.identifiers import IdentifierRefused, identifier, name_words

ORG = "Labour Party"


def canonical(kind: str, value: str, organisation: str = ORG) -> str:
    return identifier(kind, value, organisation=organisation).canonical


@pytest.mark.parametrize(
    "spelling",
    [
        "Firstname Surname",
        "Surname, Firstname",
        "firstname surname MP",
        "FIRSTNAME   SURNAME",
        "Rt Hon Firstname Surname MP",
        "Dr. Firstname Surname",
        "Sir Firstname Surname",
        "Cllr Firstname Surname",
        "Fírstnâme Súrname",
        "  surname ,firstname ",
        "Firstname Surname AS",  # Aelod o'r Senedd: a Member of the Senedd, in Welsh
        "Firstname Surname MS",
        "Y Cynghorydd Firstname Surname",
        "Cyng. Firstname Surname",
        "Syr Firstname Surname",
    ],
)
def test_spellings_of_one_person_give_one_token(spelling: str) -> None:
    assert canonical("name", spelling) == canonical("name", "Firstname Surname")


def test_accents_case_and_organisation_spelling() -> None:
    assert canonical("name", "José Núñez", "Labour  party") == canonical(
        "name", "jose nunez", "LABOUR PARTY"
    )


def test_different_people_sharing_a_first_name_do_not_meet() -> None:
    assert canonical("name", "John Smith") != canonical("name", "John Brown")
    assert canonical("name", "Jane Doe", "Labour") != canonical("name", "Jane Doe", "Conservatives")


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "Write the identifier"),
        ("MP", "no name in it"),
        ("Dr. Sir", "no name in it"),
        ("John", "first name alone"),
        ("Smith", "common surname alone"),
        ("Mr Patel MP", "common surname alone"),
        ("Li", "too short"),
    ],
)
def test_names_too_generic_or_empty_are_refused_with_what_to_add(value: str, says: str) -> None:
    with pytest.raises(IdentifierRefused, match=says):
        identifier("name", value, organisation=ORG)


def test_a_name_needs_its_organisation() -> None:
    with pytest.raises(IdentifierRefused, match="organisation or unit"):
        identifier("name", "Jane Doe", organisation="  ")


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "+44 7700 900123",
        "0044 7700 900 123",
        "+44 (0)7700-900123",
        "(07700) 900.123",
        "447700900123",
    ],
)
def test_uk_phone_formats_meet(number: str) -> None:
    assert canonical("phone", number) == "phone:+447700900123"


def test_international_phone_and_bad_phones() -> None:
    assert canonical("phone", "+1 (415) 555-0100") == canonical("phone", "001 415 555 0100")
    for bad in ("12345", "call me", "+44 77OO 900123"):
        with pytest.raises(IdentifierRefused, match="full phone number"):
            identifier("phone", bad)


def test_emails_and_handles() -> None:
    assert canonical("email", " Jane.Doe+work@Example.ORG ") == canonical(
        "email", "mailto:jane.doe@example.org"
    )
    with pytest.raises(IdentifierRefused, match="not an e-mail"):
        identifier("email", "jane at example")
    for handle in ("@JaneDoe", "https://x.com/janedoe", "twitter.com/JaneDoe/", "janedoe"):
        assert canonical("handle", handle) == "handle:janedoe"
    with pytest.raises(IdentifierRefused, match="handle"):
        identifier("handle", "@jd")


# --- properties ---------------------------------------------------------------------

WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=3, max_size=10
).filter(
    lambda w: (
        w
        not in {
            "the",
            "hon",
            "sir",
            "mbe",
            "obe",
            "cbe",
            "kbe",
            "dbe",
            "rev",
            "mrs",
            "lord",
            "lady",
            "dame",
            "earl",
            "duke",
            "prof",
            "revd",
            "cllr",
            "miss",
            "baron",
        }
    )
)
ACCENTED = {"a": "á", "e": "é", "i": "ï", "o": "ô", "u": "ü", "c": "ç", "n": "ñ"}
TITLE = st.sampled_from(["MP", "Dr", "Sir", "Cllr", "Rt Hon", "Mrs", "Ms", "Lord", "MSP", "OBE"])


def _accent(word: str) -> str:
    return "".join(ACCENTED.get(c, c) for c in word)


@settings(deadline=None)  # a loaded machine must not fail a property
@given(
    st.lists(WORD, min_size=2, max_size=4, unique=True),
    st.randoms(),
    st.lists(TITLE, max_size=2),
    st.booleans(),
)
def test_order_case_accents_titles_and_spacing_never_change_a_name(
    words: list[str], random: object, titles: list[str], shout: bool
) -> None:
    base = canonical("name", " ".join(words))
    shuffled = list(words)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    variant = "  ".join([*titles[:1], *(_accent(w) for w in shuffled), *titles[1:]])
    if shout:
        variant = variant.upper()
    assert canonical("name", variant) == base
    assert canonical("name", f"{shuffled[-1]}, {' '.join(shuffled[:-1])}") == base


@settings(deadline=None)  # a loaded machine must not fail a property
@given(WORD, WORD, WORD)
def test_sharing_only_a_first_name_never_meets(first: str, surname: str, other: str) -> None:
    if surname == other or first in {surname, other}:
        return
    assert canonical("name", f"{first} {surname}") != canonical("name", f"{first} {other}")


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.text(max_size=40))
def test_normalising_is_idempotent_or_refused(text: str) -> None:
    try:
        first = canonical("name", text)
    except IdentifierRefused:
        return
    words = first.removeprefix("name:").split("@")[0]
    assert canonical("name", words) == first
    assert name_words(words) == words.split()


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.integers(min_value=1_000_000_000, max_value=9_999_999_999))
def test_every_written_form_of_a_uk_number_meets(national: int) -> None:
    digits = str(national)
    forms = [
        f"0{digits}",
        f"+44{digits}",
        f"0044 {digits[:4]} {digits[4:]}",
        f"+44 (0) {digits[:4]}-{digits[4:]}",
    ]
    assert {canonical("phone", form) for form in forms} == {f"phone:+44{digits}"}
