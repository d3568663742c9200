"""Checkpoints as C2SP signed notes (c2sp.org/tlog-checkpoint, c2sp.org/signed-note).

So that existing transparency-log tooling and independent witnesses can check Ombuds'
checkpoints. Pure formatting and parsing: no Django; signatures go through the vault.

    <origin>\\n<tree size>\\n<base64 root hash>\\n[signed-at <time>\\n][previous <base64>\\n]
    \\n
    — <key name> base64(key ID || Ed25519 signature)\\n

The key name is the origin; key ID = SHA-256(key name || 0x0A || 0x01 || public key)[:4].
Checkpoints signed since 1 December 2026 carry their signing time as an extension line
of the note (tlog-checkpoint allows extension lines after the root hash), and that one
signature is the checkpoint's only one: the JSON form publishes the same signature.
Checkpoints signed since the evening of 1 December 2026 carry a second extension line,
`previous`: the digest of the checkpoint signed before them
(`checkpoints.checkpoint_digest`), so the checkpoints form a hash chain under each
signature.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from ombuds import vault

ED25519_TYPE = b"\x01"
_DASH = "\u2014"
_SIZE = re.compile(r"0|[1-9][0-9]*")
SIGNED_AT = "signed-at "  # the extension line that carries the signing time
PREVIOUS = "previous "  # the extension line that links to the checkpoint before


class NoteError(ValueError):
    """Text that is not a well-formed checkpoint note."""


@dataclass(frozen=True)
class NoteCheckpoint:
    """A checkpoint read from a signed note, with the signatures found under it."""

    origin: str
    size: int
    root: bytes
    text: bytes  # the exact signed note text
    signatures: tuple[tuple[str, bytes, bytes], ...]  # (key name, key ID, signature)
    signed_at: str = ""  # from a "signed-at" extension line, if the note has one
    previous: bytes = b""  # from a "previous" extension line, if the note has one


def check_key_name(name: str) -> None:
    """Key names are non-empty and hold no spaces and no plus (signed-note)."""
    if not name or "+" in name or name.split() != [name]:  # split: on str.isspace
        raise NoteError("a key name must be non-empty, without spaces or '+'")


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key ID of an Ed25519 key under this name."""
    return hashlib.sha256(name.encode() + b"\n" + ED25519_TYPE + public_key).digest()[:4]


def checkpoint_note_text(
    *, origin: str, size: int, root: bytes, signed_at: str | None = None, previous: bytes = b""
) -> bytes:
    """The note text a checkpoint note signature covers (final newline included); with
    `signed_at`, the signing time as an extension line after the root hash, and with
    `previous` (32 bytes), the digest of the checkpoint before as one more."""
    check_key_name(origin)
    if size < 0 or len(root) != 32:
        raise NoteError("a checkpoint needs a size and a 32-byte root")
    text = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    if signed_at is not None:
        if not signed_at or not signed_at.isprintable() or " " in signed_at:
            raise NoteError("a signing time is one word of printable characters")
        text += f"{SIGNED_AT}{signed_at}\n"
    if previous:
        if len(previous) != 32 or signed_at is None:
            raise NoteError("a link to the previous checkpoint is 32 bytes, after the time")
        text += f"{PREVIOUS}{base64.b64encode(previous).decode()}\n"
    return text.encode()


def signature_line(name: str, public_key: bytes, signature: bytes) -> str:
    """One signed-note signature line, newline included."""
    blob = base64.b64encode(key_id(name, public_key) + signature).decode()
    return f"{_DASH} {name} {blob}\n"


def sign_note_text(text: bytes, *, name: str, seed: bytes) -> bytes:
    """An Ed25519 note signature over text (the 64 bytes, without the key ID)."""
    check_key_name(name)
    return vault.sign(seed, text)


def format_note(text: bytes, name: str, public_key: bytes, signature: bytes) -> str:
    """A whole signed note: its text, a blank line, one signature line."""
    return text.decode() + "\n" + signature_line(name, public_key, signature)


def parse_checkpoint_note(note: str) -> NoteCheckpoint:
    """Split a signed note into its checkpoint fields and signatures; NoteError if malformed."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("a signed note holds no control characters other than newline")
    text, sep, sigs = note.rpartition("\n\n")
    if not sep or not text:
        raise NoteError("no blank line before the signatures")
    text += "\n"
    signatures = []
    for line in sigs.splitlines():
        prefix, _, rest = line.partition(" ")
        name, _, blob = rest.partition(" ")
        if prefix != _DASH or not name or not blob:
            raise NoteError("a signature line must be '— <name> <base64>'")
        try:
            raw = base64.b64decode(blob, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise NoteError("a signature is not base64") from exc
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append((name, raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("the note has no signature")
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or any(not line for line in lines):
        raise NoteError("a checkpoint has origin, size and root hash lines, none empty")
    origin, size, root_b64 = lines[:3]
    if not _SIZE.fullmatch(size):
        raise NoteError("the tree size must be decimal without leading zeroes")
    try:
        root = base64.b64decode(root_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("the root hash is not base64") from exc
    if len(root) != 32:
        raise NoteError("the root hash is not 32 bytes")
    signed_at = next((x[len(SIGNED_AT) :] for x in lines[3:] if x.startswith(SIGNED_AT)), "")
    link = next((x[len(PREVIOUS) :] for x in lines[3:] if x.startswith(PREVIOUS)), "")
    try:
        previous = base64.b64decode(link, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("the previous checkpoint's digest is not base64") from exc
    return NoteCheckpoint(
        origin, int(size), root, text.encode(), tuple(signatures), signed_at, previous
    )


def note_signed_by(parsed: NoteCheckpoint, name: str, public_key: bytes) -> bool:
    """True when a signature by this key is on the note and verifies; signatures by other
    keys are ignored, as signed-note requires. A known key that fails rejects the note."""
    wanted = key_id(name, public_key)
    found = [sig for n, kid, sig in parsed.signatures if n == name and kid == wanted]
    if not found:
        return False
    return all(vault.verify_signature(public_key, parsed.text, sig) for sig in found)
