"""What the hub publishes after a change is on disk; screens and web streams subscribe."""

from __future__ import annotations

from dataclasses import dataclass

from cocreatie_tui.core.model import Card, SessionInfo


@dataclass(frozen=True)
class SessionOpened:
    """Another session is live now (or the first one): views rebuild from the hub."""

    session_id: str


@dataclass(frozen=True)
class CardAdded:
    card: Card


@dataclass(frozen=True)
class CardWithdrawn:
    """A phone took its own card back: it is hidden and marked, never deleted from the file."""

    card: Card


@dataclass(frozen=True)
class SessionChanged:
    """Title, prompts or join code changed."""

    info: SessionInfo


@dataclass(frozen=True)
class DiskProblem:
    """Writing failed (``message`` says why) or works again (``message`` is None)."""

    message: str | None


@dataclass(frozen=True)
class StateReloaded:
    """Unsaved changes were dropped after a failed write; views rebuild from the hub."""


HubEvent = SessionOpened | CardAdded | CardWithdrawn | SessionChanged | DiskProblem | StateReloaded
