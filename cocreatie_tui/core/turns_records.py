"""The records of speaking turns: who can speak, one turn, one person's statistics.

Why it exists: ``turns.SpeakingState`` (the rules) and ``turns_saved`` (the saved form) both
build on these plain records, the ``TurnError`` every refusal raises and the strict readers
that check saved data. Import them from ``core.turns``; this module imports nothing of turns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

DEFAULT_TURN_SECONDS = 120.0


class TurnError(ValueError):
    """A command that cannot be applied now. ``key`` is stable, for the locale files:

    * ``unknown_speaker``: no such speaker, or one who was removed;
    * ``duplicate_speaker``: ``add_speaker`` with an id that is already there;
    * ``invalid_speaker``: an empty id or an empty name;
    * ``invalid_mode``, ``invalid_seconds``: a bad mode, or a time per turn that is not > 0;
    * ``wrong_mode``: a round command in queue mode, or ``give_floor`` in round mode;
    * ``turn_in_progress``: ``set_mode`` while someone has the floor (end the turn first);
    * ``has_floor``: ``remove_speaker`` for the person who has the floor;
    * ``no_round``: a round command with no round planned (or after it finished);
    * ``round_in_progress``: ``plan_round``/``start_round`` while a round is going on;
    * ``empty_round``: a round with nobody in it;
    * ``already_in_round``: adding someone who is already in this round (asked, to come, or
      waiting after a pass), or a plan that names someone twice;
    * ``not_upcoming``: moving or removing someone from the round who is not still to come;
    * ``already_queued``, ``not_queued``, ``queue_empty``: queue commands;
    * ``no_turn``: pause, resume, pass, end or add time with nobody having the floor;
    * ``not_running``, ``not_paused``: pause a turn that is not running, resume one that is not
      paused;
    * ``invalid_data``: ``from_dict`` got something that is not a saved state.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class SpeakerSource(StrEnum):
    PHONE = "phone"  # a participant on a phone; the id is their cookie's participant id
    FACILITATOR = "facilitator"  # a name the facilitator typed, for someone without a phone


class TurnMode(StrEnum):
    ROUND = "round"
    QUEUE = "queue"


@dataclass
class Speaker:
    """Someone who can get the floor. ``active`` is False once removed but still in history."""

    id: str
    name: str
    source: SpeakerSource = SpeakerSource.PHONE
    active: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "source": str(self.source), "active": self.active}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Speaker:
        return cls(
            id=_text(data["id"]),
            name=_text(data["name"]),
            source=SpeakerSource(data.get("source", "phone")),
            active=_flag(data.get("active", True)),
        )


@dataclass
class Turn:
    """One turn. For the current turn the times live in ``SpeakingState.current_timer``;
    they are copied here when the turn ends.

    ``duration_s`` is the time spoken with pauses left out (overtime included), ``overtime_s``
    the part of it past the allotted time, ``allotted_s`` the countdown's duration at the end
    (the time per turn plus any time added).
    """

    speaker_id: str
    mode: TurnMode
    step: str = ""
    round_number: int | None = None
    allotted_s: float = 0.0
    duration_s: float = 0.0
    overtime_s: float = 0.0
    passed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "speaker_id": self.speaker_id,
            "mode": str(self.mode),
            "step": self.step,
            "round_number": self.round_number,
            "allotted_s": self.allotted_s,
            "duration_s": self.duration_s,
            "overtime_s": self.overtime_s,
            "passed": self.passed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        round_number = data.get("round_number")
        return cls(
            speaker_id=_text(data["speaker_id"]),
            mode=TurnMode(data["mode"]),
            step=_text(data.get("step", ""), allow_empty=True),
            round_number=None if round_number is None else _count(round_number),
            allotted_s=_seconds(data.get("allotted_s", 0.0)),
            duration_s=_seconds(data.get("duration_s", 0.0)),
            overtime_s=_seconds(data.get("overtime_s", 0.0)),
            passed=_flag(data.get("passed", False)),
        )


@dataclass(frozen=True)
class SpeakerStats:
    """Speaking time of one person. ``share`` is their fraction of everyone's total (0 to 1)."""

    speaker_id: str
    name: str
    total_s: float
    turns: int
    share: float
    passes: int
    overtime_s: float


# A time per turn, checked the same way for set_turn_seconds and for saved data.


def _positive(value: Any) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 < value < float("inf")
    ):
        raise TurnError("invalid_seconds", f"a time per turn must be a number > 0, got {value!r}")
    return float(value)


# Strict readers for saved data: anything unexpected raises ValueError or TypeError, which
# from_dict turns into TurnError("invalid_data").


def _text(value: Any, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ValueError(f"expected text, got {value!r}")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    return value


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e12:
        raise ValueError(f"expected seconds, got {value!r}")
    return float(value)
