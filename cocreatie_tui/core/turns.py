"""Fair speaking turns: round-robin rounds, a queue of speakers, and who spoke how long.

Why it exists: a facilitator wants everyone heard, not only the loudest. ``SpeakingState``
holds everything about turns in a session, decides every change as a pure function of the
command and ``now`` (a monotonic clock reading the caller passes in), and saves to and
restores from a plain JSON-able dict. The hub applies commands, saves after every change and
publishes events; screens and phones only read.

Two ways to give the floor, chosen with ``set_mode``:

* ``round``: everyone in a planned order (``plan_round``, ``shuffle_round``, ``move_in_round``,
  ``add_to_round``), one after the other (``next_turn``). Someone who passes (``pass_turn``,
  also used to skip someone who is away) is asked once more at the end of the round; a second
  pass ends their round.
* ``queue``: people ask for the floor (``request_floor``) from a phone or the keyboard, may
  withdraw, the facilitator reorders and gives the floor (``give_floor``). With
  ``first_timers_first`` people who have not spoken yet in this session go before those who
  have.

Every turn starts its own countdown of ``turn_seconds``; pauses are not counted, overtime is.
A pass is not speaking: it is kept in the history but counts neither as a turn nor as
speaking time. The ``activity`` countdown times the whole step (e.g. a 20-minute discussion).

After a restore every timer is paused with the time it had left at the last save (see
``timer.Countdown``). Commands that make no sense now raise ``TurnError`` (a ``ValueError``)
with a ``key``; nothing is ever silently ignored.

The records (``Speaker``, ``Turn``, ``SpeakerStats``, the enums, ``TurnError``) live in
``turns_records`` and the saved form in ``turns_saved``; import them all from here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from cocreatie_tui.core.timer import Countdown, TimerError, TimerStatus
from cocreatie_tui.core.turns_records import (
    DEFAULT_TURN_SECONDS,
    Speaker,
    SpeakerSource,
    SpeakerStats,
    Turn,
    TurnError,
    TurnMode,
    _positive,
)
from cocreatie_tui.core.turns_saved import SAVE_VERSION as SAVE_VERSION
from cocreatie_tui.core.turns_saved import speaking_state_from_dict, speaking_state_to_dict

__all__ = [
    "DEFAULT_TURN_SECONDS",
    "Speaker",
    "SpeakerSource",
    "SpeakerStats",
    "SpeakingState",
    "Turn",
    "TurnError",
    "TurnMode",
]


@dataclass
class SpeakingState:
    """Everything about speaking turns in a session; see the module docstring.

    Round bookkeeping: ``round_order`` is the planned order (people added mid-round at its end),
    of which the first ``round_position`` have been asked; ``round_passed`` are waiting to be
    asked once more at the end of the round, ``round_reasked`` have been asked that second time.
    """

    speakers: dict[str, Speaker] = field(default_factory=dict)
    mode: TurnMode = TurnMode.ROUND
    turn_seconds: float = DEFAULT_TURN_SECONDS
    step: str = ""
    round_active: bool = False
    round_number: int = 0
    round_order: list[str] = field(default_factory=list)
    round_position: int = 0
    round_passed: list[str] = field(default_factory=list)
    round_reasked: list[str] = field(default_factory=list)
    queue: list[str] = field(default_factory=list)
    first_timers_first: bool = False
    current: Turn | None = None
    current_timer: Countdown | None = None
    history: list[Turn] = field(default_factory=list)
    activity: Countdown | None = None

    # Speakers

    def add_speaker(
        self, speaker_id: str, name: str, source: SpeakerSource = SpeakerSource.PHONE
    ) -> Speaker:
        """Add someone; a removed speaker with the same id comes back with the new name."""
        speaker_id, name = _checked_id(speaker_id), _checked_name(name)
        existing = self.speakers.get(speaker_id)
        if existing is not None and existing.active:
            raise TurnError("duplicate_speaker", f"speaker {speaker_id!r} already exists")
        speaker = Speaker(speaker_id, name, SpeakerSource(source))
        self.speakers[speaker_id] = speaker
        return speaker

    def rename_speaker(self, speaker_id: str, name: str) -> None:
        self._speaker(speaker_id).name = _checked_name(name)

    def remove_speaker(self, speaker_id: str) -> None:
        """Take someone out of the queue and the rest of the round.

        Someone with turns in the history stays known (inactive) so statistics keep their name.
        """
        self._speaker(speaker_id)
        if self.current is not None and self.current.speaker_id == speaker_id:
            raise TurnError("has_floor", "end the turn before removing the speaker")
        if speaker_id in self.queue:
            self.queue.remove(speaker_id)
        self._drop_from_upcoming(speaker_id)
        if any(turn.speaker_id == speaker_id for turn in self.history):
            self.speakers[speaker_id].active = False
        else:
            del self.speakers[speaker_id]

    def active_speakers(self) -> list[str]:
        return [s.id for s in self.speakers.values() if s.active]

    # Settings

    def set_mode(self, mode: TurnMode | str) -> None:
        try:
            mode = TurnMode(mode)
        except ValueError as error:
            raise TurnError("invalid_mode", f"unknown mode {mode!r}") from error
        if self.current is not None and mode is not self.mode:
            raise TurnError("turn_in_progress", "end the current turn before switching mode")
        self.mode = mode

    def set_turn_seconds(self, seconds: float) -> None:
        """The time for turns that start from now on (use ``add_time`` for the current one)."""
        self.turn_seconds = _positive(seconds)

    def set_first_timers_first(self, enabled: bool) -> None:
        """Switching it on moves those who have not spoken yet to the front, order kept.

        Setting it to what it already is changes nothing (the facilitator's moves stay)."""
        switched_on = bool(enabled) and not self.first_timers_first
        self.first_timers_first = bool(enabled)
        if switched_on:
            spoken = self._spoken_ids()
            self.queue = [s for s in self.queue if s not in spoken] + [
                s for s in self.queue if s in spoken
            ]

    # The current turn (both modes)

    def pause(self, now: float) -> None:
        timer = self._timer()
        if timer.status is not TimerStatus.RUNNING:
            raise TurnError("not_running", "the turn is not running")
        timer.pause(now)

    def resume(self, now: float) -> None:
        timer = self._timer()
        if timer.status is not TimerStatus.PAUSED:
            raise TurnError("not_paused", "the turn is not paused")
        timer.resume(now)

    def add_time(self, seconds: float, now: float) -> None:
        """Give the current speaker more time (or less, with a negative amount)."""
        try:
            self._timer().add_time(seconds, now)
        except TimerError as error:
            raise TurnError("invalid_seconds", str(error)) from error

    def end_turn(self, now: float) -> Turn:
        """The speaker is done; nobody has the floor until the next command."""
        if self.current is None:
            raise TurnError("no_turn", "nobody has the floor")
        return self._finish(now, passed=False)

    def pass_turn(self, now: float) -> Turn | None:
        """The speaker passes (or is skipped). In a round: they are asked once more at the end of
        the round, and the next person gets the floor (returned; None when the round is over).
        In queue mode the floor is simply free again (returns None).
        """
        if self.current is None:
            raise TurnError("no_turn", "nobody has the floor")
        turn = self._finish(now, passed=True)
        if self.mode is not TurnMode.ROUND or not self.round_active:
            return None
        if turn.speaker_id not in self.round_reasked:
            self.round_passed.append(turn.speaker_id)
        return self._advance_round(now)

    def has_floor(self, speaker_id: str) -> bool:
        return self.current is not None and self.current.speaker_id == speaker_id

    # Round-robin

    def plan_round(self, order: list[str] | None = None) -> None:
        """Plan a round in this order (default: every active speaker, in the order they were
        added). Nobody has the floor yet: shuffle or edit, then call ``next_turn``.
        """
        self._require_mode(TurnMode.ROUND)
        if self.round_active:
            raise TurnError("round_in_progress", "end the current round first")
        order = self.active_speakers() if order is None else list(order)
        for speaker_id in order:
            self._speaker(speaker_id)
        if len(set(order)) != len(order):
            raise TurnError("already_in_round", "the order names someone twice")
        if not order:
            raise TurnError("empty_round", "a round needs at least one speaker")
        self.round_active = True
        self.round_number += 1
        self.round_order = order
        self.round_position = 0
        self.round_passed = []
        self.round_reasked = []

    def start_round(self, now: float, order: list[str] | None = None) -> Turn:
        """Plan a round and give the floor to its first speaker."""
        self.plan_round(order)
        turn = self._advance_round(now)
        assert turn is not None  # a planned round is never empty
        return turn

    def shuffle_round(self, rng: random.Random) -> None:
        """Shuffle those still to come in the round's main order (not those who passed)."""
        self._require_round()
        upcoming = self.round_order[self.round_position :]
        rng.shuffle(upcoming)
        self.round_order[self.round_position :] = upcoming

    def move_in_round(self, speaker_id: str, new_index: int) -> None:
        """Move someone still to come to ``new_index`` among those still to come (0 = next);
        the index is clamped to the list."""
        self._require_round()
        upcoming = self.round_order[self.round_position :]
        if speaker_id not in upcoming:
            raise TurnError("not_upcoming", f"{speaker_id!r} is not still to come in this round")
        upcoming.remove(speaker_id)
        upcoming.insert(_clamp(new_index, len(upcoming)), speaker_id)
        self.round_order[self.round_position :] = upcoming

    def add_to_round(self, speaker_id: str, index: int | None = None) -> None:
        """Add someone mid-round: at the end of those still to come (before anyone waiting after
        a pass), or at ``index`` among those still to come."""
        self._require_round()
        self._speaker(speaker_id)
        if (
            speaker_id in self.round_order
            or speaker_id in self.round_passed
            or self.has_floor(speaker_id)
        ):
            raise TurnError("already_in_round", f"{speaker_id!r} is already in this round")
        count = len(self.round_order) - self.round_position
        position = count if index is None else _clamp(index, count)
        self.round_order.insert(self.round_position + position, speaker_id)

    def remove_from_round(self, speaker_id: str) -> None:
        """Take someone who is still to come (or waiting after a pass) out of this round."""
        self._require_round()
        if speaker_id not in self.round_upcoming():
            raise TurnError("not_upcoming", f"{speaker_id!r} is not still to come in this round")
        self._drop_from_upcoming(speaker_id)

    def round_upcoming(self) -> list[str]:
        """Who is still to come in this round, in order; those who passed come last."""
        if not self.round_active:
            return []
        return self.round_order[self.round_position :] + self.round_passed

    def next_turn(self, now: float) -> Turn | None:
        """End the current turn (if any) and give the floor to the next in the round.
        Returns the new turn, or None when the round is over (it then ends)."""
        self._require_round()
        if self.current is not None:
            self._finish(now, passed=False)
        return self._advance_round(now)

    def end_round(self, now: float) -> None:
        """Stop the round now; the current turn (if any) ends as spoken."""
        self._require_round()
        if self.current is not None:
            self._finish(now, passed=False)
        self._close_round()

    # Queue

    def request_floor(self, speaker_id: str) -> int:
        """Ask for the floor; returns the 1-based position in the queue.

        Allowed in both modes (a phone's request made during a round waits for queue mode),
        and for the person who has the floor (to speak again later)."""
        self._speaker(speaker_id)
        if speaker_id in self.queue:
            raise TurnError("already_queued", f"{speaker_id!r} is already in the queue")
        index = len(self.queue)
        if self.first_timers_first:
            spoken = self._spoken_ids()
            if speaker_id not in spoken:
                # After the last first-timer, so nobody who asked earlier is overtaken by a
                # newcomer, and ahead of everyone else.
                index = 1 + max(
                    (i for i, queued in enumerate(self.queue) if queued not in spoken), default=-1
                )
        self.queue.insert(index, speaker_id)
        return index + 1

    def withdraw(self, speaker_id: str) -> None:
        if speaker_id not in self.queue:
            raise TurnError("not_queued", f"{speaker_id!r} is not in the queue")
        self.queue.remove(speaker_id)

    def move_in_queue(self, speaker_id: str, new_index: int) -> None:
        """Move someone to ``new_index`` (0-based, clamped to the queue); for "up" and "down"
        pass their current index minus or plus one. The facilitator's order wins over
        ``first_timers_first`` (which only decides where new requests go)."""
        if speaker_id not in self.queue:
            raise TurnError("not_queued", f"{speaker_id!r} is not in the queue")
        self.queue.remove(speaker_id)
        self.queue.insert(_clamp(new_index, len(self.queue)), speaker_id)

    def queue_position(self, speaker_id: str) -> int | None:
        """1-based position in the queue, or None when not queued."""
        try:
            return self.queue.index(speaker_id) + 1
        except ValueError:
            return None

    def give_floor(self, now: float, speaker_id: str | None = None) -> Turn:
        """End the current turn (if any) and give the floor to the first in the queue, or to
        ``speaker_id`` (queued or not; taken out of the queue if there)."""
        self._require_mode(TurnMode.QUEUE)
        if speaker_id is None:
            if not self.queue:
                raise TurnError("queue_empty", "nobody is in the queue")
            speaker_id = self.queue[0]
        else:
            self._speaker(speaker_id)
        if self.current is not None:
            self._finish(now, passed=False)
        if speaker_id in self.queue:
            self.queue.remove(speaker_id)
        return self._begin(now, speaker_id, round_number=None)

    # The activity timer for the whole step

    def start_activity(self, duration_s: float, now: float) -> Countdown:
        """Replace the activity timer with a new running one; pause, resume and read it through
        ``activity`` (a ``Countdown``)."""
        try:
            timer = Countdown(duration_s)
        except TimerError as error:
            raise TurnError("invalid_seconds", str(error)) from error
        timer.start(now)
        self.activity = timer
        return timer

    def clear_activity(self) -> None:
        self.activity = None

    def take_end_signals(self, now: float) -> list[str]:
        """Which timers ran out since the last call: ``"turn"`` and/or ``"activity"``.
        Call on every tick; each overrun is reported once (also across a save and restore).
        A non-empty answer is a change of state: save it, so a restart does not ring again."""
        signals = []
        if self.current_timer is not None and self.current_timer.take_end_signal(now):
            signals.append("turn")
        if self.activity is not None and self.activity.take_end_signal(now):
            signals.append("activity")
        return signals

    # Statistics and views

    def has_spoken(self, speaker_id: str) -> bool:
        """True once someone has had a turn that was not a pass (the current one counts)."""
        return speaker_id in self._spoken_ids()

    def not_yet_spoken(self, step: str | None = None) -> list[str]:
        """Active speakers without a turn (in this session, or in ``step`` when given)."""
        spoken = self._spoken_ids(step)
        return [s for s in self.active_speakers() if s not in spoken]

    def statistics(self, now: float, step: str | None = None) -> list[SpeakerStats]:
        """Per person: time spoken (pauses out, overtime in, the current turn up to ``now``),
        turns (passes not counted), share of everyone's time, passes and overtime.
        Every active speaker is listed, and removed ones who did speak; in the order added."""
        totals: dict[str, list[float]] = {}  # id -> [total, turns, passes, overtime]
        for turn, duration, overtime in self._turns_with_times(now):
            if step is not None and turn.step != step:
                continue
            entry = totals.setdefault(turn.speaker_id, [0.0, 0, 0, 0.0])
            if turn.passed:
                entry[2] += 1
            else:
                entry[0] += duration
                entry[1] += 1
                entry[3] += overtime
        grand_total = sum(entry[0] for entry in totals.values())
        result = []
        for speaker in self.speakers.values():
            entry = totals.get(speaker.id)
            if entry is None and not speaker.active:
                continue
            total, turns, passes, overtime = entry or [0.0, 0, 0, 0.0]
            result.append(
                SpeakerStats(
                    speaker_id=speaker.id,
                    name=speaker.name,
                    total_s=total,
                    turns=int(turns),
                    share=total / grand_total if grand_total > 0 else 0.0,
                    passes=int(passes),
                    overtime_s=overtime,
                )
            )
        return result

    def participant_view(self, speaker_id: str, now: float) -> dict[str, Any]:
        """What one phone may know: their place in the queue and round, and whether they have
        the floor (with the seconds left, never a clock reading)."""
        has_floor = self.has_floor(speaker_id)
        upcoming = self.round_upcoming()
        return {
            "mode": str(self.mode),
            "queued": speaker_id in self.queue,
            "queue_position": self.queue_position(speaker_id),
            "queue_length": len(self.queue),
            "round_position": upcoming.index(speaker_id) + 1 if speaker_id in upcoming else None,
            "has_floor": has_floor,
            "turn": self.current_timer.public_state(now)
            if has_floor and self.current_timer is not None
            else None,
        }

    # Saving

    def to_dict(self, now: float) -> dict[str, Any]:
        """A JSON-able snapshot at ``now``. Timers hold elapsed seconds, never clock readings."""
        return speaking_state_to_dict(self, now)

    @classmethod
    def from_dict(cls, data: Any) -> SpeakingState:
        """Restore a saved state; a running turn or activity comes back paused."""
        return speaking_state_from_dict(data, cls)

    # Internals

    def _speaker(self, speaker_id: str) -> Speaker:
        speaker = self.speakers.get(speaker_id)
        if speaker is None or not speaker.active:
            raise TurnError("unknown_speaker", f"no speaker {speaker_id!r}")
        return speaker

    def _timer(self) -> Countdown:
        if self.current is None or self.current_timer is None:
            raise TurnError("no_turn", "nobody has the floor")
        return self.current_timer

    def _require_mode(self, mode: TurnMode) -> None:
        if self.mode is not mode:
            raise TurnError("wrong_mode", f"only in {mode} mode")

    def _require_round(self) -> None:
        self._require_mode(TurnMode.ROUND)
        if not self.round_active:
            raise TurnError("no_round", "no round is going on")

    def _begin(self, now: float, speaker_id: str, round_number: int | None) -> Turn:
        self.current = Turn(speaker_id, self.mode, self.step, round_number)
        self.current_timer = Countdown(self.turn_seconds)
        self.current_timer.start(now)
        return self.current

    def _finish(self, now: float, passed: bool) -> Turn:
        turn, timer = self.current, self.current_timer
        assert turn is not None and timer is not None
        turn.allotted_s = timer.duration_s
        turn.duration_s = timer.elapsed(now)
        turn.overtime_s = timer.overtime(now)
        turn.passed = passed
        self.history.append(turn)
        self.current = self.current_timer = None
        return turn

    def _advance_round(self, now: float) -> Turn | None:
        if self.round_position < len(self.round_order):
            speaker_id = self.round_order[self.round_position]
            self.round_position += 1
        elif self.round_passed:
            speaker_id = self.round_passed.pop(0)
            self.round_reasked.append(speaker_id)
        else:
            self._close_round()
            return None
        return self._begin(now, speaker_id, self.round_number)

    def _close_round(self) -> None:
        self.round_active = False
        self.round_order = self.round_order[: self.round_position]
        self.round_passed = []

    def _drop_from_upcoming(self, speaker_id: str) -> None:
        if speaker_id in self.round_order[self.round_position :]:
            self.round_order.remove(speaker_id)
        if speaker_id in self.round_passed:
            self.round_passed.remove(speaker_id)

    def _spoken_ids(self, step: str | None = None) -> set[str]:
        turns = self.history if self.current is None else [*self.history, self.current]
        return {
            turn.speaker_id
            for turn in turns
            if not turn.passed and (step is None or turn.step == step)
        }

    def _turns_with_times(self, now: float) -> list[tuple[Turn, float, float]]:
        rows = [(turn, turn.duration_s, turn.overtime_s) for turn in self.history]
        if self.current is not None and self.current_timer is not None:
            timer = self.current_timer
            rows.append((self.current, timer.elapsed(now), timer.overtime(now)))
        return rows


def _clamp(index: int, length: int) -> int:
    """A list index for insertion, clamped to 0..length."""
    return max(0, min(int(index), length))


def _checked_id(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TurnError("invalid_speaker", "a speaker needs a non-empty id")
    return value


def _checked_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TurnError("invalid_speaker", "a speaker needs a non-empty name")
    return value.strip()
