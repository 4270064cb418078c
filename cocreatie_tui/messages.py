"""What the facilitator is told when something goes wrong: at start (printed once the terminal
is back, in Dutch and English, with what to do) and after a command (in the TUI's language)."""

from __future__ import annotations

from pathlib import Path

from cocreatie_tui.hub import CardRejected, NoSession
from cocreatie_tui.i18n import Translator
from cocreatie_tui.store import (
    CorruptDataFile,
    SessionInUse,
    StoreBusy,
    StoreWriteFailed,
)

EXIT_PORT = 2
EXIT_DATA = 3
EXIT_IN_USE = 4


def port_problem(host: str, port: int, error: OSError) -> str:
    return (
        f"cannot listen on {host}:{port}: {error.strerror or error}. "
        "Try another --port (0 picks a free one)."
    )


def startup_problem(error: Exception, data_dir: Path) -> tuple[int, str] | None:
    """Exit status and message for a session that cannot be opened at start (None: not ours)."""
    if isinstance(error, CorruptDataFile):
        return EXIT_DATA, corrupt_message(error)
    if isinstance(error, SessionInUse):
        return EXIT_IN_USE, in_use_message(error)
    if isinstance(error, (StoreWriteFailed, OSError)):  # a read-only, full or failing disk
        return EXIT_DATA, disk_message(data_dir, error)
    return None


def command_problem(t: Translator, error: Exception) -> str | None:
    """A hub command's refusal in the facilitator's language (None: not a refusal)."""
    if isinstance(error, CardRejected):
        return t(error.key, **error.params)
    if isinstance(error, (StoreWriteFailed, StoreBusy)):
        return t("error.disk")
    if isinstance(error, CorruptDataFile):
        return corrupt_message(error)
    if isinstance(error, SessionInUse):
        return t("error.session_in_use")
    if isinstance(error, NoSession):
        return str(error)
    return None


def disk_message(data_dir: object, error: Exception) -> str:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return "\n".join(
        [
            f"Kan niet opslaan in / Cannot save in: {data_dir}",
            f"  ({reason})",
            "Kies een andere map met --data-dir / Choose another folder with --data-dir.",
        ]
    )


def in_use_message(error: SessionInUse) -> str:
    return (
        f"Deze sessie is al open in een ander cocreatie-venster / This session is already open "
        f"in another cocreatie process: {error.path}\n"
        "Sluit dat eerst af, of gebruik een andere --data-dir / Quit that one first, or use "
        "another --data-dir."
    )


def corrupt_message(error: CorruptDataFile) -> str:
    lines = [
        f"Het gegevensbestand is beschadigd / The data file is damaged: {error.path}",
        f"  ({error.reason})",
        "Het bestand is niet overschreven / The file was not overwritten.",
    ]
    if error.previous is not None:
        lines += [
            f"Vorige versie / Previous generation: {error.previous}",
            "Herstel met / Recover with: cocreatie recover --session " + error.path.stem,
        ]
    return "\n".join(lines)
