"""The escrow's OPRF (RFC 9497 vectors) and threshold sealing (Callisto-style)."""

from __future__ import annotations

import secrets

import pytest

from ombuds import vault
from ombuds.lib.errors import DecryptionFailed, InvalidInput
from ombuds.vault import oprf

# RFC 9497 appendix A.1.1: OPRF(ristretto255, SHA-512), mode 0.
SK = bytes.fromhex("5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e")
BLIND = bytes.fromhex("64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")
VECTORS = [
    (
        "00",
        "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
        "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
        "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3"
        "ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6",
    ),
    (
        "5a" * 17,
        "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
        "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
        "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4"
        "f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73",
    ),
]


@pytest.mark.parametrize(("message", "blinded", "evaluated", "output"), VECTORS)
def test_oprf_matches_rfc_9497_vectors(
    message: str, blinded: str, evaluated: str, output: str
) -> None:
    data = bytes.fromhex(message)
    assert oprf._blind_with(data, BLIND).hex() == blinded
    assert vault.oprf_evaluate(SK, bytes.fromhex(blinded)).hex() == evaluated
    assert vault.oprf_finalize(data, BLIND, bytes.fromhex(evaluated)).hex() == output


def test_oprf_is_a_function_of_key_and_message_only() -> None:
    key = vault.new_oprf_key()
    first = vault.oprf_output(key, b"name:jane doe@labour")
    assert first == vault.oprf_output(key, b"name:jane doe@labour")  # fresh blinds each time
    assert first != vault.oprf_output(key, b"name:jane roe@labour")
    assert first != vault.oprf_output(vault.new_oprf_key(), b"name:jane doe@labour")


def test_oprf_refuses_malformed_elements_and_keys() -> None:
    with pytest.raises(InvalidInput):
        vault.oprf_evaluate(SK, b"\xff" * 32)  # not a ristretto255 encoding
    with pytest.raises(InvalidInput):
        vault.oprf_evaluate(bytes(32), bytes.fromhex(VECTORS[0][1]))  # zero key
    with pytest.raises(InvalidInput):
        vault.oprf_evaluate(b"\xff" * 32, bytes.fromhex(VECTORS[0][1]))  # not reduced


# --- threshold sealing --------------------------------------------------------------

COUNSELLOR = vault.new_keypair()
OTHER = vault.new_keypair()


def _entry(prf: bytes, author: str, *, threshold: int = 2) -> tuple[bytes, vault.SealedMark, str]:
    record_key = vault.new_case_key()
    binding = f"escrow/{author}"
    mark = vault.seal_mark(
        prf,
        threshold=threshold,
        author=author,
        record_key=record_key,
        bound_to=binding,
        counsellor_public_keys={"c": COUNSELLOR.public_key},
    )
    return record_key, mark, binding


def _shares(marks: list[vault.SealedMark], private_key: bytes) -> list[bytes]:
    return [
        vault.open_share_for_counsellor(m.sealed_shares["c"], private_key=private_key)
        for m in marks
    ]


@pytest.mark.parametrize("threshold", [2, 3, 5])
def test_threshold_distinct_authors_reconstruct_and_one_fewer_do_not(threshold: int) -> None:
    prf = vault.oprf_output(vault.new_oprf_key(), b"name:jane doe@labour")
    entries = [_entry(prf, f"author-{i}", threshold=threshold) for i in range(threshold + 1)]
    assert len({m.token for _, m, _ in entries}) == 1  # one token, indexed
    marks = [m for _, m, _ in entries]
    shares = _shares(marks, COUNSELLOR.private_key)

    match_key = vault.reconstruct_match_key(shares[:threshold], threshold=threshold)
    for record_key, mark, binding in entries:  # every entry opens, the late one too
        assert (
            vault.open_record_key(match_key, mark.wrapped_record_key, bound_to=binding)
            == record_key
        )
    # Any `threshold` of them give the same key.
    assert vault.reconstruct_match_key(shares[1:], threshold=threshold) == match_key

    with pytest.raises(DecryptionFailed):
        vault.reconstruct_match_key(shares[: threshold - 1], threshold=threshold)


def test_one_author_twice_is_one_share() -> None:
    prf = vault.oprf_output(vault.new_oprf_key(), b"email:x@example.org")
    marks = [_entry(prf, "same-author")[1] for _ in range(3)]
    with pytest.raises(DecryptionFailed):
        vault.reconstruct_match_key(_shares(marks, COUNSELLOR.private_key), threshold=2)


def test_wrong_keys_cannot_open() -> None:
    prf = vault.oprf_output(vault.new_oprf_key(), b"phone:+447700900123")
    (_, first, binding), (_, second, _) = _entry(prf, "a"), _entry(prf, "b")
    with pytest.raises(DecryptionFailed):  # another person's private key opens no share
        vault.open_share_for_counsellor(first.sealed_shares["c"], private_key=OTHER.private_key)
    # Shares of two different named people interpolate to a key that opens nothing.
    stranger = _entry(vault.oprf_output(vault.new_oprf_key(), b"phone:+447700900999"), "b")[1]
    wrong = vault.reconstruct_match_key(
        _shares([first, stranger], COUNSELLOR.private_key), threshold=2
    )
    with pytest.raises(DecryptionFailed):
        vault.open_record_key(wrong, first.wrapped_record_key, bound_to=binding)
    with pytest.raises(DecryptionFailed):  # a random key
        vault.open_record_key(secrets.token_bytes(32), first.wrapped_record_key, bound_to=binding)
    right = vault.reconstruct_match_key(
        _shares([first, second], COUNSELLOR.private_key), threshold=2
    )
    with pytest.raises(DecryptionFailed):  # the right key, moved to another entry
        vault.open_record_key(right, first.wrapped_record_key, bound_to="escrow/elsewhere")


def test_below_threshold_the_counsellor_key_and_everything_stored_open_nothing() -> None:
    prf = vault.oprf_output(vault.new_oprf_key(), b"handle:someone")
    record_key, mark, binding = _entry(prf, "alone")
    share = _shares([mark], COUNSELLOR.private_key)[0]
    # Everything the database and the counsellor hold: the token, the share, the wrap.
    stored = [mark.token.encode(), share, mark.wrapped_record_key]
    for candidate in [*stored, share[:32], share[32:]]:
        key = candidate[:32].ljust(32, b"\x00")
        with pytest.raises(DecryptionFailed):
            vault.open_record_key(key, mark.wrapped_record_key, bound_to=binding)
    with pytest.raises(DecryptionFailed):
        vault.reconstruct_match_key([share], threshold=2)
    assert record_key not in b"".join(stored)


def test_seal_mark_refuses_bad_input() -> None:
    prf = vault.oprf_output(vault.new_oprf_key(), b"x")
    keys = {"c": COUNSELLOR.public_key}
    for output, threshold, counsellors in ((prf, 1, keys), (prf, 2, {}), (prf[:32], 2, keys)):
        with pytest.raises(InvalidInput):
            vault.seal_mark(
                output,
                threshold=threshold,
                author="a",
                record_key=vault.new_case_key(),
                bound_to="b",
                counsellor_public_keys=counsellors,
            )
