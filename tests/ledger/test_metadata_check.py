"""Verify's quick check that an event's metadata is a JSON object answers as
`json.loads` does, on canonical metadata and on everything else."""

from __future__ import annotations

import json

import pytest

from ombuds.ledger.rows import _json_object

CASES = [
    b"{}", b'{"kind":"note"}', b'{"a":"\xc3\xa9"}', b" {}", b"{} ", b"\n{}\n", b"[]", b"1",
    b'"{}"', b"{}x", b"{}{}", b"", b"{", b"\xff{}", b"null", '{"a":1}'.encode("utf-16"),
    '{"a":1}'.encode("utf-32"), b'{"a":NaN}', b'{"a":1,"a":2}',
]  # fmt: skip


def _loads_says(meta: bytes) -> bool:
    try:
        return type(json.loads(meta)) is dict
    except ValueError:
        return False


@pytest.mark.parametrize("meta", CASES)
def test_the_quick_check_agrees_with_json_loads(meta: bytes) -> None:
    assert _json_object(meta) == _loads_says(meta)
    assert _json_object(meta) == _loads_says(meta)  # the second time, from what it kept
