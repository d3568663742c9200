"""The `ombuds` command: demo, serve, createuser, createorg, verify, checkpoint, migrate, keys,
sweep, and the staff commands deactivate, setrole, resetpassword, resetsecondfactor."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ombuds.cli_log import cmd_checkpoint, cmd_verify
from ombuds.instance import (
    DEFAULT_THREADS,
    check_keys,
    make_keys,
    migrate,
    prepare_demo_environment,
    serve_forever,
    setup_django,
    use_data_dir,
)


def cmd_demo(args: argparse.Namespace) -> int:
    prepare_demo_environment(Path(args.data_dir).resolve())
    # Passkeys need a host name (browsers refuse an IP address): the demo's is localhost.
    os.environ.setdefault("OMBUDS_SITE_ORIGIN", f"http://localhost:{args.port}")
    setup_django()
    migrate()
    from ombuds.demo import DEMO_PASSWORD, seed_demo

    seeded = seed_demo()
    url = f"http://{args.host}:{args.port}/"
    print(f"\nOmbuds demo is running at {url}")
    print(f"Data directory: {Path(args.data_dir).resolve()}")
    print(f"\nStaff sign in at {url}sign-in/ with password: {DEMO_PASSWORD}")
    print(f"(To try passkeys, use {os.environ['OMBUDS_SITE_ORIGIN']}/: not an IP address.)")
    for username, role in seeded.staff:
        print(f"  {username:<16} {role}")
    if seeded.receipt:
        print(f"\nAn anonymous complainant can return at {url}return/ with the receipt:")
        print(f"  {seeded.receipt}")
    if seeded.sign_in_name:
        print(f"A complainant who gave her name signs in as {seeded.sign_in_name}")
        print(f"  with password: {DEMO_PASSWORD}")
    if seeded.invitation_used:
        print("\nThe respondent in her case has joined already: her invitation code worked")
        print(f"  once. She signs in at {url}sign-in/ with the password she chose.")
    elif seeded.invitation:
        print(f"\nThe respondent in her case can join at {url}respond/join/ with the code:")
        print(f"  {seeded.invitation}")
    if seeded.closed_receipt:
        print("\nA complainant whose case has closed, and whose advocate has checked in")
        print(f"  with her since, returns at {url}return/ with this receipt:")
        print(f"  {seeded.closed_receipt}")
    if seeded.survey_token:
        print(f"\nAnyone can answer the open staff survey at {url}survey/ with the token:")
        print(f"  {seeded.survey_token}")
    print("\nPress Ctrl+C to stop.", flush=True)
    if args.no_serve:
        return 0
    serve_forever(args.host, args.port, args.threads)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    setup_django()
    if args.migrate:
        migrate()
    check_keys()
    print(f"Serving Ombuds on http://{args.host}:{args.port}/", flush=True)
    serve_forever(args.host, args.port, args.threads)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    migrate()
    print("Database is up to date.")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    setup_django()
    make_keys()
    check_keys()
    from ombuds.keys import INSTANCE_KEYS

    for key in INSTANCE_KEYS:
        print(f"{key.name}: {key.path}")
    return 0


def cmd_createorg(args: argparse.Namespace) -> int:
    setup_django()
    from ombuds.lib.errors import DomainError
    from ombuds.people.services import organisation_create

    try:
        organisation = organisation_create(actor=None, name=args.name, slug=args.slug or "")
    except DomainError as exc:
        print(f"ombuds: {exc.message}", file=sys.stderr)
        return 2
    print(f"Created organisation {organisation.name} ({organisation.slug}).")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    setup_django()
    from ombuds.lib.errors import DomainError
    from ombuds.people.models import Organisation
    from ombuds.people.services import person_create
    from ombuds.record.roles import Role

    password = os.environ.get("OMBUDS_NEW_PASSWORD") or getpass.getpass("Password: ")
    organisation = None
    if args.organisation:
        organisation = Organisation.objects.filter(slug=args.organisation).first()
        if organisation is None:
            print(f"ombuds: no organisation {args.organisation!r}", file=sys.stderr)
            return 2
    try:
        person = person_create(
            actor=None,
            username=args.username,
            password=password,
            role=Role(args.role),
            display_name=args.name or "",
            organisation=organisation,
        )
    except DomainError as exc:
        print(f"ombuds: {exc.message}", file=sys.stderr)
        return 2
    print(f"Created {person.role} {person.username}.")
    return 0


def _staff_command(args: argparse.Namespace, act: str) -> int:
    """deactivate, setrole, resetpassword, resetsecondfactor: the administrator's staff
    commands, run as the operator (the ledger records the command line as the actor)."""
    use_data_dir(args)
    setup_django()
    from ombuds.cases import leavers
    from ombuds.ledger.actor import SYSTEM
    from ombuds.lib.errors import DomainError
    from ombuds.people.models import User
    from ombuds.people.second_factor import second_factor_reset
    from ombuds.record.roles import Role

    person = User.objects.filter(username=args.username).first()
    if person is None:
        print(f"ombuds: no account {args.username!r}", file=sys.stderr)
        return 2
    try:
        if act == "deactivate":
            released = leavers.person_deactivate(actor=None, person=person)
        elif act == "setrole":
            released = leavers.person_set_role(actor=None, person=person, role=Role(args.role))
        elif act == "resetpassword":
            password = os.environ.get("OMBUDS_NEW_PASSWORD") or getpass.getpass("New password: ")
            released = leavers.password_reset(actor=None, person=person, new_password=password)
        else:
            second_factor_reset(person=person, actor=SYSTEM)
            print(f"{person.username} sets up her authenticator app again at her next sign-in.")
            return 0
    except DomainError as exc:
        print(f"ombuds: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"{act}: {person.username}: {released.cases} open case(s) left, "
        f"{released.reallocated} re-allocated, {released.wraps_removed} key wrap(s) removed."
    )
    for reference in released.unfilled:
        print(f"  nobody eligible for {reference}: its case manager must allocate someone")
    return 0


def cmd_measures_sweep(args: argparse.Namespace) -> int:
    use_data_dir(args)
    setup_django()
    check_keys()
    from django.utils import timezone

    from ombuds.investigation.sweeps import measures_sweep

    lapsed = measures_sweep(timezone.now())
    print(f"{lapsed} interim measure(s) lapsed at their review date.")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    use_data_dir(args)
    setup_django()
    check_keys()
    from ombuds.deadlines.worker import sweep_command
    from ombuds.oversight.services import statistics_freeze

    def freeze(now: datetime) -> str:
        return f"Statistics: {statistics_freeze(now=now)} quarter(s) made final."

    return sweep_command(loop=args.loop, interval=args.interval, now=args.now, also=[freeze])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ombuds", description="Ombuds: an independent, confidential complaints system."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="run a demo instance on 127.0.0.1 (embedded SQLite)")
    demo.add_argument("--data-dir", default="ombuds-data/demo")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    demo.add_argument("--no-serve", action="store_true", help="set up and seed, then exit")
    demo.set_defaults(handler=cmd_demo)

    serve = commands.add_parser("serve", help="serve the web application")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    serve.set_defaults(handler=cmd_serve)

    migrate = commands.add_parser(
        "migrate", help="create or update the database, and make any missing instance key"
    )
    migrate.set_defaults(handler=cmd_migrate)

    keys = commands.add_parser(
        "keys", help="make the instance's keys (once; safe to run again) and say where they are"
    )
    keys.set_defaults(handler=cmd_keys)

    org = commands.add_parser("createorg", help="add an organisation the scheme serves")
    org.add_argument("name")
    org.add_argument("--slug")
    org.set_defaults(handler=cmd_createorg)

    user = commands.add_parser(
        "createuser", help="create a staff account (password from OMBUDS_NEW_PASSWORD or prompt)"
    )
    user.add_argument("username")
    user.add_argument(
        "--role",
        required=True,
        choices=[
            "case_manager",
            "advocate",
            "investigator",
            "panel_member",
            "liaison",
            "auditor",
            "administrator",
            "oversight_officer",
            "matching_counsellor",
        ],
    )
    user.add_argument("--name", help="display name shown to colleagues and complainants")
    user.add_argument("--organisation", help="organisation slug (liaisons only)")
    user.set_defaults(handler=cmd_createuser)

    for act, words in (
        ("deactivate", "deactivate a staff account; her cases are re-allocated"),
        ("setrole", "change a staff member's role; her cases are re-allocated"),
        ("resetpassword", "new password and key pair (password from OMBUDS_NEW_PASSWORD)"),
        ("resetsecondfactor", "she sets up her authenticator app again at next sign-in"),
    ):
        staff = commands.add_parser(act, help=words)
        staff.add_argument("username")
        if act == "setrole":
            staff.add_argument(
                "role",
                choices=[
                    "case_manager",
                    "advocate",
                    "investigator",
                    "panel_member",
                    "auditor",
                    "administrator",
                    "oversight_officer",
                    "matching_counsellor",
                ],
            )
        staff.add_argument("--data-dir", help="a demo instance's data directory")
        staff.set_defaults(handler=lambda a, act=act: _staff_command(a, act))

    checkpoint = commands.add_parser("checkpoint", help="sign and store a checkpoint of the log")
    checkpoint.add_argument("--output", help="also write the signed checkpoint to this file")
    checkpoint.add_argument(
        "--note", action="store_true", help="as a C2SP tlog-checkpoint signed note, not JSON"
    )
    checkpoint.add_argument(
        "--accept-head",
        action="store_true",
        help="first sign the ledger head as it stands, after `ombuds verify --full` has shown"
        " what changed (docs/DEPLOY.md); logged",
    )
    checkpoint.add_argument("--data-dir", help="a demo instance's data directory")
    checkpoint.set_defaults(handler=cmd_checkpoint)

    sweep = commands.add_parser(
        "measures-sweep", help="lapse interim measures past their review date (run daily)"
    )
    sweep.add_argument("--data-dir", help="a demo instance's data directory")
    sweep.set_defaults(handler=cmd_measures_sweep)

    deadlines = commands.add_parser(
        "sweep", help="deadlines, reminders, escalations, measures, digests, e-mail (run often)"
    )
    deadlines.add_argument("--loop", action="store_true", help="keep running")
    deadlines.add_argument("--interval", type=float, default=60.0, help="seconds between passes")
    deadlines.add_argument("--now", type=_utc_time, help=argparse.SUPPRESS)  # tests and drills
    deadlines.add_argument("--data-dir", help="a demo instance's data directory")
    deadlines.set_defaults(handler=cmd_sweep)

    verify = commands.add_parser("verify", help="verify every chain, the tree and checkpoints")
    verify.add_argument(
        "--checkpoint",
        help="an older signed checkpoint (JSON or C2SP signed note) to check against",
    )
    verify.add_argument(
        "--full", action="store_true", help="verify every event, not only those since the last run"
    )
    verify.add_argument("--data-dir", help="a demo instance's data directory")
    verify.set_defaults(handler=cmd_verify)
    return parser


def _utc_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: Sequence[str] | None = None) -> int:
    # Everything Ombuds writes (database, WAL, blobs, keys, data directory) is readable
    # by its owner only, whatever the umask of the shell or service manager.
    os.umask(0o077)
    args = _parser().parse_args(argv)
    from django.core.exceptions import ImproperlyConfigured

    from ombuds.lib.keyfiles import KeyFileError

    try:
        return int(args.handler(args))
    except (ImproperlyConfigured, KeyFileError) as exc:
        print(f"ombuds: {exc}", file=sys.stderr)  # a setting is wrong: say which, plainly
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
