"""Known answers for the formats that stored records and issued receipts depend on.

Each expected value was computed once, from main at d24a623, and written here as a
literal. Never "fix" a failure by pasting the new value: a different answer means a
format change that would strand records already in the ledger or receipts already given
to complainants. A new format needs a new version tag, and the old one kept readable.
"""

from __future__ import annotations

import pytest

# The code under test: imported here, at the top, so that a rename fails loudly.
from ombuds.cases.allocation import allocation_seed, choose, choose_several
from ombuds.ledger.encoding import GENESIS_HASH, EventRecord, encode_event, event_hash
from ombuds.lib.kdf import PRODUCTION_KDF, KdfCost
from ombuds.vault.receipts import receipt_keys

CASE_ID = "5b8e0a4c-6f2e-4f43-9d7e-0c3f6a1b2d11"

EMPTY_BODY = EventRecord(
    seq=0,
    stream="scheme",
    stream_version=1,
    type="organisation.created",
    schema_version=1,
    recorded_at="2026-01-05T09:00:00.000000Z",
    actor_id="system",
    actor_role="system",
    metadata="{}",
    body=b"",
    prev_hash=GENESIS_HASH,
)
UNICODE_METADATA = EventRecord(
    seq=41,
    stream=f"case/{CASE_ID}",
    stream_version=7,
    type="case.parties_recorded",
    schema_version=1,
    recorded_at="2026-02-28T23:59:59.999999Z",
    actor_id="p-4k2m9q",
    actor_role="case_manager",
    metadata='{"note":"Zoë — «ünïcode» 名前 🙂","tokens":["a1","b2"]}',
    body=bytes(range(256)),
    prev_hash="ab" * 32,
)
LARGE_NUMBERS = EventRecord(
    seq=2**53 + 12345,
    stream=f"access/{CASE_ID}",
    stream_version=4_294_967_295,
    type="case.content_read",
    schema_version=65_535,
    recorded_at="2099-12-31T00:00:00.000001Z",
    actor_id="",
    actor_role="",
    metadata='{"what":"findings"}',
    body=b"\x00" * 1000,
    prev_hash="f" * 64,
)


def test_the_event_encoding_is_pinned() -> None:
    """The bytes an event is hashed as: tag, then each field length-prefixed (4 bytes,
    big-endian) in stored order. A failure means a format change that would strand every
    event already in the ledger (its stored hash would no longer verify)."""
    assert encode_event(EMPTY_BODY).hex() == (
        "6f6d627564732e6576656e742e7631"  # "ombuds.event.v1"
        "00000001" "30"  # seq "0"
        "00000006" "736368656d65"  # "scheme"
        "00000001" "31"  # stream version "1"
        "00000014" "6f7267616e69736174696f6e2e63726561746564"  # "organisation.created"
        "00000001" "31"  # schema version "1"
        "0000001b" "323032362d30312d30355430393a30303a30302e3030303030305a"
        "00000006" "73797374656d"  # actor "system"
        "00000006" "73797374656d"  # role "system"
        "00000002" "7b7d"  # metadata "{}"
        "00000000"  # the empty body
        "00000040" + "30" * 64  # the genesis hash, as text
    )  # fmt: skip


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (EMPTY_BODY, "be03e1a3cc7cdf446d34eafba49c4bedce6ce32c217809f73b93b72083e1fb82"),
        (UNICODE_METADATA, "bfae8f13eeb63e9e7087c283b20d9ad6d689f5caef255ce7eb86dcc90b63a0e0"),
        (LARGE_NUMBERS, "22cba3b41bc605ac2db33939b1ad819d3271ef8f0a6ca865d867dc9f2544f9bb"),
    ],
    ids=["empty body", "unicode metadata", "large seq"],
)
def test_the_event_hash_is_pinned(record: EventRecord, expected: str) -> None:
    """SHA-256(0x00 || encoding), the RFC 6962 leaf hash. A failure means a format change
    that would strand old records: their chains and checkpoints would no longer verify."""
    assert event_hash(record) == expected


# Receipts: the cost is part of the format. The cheap cost is the test suite's TEST_KDF
# today, 1 pass over 8 KiB; PRODUCTION_KDF is 3 passes over 64 MiB (DESIGN.md's floor).
CHEAP = KdfCost(opslimit=1, memlimit=8 * 1024)
RECEIPT_ANSWERS = [
    (
        "skinny revisable thrift uncivil same making coliseum",
        "80bedfadadef6640ab194be7dfc8356162a6b052ccafbff25e4fa1b63e76018b",
        "f2dff59b747ff8e36e28b82b966d4c90f77c04fe899b51399bcf4d50cba4e109",
    ),
    (
        "abacus abdomen abdominal abide abiding ability ablaze",
        "cc52a5e7e993dc7e69c101236049a7be2f2803f6066570831e32156a135b812f",
        "e9cff9cb821dfc00b402d7a770fb6606a0d3efe4c6923f0f889eef982a353904",
    ),
    # Typed loosely: capitals, commas, spaces for hyphens. Normalised before derivation.
    (
        "Drop Down, felt-tip  T-SHIRT yo yo abacus zoom zone",
        "9524770b351d593b79d6491cbeb00fdefe52ea49f922923e039f38bbc834adf3",
        "b69af39fb6107021e9467bfd85b300d47ea886ddc7291fc53e6e8bddf59c007c",
    ),
]


@pytest.mark.parametrize(("receipt", "lookup", "public_key"), RECEIPT_ANSWERS)
def test_the_receipt_derivation_is_pinned_at_the_test_cost(
    receipt: str, lookup: str, public_key: str
) -> None:
    """Argon2id(receipt, fixed salt) at opslimit=1, memlimit=8 KiB, split into her private
    key and the lookup. A failure means a format change that would strand every receipt
    already given: her words would no longer find or open her case."""
    keys = receipt_keys(receipt, cost=CHEAP)
    assert (keys.lookup, keys.keypair.public_key.hex()) == (lookup, public_key)


def test_the_receipt_derivation_is_pinned_at_the_production_cost() -> None:
    """The same at the production cost, opslimit=3, memlimit=64 MiB.
    Takes ~0.1 s (more on a busy machine).
    A failure means a format change that would strand every receipt already given."""
    assert KdfCost(opslimit=3, memlimit=64 * 1024 * 1024) == PRODUCTION_KDF
    keys = receipt_keys(RECEIPT_ANSWERS[1][0], cost=PRODUCTION_KDF)
    assert keys.lookup == "fdce0839f366099314f7f324a9c2781e47f58456359b372b6de6d1940ac8fbc4"
    assert keys.keypair.public_key.hex() == (
        "840079b2a7314afa51d22e7c0a172d05d8e622c4ec0cc4fcc9c35ae3cf863f35"
    )


POOL = ["p-golf", "p-alpha", "p-bravo", "p-charlie", "p-delta", "p-echo", "p-foxtrot"]
FIRST_SEED = "7aec2b5bab347ff45b80cda364cbd83ff7849e58ca535b10f9f8b4ca2e27ec47"
APPEAL_SEED = "f827195fa2087e012f947acc9002c041db72c7562d28aee15e7d36bbb6a1591b"


def test_the_allocation_seed_is_pinned() -> None:
    """SHA-256 of "ombuds.allocation.v1|root|case|role|round". A failure means a format
    change that would strand old records: nobody could recompute the recorded allocations
    from the seeds in the ledger, and the check that they were not steered would fail."""
    assert (
        allocation_seed(submission_root="00" * 32, case_id=CASE_ID, role="advocate", round_number=0)
        == FIRST_SEED
    )
    assert (
        allocation_seed(
            submission_root="9f" * 32,
            case_id=CASE_ID,
            role="panel_member:appeal",
            round_number=3,
        )
        == APPEAL_SEED
    )


def test_the_choice_from_a_seed_is_pinned() -> None:
    """The sorted pool indexed by the seed modulo its size, and each further seat drawn
    with SHA-256("seed|index"). A failure means a format change that would strand old
    records: the allocations they record would no longer recompute to the same people."""
    assert choose(POOL, FIRST_SEED) == "p-bravo"
    assert choose(POOL, APPEAL_SEED) == "p-golf"
    assert choose(["p-only"], FIRST_SEED) == "p-only"
    assert choose_several(POOL, FIRST_SEED, 3) == ["p-delta", "p-golf", "p-bravo"]
    assert choose_several(POOL, APPEAL_SEED, 3) == ["p-bravo", "p-delta", "p-alpha"]
