"""The sanctions catalogue and the rules for choosing from it (pure)."""

from __future__ import annotations

import pytest

from ombuds.lib.errors import InvalidInput
from ombuds.record.outcomes import (
    ALL_CODES,
    NO_ACTION,
    catalogue_codes,
    check_sanctions,
    organisation_must_act,
    sanction_words,
)


def test_the_default_catalogue_and_who_must_act() -> None:
    assert ALL_CODES == (
        "no_action",
        "words_of_advice",
        "apology",
        "training",
        "behaviour_agreement",
        "reprimand",
        "suspension",
        "exclusion",
    )
    assert not organisation_must_act([NO_ACTION])
    assert all(organisation_must_act([code]) for code in ALL_CODES if code != NO_ACTION)
    assert sanction_words("reprimand") == "A formal reprimand"


def test_no_action_is_always_in_an_organisations_choice() -> None:
    assert catalogue_codes(["suspension", "training"]) == ["no_action", "training", "suspension"]
    with pytest.raises(InvalidInput):
        catalogue_codes(["flogging"])


@pytest.mark.parametrize(
    ("codes", "any_upheld", "message"),
    [
        ([], True, "at least one"),
        (["no_action", "reprimand"], True, "cannot be combined"),
        (["exclusion"], True, "organisation's catalogue"),
        (["reprimand"], False, "only possible decision is no action"),
    ],
)
def test_refusals_say_what_is_wrong(codes: list[str], any_upheld: bool, message: str) -> None:
    allowed = ["no_action", "reprimand", "training"]
    with pytest.raises(InvalidInput, match=message):
        check_sanctions(codes, allowed=allowed, any_upheld=any_upheld)


def test_a_valid_choice_comes_back_in_catalogue_order() -> None:
    assert check_sanctions(
        ["reprimand", "training", "training"], allowed=ALL_CODES, any_upheld=True
    ) == ["training", "reprimand"]
    assert check_sanctions([NO_ACTION], allowed=ALL_CODES, any_upheld=False) == [NO_ACTION]
