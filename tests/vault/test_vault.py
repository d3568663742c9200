"""The vault: round trips, and everything that must not open. Pure; no database."""

import math
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ombuds.vault as vault
from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.lib.kdf import PRODUCTION_KDF, TEST_KDF, KdfCost
from ombuds.vault import (
    CASE_KEY_BYTES,
    RECEIPT_WORDS,
    KeyPair,
    ReceiptKeys,
    decrypt_case_content,
    encrypt_case_content,
    hash_password,
    lock_private_key,
    new_case_key,
    new_keypair,
    new_receipt,
    new_session_key,
    new_signing_seed,
    normalise_receipt,
    open_case_key,
    password_hash_needs_upgrade,
    public_key_of,
    random_token,
    receipt_keys,
    relock_private_key,
    seal_case_key,
    sign,
    signing_public_key,
    unlock_private_key,
    unwrap_for_session,
    verify_password,
    verify_signature,
    wrap_for_session,
)
from ombuds.vault.receipts import receipt_entropy_bits, wordlist

ROOT = Path(__file__).resolve().parents[2]
BINDING = "event/case/0b9e7c1e-5d0a-4a53-9d55-2f0c2d8c1a11/3/case.submitted"
SHORT = b"He said it again."
RECEIPT = "abacus abdomen abdominal abide abiding ability ablaze"


def flips(blob: bytes):
    """Every single-byte alteration of blob (three masks per position)."""
    for position in range(len(blob)):
        for mask in (0x01, 0x80, 0xFF):
            altered = bytearray(blob)
            altered[position] ^= mask
            yield bytes(altered)


# --- interface ----------------------------------------------------------------


def test_public_interface_is_exported() -> None:
    expected = {
        "INTEREST_KINDS",
        "conflict_token",
        "new_conflict_key",
        "normalise_interest",
        "open_sealed_for_person",
        "seal_to_person",
        "CASE_KEY_BYTES",
        "CONFLICT_KEY_BYTES",
        "SIGNING_SEED_BYTES",
        "RECEIPT_WORDS",
        "SERVER_KEY_BYTES",
        "decrypt_for_server",
        "encrypt_for_server",
        "new_server_key",
        "receipt_tag",
        "recovery_code_digest",
        "server_subkey",
        "audit_pseudonym",
        "seal_contact_address",
        "open_contact_address",
        "new_survey_token",
        "normalise_survey_token",
        "survey_token_digest",
        "KeyPair",
        "ReceiptKeys",
        "decrypt_case_content",
        "encrypt_case_content",
        "hash_password",
        "lock_private_key",
        "new_case_key",
        "new_keypair",
        "new_receipt",
        "new_session_key",
        "new_signing_seed",
        "normalise_receipt",
        "open_case_key",
        "password_hash_needs_upgrade",
        "public_key_of",
        "random_token",
        "receipt_keys",
        "relock_private_key",
        "seal_case_key",
        "session_row_key",
        "sign",
        "signing_public_key",
        "unlock_private_key",
        "unwrap_for_session",
        "verify_password",
        "verify_signature",
        "verify_signatures",
        "wrap_for_session",
        # The matching escrow: its OPRF and threshold sealing.
        "OPRF_KEY_BYTES",
        "SealedMark",
        "complainant_token",
        "match_token",
        "new_oprf_key",
        "open_record_key",
        "open_share_for_counsellor",
        "oprf_blind",
        "oprf_evaluate",
        "oprf_finalize",
        "oprf_output",
        "reconstruct_match_key",
        "seal_mark",
        # Repeat complaints and vetting checks: a named person's token, its own domain.
        "named_person_token",
    }
    assert set(vault.__all__) == expected
    for name in expected:
        assert getattr(vault, name) is not None


def test_vault_imports_no_django() -> None:
    code = "import sys, ombuds.vault; assert not [m for m in sys.modules if m.startswith('django')]"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_production_kdf_is_at_least_3_passes_over_64_mib() -> None:
    assert PRODUCTION_KDF.opslimit >= 3
    assert PRODUCTION_KDF.memlimit >= 64 * 1024 * 1024


# --- case content -------------------------------------------------------------


def test_case_key_is_random_and_sized() -> None:
    assert CASE_KEY_BYTES == 32
    keys = {new_case_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(len(key) == CASE_KEY_BYTES for key in keys)


@given(plaintext=st.binary(max_size=2000), bound_to=st.text(min_size=1, max_size=100))
@settings(max_examples=50, deadline=None)
def test_case_content_round_trip(plaintext: bytes, bound_to: str) -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, plaintext, bound_to=bound_to)
    assert decrypt_case_content(key, ciphertext, bound_to=bound_to) == plaintext


def test_case_content_format_is_version_nonce_ciphertext() -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, SHORT, bound_to=BINDING)
    assert ciphertext[0] == 1
    assert len(ciphertext) == 1 + 24 + len(SHORT) + 16
    again = encrypt_case_content(key, SHORT, bound_to=BINDING)
    assert again[1:25] != ciphertext[1:25]  # fresh nonce each time
    assert again != ciphertext


def test_case_content_hides_the_plaintext() -> None:
    plaintext = b"my line manager cornered me in the stock room " * 4
    ciphertext = encrypt_case_content(new_case_key(), plaintext, bound_to=BINDING)
    assert plaintext not in ciphertext
    for start in range(0, len(plaintext) - 8):
        assert plaintext[start : start + 8] not in ciphertext


def test_case_content_wrong_key_refused() -> None:
    ciphertext = encrypt_case_content(new_case_key(), SHORT, bound_to=BINDING)
    with pytest.raises(DecryptionFailed):
        decrypt_case_content(new_case_key(), ciphertext, bound_to=BINDING)


@pytest.mark.parametrize(
    "other",
    [
        "event/case/0b9e7c1e-5d0a-4a53-9d55-2f0c2d8c1a11/4/case.submitted",
        "event/case/1b9e7c1e-5d0a-4a53-9d55-2f0c2d8c1a11/3/case.submitted",
        BINDING + " ",
        BINDING.upper(),
    ],
)
def test_case_content_wrong_binding_refused(other: str) -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, SHORT, bound_to=BINDING)
    with pytest.raises(DecryptionFailed):
        decrypt_case_content(key, ciphertext, bound_to=other)


def test_case_content_every_byte_flip_refused() -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, SHORT, bound_to=BINDING)
    count = 0
    for altered in flips(ciphertext):
        with pytest.raises(DecryptionFailed):
            decrypt_case_content(key, altered, bound_to=BINDING)
        count += 1
    assert count == 3 * len(ciphertext)


def test_case_content_truncation_and_extension_refused() -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, SHORT, bound_to=BINDING)
    for length in range(len(ciphertext)):
        with pytest.raises(DecryptionFailed):
            decrypt_case_content(key, ciphertext[:length], bound_to=BINDING)
    with pytest.raises(DecryptionFailed):
        decrypt_case_content(key, ciphertext + b"\x00", bound_to=BINDING)


def test_case_content_empty_plaintext_round_trips() -> None:
    key = new_case_key()
    ciphertext = encrypt_case_content(key, b"", bound_to=BINDING)
    assert decrypt_case_content(key, ciphertext, bound_to=BINDING) == b""


@pytest.mark.parametrize(
    ("key", "plaintext", "bound_to"),
    [
        (b"short", SHORT, BINDING),
        (b"x" * 33, SHORT, BINDING),
        ("k" * 32, SHORT, BINDING),
        (b"k" * 32, "text", BINDING),
        (b"k" * 32, SHORT, ""),
        (b"k" * 32, SHORT, b"bytes"),
    ],
)
def test_case_content_malformed_arguments(key: object, plaintext: object, bound_to: object) -> None:
    with pytest.raises(InvalidInput):
        encrypt_case_content(key, plaintext, bound_to=bound_to)  # type: ignore[arg-type]


# --- key pairs and sealed case keys ---------------------------------------------


def test_keypair_round_trip_and_repr_hides_private_key() -> None:
    pair = new_keypair()
    assert isinstance(pair, KeyPair)
    assert len(pair.public_key) == len(pair.private_key) == 32
    assert public_key_of(pair.private_key) == pair.public_key
    assert new_keypair() != pair
    assert pair.private_key.hex() not in repr(pair)
    assert repr(pair.private_key) not in repr(pair)


def test_sealed_case_key_opens_only_with_matching_private_key() -> None:
    case_key = new_case_key()
    alice, bob = new_keypair(), new_keypair()
    sealed = seal_case_key(case_key, to_public_key=alice.public_key)
    assert case_key not in sealed
    assert open_case_key(sealed, private_key=alice.private_key) == case_key
    with pytest.raises(DecryptionFailed):
        open_case_key(sealed, private_key=bob.private_key)


def test_sealed_case_key_every_byte_flip_and_truncation_refused() -> None:
    pair = new_keypair()
    sealed = seal_case_key(new_case_key(), to_public_key=pair.public_key)
    for altered in flips(sealed):
        with pytest.raises(DecryptionFailed):
            open_case_key(altered, private_key=pair.private_key)
    for length in range(len(sealed)):
        with pytest.raises(DecryptionFailed):
            open_case_key(sealed[:length], private_key=pair.private_key)


def test_sealed_value_that_is_not_a_case_key_refused() -> None:
    import nacl.public  # the one test that plays attacker with the library directly

    pair = new_keypair()
    box = nacl.public.SealedBox(nacl.public.PublicKey(pair.public_key))
    sealed = b"\x01" + bytes(box.encrypt(b"k" * 31))
    with pytest.raises(DecryptionFailed):
        open_case_key(sealed, private_key=pair.private_key)


def test_seal_malformed_arguments() -> None:
    with pytest.raises(InvalidInput):
        seal_case_key(b"short", to_public_key=new_keypair().public_key)
    with pytest.raises(InvalidInput):
        seal_case_key(new_case_key(), to_public_key=b"short")
    with pytest.raises(InvalidInput):
        public_key_of(b"short")


# --- locked private keys ----------------------------------------------------------


def test_lock_unlock_round_trip() -> None:
    pair = new_keypair()
    locked = lock_private_key(pair.private_key, password="correct horse", cost=TEST_KDF)
    assert pair.private_key not in locked
    assert unlock_private_key(locked, password="correct horse") == pair.private_key


def test_locked_blob_describes_its_own_cost() -> None:
    cost = KdfCost(opslimit=2, memlimit=16 * 1024)
    locked = lock_private_key(b"k" * 32, password="pw", cost=cost)
    version, opslimit, memlimit = struct.unpack_from(">BIQ", locked)
    assert (version, opslimit, memlimit) == (1, 2, 16 * 1024)
    assert unlock_private_key(locked, password="pw") == b"k" * 32


def test_lock_uses_a_fresh_salt_each_time() -> None:
    first = lock_private_key(b"k" * 32, password="pw", cost=TEST_KDF)
    second = lock_private_key(b"k" * 32, password="pw", cost=TEST_KDF)
    assert first[13:29] != second[13:29]
    assert first != second


def test_unlock_wrong_password_refused() -> None:
    locked = lock_private_key(b"k" * 32, password="correct horse", cost=TEST_KDF)
    for wrong in ("correct horsE", "correct horse ", "x"):
        with pytest.raises(DecryptionFailed):
            unlock_private_key(locked, password=wrong)


def test_unlock_every_byte_flip_and_truncation_refused() -> None:
    locked = lock_private_key(b"k" * 32, password="pw", cost=TEST_KDF)
    for altered in flips(locked):
        with pytest.raises(DecryptionFailed):
            unlock_private_key(altered, password="pw")
    for length in range(len(locked)):
        with pytest.raises(DecryptionFailed):
            unlock_private_key(locked[:length], password="pw")


def test_unlock_refuses_absurd_cost_without_spending_it() -> None:
    locked = lock_private_key(b"k" * 32, password="pw", cost=TEST_KDF)
    greedy = struct.pack(">BIQ", 1, 1, 1 << 40) + locked[13:]
    with pytest.raises(DecryptionFailed):
        unlock_private_key(greedy, password="pw")


def test_password_is_unicode_normalised() -> None:
    locked = lock_private_key(b"k" * 32, password="caf\u00e9", cost=TEST_KDF)
    assert unlock_private_key(locked, password="cafe\u0301") == b"k" * 32


def test_relock_changes_the_password() -> None:
    locked = lock_private_key(b"k" * 32, password="old", cost=TEST_KDF)
    relocked = relock_private_key(locked, old_password="old", new_password="new", cost=TEST_KDF)
    assert unlock_private_key(relocked, password="new") == b"k" * 32
    with pytest.raises(DecryptionFailed):
        unlock_private_key(relocked, password="old")
    with pytest.raises(DecryptionFailed):
        relock_private_key(locked, old_password="wrong", new_password="new", cost=TEST_KDF)


@pytest.mark.parametrize(
    "cost",
    [
        KdfCost(opslimit=0, memlimit=8192),
        KdfCost(opslimit=1, memlimit=1024),
        KdfCost(opslimit=1, memlimit=8193),  # not whole KiB: the header would not be canonical
        KdfCost(opslimit=1, memlimit=2 << 30),
        KdfCost(opslimit=1000, memlimit=8192),
        (1, 8192),
    ],
)
def test_lock_malformed_cost(cost: object) -> None:
    with pytest.raises(InvalidInput):
        lock_private_key(b"k" * 32, password="pw", cost=cost)  # type: ignore[arg-type]


def test_lock_empty_password_refused() -> None:
    with pytest.raises(InvalidInput):
        lock_private_key(b"k" * 32, password="", cost=TEST_KDF)


# --- login password hashes --------------------------------------------------------


def test_hash_password_verifies() -> None:
    encoded = hash_password("hunter2 but longer", cost=TEST_KDF)
    assert re.fullmatch(r"\$argon2id\$v=19\$m=8,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+", encoded)
    assert verify_password(encoded, "hunter2 but longer") is True
    assert verify_password(encoded, "hunter2 but longeR") is False
    assert verify_password(encoded, "") is False
    assert hash_password("hunter2 but longer", cost=TEST_KDF) != encoded  # salted


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "not a hash",
        "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=999999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA\x00",
        "$argon2id$v=19$m=8,t=1,p=1$sält$aGFzaGhhc2hoYXNoaGFzaA",
        None,
        b"$argon2id$",
    ],
)
def test_verify_password_malformed_is_false(encoded: object) -> None:
    assert verify_password(encoded, "pw") is False  # type: ignore[arg-type]


def test_verify_password_tampered_hash_is_false() -> None:
    encoded = hash_password("pw", cost=TEST_KDF)
    assert verify_password(encoded.replace("t=1", "t=2"), "pw") is False
    assert verify_password(encoded[:-2] + ("AA" if encoded[-2:] != "AA" else "BB"), "pw") is False


def test_password_hash_needs_upgrade() -> None:
    weak = hash_password("pw", cost=TEST_KDF)
    assert password_hash_needs_upgrade(weak, cost=TEST_KDF) is False
    assert password_hash_needs_upgrade(weak, cost=PRODUCTION_KDF) is True
    fewer_passes = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
    less_memory = "$argon2id$v=19$m=32768,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
    enough = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
    stronger = "$argon2id$v=19$m=131072,t=4,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA"
    assert password_hash_needs_upgrade(fewer_passes, cost=PRODUCTION_KDF) is True
    assert password_hash_needs_upgrade(less_memory, cost=PRODUCTION_KDF) is True
    assert password_hash_needs_upgrade(enough, cost=PRODUCTION_KDF) is False
    assert password_hash_needs_upgrade(stronger, cost=PRODUCTION_KDF) is False
    assert password_hash_needs_upgrade("garbage", cost=TEST_KDF) is True


# --- receipts -----------------------------------------------------------------------


def test_wordlist_is_the_eff_large_list() -> None:
    words = wordlist()
    assert len(words) == 7776
    assert len(set(words)) == 7776
    assert all(re.fullmatch(r"[a-z-]+", word) for word in words)
    assert words[0] == "abacus"
    assert words[-1] == "zoom"
    hyphenated = {word for word in words if "-" in word}
    assert hyphenated == {"drop-down", "felt-tip", "t-shirt", "yo-yo"}
    # Re-joining hyphen-separated pieces is unambiguous: no first half is a word.
    assert not {word.split("-")[0] for word in hyphenated} & set(words)


def test_receipt_entropy_is_at_least_80_bits() -> None:
    assert RECEIPT_WORDS == 7
    bits = RECEIPT_WORDS * math.log2(len(wordlist()))
    assert bits >= 80
    assert receipt_entropy_bits() == pytest.approx(90.47, abs=0.01)


def test_new_receipt_is_seven_known_words() -> None:
    known = set(wordlist())
    receipts = {new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    for receipt in receipts:
        words = receipt.split(" ")
        assert len(words) == RECEIPT_WORDS
        assert set(words) <= known
        assert normalise_receipt(receipt) == receipt


@pytest.mark.parametrize(
    "typed",
    [
        RECEIPT,
        "Abacus  abdomen,abdominal ABIDE abiding ability ablaze",
        "abacus-abdomen-abdominal-abide-abiding-ability-ablaze",
        "  abacus, abdomen, abdominal, abide, abiding, ability, ablaze  ",
        "abacus\nabdomen\nabdominal\r\nabide\tabiding ability\n\nablaze\n",
        "abacus -- abdomen ,, abdominal ; abide - abiding   ability,ablaze",
        "abacus\u2013abdomen\u2014abdominal abide abiding ability ablaze",
    ],
)
def test_normalise_receipt_accepts_variations(typed: str) -> None:
    assert normalise_receipt(typed) == RECEIPT


def test_normalise_receipt_rejoins_hyphenated_words() -> None:
    canonical = "t-shirt down shirt yo-yo drop-down felt-tip abacus"
    assert normalise_receipt(canonical) == canonical
    assert normalise_receipt(canonical.replace(" ", "-")) == canonical
    assert (
        normalise_receipt("T-Shirt, Down, Shirt, Yo-Yo, Drop-Down, Felt-Tip, Abacus") == canonical
    )


@pytest.mark.parametrize(
    "typed",
    [
        "abacus abdomen abdominal abide abiding ability",
        "abacus abdomen abdominal abide abiding ability ablaze ablaze",
        "abacus abdomen abdominal abide abiding ability zzzzz",
        "abacus abdomen abdominal abide abiding ability ablaze1",
        "abacusabdomen abdominal abide abiding ability ablaze ablaze",
        "abacus abdomen abdominal abide abiding ability t",
        "",
        "   ",
        "abacus " * 1000,
    ],
)
def test_normalise_receipt_rejects(typed: str) -> None:
    assert normalise_receipt(typed) is None


def test_receipt_keys_deterministic_and_distinct() -> None:
    first = receipt_keys(RECEIPT, cost=TEST_KDF)
    assert isinstance(first, ReceiptKeys)
    assert receipt_keys(RECEIPT, cost=TEST_KDF) == first
    assert receipt_keys(RECEIPT.upper().replace(" ", ", "), cost=TEST_KDF) == first
    assert re.fullmatch(r"[0-9a-f]{64}", first.lookup)
    assert public_key_of(first.keypair.private_key) == first.keypair.public_key
    other = receipt_keys(RECEIPT.replace("ablaze", "zoom"), cost=TEST_KDF)
    assert other.lookup != first.lookup
    assert other.keypair != first.keypair
    # The lookup reveals nothing of the private key (different halves, hashed).
    assert first.keypair.private_key.hex() not in first.lookup
    assert first.keypair.private_key.hex() not in repr(first)


def test_receipt_keys_open_what_was_sealed_to_them() -> None:
    keys = receipt_keys(RECEIPT, cost=TEST_KDF)
    case_key = new_case_key()
    sealed = seal_case_key(case_key, to_public_key=keys.keypair.public_key)
    again = receipt_keys(RECEIPT, cost=TEST_KDF)
    assert open_case_key(sealed, private_key=again.keypair.private_key) == case_key


def test_receipt_keys_malformed_receipt() -> None:
    with pytest.raises(InvalidInput):
        receipt_keys("abacus abdomen", cost=TEST_KDF)
    with pytest.raises(InvalidInput):
        receipt_keys(RECEIPT, cost=KdfCost(opslimit=0, memlimit=0))


receipt_word_lists = st.lists(
    st.sampled_from(wordlist()), min_size=RECEIPT_WORDS, max_size=RECEIPT_WORDS
)
separators = st.sampled_from([" ", "  ", ",", ", ", "-", "\n", " - ", ";", "\t"])


@given(words=receipt_word_lists, data=st.data())
@settings(max_examples=100, deadline=None)
def test_random_receipts_normalise_and_derive(words: list[str], data: st.DataObject) -> None:
    canonical = " ".join(words)
    typed = words[0]
    for word in words[1:]:
        typed += data.draw(separators) + data.draw(st.sampled_from([word, word.upper()]))
    assert normalise_receipt(typed) == canonical
    keys = receipt_keys(typed, cost=TEST_KDF)
    assert keys == receipt_keys(canonical, cost=TEST_KDF)
    assert public_key_of(keys.keypair.private_key) == keys.keypair.public_key


@given(first=receipt_word_lists, second=receipt_word_lists)
@settings(max_examples=50, deadline=None)
def test_random_distinct_receipts_give_distinct_keys(first: list[str], second: list[str]) -> None:
    if first == second:
        return
    a = receipt_keys(" ".join(first), cost=TEST_KDF)
    b = receipt_keys(" ".join(second), cost=TEST_KDF)
    assert a.lookup != b.lookup
    assert a.keypair.private_key != b.keypair.private_key


# --- session wrapping ---------------------------------------------------------------


def test_session_wrap_round_trip() -> None:
    session_key = new_session_key()
    assert len(session_key) == 32
    secret = new_keypair().private_key
    wrapped = wrap_for_session(session_key, secret)
    assert secret not in wrapped
    assert unwrap_for_session(session_key, wrapped) == secret


def test_session_wrap_wrong_key_flip_and_truncation_refused() -> None:
    session_key = new_session_key()
    wrapped = wrap_for_session(session_key, b"k" * 32)
    with pytest.raises(DecryptionFailed):
        unwrap_for_session(new_session_key(), wrapped)
    for altered in flips(wrapped):
        with pytest.raises(DecryptionFailed):
            unwrap_for_session(session_key, altered)
    for length in range(len(wrapped)):
        with pytest.raises(DecryptionFailed):
            unwrap_for_session(session_key, wrapped[:length])


def test_session_wrap_malformed_key() -> None:
    with pytest.raises(InvalidInput):
        wrap_for_session(b"short", b"secret")
    with pytest.raises(InvalidInput):
        unwrap_for_session(b"short", b"\x01" * 60)


# --- signing ----------------------------------------------------------------------


def test_signature_verifies() -> None:
    seed = new_signing_seed()
    public = signing_public_key(seed)
    signature = sign(seed, b"checkpoint 42: abc123")
    assert len(signature) == 64
    assert verify_signature(public, b"checkpoint 42: abc123", signature) is True
    assert sign(seed, b"checkpoint 42: abc123") == signature  # Ed25519 is deterministic


def test_signature_fails_when_anything_changes() -> None:
    seed = new_signing_seed()
    public = signing_public_key(seed)
    message = b"checkpoint 42: abc123"
    signature = sign(seed, message)
    assert verify_signature(public, message + b"!", signature) is False
    assert verify_signature(public, b"checkpoint 43: abc123", signature) is False
    for altered in flips(signature):
        assert verify_signature(public, message, altered) is False
    other = signing_public_key(new_signing_seed())
    assert verify_signature(other, message, signature) is False


@pytest.mark.parametrize(
    ("public", "message", "signature"),
    [
        (b"short", b"m", b"s" * 64),
        (b"p" * 32, b"m", b"short"),
        (b"p" * 32, b"m", b""),
        ("p" * 32, b"m", b"s" * 64),
        (b"p" * 32, "m", b"s" * 64),
        (None, None, None),
    ],
)
def test_verify_signature_never_raises(public: object, message: object, signature: object) -> None:
    assert verify_signature(public, message, signature) is False  # type: ignore[arg-type]


# --- tokens -------------------------------------------------------------------------


def test_random_token() -> None:
    token = random_token()
    assert re.fullmatch(r"[0-9a-f]{32}", token)
    assert random_token() != token
    assert len(random_token(8)) == 16
    with pytest.raises(InvalidInput):
        random_token(0)


# --- sealed to a person, conflict tokens ------------------------------------------


def test_sealed_to_a_person_opens_only_with_her_key() -> None:
    her, other = vault.new_keypair(), vault.new_keypair()
    sealed = vault.seal_to_person(b"suspend Mr X from office", to_public_key=her.public_key)
    assert b"suspend" not in sealed
    assert vault.open_sealed_for_person(sealed, private_key=her.private_key) == (
        b"suspend Mr X from office"
    )
    with pytest.raises(DecryptionFailed):
        vault.open_sealed_for_person(sealed, private_key=other.private_key)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(DecryptionFailed):
        vault.open_sealed_for_person(tampered, private_key=her.private_key)


def test_conflict_tokens_match_the_same_interest_however_written() -> None:
    key = vault.new_conflict_key()
    token = vault.conflict_token(key, kind="person", value="John  Smith")
    assert token == vault.conflict_token(key, kind="person", value="john smith.")
    assert token != vault.conflict_token(key, kind="unit", value="John Smith")
    assert token != vault.conflict_token(
        vault.new_conflict_key(), kind="person", value="John Smith"
    )
    assert "john" not in token
    with pytest.raises(InvalidInput):
        vault.conflict_token(key, kind="faction-ish", value="x")
    with pytest.raises(InvalidInput):
        vault.conflict_token(key, kind="unit", value=" ... ")


def test_server_secrets_open_only_with_their_key_and_tags_need_the_key() -> None:
    key, other = vault.new_server_key(), vault.new_server_key()
    sealed = vault.encrypt_for_server(key, b"JBSWY3DPEHPK3PXP")
    assert b"JBSWY3DPEHPK3PXP" not in sealed
    assert vault.decrypt_for_server(key, sealed) == b"JBSWY3DPEHPK3PXP"
    with pytest.raises(DecryptionFailed):
        vault.decrypt_for_server(other, sealed)
    receipt = vault.new_receipt()
    tag = vault.receipt_tag(key, receipt)
    assert tag is not None and 0 <= tag < 2**32
    assert vault.receipt_tag(key, receipt.upper().replace(" ", ", ")) == tag  # as typed back
    assert vault.receipt_tag(other, receipt) != tag
    assert vault.receipt_tag(key, "not a receipt") is None


def test_survey_tokens_are_80_bits_typed_any_way_and_stored_as_keyed_digests() -> None:
    token = vault.new_survey_token()
    assert len(token) == 19 and token.count("-") == 3
    assert vault.normalise_survey_token(f" {token.lower().replace('-', ' ')} ") == token.replace(
        "-", ""
    )
    assert vault.normalise_survey_token("ABCD-EFGH-JKLM-NPQ0") is None  # 0 is not in it
    key, other = vault.new_server_key(), vault.new_server_key()
    digest = vault.survey_token_digest(key, token)
    assert digest == vault.survey_token_digest(key, token.lower())
    assert digest != vault.survey_token_digest(other, token)
    assert vault.survey_token_digest(key, "nonsense") is None
    # A subkey for each purpose: different from the key and from each other.
    one, two = vault.server_subkey(key, b"one"), vault.server_subkey(key, b"two")
    assert len({key, one, two}) == 3 and len(one) == vault.SERVER_KEY_BYTES


def test_a_named_persons_token_is_not_an_escrow_marks() -> None:
    """The same PRF output gives a case's token and an escrow mark's token that differ, so
    a stolen database cannot join sealed escrow entries to cases."""
    output = bytes(range(64))
    assert vault.named_person_token(output) == vault.named_person_token(output)
    assert vault.named_person_token(output) != vault.match_token(output)
    assert len(vault.named_person_token(output)) == 64


def test_the_auditors_pseudonyms_are_stable_keyed_and_kept_apart_by_kind() -> None:
    key, other = vault.new_server_key(), vault.new_server_key()
    case = "0b3f1c9e-1111-4222-8333-444455556666"
    named = vault.audit_pseudonym(key, "case", case)
    assert named == vault.audit_pseudonym(key, "case", case) and len(named) == 10
    assert named != vault.audit_pseudonym(other, "case", case)
    assert named != vault.audit_pseudonym(key, "person", case)
    assert case not in named
