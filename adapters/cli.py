"""`labbot`: say, console, run, doctor, db upgrade|backup. Exit 0 when done, 1 when refused, 2 on a configuration
error (or a failed check)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.bootstrap import Application, bootstrap
from adapters.console.adapter import ConsoleAdapter, ConsoleNotifier
from adapters.console.settings import console_settings
from adapters.preflight import check_configuration
from labbot.config import ConfigError, Settings, load_settings
from labbot.demo import DEMO_SCRIPT
from labbot.logs import configure_logging, logging_settings
from labbot.messages import Outcome
from labbot.metrics import prepare_multiprocess
from labbot.storage import projects

EXIT_DONE, EXIT_REFUSED, EXIT_CONFIG = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="labbot", description="labbot — laboratoires d'innovation territoriale")
    parser.add_argument(
        "--config", help="config file (default: $LABBOT_CONFIG, else ./config.toml, else defaults)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="action", required=True)
    say = sub.add_parser("say", help="run one command as a console user and print the reply")
    say.add_argument("--as", dest="user", default=os.environ.get("LABBOT_USER", "sgmap"), help="console user")
    say.add_argument("--lang", choices=["fr", "en"], help="reply language (default: the user's profile, else fr)")
    say.add_argument("text", nargs="+", help='the command, e.g. heures 1 3h30 (quote it: "idee \\"Lab\\" …")')
    console = sub.add_parser("console", help="interactive console")
    console.add_argument("--as", dest="user", default=os.environ.get("LABBOT_USER", "sgmap"), help="console user")
    console.add_argument("--lang", choices=["fr", "en"], help="reply language")
    console.add_argument("--demo", action="store_true", help="add demo records to an empty database first")
    db = sub.add_parser("db", help="database maintenance")
    db.add_argument(
        "db_action",
        choices=["upgrade", "backup"],
        help="upgrade: apply pending migrations; backup PATH: a consistent copy of an SQLite database",
    )
    db.add_argument("path", nargs="?", help="backup: where to write the copy")
    sub.add_parser("demo", help="add demo records to an empty database")
    sub.add_parser("run", help="serve the configured platforms ([slack], [mattermost]) on one HTTP port")
    sub.add_parser(
        "worker", help="only the scheduler and the delivery worker (elected among replicas on PostgreSQL)"
    )
    sub.add_parser("doctor", help="check the configuration, database, platforms and the scheduler's leader")
    mattermost = sub.add_parser("mattermost", help="Mattermost administration")
    mattermost.add_argument(
        "mattermost_action", choices=["setup"], help="setup: register or update the /lab command, print its token"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `labbot` command."""
    args = _parser().parse_args(argv)
    server = args.action in ("run", "worker")
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    if args.action == "doctor":
        from adapters.doctor import run_doctor  # noqa: PLC0415

        return run_doctor(args.config)
    try:
        settings = load_settings(args.config)
        # Before any side effect: a wrong table, database or port is one line and exit 2, never a traceback.
        check_configuration(
            settings,
            # A backup of PostgreSQL is pg_dump's job, which `_backup` says whether the server answers or not.
            connect=not (args.action == "db" and args.db_action == "backup"),
            listening=args.action == "run",
            metrics_listener=args.action == "worker",
        )
        configure_logging(logging_settings(settings), server=server, verbose=args.verbose)
        if server:
            return _serve(settings, args.action)
        if args.action == "db" and args.db_action == "backup":
            return _backup(settings, args.path)
        if args.action == "mattermost":
            return _mattermost_setup(settings)
        # The console delivers in the background (scheduled reminders print while it is open); `say` at once.
        app = bootstrap(settings, notifier=ConsoleNotifier(), in_background=args.action == "console")
    except ConfigError as error:
        print(error, file=sys.stderr)  # noqa: T201
        return EXIT_CONFIG
    try:
        return _dispatch(app, args)
    finally:
        app.database.dispose()


def _print_for_a_reader_who_may_be_gone(text: str) -> None:
    """Print a reply; when the reader has gone (`labbot say … | head`), drop the rest quietly rather than with a
    traceback: the command ran, and its exit status still says how it ended."""
    try:
        print(text, flush=True)  # noqa: T201
    except BrokenPipeError:
        # What is still buffered would fail again when Python flushes at exit: stdout goes nowhere from now on
        # (the way Python's documentation gives, "Note on SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _dispatch(app: Application, args: argparse.Namespace) -> int:
    if args.action == "db":
        print(f"Database at the latest schema: {app.database.engine.url.render_as_string()}")  # noqa: T201
        return EXIT_DONE
    if args.action == "demo":
        _seed_demo(app, announce=True)
        return EXIT_DONE
    if args.action == "say":
        files_dir = console_settings(app.settings).files_dir
        text, outcome = ConsoleAdapter(app.bot, args.user, args.lang, files_dir=files_dir).say(" ".join(args.text))
        _print_for_a_reader_who_may_be_gone(text)
        return EXIT_DONE if outcome is Outcome.DONE else EXIT_REFUSED
    if args.demo:
        _seed_demo(app, announce=True)
    from adapters.console.repl import run_repl  # noqa: PLC0415 - readline and the forms: the console only

    # Scheduled announcements and reminders go out while the console is open; their messages are printed.
    background = app.background
    background.start()
    try:
        run_repl(
            app.bot,
            args.user,
            args.lang,
            history=Path.home() / ".labbot_history",
            files_dir=console_settings(app.settings).files_dir,
        )
    finally:
        background.stop()
    return EXIT_DONE


def _serve(settings: Settings, action: str) -> int:
    # Before anything imports prometheus_client, and before worker processes start (they inherit it).
    prepare_multiprocess(settings)
    from adapters import serve  # noqa: PLC0415 - uvicorn, Starlette and the platforms: `run` and `worker` only

    if action == "run":
        serve.run(settings)
    else:
        serve.run_worker(settings)
    return EXIT_DONE


def _backup(settings: Settings, path: str | None) -> int:
    if not path:
        raise ConfigError("Say where to write the copy: labbot db backup PATH (e.g. labbot-2026-12-02.db).")
    from labbot.storage.backup import backup_database  # noqa: PLC0415

    written = backup_database(settings.database.url, Path(path))
    print(f"Database copied to {written} (check it with: LABBOT_DATABASE_URL=sqlite:///{written} labbot doctor)")  # noqa: T201
    return EXIT_DONE


def _mattermost_setup(settings: Settings) -> int:
    # Imported here: the other actions need no Mattermost client.
    from adapters.mattermost.setup import setup_command  # noqa: PLC0415

    print(setup_command(settings))  # noqa: T201
    return EXIT_DONE


def _seed_demo(app: Application, *, announce: bool) -> None:
    with app.database.transaction() as session:
        if projects.count(session, region=None, status=None):
            if announce:
                print("The database already holds projects: no demo records added.")  # noqa: T201
            return
    for user, command in DEMO_SCRIPT:
        _text, outcome = ConsoleAdapter(app.bot, user).say(command)
        if outcome is not Outcome.DONE:
            raise RuntimeError(f"demo command failed: {user}: {command}\n{_text}")
    if announce:
        print("Demo records added: users sgmap (admin), claire (coordinator, Bretagne), alice, bruno, chloe.")  # noqa: T201


if __name__ == "__main__":
    sys.exit(main())
