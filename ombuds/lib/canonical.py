"""Canonical JSON: one byte string per value, so hashes over it are reproducible."""

import json
from collections.abc import Mapping
from typing import Any

from ombuds.lib.errors import InvalidInput

JsonValue = None | bool | int | str | list[Any] | Mapping[str, Any]


def _check(value: object) -> None:
    # Floats have several spellings; refusing them keeps the encoding canonical.
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list | tuple):
        for element in value:
            _check(element)
        return
    if isinstance(value, Mapping):
        for key, element in value.items():
            if not isinstance(key, str):
                raise InvalidInput("canonical JSON keys must be strings")
            _check(element)
        return
    raise InvalidInput(f"canonical JSON cannot hold {type(value).__name__}")


def canonical_json(value: object) -> str:
    """Sorted keys, no spaces, UTF-8 text; strings, integers, booleans, null, lists, maps."""
    _check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_json_object(text: str) -> dict[str, Any]:
    """Parse JSON text that must hold an object."""
    parsed = json.loads(text)
    if not isinstance(parsed, dict):
        raise InvalidInput("expected a JSON object")
    return parsed
