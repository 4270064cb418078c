"""The sessions kept in a data folder, for the start screen and ``cocreatie sessions``, and
wiping one (the start screen's delete key and ``cocreatie delete``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cocreatie_tui.config import exports_dir_of
from cocreatie_tui.core.model import SessionState
from cocreatie_tui.store import (
    CorruptDataFile,
    delete_session,
    read_documents,
    session_files,
)

REPORT_SUFFIXES = (".md", ".json")


@dataclass(frozen=True)
class SessionSummary:
    id: str
    title: str
    created_at: str
    changed_at: str
    cards: int
    problem: str | None = None


def list_sessions(data_dir: Path) -> list[SessionSummary]:
    """Every session, most recently changed first; a broken file is listed with its problem."""
    summaries = []
    for path in session_files(data_dir):
        try:
            state = SessionState.from_documents(read_documents(path))
        except (OSError, CorruptDataFile, ValueError, KeyError) as error:
            reason = error.reason if isinstance(error, CorruptDataFile) else str(error)
            summaries.append(SessionSummary(path.stem, "?", "", "", 0, problem=reason))
            continue
        info = state.info
        summaries.append(
            SessionSummary(info.id, info.title, info.created_at, info.changed_at, len(state.cards))
        )
    return summaries


def session_reports(data_dir: Path, session_id: str) -> list[Path]:
    """The reports exported from the app for a session (``exports/ID.md`` and ``.json``)."""
    folder = exports_dir_of(data_dir)
    return [p for p in (folder / f"{session_id}{s}" for s in REPORT_SUFFIXES) if p.exists()]


def wipe_session(data_dir: Path, session_id: str, *, with_reports: bool) -> list[Path]:
    """Remove a session's files (and its reports if asked); returns what was removed. Raises
    ``SessionInUse`` while an app has the session open, ``OSError`` when the disk refuses."""
    removed = delete_session(data_dir, session_id)
    if with_reports:
        for report in session_reports(data_dir, session_id):
            report.unlink(missing_ok=True)
            removed.append(report)
    return removed
