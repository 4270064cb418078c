"""The card list's layout: an update told which cards changed lays out the same rows as laying
everything out again, whatever changed (cards arriving, moving between sections, growing,
being marked new or seen), and cards arriving lay out only the new cards."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cocreatie_tui.core.board import BoardSection, Group
from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.widgets.card_layout import CardLayout

GROUPS = [Group(f"g{n}", f"Thema {n}", n) for n in range(3)]


def card(number: int, lines: int = 1) -> Card:
    return Card(
        id=f"c{number}",
        number=number,
        text="woord " * lines,
        source=CardSource.PHONE,
        prompt_id="p1",
        created_at="2026-03-01T10:00:00+00:00",
    )


def height_of(card: Card) -> int:
    return card.text.count("woord")


def sections_of(cards: list[Card], places: dict[str, int]) -> list[BoardSection]:
    """Cards in arrival order, in the section their place says (0: no theme)."""
    by_place: list[list[Card]] = [[] for _ in range(len(GROUPS) + 1)]
    for c in sorted(cards, key=lambda c: c.number):
        by_place[places[c.id]].append(c)
    return [BoardSection(None, tuple(by_place[0]))] + [
        BoardSection(group, tuple(by_place[n + 1])) for n, group in enumerate(GROUPS)
    ]


def headers_of(sections: list[BoardSection], lanes: bool) -> list:
    from textual.content import Content

    return [Content(f"{s.key} {len(s.cards)}") if lanes else None for s in sections]


def picture(layout: CardLayout) -> object:
    """Everything a list draws and navigates by."""
    return (
        [
            (
                block.section.key,
                block.top,
                str(block.header),
                [(row.y, row.height, [c.id for c in row.cards]) for row in block.rows],
                block.ys,
                block.new_ys,
            )
            for block in layout.blocks
        ],
        layout.tops,
        layout.height,
        dict(layout.where),
    )


def fresh(sections, lanes, tiles, new_ids) -> CardLayout:
    layout = CardLayout()
    layout.lay_out(sections, headers_of(sections, lanes), tiles, height_of, new_ids)
    return layout


step = st.tuples(
    st.sampled_from(["arrive", "move", "grow", "mark", "seen"]),
    st.integers(0, 10_000),
)


@settings(max_examples=150, deadline=None)
@given(
    start=st.integers(0, 12),
    tiles=st.integers(1, 3),
    lanes=st.booleans(),
    steps=st.lists(step, min_size=1, max_size=12),
)
def test_an_update_lays_out_what_laying_out_everything_would(
    start: int, tiles: int, lanes: bool, steps: list[tuple[str, int]]
) -> None:
    rng = random.Random(start * 1000 + tiles)
    cards = [card(n, rng.randint(1, 3)) for n in range(1, start + 1)]
    places = {c.id: rng.randint(0, len(GROUPS)) for c in cards}
    new_ids: frozenset[str] = frozenset()
    sections = sections_of(cards, places)
    layout = fresh(sections, lanes, tiles, new_ids)
    for kind, seed in steps:
        pick = random.Random(seed)
        changed: set[str] = set()
        before_new = new_ids
        if kind == "arrive" or not cards:
            for _ in range(pick.randint(1, 4)):
                new = card(len(cards) + 1, pick.randint(1, 3))
                cards.append(new)
                places[new.id] = pick.choice([0, 0, pick.randint(0, len(GROUPS))])
                changed.add(new.id)
                new_ids = new_ids | {new.id}
        elif kind == "move":
            moved = pick.choice(cards)
            places[moved.id] = pick.randint(0, len(GROUPS))
            changed.add(moved.id)
        elif kind == "grow":
            index = pick.randrange(len(cards))
            cards[index] = replace(cards[index], text="woord " * pick.randint(1, 4))
            changed.add(cards[index].id)
        elif kind == "mark":
            new_ids = new_ids | {pick.choice(cards).id}
        else:
            new_ids = frozenset(i for i in new_ids if pick.random() < 0.5)
        sections = sections_of(cards, places)
        layout.update(
            sections,
            headers_of(sections, lanes),
            changed,
            height_of,
            new_ids,
            before_new ^ new_ids,
        )
        assert picture(layout) == picture(fresh(sections, lanes, tiles, new_ids))


def test_cards_arriving_lay_out_only_the_new_cards_and_the_row_they_complete() -> None:
    cards = [card(n) for n in range(1, 4001)]
    places = {c.id: n % (len(GROUPS) + 1) for n, c in enumerate(cards)}
    sections = sections_of(cards, places)
    layout = fresh(sections, True, 3, frozenset())
    asked: list[str] = []

    def counting(c: Card) -> int:
        asked.append(c.id)
        return height_of(c)

    arrived = [card(n) for n in range(4001, 4006)]
    places.update({c.id: 0 for c in arrived})  # every new card lands in the first lane
    sections = sections_of(cards + arrived, places)
    first_line = layout.update(
        sections, headers_of(sections, True), {c.id for c in arrived}, counting, set(), set()
    )
    assert len(asked) <= len(arrived) + 2  # at most the last row of the lane again
    assert first_line == 0  # the first lane's title: its count
    assert picture(layout) == picture(fresh(sections, True, 3, frozenset()))


def test_cards_arriving_at_the_end_of_a_column_redraw_from_its_last_row() -> None:
    cards = [card(n, 2) for n in range(1, 301)]
    sections = sections_of(cards, {c.id: 0 for c in cards})
    layout = fresh(sections, False, 1, frozenset())
    end = layout.height
    arrived = card(301)
    sections = sections_of([*cards, arrived], {c.id: 0 for c in [*cards, arrived]})
    first_line = layout.update(
        sections, headers_of(sections, False), {arrived.id}, height_of, {arrived.id}, {arrived.id}
    )
    assert first_line == end  # lines above the new card are kept as drawn
    assert layout.new_below(0) == 1 and layout.new_below(end + 1) == 0


def test_nothing_changed_is_no_work() -> None:
    cards = [card(n) for n in range(1, 50)]
    sections = sections_of(cards, {c.id: 1 for c in cards})
    layout = fresh(sections, False, 2, frozenset())
    assert layout.update(sections, headers_of(sections, False), set(), height_of, (), ()) is None


texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n"), max_size=300
).filter(str.strip)


@settings(max_examples=300, deadline=None)
@given(
    text=texts,
    followers=st.lists(texts, max_size=3),
    author=st.none() | st.text(max_size=40),
    source=st.sampled_from(list(CardSource)),
    number=st.integers(1, 123_456),
    number_width=st.integers(3, 6),
    width=st.integers(8, 120),
    flags=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
)
@example(  # a carriage return in a name: Content drops it, rich's word split would not
    text="0",
    followers=[],
    author="0\r00000",
    source=CardSource.PHONE,
    number=1,
    number_width=3,
    width=8,
    flags=(False, False, False, False),
)
def test_a_cards_height_is_the_number_of_lines_it_draws(
    text: str,
    followers: list[str],
    author: str | None,
    source: CardSource,
    number: int,
    number_width: int,
    width: int,
    flags: tuple[bool, bool, bool, bool],
) -> None:
    from textual.style import Style

    from cocreatie_tui.i18n import Translator
    from cocreatie_tui.widgets.card_block import CardLook, card_height, card_lines

    new, starred, hidden, projector = flags
    shown = replace(
        card(number), text=text, author=author, source=source, starred=starred, hidden=hidden
    )
    merged = [replace(card(n), text=t) for n, t in enumerate(followers, start=number + 1)]
    look = CardLook(
        Translator("nl"),
        new_ids=frozenset({shown.id} if new else ()),
        followers={shown.id: merged},
        projector=projector,
        number_width=number_width,
    )
    lines = card_lines(shown, look, width, lambda name: Style())
    assert card_height(shown, look, width) == len(lines)


wordy_texts = st.lists(
    st.text(st.sampled_from("abcé漢😀 \u00a0\u200b\u0301-\r\x1b"), min_size=1, max_size=18)
    | st.sampled_from(["  ", "\t", " ", "Meer", "banken", "toegankelijk", "x" * 45]),
    max_size=30,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(text=wordy_texts | texts, width=st.integers(1, 90))
def test_counting_a_cards_lines_gives_what_wrapping_it_gives(text: str, width: int) -> None:
    from textual.content import Content

    from cocreatie_tui.widgets.card_block import _line_count, wrap

    assert _line_count(text, width) == len(wrap(Content(text), width))
