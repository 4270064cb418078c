"""How one card looks on the board: its lines at a given width, and the titles of themes.

Participant text (cards, nicknames, merged texts) is always plain ``Content``, never markup;
styles are added as spans around it, so ``[@click=app.quit]`` in a card stays text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rich._wrap import divide_line
from rich.cells import cell_len
from textual.content import Content
from textual.style import Style

from cocreatie_tui.core.board import BoardSection
from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.hub import WITHDRAWN_NOTE
from cocreatie_tui.i18n import Translator

StyleOf = Callable[[str], Style]
"""The style of a component class of the card list (``card-list--meta`` ...)."""


@dataclass(frozen=True)
class CardLook:
    """How cards are drawn now: which are new, merged texts, projector or facilitator view."""

    t: Translator
    new_ids: frozenset[str] = frozenset()
    followers: Mapping[str, Sequence[Card]] = field(default_factory=dict)
    projector: bool = False
    merge_source: str | None = None
    prompt_labels: Mapping[str, str] = field(default_factory=dict)
    number_width: int = 3
    group_numbers: Mapping[str, int] = field(default_factory=dict)
    place_names: Mapping[str, str] = field(default_factory=dict)
    """Titles of world-café tables and rounds by section key ("Tafel 3 · Mobiliteit")."""


def section_title(section: BoardSection, look: CardLook) -> Content:
    """A column or lane title: the number key that moves a card there, the name, the count."""
    count = len(section.cards)
    if section.place is not None:  # a café table's theme is the facilitator's text: plain
        name = look.place_names.get(section.place, section.place)
        return Content.assemble(Content(name), (f"  {count}", "dim"))
    if section.group is None:
        key = "" if look.projector else "0 "
        return Content.assemble(
            (key, "dim"), Content(look.t("board.ungrouped")), (f"  {count}", "dim")
        )
    number = look.group_numbers.get(section.group.id)
    # The number is the key that moves a card there: a hint for the facilitator only.
    shown = number is not None and number <= 9 and not look.projector
    key = f"{number} " if shown else ""
    return Content.assemble((key, "dim"), Content(section.group.name), (f"  {count}", "dim"))


def card_signature(card: Card, look: CardLook, width: int) -> tuple[object, ...]:
    """Everything the card's drawing depends on: equal signatures draw the same lines."""
    followers = tuple(f.text for f in look.followers.get(card.id, ()))
    return (
        card.id,
        card.text,
        card.hidden,
        card.starred,
        card.author,
        card.source,
        len(card.history),
        followers,
        card.id in look.new_ids,
        card.id == look.merge_source,
        look.prompt_labels.get(card.prompt_id),
        look.projector,
        look.number_width,
        width,
    )


def _gutter(card: Card, look: CardLook) -> tuple[str, str, str]:
    """The new mark, the number and the star in front of a card's first line."""
    new = "●" if card.id in look.new_ids else " "
    return new, f"{card.number:>{look.number_width}} ", "★" if card.starred else " "


def card_height(card: Card, look: CardLook, width: int) -> int:
    """How many lines ``card_lines`` gives, without drawing them (cards arriving are laid out
    at once; they are drawn only when they come into view)."""
    gutter = cell_len("".join(_gutter(card, look))) + 1
    text_width = max(4, width - gutter)
    height = _line_count(card.text, text_width)
    for follower in look.followers.get(card.id, ()):
        height += _line_count(follower.text, text_width - 2)
    notes = card_notes(card, look)
    if notes:
        height += _line_count(" · ".join(notes), text_width)
    return height


def _line_count(text: str, width: int) -> int:
    """``len(wrap(Content(text), width))``, without building the lines: a text of printable
    characters only (most cards) is divided as ``Content.wrap`` divides it, by rich's
    ``divide_line``; ~3x faster for a burst of arriving cards (a property test compares).
    Line breaks, tabs, control and format characters go through ``Content``, which treats
    them its own way."""
    if not text.isprintable():
        return len(wrap(Content(text), width))
    if cell_len(text) <= width:
        return 1
    return len(divide_line(text, width)) + 1


def card_lines(card: Card, look: CardLook, width: int, style: StyleOf) -> list[Content]:
    """The card's lines: a gutter (new mark, number, star), its text, the texts merged into
    it (each after a "+"), and a subtle line with who sent it and the facilitator's notes."""
    new, number, star = _gutter(card, look)
    gutter = Content.assemble(
        (new, style("card-list--new")),
        (number, style("card-list--number")),
        (star, style("card-list--star")),
        " ",
    )
    indent = " " * gutter.cell_length
    text_width = max(4, width - gutter.cell_length)
    lines = [
        (gutter if index == 0 else Content(indent)) + line
        for index, line in enumerate(wrap(Content(card.text), text_width))
    ]
    if card.starred:
        lines = [line.stylize(Style(bold=True), gutter.cell_length) for line in lines]
    merged = style("card-list--merged")
    for follower in look.followers.get(card.id, ()):
        for index, line in enumerate(wrap(Content(follower.text), text_width - 2)):
            prefix = "+ " if index == 0 else "  "
            lines.append(Content(indent) + Content.assemble((prefix, merged), line))
    if card.hidden:
        lines = [line.stylize(style("card-list--hidden"), gutter.cell_length) for line in lines]
    notes = card_notes(card, look)
    if notes:
        for line in wrap(Content(" · ".join(notes)), text_width):
            lines.append(Content(indent) + line.stylize(style("card-list--meta")))
    return lines


def card_notes(card: Card, look: CardLook) -> list[str]:
    """Who sent it (a nickname, "van papier"...), and in the facilitator's view only: hidden,
    taken back, edited, being merged."""
    t = look.t
    notes = []
    if card.author:
        notes.append(card.author)
    if card.source is not CardSource.PHONE:
        notes.append(t(f"board.source.{card.source.value}"))
    label = look.prompt_labels.get(card.prompt_id)
    if label:
        notes.append(label)
    if not look.projector:
        if any(entry.startswith(WITHDRAWN_NOTE) for entry in card.history):
            notes.append(t("board.note.withdrawn"))
        elif card.hidden:
            notes.append(t("board.note.hidden"))
        if any(not entry.startswith(WITHDRAWN_NOTE) for entry in card.history):
            notes.append(t("board.note.edited"))
        if card.id == look.merge_source:
            notes.append(t("board.note.merge_source"))
    return notes


def wrap(content: Content, width: int) -> list[Content]:
    """Word-wrapped lines (a word longer than the line is folded); one line is not copied."""
    if "\n" not in content.plain and content.cell_length <= width:
        return [content]
    return content.wrap(width) or [Content("")]
