"""The token of a named person: the escrow's normalisation and keyed PRF, then a token in
the named-person domain (`vault.named_person_token`). Only tokens leave this module."""

from __future__ import annotations

from ombuds import vault
from ombuds.escrow.identifiers import IdentifierRefused, identifier
from ombuds.escrow.keyholder import prf_output


def person_tokens(*, name: str, organisation: str, email: str = "") -> list[str]:
    """The tokens of a person by her name within `organisation` (its slug) and, if given,
    her e-mail address. IdentifierRefused says what to add when the name alone is too
    generic to match safely (a first name, a common surname)."""
    named = [identifier("name", name, organisation=organisation)]
    if email.strip():
        named.append(identifier("email", email))
    return [vault.named_person_token(prf_output(one.canonical)) for one in named]


def report_tokens(*, name: str, organisation: str) -> list[str]:
    """The tokens of the person a report names, [] when it names nobody or too generic a
    name (the report is taken all the same; it just links to no other case)."""
    if not name.strip():
        return []
    try:
        return person_tokens(name=name, organisation=organisation)
    except IdentifierRefused:
        return []
