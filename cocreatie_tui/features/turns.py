"""Fair speaking turns in the live session: the commands behind the timer and speakers screens
and the phones' "I want to speak" button.

The rules live in ``core.turns.SpeakingState``; this feature applies them to the live session
through the hub's command path (``begin_change``, ``put``, ``commit``), so every change is on
disk before any view hears of it, and a restart brings a running turn back paused with the time
it had left. While a timer runs, ``tick`` (called by the screens about every half second) also
saves a checkpoint now and then, so a crash loses at most ``CHECKPOINT_SECONDS`` of it.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web
from textual.widget import Widget

from cocreatie_tui.core import text as text_rules
from cocreatie_tui.core.model import Participant
from cocreatie_tui.core.speaking_record import KEY, TABLE, TurnSettings, TurnsRecord, speaker_label
from cocreatie_tui.core.timer import Countdown, TimerError, TimerStatus, format_clock
from cocreatie_tui.core.turns import (
    Speaker,
    SpeakerSource,
    SpeakingState,
    TurnError,
    TurnMode,
)
from cocreatie_tui.events import SessionOpened, StateReloaded
from cocreatie_tui.factory import FEATURES
from cocreatie_tui.hub import CardRejected, Hub, HubFeature
from cocreatie_tui.store import Documents, StoreBusy, StoreWriteFailed
from cocreatie_tui.web.app import FEATURE_ROUTES
from cocreatie_tui.widgets.status import BOARD_STATUS_WIDGETS

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECKPOINT_SECONDS = 15.0
NAME_PREFIX = "name-"  # ids of people the facilitator typed in (phones use their cookie id)


@dataclass(frozen=True)
class TurnsChanged:
    """Speaking turns changed and are on disk. ``end_signals`` names the timers that just ran
    out (``"turn"``, ``"activity"``): every timer display flashes, phones vibrate."""

    end_signals: tuple[str, ...] = ()


TURNS_EVENTS = (TurnsChanged, SessionOpened, StateReloaded)
"""The hub events that change what a speaking-turns view shows at once; a card arriving does
not (a speaker's new nickname shows with the next tick of the view)."""


class TurnsFeature(HubFeature):
    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.record = TurnsRecord()
        self.rng = random.Random()
        self._saved_at = 0.0
        self._unreadable: Any = None  # a saved document that did not load, kept, not lost

    # -- state -------------------------------------------------------------------------

    @property
    def speaking(self) -> SpeakingState:
        return self.record.speaking

    @property
    def settings(self) -> TurnSettings:
        return self.record.settings

    def now(self) -> float:
        return self.hub.monotonic()

    def load(self, documents: Documents) -> None:
        self._unreadable = None
        try:
            self.record = TurnsRecord.from_documents(documents)
        except TurnError as error:
            log.error("speaking turns could not be restored (%s); starting afresh", error)
            self._unreadable = documents.get(TABLE, {}).get(KEY)
            self.record = TurnsRecord()
        self._saved_at = self.now()

    def label(self, speaker_id: str, anonymous: Callable[[int], str]) -> str:
        speaker = self.speaking.speakers.get(speaker_id)
        if speaker is None:
            return "?"
        return speaker_label(speaker, self.hub.live.participants, anonymous)

    def timer_running(self) -> bool:
        timers = [self.speaking.current_timer, self.speaking.activity]
        return any(t is not None and t.status is TimerStatus.RUNNING for t in timers)

    # -- the one path of every change --------------------------------------------------

    async def _change(self, apply: Callable[[float], T], *signals: str) -> T:
        """Apply ``apply(now)`` to the state, save, then tell every view."""
        self.hub.begin_change()
        now = self.now()
        result = apply(now)
        self._save(now)
        await self.hub.commit(TurnsChanged(tuple(signals)))
        return result

    def _save(self, now: float) -> None:
        if self._unreadable is not None:
            self.hub.put(TABLE, "unreadable", {"document": self._unreadable})
            self._unreadable = None
        self.hub.put(TABLE, KEY, self.record.to_document(now))
        self._saved_at = now

    async def tick(self) -> list[str]:
        """Called by the screens on a UI timer: which timers just ran out (each once, also
        across a restart), and a checkpoint of running timers now and then."""
        if self.hub.state is None:
            return []
        now = self.now()
        signals = self.speaking.take_end_signals(now)
        due = self.timer_running() and now - self._saved_at >= CHECKPOINT_SECONDS
        if signals or due:
            events = [TurnsChanged(tuple(signals))] if signals else []
            try:
                self.hub.begin_change()
                self._save(now)
                await self.hub.commit(*events)
            except (StoreBusy, StoreWriteFailed) as error:
                # The next change saves it; the bell still rings now.
                log.warning("could not save the speaking timers: %s", error)
        return signals

    # -- speakers ----------------------------------------------------------------------

    async def add_named_speaker(self, raw_name: object) -> Speaker:
        """Someone without a phone, by the name the facilitator types; a round going on gets
        them at its end."""
        try:
            name = text_rules.nickname(raw_name)
        except text_rules.TextRejected as rejected:
            raise TurnError("invalid_speaker", rejected.key) from None
        if name is None:
            raise TurnError("invalid_speaker", "a name is needed")

        def apply(now: float) -> Speaker:
            speaker = self.speaking.add_speaker(
                NAME_PREFIX + secrets.token_hex(4), name, SpeakerSource.FACILITATOR
            )
            if self.speaking.mode is TurnMode.ROUND and self.speaking.round_active:
                self.speaking.add_to_round(speaker.id)
            return speaker

        return await self._change(apply)

    async def remove_speaker(self, speaker_id: str) -> None:
        def apply(now: float) -> None:
            speaker = self.speaking.speakers.get(speaker_id)
            self.speaking.remove_speaker(speaker_id)
            if speaker is not None and speaker.source is SpeakerSource.PHONE:
                if speaker_id not in self.record.dismissed:
                    self.record.dismissed.append(speaker_id)

        await self._change(apply)

    def missing_phones(self) -> list[str]:
        """Phones of this session that are not on the speakers' list (and were not taken off)."""
        participants = sorted(self.hub.live.participants.values(), key=lambda p: p.number)
        return [
            p.id
            for p in participants
            if p.id not in self.speaking.speakers and p.id not in self.record.dismissed
        ]

    def _add_phones(self, ids: list[str]) -> None:
        participants = self.hub.live.participants
        for pid in ids:
            participant = participants[pid]
            name = participant.nickname or f"#{participant.number}"
            self.speaking.add_speaker(pid, name, SpeakerSource.PHONE)

    async def add_missing_phones(self) -> int:
        """Put every phone in the room on the speakers' list; returns how many were added."""
        missing = self.missing_phones()
        if missing:
            await self._change(lambda now: self._add_phones(missing))
        return len(missing)

    # -- settings ----------------------------------------------------------------------

    async def set_mode(self, mode: TurnMode) -> None:
        await self._change(lambda now: self.speaking.set_mode(mode))

    async def toggle_mode(self) -> TurnMode:
        other = TurnMode.QUEUE if self.speaking.mode is TurnMode.ROUND else TurnMode.ROUND
        await self.set_mode(other)
        return other

    async def set_turn_seconds(self, seconds: float) -> None:
        await self._change(lambda now: self.speaking.set_turn_seconds(seconds))

    async def toggle_first_timers_first(self) -> bool:
        enabled = not self.speaking.first_timers_first
        await self._change(lambda now: self.speaking.set_first_timers_first(enabled))
        return enabled

    async def toggle_setting(self, name: str) -> bool:
        """Flip one of the facilitator's yes/no settings (``sound``, ``names_in_report``,
        ``names_on_projector``); returns the new value."""
        if name not in ("sound", "names_in_report", "names_on_projector"):
            raise ValueError(f"not a yes/no setting: {name}")
        value = not getattr(self.settings, name)
        await self._change(lambda now: setattr(self.settings, name, value))
        return value

    # -- the current turn --------------------------------------------------------------

    async def toggle_pause(self) -> TimerStatus:
        """Pause a running turn or resume a paused one."""

        def apply(now: float) -> TimerStatus:
            timer = self.speaking.current_timer
            if timer is not None and timer.status is TimerStatus.RUNNING:
                self.speaking.pause(now)
            else:
                self.speaking.resume(now)
            assert self.speaking.current_timer is not None
            return self.speaking.current_timer.status

        return await self._change(apply)

    async def add_time(self, seconds: float) -> None:
        await self._change(lambda now: self.speaking.add_time(seconds, now))

    async def end_turn(self) -> None:
        await self._change(lambda now: self.speaking.end_turn(now))

    async def pass_turn(self) -> None:
        await self._change(lambda now: self.speaking.pass_turn(now))

    async def next_speaker(self) -> str | None:
        """Round: the next in the round (None when it is over). Queue: the first in the queue."""

        def apply(now: float) -> str | None:
            if self.speaking.mode is TurnMode.QUEUE:
                return self.speaking.give_floor(now).speaker_id
            turn = self.speaking.next_turn(now)
            return None if turn is None else turn.speaker_id

        return await self._change(apply)

    # -- rounds ------------------------------------------------------------------------

    async def plan_round(self) -> None:
        """A new round of everyone (phones in the room included), nobody speaking yet: shuffle
        or reorder, then ``next_speaker`` gives the floor to the first."""

        def apply(now: float) -> None:
            if self.speaking.mode is not TurnMode.ROUND:
                raise TurnError("wrong_mode", "rounds are planned in round mode")
            if self.speaking.round_active:
                raise TurnError("round_in_progress", "end the current round first")
            self._add_phones(self.missing_phones())
            self.speaking.plan_round()

        await self._change(apply)

    async def shuffle_round(self) -> None:
        await self._change(lambda now: self.speaking.shuffle_round(self.rng))

    async def add_to_round(self, speaker_id: str) -> None:
        await self._change(lambda now: self.speaking.add_to_round(speaker_id))

    async def end_round(self) -> None:
        await self._change(lambda now: self.speaking.end_round(now))

    async def move(self, speaker_id: str, offset: int) -> None:
        """Move someone up (-1) or down (+1) in the queue or among those still to come."""

        def apply(now: float) -> None:
            speaking = self.speaking
            if speaking.mode is TurnMode.QUEUE:
                index = speaking.queue.index(speaker_id) if speaker_id in speaking.queue else -1
                if index < 0:
                    raise TurnError("not_queued", f"{speaker_id!r} is not in the queue")
                speaking.move_in_queue(speaker_id, index + offset)
            else:
                upcoming = speaking.round_order[speaking.round_position :]
                if speaker_id not in upcoming:
                    raise TurnError("not_upcoming", f"{speaker_id!r} is not still to come")
                speaking.move_in_round(speaker_id, upcoming.index(speaker_id) + offset)

        await self._change(apply)

    # -- the queue ---------------------------------------------------------------------

    async def toggle_hand(self, speaker_id: str) -> int | None:
        """From the keyboard: ask the floor for someone, or withdraw their request."""

        def apply(now: float) -> int | None:
            if speaker_id in self.speaking.queue:
                self.speaking.withdraw(speaker_id)
                return None
            return self.speaking.request_floor(speaker_id)

        return await self._change(apply)

    async def give_floor(self, speaker_id: str | None = None) -> str:
        return await self._change(lambda now: self.speaking.give_floor(now, speaker_id).speaker_id)

    async def raise_hand(
        self, participant_id: str, raw_nickname: object = None
    ) -> tuple[int, bool]:
        """A phone asks for the floor; returns its place in the queue and whether the request
        is new (asking again changes nothing: one request per phone)."""
        try:
            nickname = text_rules.nickname(raw_nickname)
        except text_rules.TextRejected as rejected:
            raise CardRejected(rejected.key, **rejected.params) from None
        position = self.speaking.queue_position(participant_id)
        participant = self.hub.live.participants.get(participant_id)
        known = participant is not None and (nickname is None or participant.nickname == nickname)
        if position is not None and known:
            return position, False

        def apply(now: float) -> int:
            participant = self._remember_phone(participant_id, nickname)
            speaker = self.speaking.speakers.get(participant_id)
            name = nickname or f"#{participant.number}"
            if speaker is None or not speaker.active:
                self.speaking.add_speaker(participant_id, name, SpeakerSource.PHONE)
            elif nickname is not None:
                self.speaking.rename_speaker(participant_id, nickname)
            if participant_id in self.record.dismissed:
                self.record.dismissed.remove(participant_id)
            existing = self.speaking.queue_position(participant_id)
            return existing if existing is not None else self.speaking.request_floor(participant_id)

        return await self._change(apply), position is None

    def _remember_phone(self, participant_id: str, nickname: str | None) -> Participant:
        """The session's participant for this phone, numbered ("Deelnemer 7") the first time;
        a nickname given is remembered (none given keeps the one it had)."""
        state = self.hub.live
        participant = state.participants.get(participant_id)
        if participant is None:
            participant = Participant(
                id=participant_id, number=state.next_participant_number(), nickname=nickname
            )
        elif nickname is None or nickname == participant.nickname:
            return participant
        else:
            participant.nickname = nickname
        state.participants[participant_id] = participant
        self.hub.put("participants", participant.number, participant.to_doc())
        return participant

    async def withdraw_hand(self, participant_id: str) -> bool:
        """A phone withdraws its request; False when there was none (nothing changes)."""
        if participant_id not in self.speaking.queue:
            return False
        await self._change(lambda now: self.speaking.withdraw(participant_id))
        return True

    # -- the activity timer ------------------------------------------------------------

    async def start_activity(self, seconds: float | None = None) -> None:
        """A new activity timer (the whole step), running; its length is remembered."""

        def apply(now: float) -> None:
            length = self.settings.activity_seconds if seconds is None else seconds
            self.speaking.start_activity(length, now)
            self.settings.activity_seconds = length

        await self._change(apply)

    async def toggle_activity(self) -> None:
        """Start the activity timer if there is none, else pause or resume it."""
        activity = self.speaking.activity
        if activity is None or activity.status is TimerStatus.IDLE:
            await self.start_activity()
            return

        def apply(now: float) -> None:
            assert activity is not None
            if activity.status is TimerStatus.RUNNING:
                activity.pause(now)
            else:
                activity.resume(now)

        await self._change(apply)

    async def clear_activity(self) -> None:
        await self._change(lambda now: self.speaking.clear_activity())

    async def add_activity_time(self, seconds: float) -> None:
        def apply(now: float) -> None:
            if self.speaking.activity is None:
                raise TurnError("no_activity", "no activity timer")
            try:
                self.speaking.activity.add_time(seconds, now)
            except TimerError as error:
                raise TurnError("invalid_seconds", str(error)) from error

        await self._change(apply)

    # -- what phones see ---------------------------------------------------------------

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        if self.hub.state is None:
            return {}
        now = self.now()
        speaking = self.speaking
        mine = speaking.participant_view(participant_id, now)
        if mine["turn"] is not None and speaking.current_timer is not None:
            mine["turn"] = _public(speaking.current_timer, now)
        activity = speaking.activity
        timer = _public(activity, now) if activity is not None else None
        floor = None
        if speaking.current is not None and speaking.current_timer is not None:
            floor = self._floor_view(speaking.current.speaker_id, participant_id, now)
        shown = (
            speaking.mode is TurnMode.QUEUE
            or floor is not None
            or timer is not None
            or mine["round_position"] is not None
            or mine["queued"]
        )
        view: dict[str, Any] = {
            "queue_position": mine["queue_position"],
            "has_floor": mine["has_floor"],
            "turns": {**mine, "floor": floor} if shown else None,
        }
        if timer is not None:
            # Only when there is one: another feature's timer (a café round) is not hidden.
            view["timer"] = timer
        return view

    def _floor_view(self, speaker_id: str, participant_id: str, now: float) -> dict[str, Any]:
        speaker = self.speaking.speakers[speaker_id]
        name: str | None = None
        number: int | None = None
        if self.settings.names_on_projector or speaker_id == participant_id:
            participant = self.hub.live.participants.get(speaker_id)
            if speaker.source is SpeakerSource.PHONE and participant is not None:
                name, number = participant.nickname, participant.number
            else:
                name = speaker.name
        assert self.speaking.current_timer is not None
        return {
            "name": name,
            "number": number,
            "you": speaker_id == participant_id,
            "timer": _public(self.speaking.current_timer, now),
        }


def _public(timer: Countdown, now: float) -> dict[str, Any]:
    """What a phone may know of a timer: seconds left (never a clock reading) and how the
    screen shows them, for the page without JavaScript."""
    return {**timer.public_state(now), "clock": format_clock(timer.remaining(now))}


def turns_of(hub: Hub) -> TurnsFeature:
    """The hub's turns feature (every hub made by the factory has one)."""
    return hub.feature(TurnsFeature)


def _board_timer() -> Widget:
    from cocreatie_tui.widgets.compact_timer import CompactTimer

    return CompactTimer()


def _add_routes(router: web.UrlDispatcher, prefix: str) -> None:
    from cocreatie_tui.web.routes_turns import add_turns_routes

    add_turns_routes(router, prefix)


# Imported lazily above, so that the widget and the routes can import this module freely.
FEATURES.append(TurnsFeature)
FEATURE_ROUTES.append(_add_routes)
BOARD_STATUS_WIDGETS.append(_board_timer)
