"""Anonymous receipts: words shown once to a complainant, from which her keys are derived.

A receipt is RECEIPT_WORDS words drawn uniformly with `secrets` from the EFF large word
list (7776 words, about 12.9 bits each; 7 words is about 90.5 bits). The server never
stores the receipt: it stores `lookup` (to find the case) and her public key.

The list has four hyphenated words (drop-down, felt-tip, t-shirt, yo-yo), so receipts
are shown with single spaces between words. When read back, spaces, commas, semicolons,
newlines and hyphens are all separators, and adjacent pieces that together spell one of
the hyphenated words are re-joined. That is unambiguous because none of their first
halves (drop, felt, t, yo) is itself a word on the list; the loader checks this.
"""

import functools
import hashlib
import math
import re
import secrets
from dataclasses import dataclass
from importlib import resources

import nacl.public

from ombuds.lib.errors import InvalidInput
from ombuds.lib.kdf import KdfCost
from ombuds.vault._common import argon2id_derive, require_cost
from ombuds.vault.keys import KeyPair

RECEIPT_WORDS = 7
WORDLIST_SIZE = 7776

# Fixed Argon2id salt for receipts (16 bytes). A per-case random salt is impossible:
# the lookup value must be computed from the receipt alone, before we know which case
# it belongs to. A fixed salt only lets an attacker precompute one table for every
# receipt at once, and at ~90.5 bits of entropy (2^90 Argon2id evaluations) no such
# table or brute force is feasible. The constant still separates this use of Argon2id
# from every other one, so its output is useless as a table for anything else.
_RECEIPT_SALT = b"ombuds:receipt:1"
# BLAKE2b personalisation (16 bytes) for the lookup value: domain separation from the
# key half, which never leaves the process.
_LOOKUP_PERSON = b"ombuds:lookup:v1"

_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
# Whitespace (incl. newlines), commas, semicolons, ASCII hyphens and Unicode dashes.
_SEPARATORS = re.compile(r"[\s,;\-\u2010-\u2015\u2212]+")
_MAX_RECEIPT_TEXT = 1000


@functools.cache
def wordlist() -> tuple[str, ...]:
    """The EFF large word list, checked: 7776 unique lower-case words, in list order."""
    text = resources.files("ombuds.vault").joinpath("eff_large_wordlist.txt").read_text("utf-8")
    words = tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    if len(words) != WORDLIST_SIZE or len(set(words)) != WORDLIST_SIZE:
        raise RuntimeError("eff_large_wordlist.txt must hold 7776 unique words")
    if not all(_WORD.fullmatch(word) for word in words):
        raise RuntimeError("eff_large_wordlist.txt holds a word that is not [a-z]+(-[a-z]+)?")
    known = set(words)
    if any(word.split("-")[0] in known for word in words if "-" in word):
        raise RuntimeError("a hyphenated word starts with a word: receipts would be ambiguous")
    return words


@functools.cache
def _known_words() -> frozenset[str]:
    return frozenset(wordlist())


def receipt_entropy_bits() -> float:
    """Entropy of a receipt in bits (RECEIPT_WORDS uniform draws from the word list)."""
    return RECEIPT_WORDS * math.log2(len(wordlist()))


def new_receipt() -> str:
    """A fresh receipt, words joined by spaces; show it once: only its holder can use it."""
    words = wordlist()
    return " ".join(secrets.choice(words) for _ in range(RECEIPT_WORDS))


def normalise_receipt(text: str) -> str | None:
    """The canonical receipt ("w1 w2 ... w7") typed as text, or None if it is not one."""
    if not isinstance(text, str) or len(text) > _MAX_RECEIPT_TEXT:
        return None
    known = _known_words()
    pieces = [piece for piece in _SEPARATORS.split(text.strip().lower()) if piece]
    words: list[str] = []
    i = 0
    while i < len(pieces):
        joined = f"{pieces[i]}-{pieces[i + 1]}" if i + 1 < len(pieces) else ""
        if joined in known:
            words.append(joined)
            i += 2
        elif pieces[i] in known:
            words.append(pieces[i])
            i += 1
        else:
            return None
    if len(words) != RECEIPT_WORDS:
        return None
    return " ".join(words)


@dataclass(frozen=True)
class ReceiptKeys:
    """What a receipt unlocks: the case lookup value, and the complainant's key pair."""

    lookup: str
    keypair: KeyPair


def receipt_keys(receipt: str, *, cost: KdfCost) -> ReceiptKeys:
    """Derive the lookup and key pair from a receipt (only its holder can derive them).

    The cost must never change for receipts already issued: a different cost derives
    different keys, and the lookup must work before we know which case it is.
    """
    canonical = normalise_receipt(receipt)
    if canonical is None:
        raise InvalidInput(f"a receipt is {RECEIPT_WORDS} words from the word list")
    require_cost(cost)
    derived = argon2id_derive(
        64, canonical.encode("ascii"), _RECEIPT_SALT, cost.opslimit, cost.memlimit
    )
    private = nacl.public.PrivateKey(derived[:32])
    lookup = hashlib.blake2b(derived[32:], digest_size=32, person=_LOOKUP_PERSON).hexdigest()
    keypair = KeyPair(public_key=bytes(private.public_key), private_key=bytes(private))
    return ReceiptKeys(lookup=lookup, keypair=keypair)
