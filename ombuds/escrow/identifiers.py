"""Identifiers of a named person, normalised so that different spellings meet.

Pure rules (no Django). Each identifier becomes one canonical string, the only thing the
escrow's PRF ever sees: a name with its organisation or unit (case, accents, spacing,
punctuation, word order and titles do not matter), an e-mail address, a phone number
(UK and international formats, as E.164 digits) or a social-media handle. Identifiers
that normalise to nothing, or that would match too many people (a first name alone, a
common surname alone), are refused with a sentence saying what to add.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ombuds.lib.errors import InvalidInput

KINDS = ("name", "email", "phone", "handle")

# Titles, honours and post-nominals that say nothing about who the person is, in English
# and in Welsh (AS: Aelod o'r Senedd, a Member of the Senedd; Cyng., Parch., Syr...).
TITLES = frozenset(
    """
    mr mrs miss ms mx dr doctor sir dame lord lady baron baroness viscount earl duke rt
    right hon honourable the prof professor rev reverend revd cllr councillor mp msp mla
    mep am mbe obe cbe kbe dbe qc kc pc fc
    as ms aelod cyng cynghorydd parch athro arglwydd arglwyddes syr fonesig
    """.split()  # noqa: SIM905 - a word list reads best as words
)
_APOSTROPHES = re.compile(r"['\u2019`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_HANDLE = re.compile(r"^[a-z0-9_.]{3,50}$")
_PHONE_PUNCTUATION = re.compile(r"[\s\-.()/]")


class IdentifierRefused(InvalidInput):
    """An identifier that cannot be matched safely; the message says what to add."""

    kind = ""  # which kind of identifier was refused, once known


@dataclass(frozen=True)
class Identifier:
    kind: str
    canonical: str  # what the PRF sees: "kind:normal form"


@cache
def _word_list(name: str) -> frozenset[str]:
    text = (
        resources.files("ombuds.escrow").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    )
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def common_first_names() -> frozenset[str]:
    return _word_list("common_first_names.txt")


def common_surnames() -> frozenset[str]:
    return _word_list("common_surnames.txt")


def fold(text: str) -> str:
    """Lower case ASCII letters and digits: accents, case, width and apostrophes removed,
    every other run of punctuation or space one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = _APOSTROPHES.sub("", plain)
    return _SEPARATORS.sub(" ", plain).strip()


def name_words(name: str) -> list[str]:
    """The words of a name that identify the person, in a fixed order (word order,
    titles and single-letter initials do not make a different person)."""
    words = [w for w in fold(name).split() if w not in TITLES]
    full = [w for w in words if len(w) > 1]
    if len(full) >= 2:
        words = full
    return sorted(words)


def normalise_name(name: str, *, organisation: str) -> str:
    """The canonical form of a person's name within an organisation or unit."""
    words = name_words(name)
    if not words:
        raise IdentifierRefused("Give the person's name: what you wrote has no name in it.")
    if len(words) == 1:
        (word,) = words
        if word in common_first_names():
            raise IdentifierRefused(
                "A first name alone matches too many people. Add the person's surname."
            )
        if word in common_surnames():
            raise IdentifierRefused(
                "A common surname alone matches too many people. Add the person's first name."
            )
        if len(word) < 3:
            raise IdentifierRefused("That name is too short to match safely. Give the full name.")
    unit = fold(organisation)
    if not unit:
        raise IdentifierRefused("Say which organisation or unit the person belongs to.")
    return f"{' '.join(words)}@{unit}"


def normalise_email(value: str) -> str:
    """An e-mail address in lower case, without a "+tag" in its local part."""
    address = unicodedata.normalize("NFKC", value).strip().casefold().removeprefix("mailto:")
    if not _EMAIL.match(address):
        raise IdentifierRefused(
            "That is not an e-mail address. Write it in full, like name@example.org."
        )
    local, domain = address.split("@")
    local = local.split("+", 1)[0]
    if not local:
        raise IdentifierRefused("That e-mail address has nothing before the @.")
    return f"{local}@{domain}"


def normalise_phone(value: str) -> str:
    """A phone number as "+" and its E.164 digits; a number beginning with a single 0 is
    taken as a UK number."""
    text = unicodedata.normalize("NFKC", value).strip().replace("(0)", "")
    text = _PHONE_PUNCTUATION.sub("", text)
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("00"):
        digits = text[2:]
    elif text.startswith("0"):
        digits = "44" + text[1:]
    else:
        digits = text
    if digits.startswith("440"):  # "+44 0 7700 ...": the trunk 0 written after the code
        digits = "44" + digits[3:]
    if not digits.isdigit() or not 8 <= len(digits) <= 15 or digits.startswith("0"):
        raise IdentifierRefused(
            "That is not a full phone number. Write it with its area or mobile code, "
            "like 07700 900123 or +44 7700 900123."
        )
    return f"+{digits}"


def normalise_handle(value: str) -> str:
    """A social-media handle without "@", a profile address or letter case."""
    text = unicodedata.normalize("NFKC", value).strip().casefold()
    text = text.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    text = text.lstrip("@")
    if not _HANDLE.match(text):
        raise IdentifierRefused(
            "That is not a handle we can match: give the name after the @ "
            "(at least three letters, digits, dots or underscores), or the profile's address."
        )
    return text


def identifier(kind: str, value: str, *, organisation: str = "") -> Identifier:
    """One identifier in canonical form; IdentifierRefused says what to add or fix."""
    if kind not in KINDS:
        raise IdentifierRefused(f"Unknown kind of identifier {kind!r}.")
    try:
        normal = _normalise(kind, value, organisation)
    except IdentifierRefused as exc:
        exc.kind = kind
        raise
    return Identifier(kind=kind, canonical=f"{kind}:{normal}")


def _normalise(kind: str, value: str, organisation: str) -> str:
    if not value or not value.strip():
        raise IdentifierRefused("Write the identifier, or leave this one out.")
    if kind == "name":
        normal = normalise_name(value, organisation=organisation)
    elif kind == "email":
        normal = normalise_email(value)
    elif kind == "phone":
        normal = normalise_phone(value)
    else:
        normal = normalise_handle(value)
    return normal
