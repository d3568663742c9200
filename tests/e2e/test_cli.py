"""The `ombuds` command line, run as a separate process against a live demo instance."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import LiveInstance, ombuds_env, run_ombuds

pytestmark = pytest.mark.e2e


def _instance_settings(instance: LiveInstance, **extra: str) -> dict[str, str]:
    """The environment of a command without `--data-dir` aimed at the instance."""
    secret = (instance.data_dir / "demo-secret-key").read_text().strip()
    return instance.env(
        OMBUDS_ENV="demo",
        OMBUDS_DATA_DIR=str(instance.data_dir),
        OMBUDS_SECRET_KEY=secret,
        **extra,
    )


def test_help_lists_the_commands() -> None:
    result = run_ombuds("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: ombuds")
    for command in (
        "demo",
        "serve",
        "createuser",
        "createorg",
        "verify",
        "checkpoint",
        "measures-sweep",
        "keys",
        "sweep",
    ):
        assert re.search(rf"\b{command}\b", result.stdout), command


def test_verify_the_live_instance(live_instance: LiveInstance) -> None:
    data_dir = str(live_instance.data_dir)
    result = run_ombuds("verify", "--data-dir", data_dir, env=live_instance.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout
    assert re.search(r"Checked [1-9]\d* events", result.stdout), result.stdout


def test_measures_sweep_runs_against_the_instance(live_instance: LiveInstance) -> None:
    data_dir = str(live_instance.data_dir)
    result = run_ombuds("measures-sweep", "--data-dir", data_dir, env=live_instance.env())
    assert result.returncode == 0, result.stdout + result.stderr
    # The demo has no measure past its review date, so nothing lapses; the log still verifies.
    assert "0 interim measure(s) lapsed at their review date." in result.stdout
    verified = run_ombuds("verify", "--data-dir", data_dir, env=live_instance.env())
    assert verified.returncode == 0, verified.stdout


def test_checkpoint_then_verify_against_it(live_instance: LiveInstance, tmp_path: Path) -> None:
    saved = tmp_path / "checkpoint.json"
    data_dir = str(live_instance.data_dir)
    made = run_ombuds(
        "checkpoint", "--data-dir", data_dir, "--output", str(saved), env=live_instance.env()
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert saved.exists()
    assert "Signed checkpoint of" in made.stdout

    checked = run_ombuds(
        "verify", "--data-dir", data_dir, "--checkpoint", str(saved), env=live_instance.env()
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Given checkpoint of" in checked.stdout
    assert "OK" in checked.stdout


def _copy_instance(instance: LiveInstance, copy: Path) -> Path:
    """A consistent copy of a running SQLite instance: the database (through SQLite's
    backup API, so the WAL is included) and every other file (keys, blobs)."""
    copy.mkdir()
    source = sqlite3.connect(f"file:{instance.sqlite_path}?mode=ro", uri=True)
    target = sqlite3.connect(copy / "ombuds.sqlite3")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    for path in instance.data_dir.iterdir():
        if path.name.startswith("ombuds.sqlite3") or path == instance.log_path:
            continue
        if path.is_dir():
            shutil.copytree(path, copy / path.name)
        else:
            shutil.copy2(path, copy / path.name)
    return copy


def _change_one_character(text: str) -> str:
    """The metadata with one letter or digit inside a JSON string value changed."""
    match = re.search(r':"[^"]*?([A-Za-z0-9])', text)
    assert match, text
    i = match.start(1)
    replacement = "x" if text[i] != "x" else "y"
    return text[:i] + replacement + text[i + 1 :]


@pytest.mark.parametrize("column", ["metadata", "body"])
def test_verify_names_a_tampered_event(
    live_instance: LiveInstance, tmp_path: Path, column: str
) -> None:
    if live_instance.postgresql:
        pytest.skip("tampering is tried on a copy of the SQLite file; PostgreSQL has no such copy")
    copy = _copy_instance(live_instance, tmp_path / "copy")
    before = run_ombuds("verify", "--data-dir", str(copy), env=ombuds_env())
    assert before.returncode == 0, before.stdout + before.stderr

    db = sqlite3.connect(copy / "ombuds.sqlite3")
    try:
        db.execute("DROP TRIGGER ledger_event_no_update")
        if column == "metadata":
            seq, metadata = db.execute(
                "SELECT seq, metadata FROM ledger_event WHERE metadata LIKE '%\"%:\"%' "
                "ORDER BY seq LIMIT 1 OFFSET 2"
            ).fetchone()
            db.execute(
                "UPDATE ledger_event SET metadata = ? WHERE seq = ?",
                (_change_one_character(metadata), seq),
            )
        else:
            seq, body = db.execute(
                "SELECT seq, body FROM ledger_event WHERE length(body) > 0 "
                "ORDER BY seq LIMIT 1 OFFSET 1"
            ).fetchone()
            changed = bytearray(body)
            changed[len(changed) // 2] ^= 0x01
            db.execute("UPDATE ledger_event SET body = ? WHERE seq = ?", (bytes(changed), seq))
        db.commit()
    finally:
        db.close()

    # An incremental run trusts what it verified before; the full run finds the change.
    after = run_ombuds("verify", "--full", "--data-dir", str(copy), env=ombuds_env())
    assert after.returncode == 1, after.stdout + after.stderr
    assert "FAILED" in after.stdout
    assert f"event {seq} does not match its hash" in after.stdout, after.stdout

    # The live instance was not touched.
    live = run_ombuds("verify", "--data-dir", str(live_instance.data_dir), env=live_instance.env())
    assert live.returncode == 0, live.stdout


def test_migrate_does_not_sign_again_a_head_whose_signature_was_removed(
    live_instance: LiveInstance, tmp_path: Path
) -> None:
    if live_instance.postgresql:
        pytest.skip("tampering is tried on a copy of the SQLite file; PostgreSQL has no such copy")
    copy = _copy_instance(live_instance, tmp_path / "copy")
    db = sqlite3.connect(copy / "ombuds.sqlite3")
    try:
        # What a database administrator would do after changing the log: make the head
        # look never signed, and wait for the operator's next `ombuds migrate` to sign it;
        # with every checkpoint signed with a link removed too, nothing in the tables
        # shows that this ledger was ever written by a release that signs heads.
        db.execute("UPDATE ledger_ledgerhead SET signature = '', signed_at = '' WHERE id = 1")
        db.execute("DROP TRIGGER ledger_checkpoint_no_delete")
        db.execute("DELETE FROM ledger_checkpoint WHERE previous <> ''")
        db.commit()
    finally:
        db.close()
    secret = (copy / "demo-secret-key").read_text().strip()
    env = ombuds_env(OMBUDS_ENV="demo", OMBUDS_DATA_DIR=str(copy), OMBUDS_SECRET_KEY=secret)
    migrated = run_ombuds("migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    assert "Signed the ledger head" not in migrated.stdout
    db = sqlite3.connect(copy / "ombuds.sqlite3")
    try:
        assert db.execute("SELECT signature FROM ledger_ledgerhead").fetchone() == ("",)
    finally:
        db.close()
    after = run_ombuds("verify", "--full", "--data-dir", str(copy), env=ombuds_env())
    assert after.returncode == 1, after.stdout + after.stderr
    assert "the ledger head's signature is not valid for these events" in after.stdout
    # Once the operator has seen what changed and decided to keep the record, she says
    # so, deliberately, and it is logged.
    refused = run_ombuds("checkpoint", "--data-dir", str(copy), env=ombuds_env())
    assert refused.returncode == 2 and "no checkpoint was signed" in refused.stderr
    accepted = run_ombuds("checkpoint", "--accept-head", "--data-dir", str(copy), env=ombuds_env())
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Signed the ledger head as it stands" in accepted.stderr
    assert "ledger.head_accepted" in accepted.stderr
    again = run_ombuds("verify", "--full", "--data-dir", str(copy), env=ombuds_env())
    assert again.returncode == 0, again.stdout + again.stderr


def test_createuser_refuses_an_unknown_role(live_instance: LiveInstance) -> None:
    env = _instance_settings(live_instance, OMBUDS_NEW_PASSWORD="a long enough password 7")
    result = run_ombuds("createuser", "someone", "--role", "boss", env=env)
    assert result.returncode == 2
    assert "invalid choice: 'boss'" in result.stderr
    assert "Traceback" not in result.stderr


def test_createuser_refuses_a_short_password(live_instance: LiveInstance) -> None:
    env = _instance_settings(live_instance, OMBUDS_NEW_PASSWORD="short")
    result = run_ombuds("createuser", "shortpass", "--role", "auditor", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "ombuds: This password is too short" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Created" not in result.stdout


def test_createuser_makes_a_staff_account(live_instance: LiveInstance) -> None:
    # An auditor: case managers, advocates and investigators would join the live
    # instance's allocation pool and change who gets the browser tests' cases.
    env = _instance_settings(live_instance, OMBUDS_NEW_PASSWORD="a long enough password 7")
    result = run_ombuds("createuser", "auditor2", "--role", "auditor", "--name", "A. U.", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Created auditor auditor2." in result.stdout

    again = run_ombuds("createuser", "auditor2", "--role", "auditor", env=env)
    assert again.returncode == 2, again.stdout + again.stderr
    assert again.stderr.startswith("ombuds: ")
    assert "Traceback" not in again.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = ombuds_env(OMBUDS_ENV="production", OMBUDS_DATA_DIR=str(tmp_path))
    env.pop("OMBUDS_INSECURE_FAST_KDF")
    result = run_ombuds("migrate", env=env)
    assert result.returncode != 0
    assert "Refusing to start" in result.stdout + result.stderr
    assert not (tmp_path / "ombuds.sqlite3").exists()


def test_production_refuses_to_send_people_to_a_plain_http_address(tmp_path: Path) -> None:
    # Without OMBUDS_SITE_URL e-mails link to the site's https origin; a plain http one,
    # where a sign-in could be read on the way, stops the start.
    env = ombuds_env(
        OMBUDS_ENV="production",
        OMBUDS_DATA_DIR=str(tmp_path),
        OMBUDS_SECRET_KEY="x" * 50,
        OMBUDS_SITE_URL="http://complaints.example.org",
        OMBUDS_ALLOW_KEYS_BESIDE_DATABASE="1",
        OMBUDS_ALLOWED_HOSTS="complaints.example.org",
    )
    env.pop("OMBUDS_INSECURE_FAST_KDF")
    result = run_ombuds("migrate", env=env)
    assert result.returncode != 0
    assert "OMBUDS_SITE_URL must be an https:// address" in result.stdout + result.stderr
    assert not (tmp_path / "ombuds.sqlite3").exists()
