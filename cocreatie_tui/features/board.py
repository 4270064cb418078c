"""The board as hub commands: themes, moving, merging, editing, hiding, starring, prompts, undo.

Each command is computed by ``core.board``, written through the hub (``begin_change``, ``put``,
``commit``) and only then applied to memory and announced with ``BoardChanged``: the board
never shows a change that is not on disk. Themes are documents in the ``groups`` table; card
flags are re-put card documents; prompts live in the session document.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cocreatie_tui.core import board as rules
from cocreatie_tui.core.board import (
    BoardChange,
    BoardRuleError,
    CardPatch,
    Group,
    UndoHistory,
)
from cocreatie_tui.core.model import Card, Prompt
from cocreatie_tui.events import SessionChanged
from cocreatie_tui.factory import FEATURES
from cocreatie_tui.hub import CardRejected, Hub, HubFeature, is_withdrawn
from cocreatie_tui.store import Documents

GROUPS_TABLE = "groups"

Compute = Callable[[Mapping[str, Card]], BoardChange]


@dataclass(frozen=True)
class BoardChanged:
    """A board change is on disk; ``undone`` when it was the inverse of an earlier one."""

    change: BoardChange
    undone: bool = False


class BoardFeature(HubFeature):
    def __init__(self, hub: Hub) -> None:
        super().__init__(hub)
        self.groups: dict[str, Group] = {}
        self.history = UndoHistory()
        self._session_id: str | None = None
        # Board commands change existing documents and apply to memory after the write;
        # taking them one at a time keeps each one computed from what is on disk.
        self._one_at_a_time = asyncio.Lock()

    def load(self, documents: Documents) -> None:
        self.groups = rules.groups_from_documents(documents.get(GROUPS_TABLE, {}))
        session_id = str(documents.get("session", {}).get("1", {}).get("id", ""))
        if session_id != self._session_id:
            # Another session: its undo history is not ours. After a failed write the
            # history stays, because only changes that reached the disk are in it.
            self.history.clear()
            self._session_id = session_id

    def ordered_groups(self) -> list[Group]:
        return rules.ordered_groups(self.groups.values())

    # -- the path of every board change --------------------------------------------------

    async def _apply(self, compute: Compute, *, undoable: bool = True) -> BoardChange:
        async with self._one_at_a_time:
            state = self.hub.begin_change()
            try:
                change = compute(state.cards)
            except BoardRuleError as refused:
                raise CardRejected(refused.key, **refused.params) from None
            if change.is_empty:
                return change
            await self._write(change)
            if undoable:
                self.history.push(change)
            self.hub.publish(BoardChanged(change))
            return change

    async def _write(self, change: BoardChange) -> None:
        cards = self.hub.live.cards
        for patch in change.cards:
            card = cards[patch.card_id]
            self.hub.put("cards", card.number, rules.card_doc_after(card, patch))
        for group_patch in change.groups:
            if group_patch.after is None:
                self.hub.remove(GROUPS_TABLE, group_patch.group_id)
            else:
                self.hub.put(GROUPS_TABLE, group_patch.group_id, group_patch.after.to_doc())
        await self.hub.commit()
        rules.apply_change(self.hub.live.cards, self.groups, change)

    # -- cards ---------------------------------------------------------------------------

    async def move_card(self, card_id: str, group_id: str | None) -> BoardChange:
        return await self._apply(
            lambda cards: rules.move_card(cards, self.groups, card_id, group_id)
        )

    async def merge_cards(self, source_id: str, target_id: str) -> BoardChange:
        return await self._apply(lambda cards: rules.merge_cards(cards, source_id, target_id))

    async def split_card(self, card_id: str) -> BoardChange:
        return await self._apply(lambda cards: rules.split_card(cards, card_id))

    async def edit_card(self, card_id: str, text: object) -> BoardChange:
        return await self._apply(lambda cards: rules.edit_card(cards, card_id, text))

    async def set_hidden(self, card_id: str, hidden: bool) -> BoardChange:
        return await self._apply(lambda cards: self._hide(cards, card_id, hidden))

    async def toggle_hidden(self, card_id: str) -> BoardChange:
        return await self._apply(
            lambda cards: self._hide(cards, card_id, not _hidden(cards, card_id))
        )

    def _hide(self, cards: Mapping[str, Card], card_id: str, hidden: bool) -> BoardChange:
        """A card its sender took back stays hidden: the facilitator cannot show it again."""
        card = cards.get(card_id)
        if card is not None and not hidden and is_withdrawn(card):
            raise BoardRuleError("board.error.withdrawn")
        return rules.set_hidden(cards, card_id, hidden)

    async def toggle_starred(self, card_id: str) -> BoardChange:
        return await self._apply(
            lambda cards: rules.set_starred(cards, card_id, not _starred(cards, card_id))
        )

    # -- themes --------------------------------------------------------------------------

    async def create_group(self, name: object, *, card_id: str | None = None) -> Group:
        group_id = "g" + uuid.uuid4().hex[:8]
        await self._apply(
            lambda cards: rules.create_group(
                self.groups, group_id, name, cards=cards, card_id=card_id
            )
        )
        return self.groups[group_id]

    async def rename_group(self, group_id: str, name: object) -> BoardChange:
        return await self._apply(lambda _: rules.rename_group(self.groups, group_id, name))

    async def move_group(self, group_id: str, steps: int) -> BoardChange:
        return await self._apply(lambda _: rules.move_group(self.groups, group_id, steps))

    async def delete_group(self, group_id: str) -> BoardChange:
        return await self._apply(lambda cards: rules.delete_group(self.groups, cards, group_id))

    # -- undo ----------------------------------------------------------------------------

    async def undo(self) -> BoardChange | None:
        """Undo the newest board change; ``None`` when there is nothing to undo."""
        async with self._one_at_a_time:
            self.hub.begin_change()
            change = self.history.peek()
            if change is None:
                return None
            inverse = _keep_withdrawn_hidden(change.inverse(), self.hub.live.cards)
            await self._write(inverse)
            self.history.pop()
            self.hub.publish(BoardChanged(inverse, undone=True))
            return inverse

    # -- prompts (the questions put to the room) -----------------------------------------

    async def add_prompt(self, text: object, *, activate: bool = True) -> Prompt:
        async with self._one_at_a_time:
            info = self.hub.begin_change().info
            prompt = Prompt(rules.next_prompt_id(info.prompts), _prompt_text(text))
            info.prompts.append(prompt)
            if activate:
                info.active_prompt_id = prompt.id
            await self.hub.commit(SessionChanged(info))
            return prompt

    async def edit_prompt(self, prompt_id: str, text: object) -> None:
        """New wording for a prompt; the first prompt is the focus question, so both change."""
        async with self._one_at_a_time:
            info = self.hub.begin_change().info
            prompt = _prompt(info.prompts, prompt_id)
            new_text = _prompt_text(text)
            prompt.text = new_text
            if prompt is info.prompts[0]:
                info.title = new_text
            await self.hub.commit(SessionChanged(info))

    async def activate_prompt(self, prompt_id: str) -> None:
        """Phones show this prompt from now on, and new cards answer it."""
        async with self._one_at_a_time:
            info = self.hub.begin_change().info
            _prompt(info.prompts, prompt_id)
            if info.active_prompt_id == prompt_id:
                return
            info.active_prompt_id = prompt_id
            await self.hub.commit(SessionChanged(info))


def _hidden(cards: Mapping[str, Card], card_id: str) -> bool:
    card = cards.get(card_id)
    return bool(card and card.hidden)


def _starred(cards: Mapping[str, Card], card_id: str) -> bool:
    card = cards.get(card_id)
    return bool(card and card.starred)


def _keep_withdrawn_hidden(change: BoardChange, cards: Mapping[str, Card]) -> BoardChange:
    """Undo never shows a card again that its sender took back in the meantime."""
    patches = []
    for patch in change.cards:
        card = cards.get(patch.card_id)
        if card is not None and patch.after.get("hidden") is False and is_withdrawn(card):
            after = {k: v for k, v in patch.after.items() if k != "hidden"}
            before = {k: v for k, v in patch.before.items() if k != "hidden"}
            if not after:
                continue
            patch = CardPatch(patch.card_id, before, after)
        patches.append(patch)
    return BoardChange(change.kind, tuple(patches), change.groups)


def _prompt(prompts: Sequence[Prompt], prompt_id: str) -> Prompt:
    for prompt in prompts:
        if prompt.id == prompt_id:
            return prompt
    raise CardRejected("board.error.no_prompt")


def _prompt_text(raw: object) -> str:
    try:
        return rules.prompt_text(raw)
    except BoardRuleError as refused:
        raise CardRejected(refused.key, **refused.params) from None


def board_of(hub: Hub) -> BoardFeature:
    """The board feature of a hub (made by ``factory.make_hub``)."""
    return hub.feature(BoardFeature)


FEATURES.append(BoardFeature)
