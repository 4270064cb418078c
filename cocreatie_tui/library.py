"""The sessions kept in a data folder, for the start screen and ``cocreatie sessions``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cocreatie_tui.core.model import SessionState
from cocreatie_tui.store import CorruptDataFile, read_documents, session_files


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
