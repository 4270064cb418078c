"""The rules of the idea board: themes (groups), moving, merging, editing, hiding, undo.

Every board command is computed here as a ``BoardChange``: for each card the board fields it
changes (before and after), for each theme its document before and after. The hub feature
persists the change, then applies it to memory; undo applies the inverse. Nothing here touches
disk, the screen or the clock, so every rule is tested with plain asserts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cocreatie_tui.core import text as text_rules
from cocreatie_tui.core.cafe import cards_by_round, cards_by_table
from cocreatie_tui.core.model import Card, CardSource, Prompt

GROUP_NAME_MAX = 60
UNDO_DEPTH = 50
UNGROUPED = ""
"""The group filter value that means "cards without a theme"."""

BY_THEME, BY_TABLE, BY_ROUND = "theme", "table", "round"
GROUPINGS = (BY_THEME, BY_TABLE, BY_ROUND)
"""What the board's columns are: themes, world-café tables or world-café rounds."""

BOARD_FIELDS = ("text", "history", "hidden", "starred", "group_id", "merged_into")
"""The card fields the board owns; undo restores these and nothing else."""


class BoardRuleError(ValueError):
    """A board command is refused; ``key`` names the locale message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Group:
    """A theme on the board; ``position`` orders the columns (lower first)."""

    id: str
    name: str
    position: int

    def to_doc(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "position": self.position}

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Group:
        return cls(id=str(doc["id"]), name=str(doc["name"]), position=int(doc["position"]))


def groups_from_documents(table: Mapping[str, Mapping[str, Any]]) -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for doc in table.values():
        try:
            group = Group.from_doc(doc)
        except (KeyError, TypeError, ValueError):
            continue  # a damaged theme must not take the board down: its cards show ungrouped
        groups[group.id] = group
    return groups


def ordered_groups(groups: Iterable[Group]) -> list[Group]:
    return sorted(groups, key=lambda group: (group.position, group.id))


def stored_groups(documents: Mapping[str, Mapping[str, Any]]) -> list[Group]:
    """The themes of a data file's tables, in their order (for exports)."""
    return ordered_groups(groups_from_documents(documents.get("groups", {})).values())


def report_sections(
    cards: Sequence[Card], groups: Sequence[Group]
) -> list[tuple[Group | None, list[Card]]]:
    """The cards of a report by theme: the themes in their order, then those without one
    (left out when empty). Without themes, one section of every card."""
    by_group: dict[str | None, list[Card]] = {group.id: [] for group in groups}
    for card in cards:
        by_group.setdefault(card.group_id if card.group_id in by_group else None, []).append(card)
    sections: list[tuple[Group | None, list[Card]]] = [
        (group, by_group[group.id]) for group in groups if by_group[group.id]
    ]
    if by_group.get(None):
        sections.append((None, by_group[None]))
    return sections


# -- changes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardPatch:
    card_id: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]


@dataclass(frozen=True)
class GroupPatch:
    group_id: str
    before: Group | None
    after: Group | None


@dataclass(frozen=True)
class BoardChange:
    """What one board command changes; ``kind`` names it for the facilitator ("move", ...)."""

    kind: str
    cards: tuple[CardPatch, ...] = ()
    groups: tuple[GroupPatch, ...] = ()

    @property
    def card_ids(self) -> frozenset[str]:
        return frozenset(patch.card_id for patch in self.cards)

    @property
    def is_empty(self) -> bool:
        return not self.cards and not self.groups

    def inverse(self) -> BoardChange:
        return BoardChange(
            self.kind,
            tuple(CardPatch(p.card_id, p.after, p.before) for p in self.cards),
            tuple(GroupPatch(p.group_id, p.after, p.before) for p in self.groups),
        )


def card_doc_after(card: Card, patch: CardPatch) -> dict[str, Any]:
    """The card's document with the patch applied (what the store must hold)."""
    doc = card.to_doc()
    doc.update(copy.deepcopy(dict(patch.after)))
    return doc


def apply_change(
    cards: Mapping[str, Card], groups: MutableMapping[str, Group], change: BoardChange
) -> None:
    """Make memory match a change that is on disk."""
    for patch in change.cards:
        card = cards.get(patch.card_id)
        if card is None:
            continue
        for name, value in patch.after.items():
            setattr(card, name, copy.deepcopy(value))
    for group_patch in change.groups:
        if group_patch.after is None:
            groups.pop(group_patch.group_id, None)
        else:
            groups[group_patch.group_id] = group_patch.after


def _card(cards: Mapping[str, Card], card_id: str) -> Card:
    card = cards.get(card_id)
    if card is None:
        raise BoardRuleError("board.error.no_card")
    return card


def _patch(card: Card, **after: Any) -> CardPatch | None:
    before = {name: copy.deepcopy(getattr(card, name)) for name in after}
    changed = {name: value for name, value in after.items() if before[name] != value}
    if not changed:
        return None
    return CardPatch(card.id, {name: before[name] for name in changed}, changed)


def _patches(*patches: CardPatch | None) -> tuple[CardPatch, ...]:
    return tuple(patch for patch in patches if patch is not None)


def merged_into(cards: Mapping[str, Card], target_id: str) -> list[Card]:
    """The cards merged into ``target_id``, in arrival order."""
    found = [card for card in cards.values() if card.merged_into == target_id]
    return sorted(found, key=lambda card: card.number)


# -- card commands --------------------------------------------------------------------------


def move_card(
    cards: Mapping[str, Card],
    groups: Mapping[str, Group],
    card_id: str,
    group_id: str | None,
) -> BoardChange:
    """Put a card (and the cards merged into it) in a theme; ``None`` means no theme."""
    card = _card(cards, card_id)
    if group_id is not None and group_id not in groups:
        raise BoardRuleError("board.error.no_group")
    moved = [card, *merged_into(cards, card.id)]
    return BoardChange("move", _patches(*(_patch(c, group_id=group_id) for c in moved)))


def merge_cards(cards: Mapping[str, Card], source_id: str, target_id: str) -> BoardChange:
    """Show ``source`` as part of ``target``: both texts are kept, one card is shown."""
    source = _card(cards, source_id)
    target = _card(cards, target_id)
    if source.id == target.id:
        raise BoardRuleError("board.error.merge_same")
    if source.merged_into is not None or target.merged_into is not None:
        raise BoardRuleError("board.error.merge_gone")
    followers = merged_into(cards, source.id)
    patches = [
        _patch(source, merged_into=target.id, group_id=target.group_id),
        *(_patch(c, merged_into=target.id, group_id=target.group_id) for c in followers),
    ]
    if source.starred and not target.starred:
        patches.append(_patch(target, starred=True))
    return BoardChange("merge", _patches(*patches))


def split_card(cards: Mapping[str, Card], card_id: str) -> BoardChange:
    """Show the cards merged into this one as separate cards again (in its theme)."""
    card = _card(cards, card_id)
    followers = merged_into(cards, card.id)
    if not followers:
        raise BoardRuleError("board.error.nothing_to_split")
    return BoardChange(
        "split", _patches(*(_patch(c, merged_into=None, group_id=card.group_id) for c in followers))
    )


def edit_card(cards: Mapping[str, Card], card_id: str, raw_text: object) -> BoardChange:
    """New text for a card; the text it had goes to its history, so nothing is lost."""
    card = _card(cards, card_id)
    try:
        new_text = text_rules.card_text(raw_text)
    except text_rules.TextRejected as rejected:
        raise BoardRuleError(rejected.key, **rejected.params) from None
    if new_text == card.text:
        return BoardChange("edit")
    return BoardChange(
        "edit", _patches(_patch(card, text=new_text, history=[*card.history, card.text]))
    )


def set_hidden(cards: Mapping[str, Card], card_id: str, hidden: bool) -> BoardChange:
    """Moderation: a hidden card leaves the room's view and the phones; it is never deleted."""
    card = _card(cards, card_id)
    return BoardChange("hide" if hidden else "show", _patches(_patch(card, hidden=hidden)))


def set_starred(cards: Mapping[str, Card], card_id: str, starred: bool) -> BoardChange:
    card = _card(cards, card_id)
    return BoardChange("star" if starred else "unstar", _patches(_patch(card, starred=starred)))


# -- theme commands -------------------------------------------------------------------------


def group_name(raw: object) -> str:
    if not isinstance(raw, str):
        raise BoardRuleError("board.error.group_name_empty")
    name = text_rules.clean_text(raw, keep_newlines=False)
    if not name:
        raise BoardRuleError("board.error.group_name_empty")
    if len(name) > GROUP_NAME_MAX:
        raise BoardRuleError("board.error.group_name_too_long", limit=GROUP_NAME_MAX)
    return name


def create_group(
    groups: Mapping[str, Group],
    group_id: str,
    raw_name: object,
    *,
    cards: Mapping[str, Card] | None = None,
    card_id: str | None = None,
) -> BoardChange:
    """A new theme after the others; with ``card_id`` that card moves into it at once."""
    if group_id in groups:
        raise BoardRuleError("board.error.group_exists")
    name = group_name(raw_name)
    position = max((g.position for g in groups.values()), default=0) + 1
    group = Group(group_id, name, position)
    card_patches: tuple[CardPatch, ...] = ()
    if card_id is not None and cards is not None:
        card = _card(cards, card_id)
        moved = [card, *merged_into(cards, card.id)]
        card_patches = _patches(*(_patch(c, group_id=group_id) for c in moved))
    return BoardChange("group_new", card_patches, (GroupPatch(group_id, None, group),))


def _group(groups: Mapping[str, Group], group_id: str) -> Group:
    group = groups.get(group_id)
    if group is None:
        raise BoardRuleError("board.error.no_group")
    return group


def rename_group(groups: Mapping[str, Group], group_id: str, raw_name: object) -> BoardChange:
    group = _group(groups, group_id)
    name = group_name(raw_name)
    if name == group.name:
        return BoardChange("group_rename")
    renamed = Group(group.id, name, group.position)
    return BoardChange("group_rename", groups=(GroupPatch(group.id, group, renamed),))


def move_group(groups: Mapping[str, Group], group_id: str, steps: int) -> BoardChange:
    """Move a theme left (negative) or right (positive) among the others."""
    group = _group(groups, group_id)
    order = ordered_groups(groups.values())
    index = order.index(group)
    new_index = max(0, min(len(order) - 1, index + steps))
    if new_index == index:
        return BoardChange("group_move")
    order.insert(new_index, order.pop(index))
    patches = []
    for position, member in enumerate(order, start=1):
        if member.position != position:
            patches.append(GroupPatch(member.id, member, Group(member.id, member.name, position)))
    return BoardChange("group_move", groups=tuple(patches))


def delete_group(
    groups: Mapping[str, Group], cards: Mapping[str, Card], group_id: str
) -> BoardChange:
    """Remove a theme; its cards go back to "no theme" (undo brings both back)."""
    group = _group(groups, group_id)
    members = sorted(
        (card for card in cards.values() if card.group_id == group_id), key=lambda c: c.number
    )
    return BoardChange(
        "group_delete",
        _patches(*(_patch(card, group_id=None) for card in members)),
        (GroupPatch(group.id, group, None),),
    )


# -- undo -----------------------------------------------------------------------------------


@dataclass
class UndoHistory:
    """The board changes that can be undone, newest last."""

    depth: int = UNDO_DEPTH
    changes: list[BoardChange] = field(default_factory=list)

    def push(self, change: BoardChange) -> None:
        if change.is_empty:
            return
        self.changes.append(change)
        del self.changes[: -self.depth]

    def peek(self) -> BoardChange | None:
        return self.changes[-1] if self.changes else None

    def pop(self) -> BoardChange | None:
        return self.changes.pop() if self.changes else None

    def clear(self) -> None:
        self.changes.clear()

    def __len__(self) -> int:
        return len(self.changes)


# -- prompts --------------------------------------------------------------------------------


def prompt_text(raw: object) -> str:
    try:
        return text_rules.question_text(raw)
    except text_rules.TextRejected as rejected:
        raise BoardRuleError(rejected.key, **rejected.params) from None


def next_prompt_id(prompts: Sequence[Prompt]) -> str:
    """``p1``, ``p2``...: prompts are never deleted, so an id is never reused."""
    numbers = [int(p.id[1:]) for p in prompts if p.id[:1] == "p" and p.id[1:].isdigit()]
    candidate = max(numbers, default=0) + 1
    taken = {p.id for p in prompts}
    while f"p{candidate}" in taken:
        candidate += 1
    return f"p{candidate}"


# -- what the board shows -------------------------------------------------------------------


@dataclass(frozen=True)
class BoardFilter:
    """What the facilitator narrowed the board to; the default shows everything."""

    text: str = ""
    group_id: str | None = None  # None: every theme; UNGROUPED: cards without one
    source: CardSource | None = None
    starred_only: bool = False
    prompt_id: str | None = None  # None: every prompt
    show_hidden: bool = True

    @property
    def narrows(self) -> bool:
        """True when the facilitator chose to see fewer cards (the prompt scope aside)."""
        return bool(
            self.text.strip() or self.group_id is not None or self.source or self.starred_only
        )

    def matches(self, card: Card, followers: Sequence[Card] = ()) -> bool:
        if card.hidden and not self.show_hidden:
            return False
        if self.prompt_id is not None and card.prompt_id != self.prompt_id:
            return False
        if self.group_id is not None and (card.group_id or UNGROUPED) != self.group_id:
            return False
        if self.source is not None and card.source is not self.source:
            return False
        if self.starred_only and not card.starred:
            return False
        needle = self.text.strip().casefold()
        if needle:
            haystack = [card.text, card.author or "", *(f.text for f in followers)]
            return any(needle in part.casefold() for part in haystack)
        return True


@dataclass(frozen=True)
class BoardSection:
    """One column or lane: the cards of a theme (``group`` None: without a theme), or, when
    the board groups by world-café table or round, of one table or round (``place``)."""

    group: Group | None
    cards: tuple[Card, ...]
    place: str | None = None

    @property
    def key(self) -> str:
        if self.place is not None:
            return self.place
        return self.group.id if self.group is not None else UNGROUPED


def followers_by_target(cards: Iterable[Card]) -> dict[str, list[Card]]:
    """For each shown card, the cards merged into it (in arrival order)."""
    by_target: dict[str, list[Card]] = {}
    for card in cards:
        if card.merged_into is not None:
            by_target.setdefault(card.merged_into, []).append(card)
    for followers in by_target.values():
        followers.sort(key=lambda card: card.number)
    return by_target


def board_sections(
    cards_in_order: Sequence[Card],
    groups: Iterable[Group],
    board_filter: BoardFilter = BoardFilter(),
    followers: Mapping[str, Sequence[Card]] | None = None,
) -> list[BoardSection]:
    """The sections to show: "no theme" first, then the themes in their order.

    A card merged into another is shown inside it, not on its own; a card whose theme is
    missing (a damaged file) shows without a theme rather than vanish.
    """
    ordered = ordered_groups(groups)
    known = {group.id for group in ordered}
    if followers is None:
        followers = followers_by_target(cards_in_order)
    ids = {card.id for card in cards_in_order}
    by_key: dict[str, list[Card]] = {UNGROUPED: []}
    for group in ordered:
        by_key[group.id] = []
    for card in cards_in_order:
        if card.merged_into is not None and card.merged_into in ids:
            continue
        if not board_filter.matches(card, followers.get(card.id, ())):
            continue
        key = card.group_id if card.group_id in known else UNGROUPED
        by_key[key].append(card)
    sections = [BoardSection(None, tuple(by_key[UNGROUPED]))]
    sections += [BoardSection(group, tuple(by_key[group.id])) for group in ordered]
    if board_filter.group_id is not None:
        sections = [s for s in sections if s.key == board_filter.group_id]
    return sections


def place_key(grouping: str, number: int | None) -> str:
    """The section key of a café table or round ("table:3"); "table:-" for cards sent outside
    the café."""
    return f"{grouping}:{'-' if number is None else number}"


def place_of(card: Card, grouping: str) -> str:
    return place_key(grouping, card.table if grouping == BY_TABLE else card.round)


def cafe_sections(
    cards_in_order: Sequence[Card],
    grouping: str,
    board_filter: BoardFilter = BoardFilter(),
    followers: Mapping[str, Sequence[Card]] | None = None,
) -> list[BoardSection]:
    """The sections when the board groups by world-café table (``BY_TABLE``) or round
    (``BY_ROUND``): one per table or round that has cards, in their order, then the cards sent
    outside the café. The cards shown are those ``board_sections`` shows, merged ones inside
    the card they joined."""
    if followers is None:
        followers = followers_by_target(cards_in_order)
    ids = {card.id for card in cards_in_order}
    shown = [
        card
        for card in cards_in_order
        if (card.merged_into is None or card.merged_into not in ids)
        and board_filter.matches(card, followers.get(card.id, ()))
    ]
    grouped = cards_by_table(shown) if grouping == BY_TABLE else cards_by_round(shown)
    sections = [
        BoardSection(None, tuple(cards), place=place_key(grouping, number))
        for number, cards in grouped.items()
    ]
    return sections or [BoardSection(None, (), place=place_key(grouping, None))]
