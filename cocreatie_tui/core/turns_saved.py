"""The saved form of ``SpeakingState``: a plain JSON-able dict, and its strict restore.

Why it exists: a session must survive a restart, and a damaged or foreign save must be refused
as a whole (``TurnError("invalid_data")``), never half-restored. Timers are saved as elapsed
seconds, never clock readings, and come back paused (see ``timer.Countdown``). Callers use
``SpeakingState.to_dict`` and ``SpeakingState.from_dict``, which call the functions here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cocreatie_tui.core.timer import Countdown
from cocreatie_tui.core.turns_records import (
    DEFAULT_TURN_SECONDS,
    Speaker,
    Turn,
    TurnError,
    TurnMode,
    _count,
    _flag,
    _positive,
    _text,
)

if TYPE_CHECKING:
    from cocreatie_tui.core.turns import SpeakingState

SAVE_VERSION = 1


def speaking_state_to_dict(state: SpeakingState, now: float) -> dict[str, Any]:
    """A JSON-able snapshot at ``now``. Timers hold elapsed seconds, never clock readings."""
    return {
        "version": SAVE_VERSION,
        "speakers": [speaker.to_dict() for speaker in state.speakers.values()],
        "mode": str(state.mode),
        "turn_seconds": state.turn_seconds,
        "step": state.step,
        "round": {
            "active": state.round_active,
            "number": state.round_number,
            "order": list(state.round_order),
            "position": state.round_position,
            "passed": list(state.round_passed),
            "reasked": list(state.round_reasked),
        },
        "queue": list(state.queue),
        "first_timers_first": state.first_timers_first,
        "current": None if state.current is None else state.current.to_dict(),
        "current_timer": None if state.current_timer is None else state.current_timer.to_dict(now),
        "history": [turn.to_dict() for turn in state.history],
        "activity": None if state.activity is None else state.activity.to_dict(now),
    }


def speaking_state_from_dict(data: Any, state_class: type[SpeakingState]) -> SpeakingState:
    """Restore a saved state as a ``state_class`` (``SpeakingState`` or a subclass); a running
    turn or activity comes back paused."""
    try:
        if not isinstance(data, dict) or data.get("version") != SAVE_VERSION:
            raise ValueError("not a saved speaking state of a known version")
        speakers = [Speaker.from_dict(item) for item in data.get("speakers", [])]
        round_data = data.get("round", {})
        current = data.get("current")
        current_timer = data.get("current_timer")
        activity = data.get("activity")
        state = state_class(
            speakers={speaker.id: speaker for speaker in speakers},
            mode=TurnMode(data.get("mode", "round")),
            turn_seconds=_positive(data.get("turn_seconds", DEFAULT_TURN_SECONDS)),
            step=_text(data.get("step", ""), allow_empty=True),
            round_active=_flag(round_data.get("active", False)),
            round_number=_count(round_data.get("number", 0)),
            round_order=_ids(round_data.get("order", [])),
            round_position=_count(round_data.get("position", 0)),
            round_passed=_ids(round_data.get("passed", [])),
            round_reasked=_ids(round_data.get("reasked", [])),
            queue=_ids(data.get("queue", [])),
            first_timers_first=_flag(data.get("first_timers_first", False)),
            current=None if current is None else Turn.from_dict(current),
            current_timer=None if current_timer is None else Countdown.from_dict(current_timer),
            history=[Turn.from_dict(item) for item in data.get("history", [])],
            activity=None if activity is None else Countdown.from_dict(activity),
        )
        _check_consistency(state, len(speakers))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        if isinstance(error, TurnError) and error.key == "invalid_data":
            raise
        raise TurnError("invalid_data", f"not a saved speaking state: {error}") from error
    return state


def _check_consistency(state: SpeakingState, speaker_count: int) -> None:
    known = state.speakers
    lists = [state.queue, state.round_order, state.round_passed, state.round_reasked]
    problems = [
        len(known) != speaker_count,
        any(len(set(ids)) != len(ids) for ids in lists),
        any(i not in known for ids in lists for i in ids),
        any(turn.speaker_id not in known for turn in state.history),
        state.round_position > len(state.round_order),
        (state.current is None) != (state.current_timer is None),
        state.current is not None and state.current.speaker_id not in known,
    ]
    if any(problems):
        raise TurnError("invalid_data", "the saved speaking state contradicts itself")


def _ids(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError(f"expected a list of ids, got {value!r}")
    return [_text(item) for item in value]
