"""The benches create staff with `createuser`, which refuses a password the rules refuse
(people/passwords.py and settings.AUTH_PASSWORD_VALIDATORS): a bench whose password
stopped passing would fail before measuring anything. Every bench shares one password."""

from __future__ import annotations

import pytest

from bench import proxy, several, submission
from ombuds.people.models import User
from ombuds.people.services import check_password

# The staff each bench creates (bench/submission.py, several.py, proxy.py), with the
# display name `createuser --name` gives them where it does.
BENCH_STAFF = [
    ("bench-cm", "Bench Cm"),
    ("bench-advocate", "Bench Advocate"),
    ("bench-adv", ""),
    ("bench-cm", ""),
    ("bench-advocate", ""),
]


def test_benches_share_one_staff_password() -> None:
    assert proxy.STAFF_PASSWORD == submission.STAFF_PASSWORD == several.STAFF_PASSWORD


@pytest.mark.parametrize(("username", "display_name"), BENCH_STAFF)
def test_the_bench_staff_password_passes_the_password_rules(
    username: str, display_name: str
) -> None:
    check_password(submission.STAFF_PASSWORD, User(username=username, display_name=display_name))
