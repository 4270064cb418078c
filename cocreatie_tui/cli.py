"""The ``cocreatie`` command: the TUI by default, and tools for sessions and exports."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

from cocreatie_tui import __version__, event_loop
from cocreatie_tui.config import DEFAULT_HOST, DEFAULT_PORT, AppConfig, default_data_dir
from cocreatie_tui.core.model import SessionState
from cocreatie_tui.export import FORMATS, export_session
from cocreatie_tui.i18n import LANGUAGES
from cocreatie_tui.library import list_sessions, session_reports, wipe_session
from cocreatie_tui.store import (
    CorruptDataFile,
    SessionInUse,
    read_documents,
    recover_previous_generation,
    session_file_set,
    session_files,
    session_path,
    write_text_file,
)

EXIT_USAGE = 2
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
EXIT_DATA = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cocreatie",
        description="Facilitate a co-creation session live: an idea board on the screen, "
        "participants join with their phones by scanning a QR code.",
    )
    parser.add_argument("--version", action="version", version=f"cocreatie {__version__}")
    parser.add_argument(
        "--new",
        metavar="QUESTION",
        help="start a new session with this focus question as its title",
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: all interfaces)",
    )
    parser.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    _add_data_dir(parser, None)
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="nl",
        help="language of the TUI (default nl); phones follow their browser",
    )
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="address to advertise to phones when the detected one is wrong, "
        "e.g. http://10.42.0.1:8080",
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        metavar="FILE",
        help="log file (default: cocreatie.log in the data folder)",
    )
    parser.add_argument(
        "--headless",
        action="store_true",
        help="run without drawing the terminal UI; prints one line "
        "'Join: <url>' once phones can connect; stops on SIGTERM/SIGINT",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sessions = commands.add_parser("sessions", help="list the sessions in the data folder")
    _add_data_dir(sessions, argparse.SUPPRESS)

    export = commands.add_parser("export", help="write a session as json or md")
    _add_data_dir(export, argparse.SUPPRESS)
    export.add_argument(
        "--session", metavar="ID", help="session id (default: the most recently changed session)"
    )
    export.add_argument(
        "--format",
        choices=FORMATS,
        required=True,
        help="json: the complete record; md: the report for the room",
    )
    export.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    export.add_argument(
        "--include-hidden", action="store_true", help="md: also show cards the facilitator hid"
    )
    export.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="nl",
        help="language of the md report's headings (default nl)",
    )

    recover = commands.add_parser(
        "recover",
        help="start again from the previous generation "
        "of a damaged data file (the damaged file is kept)",
    )
    _add_data_dir(recover, argparse.SUPPRESS)
    recover.add_argument(
        "--session", metavar="ID", help="session id (default: the most recently changed session)"
    )

    delete = commands.add_parser(
        "delete",
        help="wipe a session: its data file, previous generation, temporary and damaged files",
    )
    _add_data_dir(delete, argparse.SUPPRESS)
    delete.add_argument(
        "--session", metavar="ID", help="session id (default: the most recently changed session)"
    )
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.add_argument(
        "--with-exports",
        action="store_true",
        help="also delete the reports exported from the app (exports/ID.md and .json)",
    )

    _add_rotation(commands)
    return parser


def _add_rotation(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        from cocreatie_tui.rotation_cli import add_rotation_parser
    except ImportError:
        return
    add_rotation_parser(commands)


def _add_data_dir(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help=f"where sessions are kept (default: the user data folder, {default_data_dir()})",
    )


def _port(raw: str) -> int:
    try:
        port = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {raw!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0 to 65535, not {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir: Path = (args.data_dir or default_data_dir()).expanduser()
    if args.command == "sessions":
        return _list_sessions(data_dir)
    if args.command == "export":
        return _export(data_dir, args)
    if args.command == "recover":
        return _recover(data_dir, args.session)
    if args.command == "delete":
        return _delete(data_dir, args)
    if args.command == "rotation":
        from cocreatie_tui.rotation_cli import run_rotation

        return run_rotation(args)
    return _run_app(
        AppConfig(
            data_dir=data_dir,
            host=args.host,
            port=args.port,
            lang=args.lang,
            public_url=args.public_url,
            log_file=args.log_file,
            headless=args.headless,
            new_title=args.new,
        )
    )


def _run_app(config: AppConfig) -> int:
    from cocreatie_tui.factory import make_app

    if config.new_title is not None and not config.new_title.strip():
        print("cocreatie: --new needs a focus question", file=sys.stderr)
        return EXIT_USAGE
    _log_to_file(config.log_path)
    app = make_app(config)
    # The app's loop takes a bounded number of sockets a turn (see event_loop).
    event_loop.run(app.run_async(headless=config.headless))
    if app.startup_problem is not None:  # e.g. a damaged data file: what is wrong, what to do
        print(app.startup_problem, file=sys.stderr)
    return app.return_code or 0


def _log_to_file(path: Path) -> None:
    """Everything goes to the log file: the TUI owns the terminal."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _list_sessions(data_dir: Path) -> int:
    summaries = list_sessions(data_dir)
    if not summaries:
        print(f"no sessions in {data_dir}", file=sys.stderr)
        return 0
    print("id\ttitle\tcreated\tlast changed\tcards")
    for s in summaries:
        title = s.title if s.problem is None else f"(damaged: {s.problem})"
        print(f"{s.id}\t{_one_line(title)}\t{s.created_at}\t{s.changed_at}\t{s.cards}")
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _chosen_session_file(data_dir: Path, session_id: str | None) -> Path | None:
    if session_id is not None:
        if not SESSION_ID.fullmatch(session_id):  # never a path outside the sessions folder
            return None
        path = session_path(data_dir, session_id)
        return path if path.exists() else None
    return next(session_files(data_dir), None)


def _export(data_dir: Path, args: argparse.Namespace) -> int:
    path = _chosen_session_file(data_dir, args.session)
    if path is None:
        which = f"session {args.session!r}" if args.session else "any session"
        print(f"cocreatie: cannot find {which} in {data_dir}", file=sys.stderr)
        return EXIT_USAGE
    try:
        documents = read_documents(path)
        state = SessionState.from_documents(documents)
    except CorruptDataFile as error:
        print(
            f"cocreatie: {error.path} is damaged ({error.reason}); "
            f"try: cocreatie recover --session {path.stem}",
            file=sys.stderr,
        )
        return EXIT_DATA
    text = export_session(
        state,
        args.format,
        include_hidden=args.include_hidden,
        lang=args.lang,
        documents=documents,
    )
    if args.output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        try:
            write_text_file(args.output, text)
        except OSError as error:
            print(f"cocreatie: cannot write {args.output}: {error.strerror}", file=sys.stderr)
            return EXIT_DATA
    return 0


def _recover(data_dir: Path, session_id: str | None) -> int:
    path = _chosen_session_file(data_dir, session_id)
    if path is None:
        print(f"cocreatie: no such session in {data_dir}", file=sys.stderr)
        return EXIT_USAGE
    try:
        broken = recover_previous_generation(path)
    except SessionInUse:
        print(f"cocreatie: {path.stem} is open in a running app: quit it first", file=sys.stderr)
        return EXIT_DATA
    except FileNotFoundError:
        print(f"cocreatie: there is no previous generation of {path}", file=sys.stderr)
        return EXIT_DATA
    except CorruptDataFile as error:
        print(f"cocreatie: the previous generation is damaged too: {error.reason}", file=sys.stderr)
        return EXIT_DATA
    print(f"recovered {path} from its previous generation; the damaged file is kept as {broken}")
    return 0


def _delete(data_dir: Path, args: argparse.Namespace) -> int:
    """Wipe a session. Stop the app first: a running app writes its session back."""
    path = _chosen_session_file(data_dir, args.session)
    if path is None:
        print(f"cocreatie: no such session in {data_dir}", file=sys.stderr)
        return EXIT_USAGE
    session_id = path.name.removesuffix(path.suffix)
    files = session_file_set(data_dir, session_id)
    exports = session_reports(data_dir, session_id)
    try:
        state = SessionState.from_documents(read_documents(path))
        what = f"{_one_line(state.info.title)!r}, {len(state.cards)} cards"
    except (CorruptDataFile, OSError, ValueError, KeyError):
        what = "damaged"
    print(f"session {session_id} ({what}):")
    for file in files + (exports if args.with_exports else []):
        print(f"  {file}")
    if exports and not args.with_exports:
        print(f"kept (add --with-exports to delete): {', '.join(map(str, exports))}")
    if not args.yes:
        try:
            answer = input("Delete these files? Type yes: ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("yes", "y", "ja", "j"):
            print("nothing deleted", file=sys.stderr)
            return 1
    try:
        removed = wipe_session(data_dir, session_id, with_reports=args.with_exports)
    except SessionInUse:
        print(
            f"cocreatie: session {session_id} is open in a running app: quit it first, then delete",
            file=sys.stderr,
        )
        return EXIT_DATA
    print(f"deleted {len(removed)} files of session {session_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
