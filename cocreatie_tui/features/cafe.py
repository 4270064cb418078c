"""The world café in the live session: the commands behind the setup and seating screens, what
phones are told, and the table and round on the cards they send.

The rules live in ``core.cafe.Cafe``; this feature applies them through the hub's command path
(``begin_change``, ``put``, ``commit``), so every change is on disk before any view hears of it
and a restart brings a running round back paused with the time it had left. Planning runs
``core.rotation.plan_rotation`` in a thread with a bounded step budget, so neither the screen
nor the phones wait on it; a plan made for people who have changed since is thrown away and
made again.

Phones are seated without anyone pressing a key: every phone that has sent a card, and every
phone in the room (``Hub.phones``), when the café is planned; afterwards a phone in the room
that asks for its view, or sends a card, while the café is on. The seat is saved first; the
phone's live stream then shows it.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.widget import Widget

from cocreatie_tui.core import text as text_rules
from cocreatie_tui.core.cafe import (
    KEY,
    NAME_PREFIX,
    TABLE,
    Cafe,
    CafeError,
    CafePerson,
    CafeStatus,
)
from cocreatie_tui.core.model import Participant
from cocreatie_tui.core.rotation import RotationPlan, RotationProblem, plan_rotation
from cocreatie_tui.events import CardAdded, SessionOpened, StateReloaded
from cocreatie_tui.factory import FEATURES
from cocreatie_tui.hub import Hub, HubFeature, NoSession
from cocreatie_tui.store import Documents, StoreBusy, StoreWriteFailed
from cocreatie_tui.widgets.status import BOARD_STATUS_WIDGETS

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECKPOINT_SECONDS = 15.0
# A bounded search: 24 people at 6 tables reach their bound in milliseconds, 200 people in
# about 0.05 s (docs/ROTATION.md); the budget only matters for awkward sizes.
PLAN_MAX_STEPS = 300_000
PLAN_TIME_CAP_S = 3.0
SAVE_FAILURES = (StoreBusy, StoreWriteFailed, NoSession)


@dataclass(frozen=True)
class CafeChanged:
    """The café changed and is on disk. ``end_signal``: the round's time just ran out (every
    display flashes; the one that ticked rings)."""

    end_signal: bool = False


CAFE_EVENTS = (CafeChanged, SessionOpened, StateReloaded)
"""The hub events that can change what a café view shows (cards arriving do not)."""


def _plan(problem: RotationProblem, seed: int) -> RotationPlan:
    return plan_rotation(problem, seed=seed, max_steps=PLAN_MAX_STEPS, time_cap_s=PLAN_TIME_CAP_S)


class CafeFeature(HubFeature):
    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.cafe = Cafe()
        self.planning = False
        self._generation = 0  # bumped when another session opens: old work is dropped
        self._saved_at = 0.0
        self._unreadable: Any = None  # a saved document that did not load, kept, not lost
        self._admitting: list[str] = []
        self._seated_by_card: set[str] = set()  # seated in the write of their first card
        self._admit_task: asyncio.Task[None] | None = None
        self._replan_task: asyncio.Task[None] | None = None
        hub.subscribe(self._on_event)

    def now(self) -> float:
        return self.hub.monotonic()

    def load(self, documents: Documents) -> None:
        self._generation += 1
        self._unreadable = None
        self._admitting = []
        self._seated_by_card = set()
        doc = documents.get(TABLE, {}).get(KEY)
        try:
            self.cafe = Cafe() if doc is None else Cafe.from_doc(doc)
        except CafeError as error:
            log.error("the world café could not be restored (%s); starting afresh", error)
            self._unreadable = doc
            self.cafe = Cafe()
        self._saved_at = self.now()
        self._schedule_replan()

    # -- the one path of every change --------------------------------------------------

    async def _change(self, apply: Callable[[float], T], *, end_signal: bool = False) -> T:
        self.hub.begin_change()
        now = self.now()
        result = apply(now)
        self._save(now)
        await self.hub.commit(CafeChanged(end_signal))
        return result

    def _save(self, now: float) -> None:
        if self._unreadable is not None:
            self.hub.put(TABLE, "unreadable", {"document": self._unreadable})
            self._unreadable = None
        self.hub.put(TABLE, KEY, self.cafe.to_doc(now))
        self._saved_at = now

    async def tick(self) -> bool:
        """Called by the café displays about twice a second: True once when the round's time
        ran out (also saved, so a restart does not ring again); a checkpoint of the running
        timer now and then."""
        if self.hub.state is None:
            return False
        now = self.now()
        signal = self.cafe.take_end_signal(now)
        running = self.cafe.status() is CafeStatus.RUNNING
        if signal or (running and now - self._saved_at >= CHECKPOINT_SECONDS):
            try:
                self.hub.begin_change()
                self._save(now)
                await self.hub.commit(*([CafeChanged(True)] if signal else []))
            except SAVE_FAILURES as error:
                log.warning("could not save the café's timer: %s", error)
        return signal

    # -- people ------------------------------------------------------------------------

    def label(self, person_id: str, anonymous: Callable[[int], str]) -> str:
        """How the screen names someone: the typed name, the phone's nickname, or
        ``anonymous(number)`` ("Deelnemer 7")."""
        person = self.cafe.people.get(person_id)
        if person is not None and person.name:
            return person.name
        participant = self.hub.live.participants.get(person_id) if self.hub.state else None
        if participant is None:
            return "?"
        return participant.nickname or anonymous(participant.number)

    def people(self) -> list[CafePerson]:
        return list(self.cafe.people.values())

    def _register_phone(self, participant_id: str) -> None:
        """The session's participant for this phone, numbered the first time."""
        state = self.hub.live
        if participant_id in state.participants:
            return
        participant = Participant(id=participant_id, number=state.next_participant_number())
        state.participants[participant_id] = participant
        self.hub.put("participants", participant.number, participant.to_doc())

    def _phones_here(self) -> list[str]:
        """Phones that sent something, then phones in the room now, in a stable order."""
        state = self.hub.live
        known = sorted(state.participants.values(), key=lambda p: p.number)
        ids = [p.id for p in known]
        ids += sorted(self.hub.phones.present_ids() - set(ids))
        return ids

    async def add_phones(self) -> int:
        """Put every phone of this session that is not on the café's list on it (present);
        returns how many were added."""
        missing = [pid for pid in self._phones_here() if pid not in self.cafe.people]
        if missing:
            await self._change(lambda now: self._admit(missing))
            self._schedule_replan()
        return len(missing)

    def _admit(self, ids: Sequence[str]) -> None:
        for pid in ids:
            if pid not in self.cafe.people:
                self._register_phone(pid)
                self.cafe.add_person(pid)

    async def add_name(self, raw_name: object) -> CafePerson:
        """Someone without a phone, by the name the facilitator types (seated at once when
        the café is on)."""
        try:
            name = text_rules.nickname(raw_name)
        except text_rules.TextRejected:
            raise CafeError("name") from None
        if name is None:
            raise CafeError("name")
        person_id = NAME_PREFIX + secrets.token_hex(4)
        person = await self._change(lambda now: self.cafe.add_person(person_id, name))
        self._schedule_replan()
        return person

    async def set_present(self, person_id: str, present: bool) -> None:
        await self._change(lambda now: self.cafe.set_present(person_id, present))
        self._schedule_replan()

    async def toggle_present(self, person_id: str) -> bool:
        """Mark someone absent or present again; returns whether they are present now."""
        person = self.cafe.people.get(person_id)
        if person is None:
            raise CafeError("unknown_person")
        await self.set_present(person_id, not person.present)
        return person.present

    async def remove_person(self, person_id: str) -> None:
        await self._change(lambda now: self.cafe.remove_person(person_id))

    # -- setting up and planning -------------------------------------------------------

    async def configure(
        self,
        themes: Sequence[object],
        hosts: Sequence[str | None],
        rounds: int,
        round_seconds: float,
    ) -> None:
        """Tables (theme and host each), rounds and their length; before the café is planned."""
        cleaned = []
        for theme in themes:
            if not isinstance(theme, str):
                raise CafeError("theme_too_long")
            cleaned.append(text_rules.clean_text(theme, keep_newlines=False))
        await self._change(lambda now: self.cafe.configure(cleaned, hosts, rounds, round_seconds))

    async def plan_cafe(self) -> None:
        """Seat everyone here for every round (the phones in the room are added first), and
        announce round 1. The plan is made in a thread; people who come or go meanwhile are
        taken into account."""
        if self.planning:
            raise CafeError("planning")
        if self.cafe.started:
            raise CafeError("already_started")
        self.planning = True
        try:
            await self.add_phones()
            generation = self._generation
            while True:
                problem = self.cafe.initial_problem()
                version = self.cafe.version
                plan = await asyncio.to_thread(_plan, problem, 0)
                if generation != self._generation:
                    raise CafeError("session_changed")
                if self.cafe.version == version:
                    break
            await self._change(lambda now: self.cafe.begin(plan))
        finally:
            self.planning = False
        self._schedule_replan()

    def _schedule_replan(self) -> None:
        if not self.cafe.needs_plan:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet: the next change plans
        if self._replan_task is None or self._replan_task.done():
            self._replan_task = loop.create_task(self._replan())

    async def _replan(self) -> None:
        """Plan the rounds after the current one again, until a plan fits the people as they
        are now; the current round and the ones held are never changed."""
        generation = self._generation
        while self.cafe.needs_plan and generation == self._generation:
            problem = self.cafe.replan_problem()
            if problem is None:
                return
            version = self.cafe.version
            plan = await asyncio.to_thread(_plan, problem, version)
            if generation != self._generation or self.cafe.version != version:
                continue
            try:
                await self._change(lambda now, p=plan, v=version: self.cafe.apply_plan(p, v))
            except SAVE_FAILURES as error:
                log.warning("could not save the new plan (kept for the next change): %s", error)
                return

    async def settled(self) -> None:
        """Wait until arrivals are seated and the rounds to come are planned again."""
        while True:
            tasks = [t for t in (self._admit_task, self._replan_task) if t and not t.done()]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- rounds ------------------------------------------------------------------------

    async def toggle_pause(self) -> CafeStatus:
        return await self._change(lambda now: self.cafe.toggle_pause(now))

    async def add_time(self, seconds: float) -> None:
        await self._change(lambda now: self.cafe.add_time(seconds, now))

    async def end_round(self) -> None:
        await self._change(lambda now: self.cafe.end_round(now))

    async def next_round(self) -> None:
        """Announce the next round, with the plan made for the people here now."""
        if self.cafe.status() is not CafeStatus.BETWEEN:
            raise CafeError("not_between")
        await self.settled()
        await self._change(lambda now: self.cafe.next_round())

    async def close(self) -> None:
        await self._change(lambda now: self.cafe.close(now))

    # -- phones ------------------------------------------------------------------------

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        if self.hub.state is None:
            return {}
        cafe = self.cafe
        view = cafe.phone_view(participant_id, self.now())
        if view is None:
            return {}
        # Unknown to the café: about to be seated (a phone in the room is seated now; a phone
        # on its very first request once it comes back with its cookie).
        waiting = participant_id not in cafe.people
        if waiting and participant_id in self.hub.phones:
            self._admit_later(participant_id)
        participant = self.hub.live.participants.get(participant_id)
        person = cafe.people.get(participant_id)
        view["you"] = {
            "number": None if participant is None else participant.number,
            "name": (person.name if person and person.name else None)
            or (participant.nickname if participant else None),
        }
        view["seating"] = waiting
        return {"round": view["round"], "table": view["table"], "cafe": view}

    def card_tags(self, participant_id: str) -> dict[str, Any]:
        """The table and round of a card sent now. A phone that sends its first card before
        any page of the café reached it sits down now, in the card's own write: its card has
        a table and a round like everyone's (called by the hub while it takes the card)."""
        if self.cafe.active and participant_id not in self.cafe.people:
            self._admit([participant_id])
            self._save(self.now())
            self._seated_by_card.add(participant_id)
        return self.cafe.tags(participant_id)

    def _on_event(self, event: object) -> None:
        if isinstance(event, CardAdded):
            sender = event.card.participant_id
            if sender in self._seated_by_card:  # on disk with the card: tell the screens
                self._seated_by_card.discard(sender)
                self.hub.publish(CafeChanged(False))
                self._schedule_replan()
            elif sender and self.cafe.active and sender not in self.cafe.people:
                self._admit_later(sender)

    def _admit_later(self, participant_id: str) -> None:
        if participant_id in self._admitting:
            return
        self._admitting.append(participant_id)
        if self._admit_task is None or self._admit_task.done():
            self._admit_task = asyncio.get_running_loop().create_task(self._admit_waiting())

    async def _admit_waiting(self) -> None:
        """Seat the phones that showed up, a burst of them in one write."""
        generation = self._generation
        await asyncio.sleep(0)  # let the phones of the same moment join this write
        while self._admitting and generation == self._generation:
            ids = list(self._admitting)
            try:
                if self.cafe.active:
                    await self._change(lambda now, ids=ids: self._admit(ids))
            except SAVE_FAILURES as error:
                log.warning("could not seat %d phone(s) yet: %s", len(ids), error)
                self._admitting = [pid for pid in self._admitting if pid not in ids]
                return
            self._admitting = [pid for pid in self._admitting if pid not in ids]
        self._schedule_replan()


def cafe_of(hub: Hub) -> CafeFeature:
    """The hub's café feature (every hub made by the factory has one)."""
    return hub.feature(CafeFeature)


def _board_status() -> Widget:
    from cocreatie_tui.widgets.cafe_status import CafeStatusLine

    return CafeStatusLine()


FEATURES.append(CafeFeature)
BOARD_STATUS_WIDGETS.append(_board_status)
