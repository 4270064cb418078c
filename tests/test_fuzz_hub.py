"""Property-based fuzzing of hub commands: random sequences of cards (with hostile text, replays
and bad ids), take-backs, title changes, code rotations and, when the board feature is there,
board changes. Nothing crashes, refusals are ``CardRejected`` only, and the model's invariants
hold: every acknowledged card stays, replays return the first card, stored text obeys the text
rules, and the data file always holds exactly what the hub holds.

CI runs 500 sequences; ``bench/fuzz.py`` runs many more.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import unicodedata
import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    precondition,
    rule,
)

from cocreatie_tui.core.model import CardSource, SessionState
from cocreatie_tui.core.text import BIDI_CONTROLS, CARD_TEXT_MAX
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import CardRejected, Hub
from cocreatie_tui.store import DiskOps, read_documents, session_path
from tests.hostile import HOSTILE_TEXTS, STRIPPED_TEXTS

EXAMPLES = int(os.environ.get("COCREATIE_FUZZ_EXAMPLES", "500"))
PHONES = ["a" * 22, "b" * 22, "c" * 22]


class NoFsyncDisk(DiskOps):
    """Real files without the fsyncs: durability is proven elsewhere, here we want speed."""

    def fsync_file(self, path: Path) -> None:
        pass

    def fsync_dir(self, path: Path) -> None:
        pass


texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS + list(STRIPPED_TEXTS)),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=490, max_size=520),
    st.sampled_from(["", "   ", "\n\n", "\x00", "\u202e"]),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)
names = st.one_of(st.none(), st.text(max_size=45), st.sampled_from(["", "  ", "[b]x[/b]"]))
raw_ids = st.one_of(
    st.none(),
    st.uuids().map(str),
    st.sampled_from(["not-a-uuid", "", "../x", 5]),
)


def follows_text_rules(text: str) -> bool:
    return (
        0 < len(text) <= CARD_TEXT_MAX
        and text == text.strip()
        and unicodedata.normalize("NFC", text) == text
        and not any(ch in BIDI_CONTROLS for ch in text)
        and not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in text)
    )


class HubCommands(RuleBasedStateMachine):
    cards = Bundle("cards")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.folder = Path(tempfile.mkdtemp(prefix="cocreatie-fuzz-"))
        self.hub: Hub = make_hub(self.folder, disk=NoFsyncDisk())
        self.run(self.hub.create_session("Fuzz"))
        self.acknowledged: dict[str, str] = {}  # card id -> text as first stored
        self.owner: dict[str, str] = {}
        self.board = next((f for f in self.hub.features if hasattr(f, "move_card")), None)

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    def teardown(self) -> None:
        try:
            self.check_disk_matches_memory()
        finally:
            self.run(self.hub.close())
            self.loop.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    @initialize()
    def start(self) -> None:
        assert self.hub.live.info.title == "Fuzz"

    # -- commands ------------------------------------------------------------------------

    @rule(target=cards, text=texts, author=names, phone=st.sampled_from(PHONES), raw=raw_ids)
    def submit(self, text: object, author: object, phone: str, raw: object) -> str:
        try:
            card, created = self.run(
                self.hub.submit_card(
                    text, source=CardSource.PHONE, author=author, participant_id=phone, card_id=raw
                )
            )
        except CardRejected:
            if isinstance(raw, str) and raw in self.acknowledged:
                raise AssertionError("a replay of a stored id was refused") from None
            return "missing-" + str(uuid.uuid4())
        if card.id in self.acknowledged:
            assert not created and card.text == self.acknowledged[card.id]
        else:
            assert created and isinstance(text, str)
            self.acknowledged[card.id] = card.text
            self.owner[card.id] = phone
        return card.id

    @rule(card_id=cards)
    def replay(self, card_id: str) -> None:
        if card_id not in self.acknowledged:
            return
        card, created = self.run(
            self.hub.submit_card("anders", source=CardSource.PHONE, card_id=card_id.upper())
        )
        assert not created and card.text == self.acknowledged[card_id]

    @rule(card_id=cards, phone=st.sampled_from(PHONES))
    def take_back(self, card_id: str, phone: str) -> None:
        try:
            card = self.run(self.hub.withdraw_card(card_id, phone))
        except CardRejected:
            return
        assert self.owner.get(card_id) == phone and card.hidden

    @rule(title=texts)
    def retitle(self, title: object) -> None:
        try:
            self.run(self.hub.set_title(title))  # type: ignore[arg-type]
        except (CardRejected, TypeError, AttributeError):
            # A title comes from the facilitator's own input field, always a str; other types
            # may be refused any way, as long as nothing changed.
            pass
        assert follows_text_rules(self.hub.live.info.title)

    @rule()
    def rotate(self) -> None:
        old = self.hub.live.info.join_code
        new = self.run(self.hub.rotate_join_code())
        assert new != old
        assert self.hub.session_for_code(old) is None
        assert self.hub.session_for_code(new.lower()) is not None

    @precondition(lambda self: self.board is not None)
    @rule(card_id=cards, target_card=cards, name=names, which=st.integers(0, 7))
    def board_change(self, card_id: str, target_card: str, name: object, which: int) -> None:
        board = self.board
        groups = [g.id for g in board.ordered_groups()]  # type: ignore[union-attr]
        commands = [
            lambda: board.toggle_hidden(card_id),  # type: ignore[union-attr]
            lambda: board.toggle_starred(card_id),  # type: ignore[union-attr]
            lambda: board.merge_cards(card_id, target_card),  # type: ignore[union-attr]
            lambda: board.split_card(card_id),  # type: ignore[union-attr]
            lambda: board.create_group(name, card_id=card_id),  # type: ignore[union-attr]
            lambda: board.move_card(card_id, groups[0] if groups else None),  # type: ignore[union-attr]
            lambda: board.edit_card(card_id, name),  # type: ignore[union-attr]
            lambda: board.undo(),  # type: ignore[union-attr]
        ]
        try:
            self.run(commands[which]())
        except CardRejected:
            pass
        current = self.hub.live.cards.get(card_id)
        if current is not None and card_id in self.acknowledged:
            self.acknowledged[card_id] = current.text  # the facilitator may edit a card

    @rule(card_id=consumes(cards))
    def forget(self, card_id: str) -> None:
        """Keeps the bundle small so replays and board changes hit recent cards."""

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def acknowledged_cards_stay(self) -> None:
        cards = self.hub.live.cards
        missing = set(self.acknowledged) - set(cards)
        assert not missing, "an acknowledged card disappeared"
        numbers = [c.number for c in cards.values()]
        assert len(numbers) == len(set(numbers))
        for card in cards.values():
            assert follows_text_rules(card.text), card.text
        assert not self.hub._unsaved_cards  # nothing half done between commands
        # The hub's indexes (arrival order, cards per phone) agree with a plain scan.
        in_order = self.hub.live.cards_in_order()
        assert self.hub.saved_cards() == in_order
        senders = {c.participant_id for c in in_order if c.participant_id}
        assert self.hub.people_who_sent() == len(senders)
        for phone in PHONES:
            mine = [c for c in in_order if c.participant_id == phone]
            assert self.hub._saved_cards_of(phone) == mine

    def check_disk_matches_memory(self) -> None:
        # Read the file as a restarted app would (the live app holds the session's lock).
        path = session_path(self.folder, self.hub.live.info.id)
        again = SessionState.from_documents(read_documents(path))
        assert again.info == self.hub.live.info
        assert again.cards == self.hub.live.cards
        assert again.participants == self.hub.live.participants


HubCommands.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_hub_commands = HubCommands.TestCase
