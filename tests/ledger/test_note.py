"""Checkpoints as C2SP signed notes, checked against the specifications' own examples."""

from __future__ import annotations

import base64

import pytest

from ombuds import vault
from ombuds.ledger import note

pytestmark = pytest.mark.database_free

# c2sp.org/tlog-checkpoint: the specification's published example checkpoint.
SPEC_CHECKPOINT = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URY"
    "N7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)
# The reference signed-note key and note (golang.org/x/mod/sumdb/note, the implementation
# c2sp.org/signed-note describes): verifier key "PeterNeumann+c74f20a3+<0x01 || key>".
GO_NAME = "PeterNeumann"
GO_KEY_ID = "c74f20a3"
GO_PUBLIC = base64.b64decode("ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")[1:]
GO_SEED = base64.b64decode("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")[1:]
GO_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
GO_SIGNATURE_LINE = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfq"
    "dngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_specification_example_parses_into_its_three_lines() -> None:
    parsed = note.parse_checkpoint_note(SPEC_CHECKPOINT)
    assert parsed.origin == "example.com/behind-the-sofa"
    assert parsed.size == 20852163
    assert base64.b64encode(parsed.root).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert parsed.text == SPEC_CHECKPOINT.split("\n\n")[0].encode() + b"\n"
    ((name, key_id, signature),) = parsed.signatures
    assert name == parsed.origin and len(key_id) == 4 and len(signature) == 64


def test_our_note_text_is_byte_for_byte_the_specification_layout() -> None:
    parsed = note.parse_checkpoint_note(SPEC_CHECKPOINT)
    text = note.checkpoint_note_text(origin=parsed.origin, size=parsed.size, root=parsed.root)
    assert text == parsed.text


def test_the_key_id_is_computed_as_the_reference_key_says() -> None:
    assert note.key_id(GO_NAME, GO_PUBLIC).hex() == GO_KEY_ID
    assert vault.signing_public_key(GO_SEED) == GO_PUBLIC


def test_signing_reproduces_the_reference_note_exactly() -> None:
    signature = note.sign_note_text(GO_TEXT, name=GO_NAME, seed=GO_SEED)
    assert note.signature_line(GO_NAME, GO_PUBLIC, signature) == GO_SIGNATURE_LINE
    assert note.format_note(GO_TEXT, GO_NAME, GO_PUBLIC, signature) == (
        GO_TEXT.decode() + "\n" + GO_SIGNATURE_LINE
    )


def test_a_note_is_accepted_only_with_a_good_signature_by_the_known_key() -> None:
    origin, seed = "ombuds.test/ledger", vault.new_signing_seed()
    public = vault.signing_public_key(seed)
    text = note.checkpoint_note_text(origin=origin, size=5, root=b"\x07" * 32)
    signed = note.format_note(
        text, origin, public, note.sign_note_text(text, name=origin, seed=seed)
    )
    assert note.note_signed_by(note.parse_checkpoint_note(signed), origin, public)
    changed = signed.replace("\n5\n", "\n6\n")
    assert not note.note_signed_by(note.parse_checkpoint_note(changed), origin, public)
    other = vault.signing_public_key(vault.new_signing_seed())
    assert not note.note_signed_by(note.parse_checkpoint_note(signed), origin, other)


@pytest.mark.parametrize(
    "broken",
    [
        "no signatures at all\n",
        "origin\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u2014 origin AAAAAAAA\n",
        "origin\n12\nnot base64!\n\n\u2014 origin AAAAAAAA\n",
        "origin\n12\n\n\n\u2014 origin AAAAAAAA\n",
        "origin\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n- origin AAAAAAAA\n",
        "origin\t\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u2014 origin AAAAAAAA\n",
    ],
)
def test_malformed_notes_are_refused(broken: str) -> None:
    with pytest.raises(note.NoteError):
        note.parse_checkpoint_note(broken)
