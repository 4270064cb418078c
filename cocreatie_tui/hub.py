"""The single owner of the live session.

Every change, from a phone or from the keyboard, is a command here: validate, change the state,
persist through the store, then publish an event. Everything runs on the one asyncio loop, so
there are no locks. A change is visible to views only after it is on disk.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from cocreatie_tui.core import text as text_rules
from cocreatie_tui.core.joincode import new_join_code, normalise_join_code
from cocreatie_tui.core.model import (
    Card,
    CardSource,
    Participant,
    Prompt,
    SessionInfo,
    SessionState,
)
from cocreatie_tui.events import (
    CardAdded,
    CardWithdrawn,
    DiskProblem,
    HubEvent,
    SessionChanged,
    SessionOpened,
    StateReloaded,
)
from cocreatie_tui.store import (
    DiskOps,
    Documents,
    SessionStore,
    StoreWriteFailed,
    session_files,
    session_path,
)

log = logging.getLogger(__name__)

Subscriber = Callable[[HubEvent], None]


class NoSession(LookupError):
    """No session is open (the start screen is showing)."""


class CardRejected(ValueError):
    """A card command was refused; ``key`` names the locale message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# What features may set on a phone's card when it arrives (``HubFeature.card_tags``).
CARD_TAG_FIELDS = frozenset({"table", "round"})

# The history note of a card its sender took back; the card stays in the data file, hidden.
WITHDRAWN_NOTE = "withdrawn by participant"
PHONE_SEEN_WINDOW_SECONDS = 120.0

# Python collects its youngest objects every 700 allocations by default: under 500 phones and
# the board in the same loop that is hundreds of passes a second. Requests and frames allocate
# in bursts and free most of it at once, so rarer passes cost less in all; the middle generation
# stays small (5 x 5,000 objects) so that no single pass holds the loop long. bench/load.py,
# real app: the longest collection during the burst ~15 ms instead of 35-60 (docs/PERFORMANCE.md).
GC_THRESHOLDS = (5_000, 5, 10)


def is_withdrawn(card: Card) -> bool:
    return any(note.startswith(WITHDRAWN_NOTE) for note in card.history)


class PhonesSeen:
    """Phones in the room: distinct participant cookies seen recently, in memory only.

    A phone counts while it was seen in the last two minutes on any request, or while it holds
    a live-update stream open. Nothing here is stored: it is a head count, not a record.
    """

    def __init__(
        self, clock: Callable[[], float], window: float = PHONE_SEEN_WINDOW_SECONDS
    ) -> None:
        self.clock = clock
        self.window = window
        self._last_seen: dict[str, float] = {}
        self._streams: dict[str, int] = {}

    def seen(self, participant_id: str) -> None:
        self._last_seen[participant_id] = self.clock()
        if len(self._last_seen) > 10_000:  # a flood of made-up cookies must not grow memory
            self._forget_old()

    def stream_opened(self, participant_id: str) -> None:
        self._streams[participant_id] = self._streams.get(participant_id, 0) + 1
        self.seen(participant_id)

    def stream_closed(self, participant_id: str) -> None:
        left = self._streams.get(participant_id, 0) - 1
        if left > 0:
            self._streams[participant_id] = left
        else:
            self._streams.pop(participant_id, None)
        self.seen(participant_id)

    def count(self) -> int:
        self._forget_old()
        return len(self._last_seen.keys() | self._streams.keys())

    def present_ids(self) -> set[str]:
        """The phones counted by ``count`` (the world café seats them when it starts)."""
        self._forget_old()
        return set(self._last_seen.keys() | self._streams.keys())

    def __contains__(self, participant_id: object) -> bool:
        """Whether this phone is in the room now (seen recently with its cookie, or streaming)."""
        if participant_id in self._streams:
            return True
        seen = self._last_seen.get(participant_id)  # type: ignore[call-overload]
        return seen is not None and seen >= self.clock() - self.window

    def clear(self) -> None:
        self._last_seen.clear()
        self._streams.clear()

    def _forget_old(self) -> None:
        oldest = self.clock() - self.window
        self._last_seen = {pid: t for pid, t in self._last_seen.items() if t >= oldest}


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_session_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def load_state(store: SessionStore) -> SessionState:
    """Rebuild a session's state from its stored documents."""
    try:
        return SessionState.from_documents(store.documents)
    except ValueError as error:
        raise NoSession(f"{store.path}: {error}") from None


class HubFeature:
    """A part of the live session (board, turns, world café...) with its own documents.

    A feature keeps its state in memory, rebuilt by ``load`` from the stored documents when a
    session opens and after a failed write. Its commands call ``hub.begin_change()``, queue
    documents with ``hub.put()`` and finish with ``await hub.commit(*events)``: the events are
    published only once the change is on disk.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    def load(self, documents: Documents) -> None:
        """Rebuild this feature's state from the session's stored documents."""

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        """What this feature adds to a phone's ``/state`` (and its event stream)."""
        return {}

    def card_tags(self, participant_id: str) -> dict[str, Any]:
        """Fields this feature sets on a card a phone sends now (the world café: ``table``,
        ``round``); only keys that are fields of ``Card`` are used."""
        return {}


FeatureT = TypeVar("FeatureT", bound=HubFeature)


class Hub:
    def __init__(
        self,
        data_dir: Path,
        *,
        disk: DiskOps | None = None,
        wall_clock: Callable[[], str] = utc_now_iso,
        monotonic: Callable[[], float] = time.monotonic,
        max_pending_writes: int = 20_000,
    ) -> None:
        self.data_dir = data_dir
        self.disk = disk or DiskOps()
        self.wall_clock = wall_clock
        self.monotonic = monotonic
        self.features: list[HubFeature] = []
        self.phones = PhonesSeen(monotonic)
        self.max_pending_writes = max_pending_writes
        self.store: SessionStore | None = None
        self.state: SessionState | None = None
        self.disk_problem: str | None = None
        self._subscribers: list[Subscriber] = []
        self._unsaved_cards: set[str] = set()
        self._card_saves: dict[str, asyncio.Future[None]] = {}
        # Card ids per phone in arrival order, so a phone's view does not scan every card.
        self._cards_by_phone: dict[str | None, list[str]] = {}
        self._card_order: list[str] = []
        self._indexed: tuple[SessionState | None, int] = (None, -1)
        self._numbered: tuple[SessionState | None, int, int] = (None, -1, 0)

    # -- events --------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` with every event; returns the function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def add_feature(self, feature: HubFeature) -> None:
        self.features.append(feature)
        if self.store is not None:
            feature.load(self.store.documents)

    def feature(self, kind: type[FeatureT]) -> FeatureT:
        """The hub's feature of this kind (every hub made by the factory has each one)."""
        for feature in self.features:
            if isinstance(feature, kind):
                return feature
        raise LookupError(f"this hub has no {kind.__name__}")

    def publish(self, event: HubEvent | object) -> None:
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:  # a broken view must not stop the others or the command
                log.exception("subscriber failed on %r", event)

    # -- sessions ------------------------------------------------------------------------

    @property
    def live(self) -> SessionState:
        if self.state is None:
            raise NoSession("no session is open")
        return self.state

    def most_recent_session_id(self) -> str | None:
        for path in session_files(self.data_dir):
            return path.stem
        return None

    async def open_session(self, session_id: str) -> SessionState:
        """Make a stored session the live one (raises ``CorruptDataFile`` without writing,
        ``SessionInUse`` when another app has it open)."""
        if self.state is not None and self.state.info.id == session_id:
            return self.state
        store = self._new_store(session_path(self.data_dir, session_id))
        store.open()
        try:
            state = load_state(store)
        except NoSession:
            store.release()
            raise
        await self._switch(store, state)
        return state

    async def create_session(
        self, title: str, follow_up_prompts: Sequence[str] = ()
    ) -> SessionState:
        """A new session with ``title`` as focus question (the first prompt) and, from a
        method, the prompts that follow it; the focus question stays active."""
        title = _focus_question(title)
        prompts = [Prompt(id="p1", text=title)]
        for number, text in enumerate(follow_up_prompts, start=2):
            prompts.append(Prompt(id=f"p{number}", text=_focus_question(text)))
        now = self.wall_clock()
        info = SessionInfo(
            id=new_session_id(),
            title=title,
            join_code=new_join_code(),
            form_token=secrets.token_urlsafe(16),
            created_at=now,
            changed_at=now,
            prompts=prompts,
            active_prompt_id="p1",
        )
        store = self._new_store(session_path(self.data_dir, info.id))
        store.open()
        store.put("session", 1, info.to_doc())
        await store.commit()
        await self._switch(store, SessionState(info=info))
        return self.live

    async def _switch(self, store: SessionStore, state: SessionState) -> None:
        if self.store is not None:
            await self.store.close()
        self.store, self.state = store, state
        self._unsaved_cards.clear()
        self._card_saves.clear()
        self.phones.clear()
        for feature in self.features:
            feature.load(store.documents)
        # The session's records live as long as the process: keep them out of the garbage
        # collector's full passes, which otherwise stall the loop for ~100 ms in a big session.
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)
        self.publish(SessionOpened(state.info.id))

    async def close(self) -> None:
        if self.store is not None:
            await self.store.close()

    def _new_store(self, path: Path) -> SessionStore:
        store = SessionStore(
            path, disk=self.disk, max_pending=self.max_pending_writes, exclusive=True
        )
        store.on_write_failed = lambda failure: self._write_failed(failure, store)
        return store

    def _write_failed(self, failure: StoreWriteFailed, store: SessionStore) -> None:
        """Memory goes back to what is on disk, and every view hears about it."""
        log.error("write failed: %s", failure)
        self.disk_problem = str(failure)
        if store is not self.store:  # a session being created or opened: nothing to undo
            self.publish(DiskProblem(self.disk_problem))
            return
        self.state = load_state(self.store)
        self._unsaved_cards.clear()
        for feature in self.features:
            feature.load(self.store.documents)
        self.disk_problem = str(failure)
        self.publish(DiskProblem(self.disk_problem))
        self.publish(StateReloaded())

    async def _persist(self) -> None:
        assert self.store is not None
        await self.store.commit()
        if self.disk_problem is not None:
            self.disk_problem = None
            self.publish(DiskProblem(None))

    def _touch(self) -> None:
        info = self.live.info
        info.changed_at = self.wall_clock()
        assert self.store is not None
        self.store.put_latest("session", 1, info.to_doc)

    # -- the path of every change, for features too ---------------------------------------

    def begin_change(self) -> SessionState:
        """Check that a change can be taken now (a session is open, the disk keeps up)."""
        state = self.live
        self._check_capacity()
        return state

    def put(self, table: str, key: str | int, doc: dict[str, Any]) -> None:
        """Queue a document of the live session for the next write."""
        assert self.store is not None
        self.store.put(table, key, doc)

    def remove(self, table: str, key: str | int) -> None:
        assert self.store is not None
        self.store.remove(table, key)

    async def commit(self, *events: object) -> None:
        """Make the queued change durable, then publish ``events``."""
        self._touch()
        await self._persist()
        for event in events:
            self.publish(event)

    def participant_view(self, participant_id: str) -> dict[str, Any]:
        """What the features add to a phone's view of the session."""
        view: dict[str, Any] = {}
        for feature in self.features:
            view.update(feature.participant_view(participant_id))
        return view

    def session_for_code(self, code: str) -> SessionState | None:
        if self.state is None:
            return None
        if normalise_join_code(code) != self.state.info.join_code:
            return None
        return self.state

    # -- commands ------------------------------------------------------------------------

    async def set_title(self, title: str) -> None:
        """Change the focus question (also the first prompt's text)."""
        info = self.live.info
        title = _focus_question(title)
        self._check_capacity()
        info.title = title
        info.prompts[0].text = title
        self._touch()
        await self._persist()
        self.publish(SessionChanged(info))

    async def submit_card(
        self,
        raw_text: object,
        *,
        source: CardSource,
        author: object = None,
        participant_id: str | None = None,
        card_id: object = None,
    ) -> tuple[Card, bool]:
        """Store a card; returns it and whether it is new (a replayed id returns the first)."""
        state = self.live
        clean_id = _card_id(card_id)
        if clean_id in state.cards and clean_id not in self._unsaved_cards:
            return state.cards[clean_id], False
        pending = self._card_saves.get(clean_id)
        if pending is not None:
            await asyncio.shield(pending)
            return self.live.cards[clean_id], False
        try:
            text = text_rules.card_text(raw_text)
            nickname = text_rules.nickname(author)
        except text_rules.TextRejected as rejected:
            raise CardRejected(rejected.key, **rejected.params) from None
        self._check_capacity()
        assert self.store is not None
        if participant_id is not None:
            given = author is not None
            nickname = self._remember_participant(participant_id, nickname, given=given)
        card = Card(
            id=clean_id,
            number=self._next_card_number(),
            text=text,
            source=source,
            prompt_id=state.info.active_prompt_id,
            created_at=self.wall_clock(),
            author=nickname,
            participant_id=participant_id,
            **(self._card_tags(participant_id) if participant_id is not None else {}),
        )
        state.cards[card.id] = card
        self._unsaved_cards.add(card.id)
        self._index_card(card)
        self.store.put("cards", card.number, card.to_doc())
        self._touch()
        save = asyncio.ensure_future(self._persist())
        self._card_saves[card.id] = save
        try:
            await asyncio.shield(save)
        finally:
            self._card_saves.pop(card.id, None)
        self._unsaved_cards.discard(card.id)
        self.publish(CardAdded(card))
        return card, True

    def _card_tags(self, participant_id: str) -> dict[str, Any]:
        tags: dict[str, Any] = {}
        for feature in self.features:
            tags.update(feature.card_tags(participant_id))
        return {key: value for key, value in tags.items() if key in CARD_TAG_FIELDS}

    def _remember_participant(
        self, participant_id: str, nickname: str | None, *, given: bool
    ) -> str | None:
        """The phone's nickname for its card: one given is remembered (a blank one forgets it);
        without one, the remembered one, so the name is asked only once."""
        state = self.live
        assert self.store is not None
        participant = state.participants.get(participant_id)
        if participant is None:
            participant = Participant(
                id=participant_id, number=state.next_participant_number(), nickname=nickname
            )
        elif not given or nickname == participant.nickname:
            return participant.nickname
        else:
            participant.nickname = nickname
        state.participants[participant_id] = participant
        self.store.put("participants", participant.number, participant.to_doc())
        return participant.nickname

    async def withdraw_card(self, card_id: str, participant_id: str) -> Card:
        """The phone that sent a card takes it back, while the facilitator has not grouped it.

        Nothing is deleted: the card is hidden and its history says it was withdrawn, so the
        complete export still holds it. Taking back twice answers the same card.
        """
        state = self.live
        card = state.cards.get(card_id)
        if card is None or card.participant_id != participant_id or card.id in self._unsaved_cards:
            raise CardRejected("error.card_not_yours")
        if is_withdrawn(card):
            return card
        if card.group_id is not None or card.merged_into is not None:
            raise CardRejected("error.card_grouped")
        self._check_capacity()
        card.hidden = True
        card.history.append(f"{WITHDRAWN_NOTE} {self.wall_clock()}")
        self.put("cards", card.number, card.to_doc())
        await self.commit(CardWithdrawn(card))
        return card

    def _check_capacity(self) -> None:
        assert self.store is not None
        self.store.check_capacity()

    # -- queries -------------------------------------------------------------------------

    def has_card(self, raw_id: object) -> bool:
        """Whether a client-made card id is already taken (a replay, not a new card)."""
        try:
            return self.state is not None and _card_id(raw_id) in self.state.cards
        except CardRejected:
            return False

    def _next_card_number(self) -> int:
        """``state.next_card_number()`` without scanning every card for every new one."""
        state = self.live
        known, count, highest = self._numbered
        if known is not state or count != len(state.cards):
            highest = max((card.number for card in state.cards.values()), default=0)
        # Right after this the new card is in ``state.cards``: one more, numbered highest + 1.
        self._numbered = (state, len(state.cards) + 1, highest + 1)
        return highest + 1

    def _index_card(self, card: Card) -> None:
        state, count = self._indexed
        if state is self.state and count == len(self.live.cards) - 1:
            self._card_order.append(card.id)
            self._cards_by_phone.setdefault(card.participant_id, []).append(card.id)
            self._indexed = (state, count + 1)

    def _index(self) -> SessionState:
        """Card ids in arrival order, and per phone: kept up to date as cards arrive, rebuilt
        when the state was replaced or changed another way (views ask for them constantly)."""
        state = self.live
        indexed_state, count = self._indexed
        if indexed_state is not state or count != len(state.cards):
            order = [card.id for card in state.cards_in_order()]
            by_phone: dict[str | None, list[str]] = {}
            for card_id in order:
                by_phone.setdefault(state.cards[card_id].participant_id, []).append(card_id)
            self._card_order, self._cards_by_phone = order, by_phone
            self._indexed = (state, len(state.cards))
        return state

    def _saved_cards_of(self, participant_id: str) -> list[Card]:
        cards = self._index().cards
        return [
            cards[i]
            for i in self._cards_by_phone.get(participant_id, ())
            if i in cards and i not in self._unsaved_cards
        ]

    def saved_cards(self) -> list[Card]:
        """Cards that are on disk, in arrival order: what a view may show."""
        cards = self._index().cards
        unsaved = self._unsaved_cards
        return [cards[i] for i in self._card_order if i in cards and i not in unsaved]

    def cards_for_room(self) -> list[Card]:
        """Saved cards that the room may see (hidden and merged-away cards left out)."""
        return [c for c in self.saved_cards() if not c.hidden and c.merged_into is None]

    def cards_of_participant(self, participant_id: str) -> list[Card]:
        """A phone's own cards, those it took back or the facilitator hid left out."""
        return [
            c
            for c in self._saved_cards_of(participant_id)
            if c.participant_id == participant_id and not c.hidden and not is_withdrawn(c)
        ]

    def phones_in_room(self) -> int:
        """Distinct phones seen in the last two minutes (with or without JavaScript)."""
        return self.phones.count()

    def people_who_sent(self) -> int:
        """Distinct phones that sent at least one card in this session."""
        cards = self._index().cards
        unsaved = self._unsaved_cards
        count = len(self._cards_by_phone) - (None in self._cards_by_phone)
        # Phones whose only cards are still being written do not count yet (rare, few).
        waiting = {cards[i].participant_id for i in unsaved if i in cards}
        for phone in waiting - {None}:
            if all(i in unsaved for i in self._cards_by_phone.get(phone, ())):
                count -= 1
        return count

    async def rotate_join_code(self) -> str:
        """A new join code, for when the old one leaked: old QR codes stop working at once."""
        info = self.live.info
        self._check_capacity()
        old = info.join_code
        while info.join_code == old:
            info.join_code = new_join_code()
        self._touch()
        await self._persist()
        self.publish(SessionChanged(info))
        return info.join_code


def _focus_question(raw: str) -> str:
    try:
        return text_rules.question_text(raw)
    except text_rules.TextRejected as refused:
        raise CardRejected(refused.key, **refused.params) from None


def _card_id(raw: object) -> str:
    """A client-made id must be a UUID; without one the server makes one."""
    if raw is None or raw == "":
        return str(uuid.uuid4())
    if not isinstance(raw, str):
        raise CardRejected("error.card_id_invalid")
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CardRejected("error.card_id_invalid") from None
