"""The log's commands: `ombuds checkpoint` signs and stores a checkpoint (JSON or a C2SP
signed note), `ombuds verify` checks what was appended since the last run (or everything,
with --full), and against a checkpoint someone kept (--checkpoint FILE)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ombuds.instance import check_keys, setup_django, use_data_dir


def cmd_checkpoint(args: argparse.Namespace) -> int:
    use_data_dir(args)
    setup_django()
    check_keys()
    from ombuds.ledger.checkpoints import (
        checkpoint_as_dict,
        checkpoint_as_note,
        checkpoint_create,
        head_accept,
    )
    from ombuds.lib.errors import LedgerUnsigned

    if args.accept_head:
        size = head_accept()
        print(
            f"Signed the ledger head as it stands ({size} events); this was logged. Every"
            " later command is covered again.",
            file=sys.stderr,
        )
    try:
        checkpoint = checkpoint_create()
    except LedgerUnsigned:
        print(
            "ombuds: the ledger head's signature is not good for what it stores, so no"
            " checkpoint was signed over it. Run `ombuds verify --full` to see what changed"
            " (docs/DEPLOY.md, 'When the record refuses to be written to').",
            file=sys.stderr,
        )
        return 2
    published = checkpoint_as_dict(checkpoint)
    text = (
        (checkpoint_as_note(checkpoint) or "").rstrip("\n")
        if args.note
        else json.dumps(published, indent=2)
    )
    if args.output:
        Path(args.output).write_text(text + "\n")
        print(f"Signed checkpoint of {published['size']} events written to {args.output}.")
    else:
        print(text)
    return 0


def _read_checkpoint_file(path: str) -> dict[str, Any] | str:
    """A kept checkpoint: today's JSON, or a C2SP signed note ({"note": text}); or an error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        return f"cannot read checkpoint file: {exc}"
    if not text.lstrip().startswith("{"):
        return {"note": text}
    try:
        against = json.loads(text)
    except ValueError as exc:
        return f"cannot read checkpoint file: {exc}"
    if not isinstance(against, dict):
        return "the checkpoint file does not hold a checkpoint"
    return against


def _kept_size(against: dict[str, Any]) -> str:
    if "note" not in against:
        return str(against.get("size"))
    from ombuds.ledger.note import NoteError, parse_checkpoint_note

    try:
        return str(parse_checkpoint_note(str(against["note"])).size)
    except NoteError:
        return "?"


def cmd_verify(args: argparse.Namespace) -> int:
    use_data_dir(args)
    setup_django()
    check_keys()
    from ombuds.cases.grant_checks import verify_grants
    from ombuds.ledger.verification import run_verification

    against = None
    if args.checkpoint:
        read = _read_checkpoint_file(args.checkpoint)
        if isinstance(read, str):
            print(f"ombuds: {read}", file=sys.stderr)
            return 2
        against = read
    # Access granted only by this instance's signature: checked, and stored with the run.
    _row, report = run_verification(full=args.full, against=against, extra=verify_grants)
    rate = report.events / report.seconds if report.seconds else 0.0
    new = "new " if report.from_size else ""
    print(
        f"Checked {report.events} {new}events (from {report.from_size} to {report.size}) in "
        f"{report.streams} chains and {report.checkpoints} stored checkpoints in "
        f"{report.seconds:.2f} s ({rate:,.0f} events/s)."
    )
    print(f"Tree root: {report.root}")
    if against is not None:
        print(f"Given checkpoint of {_kept_size(against)} events: checked against today's log.")
    if report.ok:
        print("OK: every chain, the tree, every checkpoint and every grant of access verify.")
        return 0
    from ombuds.lib.security_log import SecurityEvent, security_event

    security_event(SecurityEvent.LEDGER_VERIFICATION_FAILED, problems=len(report.problems))
    print(f"FAILED: {len(report.problems)} problem(s):")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1
