"""The board rules in core: themes, moving, merging, editing, hiding, filters, undo."""

from __future__ import annotations

import pytest

from cocreatie_tui.core import board as rules
from cocreatie_tui.core.board import (
    UNGROUPED,
    BoardChange,
    BoardFilter,
    BoardRuleError,
    Group,
    UndoHistory,
)
from cocreatie_tui.core.model import Card, CardSource, Prompt


def make_cards(*texts: str, prompt_id: str = "p1") -> dict[str, Card]:
    return {
        f"c{n}": Card(
            id=f"c{n}",
            number=n,
            text=text,
            source=CardSource.PHONE,
            prompt_id=prompt_id,
            created_at="2026-01-01T10:00:00+00:00",
        )
        for n, text in enumerate(texts, start=1)
    }


def apply(cards: dict[str, Card], groups: dict[str, Group], change: BoardChange) -> None:
    rules.apply_change(cards, groups, change)


def two_groups() -> dict[str, Group]:
    return {"ga": Group("ga", "Mobiliteit", 1), "gb": Group("gb", "Groen", 2)}


def test_moving_a_card_to_a_theme_and_back() -> None:
    cards, groups = make_cards("bus", "bomen"), two_groups()
    apply(cards, groups, rules.move_card(cards, groups, "c1", "ga"))
    assert cards["c1"].group_id == "ga"
    apply(cards, groups, rules.move_card(cards, groups, "c1", None))
    assert cards["c1"].group_id is None


def test_moving_to_an_unknown_theme_is_refused() -> None:
    cards = make_cards("bus")
    with pytest.raises(BoardRuleError) as refused:
        rules.move_card(cards, {}, "c1", "nope")
    assert refused.value.key == "board.error.no_group"


def test_moving_a_card_where_it_is_changes_nothing() -> None:
    cards, groups = make_cards("bus"), two_groups()
    assert rules.move_card(cards, groups, "c1", None).is_empty


def test_merge_keeps_both_texts_and_shows_one_card() -> None:
    cards, groups = make_cards("bus", "meer bussen", "bomen"), two_groups()
    apply(cards, groups, rules.move_card(cards, groups, "c2", "gb"))
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    assert cards["c1"].merged_into == "c2"
    assert cards["c1"].group_id == "gb"  # it follows the card it joined
    assert cards["c1"].text == "bus" and cards["c2"].text == "meer bussen"
    sections = rules.board_sections(sorted(cards.values(), key=lambda c: c.number), groups.values())
    shown = [card.id for section in sections for card in section.cards]
    assert shown == ["c3", "c2"]
    assert [c.id for c in rules.followers_by_target(cards.values())["c2"]] == ["c1"]


def test_merging_a_merged_card_moves_its_followers_along() -> None:
    cards, groups = make_cards("a", "b", "c"), {}
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    apply(cards, groups, rules.merge_cards(cards, "c2", "c3"))
    assert cards["c1"].merged_into == "c3" and cards["c2"].merged_into == "c3"


def test_merge_refuses_itself_and_cards_already_merged_away() -> None:
    cards, groups = make_cards("a", "b", "c"), {}
    with pytest.raises(BoardRuleError):
        rules.merge_cards(cards, "c1", "c1")
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    with pytest.raises(BoardRuleError):
        rules.merge_cards(cards, "c3", "c1")


def test_a_starred_card_keeps_the_star_when_merged() -> None:
    cards, groups = make_cards("a", "b"), {}
    apply(cards, groups, rules.set_starred(cards, "c1", True))
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    assert cards["c2"].starred


def test_split_shows_the_merged_cards_again_in_the_same_theme() -> None:
    cards, groups = make_cards("a", "b"), two_groups()
    apply(cards, groups, rules.move_card(cards, groups, "c2", "ga"))
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    apply(cards, groups, rules.split_card(cards, "c2"))
    assert cards["c1"].merged_into is None and cards["c1"].group_id == "ga"
    with pytest.raises(BoardRuleError):
        rules.split_card(cards, "c2")


def test_moving_a_card_takes_its_merged_cards_along() -> None:
    cards, groups = make_cards("a", "b"), two_groups()
    apply(cards, groups, rules.merge_cards(cards, "c1", "c2"))
    apply(cards, groups, rules.move_card(cards, groups, "c2", "gb"))
    assert cards["c1"].group_id == "gb"


def test_editing_keeps_the_original_in_the_history() -> None:
    cards, groups = make_cards("bib langr open"), {}
    apply(cards, groups, rules.edit_card(cards, "c1", "  bib langer open \x07"))
    assert cards["c1"].text == "bib langer open"
    assert cards["c1"].history == ["bib langr open"]
    assert rules.edit_card(cards, "c1", "bib langer open").is_empty


def test_an_edit_to_an_empty_text_is_refused() -> None:
    cards = make_cards("a")
    with pytest.raises(BoardRuleError) as refused:
        rules.edit_card(cards, "c1", "   ")
    assert refused.value.key == "error.text_empty"


def test_hiding_leaves_the_card_in_place_and_out_of_the_rooms_view() -> None:
    cards, groups = make_cards("a", "b"), {}
    apply(cards, groups, rules.set_hidden(cards, "c1", True))
    assert "c1" in cards and cards["c1"].hidden
    room = BoardFilter(show_hidden=False)
    ordered = sorted(cards.values(), key=lambda c: c.number)
    assert [c.id for c in rules.board_sections(ordered, [], room)[0].cards] == ["c2"]
    everything = rules.board_sections(ordered, [], BoardFilter())
    assert [c.id for c in everything[0].cards] == ["c1", "c2"]


def test_creating_a_theme_with_a_card_in_it() -> None:
    cards, groups = make_cards("a"), {}
    change = rules.create_group(groups, "gx", "  Veiligheid ", cards=cards, card_id="c1")
    apply(cards, groups, change)
    assert groups["gx"] == Group("gx", "Veiligheid", 1)
    assert cards["c1"].group_id == "gx"
    assert rules.create_group(groups, "gy", "Zorg").groups[0].after == Group("gy", "Zorg", 2)


@pytest.mark.parametrize(
    ("name", "key"),
    [("  ", "board.error.group_name_empty"), ("x" * 61, "board.error.group_name_too_long")],
)
def test_theme_names_are_checked(name: str, key: str) -> None:
    with pytest.raises(BoardRuleError) as refused:
        rules.create_group({}, "g", name)
    assert refused.value.key == key


def test_renaming_and_reordering_themes() -> None:
    cards, groups = make_cards(), two_groups()
    groups["gc"] = Group("gc", "Zorg", 3)
    apply(cards, groups, rules.rename_group(groups, "ga", "Vervoer"))
    assert groups["ga"].name == "Vervoer"
    apply(cards, groups, rules.move_group(groups, "gc", -2))
    assert [g.id for g in rules.ordered_groups(groups.values())] == ["gc", "ga", "gb"]
    assert rules.move_group(groups, "gc", -1).is_empty  # already first


def test_deleting_a_theme_sends_its_cards_back_to_no_theme() -> None:
    cards, groups = make_cards("a", "b"), two_groups()
    apply(cards, groups, rules.move_card(cards, groups, "c1", "ga"))
    apply(cards, groups, rules.move_card(cards, groups, "c2", "ga"))
    apply(cards, groups, rules.delete_group(groups, cards, "ga"))
    assert "ga" not in groups
    assert cards["c1"].group_id is None and cards["c2"].group_id is None


def test_undo_restores_exactly_what_a_change_touched() -> None:
    cards, groups = make_cards("a", "b"), two_groups()
    history = UndoHistory()
    for command in (
        lambda: rules.move_card(cards, groups, "c1", "ga"),
        lambda: rules.edit_card(cards, "c1", "aa"),
        lambda: rules.merge_cards(cards, "c2", "c1"),
        lambda: rules.delete_group(groups, cards, "ga"),
    ):
        change = command()
        apply(cards, groups, change)
        history.push(change)
    assert "ga" not in groups and cards["c1"].group_id is None
    while (change := history.pop()) is not None:
        apply(cards, groups, change.inverse())
    assert groups == two_groups()
    assert cards == make_cards("a", "b")


def test_undo_history_is_bounded_and_skips_empty_changes() -> None:
    history = UndoHistory(depth=2)
    for kind in ("a", "b", "c"):
        history.push(BoardChange(kind, groups=(rules.GroupPatch("g", None, Group("g", kind, 1)),)))
    history.push(BoardChange("empty"))
    assert [c.kind for c in history.changes] == ["b", "c"]


def test_filters_by_text_theme_source_star_and_prompt() -> None:
    cards, groups = make_cards("Meer BUSSEN", "bomen", "zitbanken"), two_groups()
    cards["c2"].source = CardSource.PAPER
    cards["c3"].starred = True
    cards["c3"].prompt_id = "p2"
    cards["c3"].author = "Mia"
    apply(cards, groups, rules.move_card(cards, groups, "c2", "gb"))
    ordered = sorted(cards.values(), key=lambda c: c.number)

    def shown(board_filter: BoardFilter) -> list[str]:
        sections = rules.board_sections(ordered, groups.values(), board_filter)
        return [c.id for s in sections for c in s.cards]

    assert shown(BoardFilter(text="bus")) == ["c1"]
    assert shown(BoardFilter(text="mia")) == ["c3"]
    assert shown(BoardFilter(group_id="gb")) == ["c2"]
    assert shown(BoardFilter(group_id=UNGROUPED)) == ["c1", "c3"]
    assert shown(BoardFilter(source=CardSource.PAPER)) == ["c2"]
    assert shown(BoardFilter(starred_only=True)) == ["c3"]
    assert shown(BoardFilter(prompt_id="p1")) == ["c1", "c2"]
    assert BoardFilter(text="x").narrows and not BoardFilter(prompt_id="p1").narrows


def test_search_finds_a_card_by_the_text_merged_into_it() -> None:
    cards, groups = make_cards("a", "fietspad"), {}
    apply(cards, groups, rules.merge_cards(cards, "c2", "c1"))
    ordered = sorted(cards.values(), key=lambda c: c.number)
    sections = rules.board_sections(ordered, [], BoardFilter(text="fiets"))
    assert [c.id for c in sections[0].cards] == ["c1"]


def test_sections_put_no_theme_first_and_show_empty_themes() -> None:
    cards, groups = make_cards("a"), two_groups()
    cards["c1"].group_id = "missing"  # a damaged file: the card shows, without a theme
    sections = rules.board_sections(list(cards.values()), groups.values())
    assert [s.key for s in sections] == [UNGROUPED, "ga", "gb"]
    assert [c.id for c in sections[0].cards] == ["c1"]


def test_prompt_ids_are_never_reused_and_prompt_text_is_checked() -> None:
    prompts = [Prompt("p1", "a"), Prompt("p3", "c")]
    assert rules.next_prompt_id(prompts) == "p4"
    assert rules.prompt_text("  Wat geeft energie? ") == "Wat geeft energie?"
    with pytest.raises(BoardRuleError):
        rules.prompt_text("")


def test_groups_from_documents_skip_damaged_ones() -> None:
    table = {"ga": {"id": "ga", "name": "A", "position": 1}, "bad": {"name": "x"}}
    assert rules.groups_from_documents(table) == {"ga": Group("ga", "A", 1)}


def test_grouped_by_cafe_table_or_round_cards_outside_the_cafe_come_last() -> None:
    cards = make_cards("buiten", "t2 r1", "t1 r1", "t1 r2", "verborgen", "samen", "t2 r2")
    tags = {"c2": (2, 1), "c3": (1, 1), "c4": (1, 2), "c5": (1, 1), "c6": (2, 1), "c7": (2, 2)}
    for card_id, (table, round_number) in tags.items():
        cards[card_id].table, cards[card_id].round = table, round_number
    cards["c5"].hidden = True
    cards["c6"].merged_into = "c3"  # shown inside the card it joined
    ordered = sorted(cards.values(), key=lambda c: c.number)
    room = BoardFilter(show_hidden=False)

    by_table = rules.cafe_sections(ordered, rules.BY_TABLE, room)
    assert [(s.key, [c.id for c in s.cards]) for s in by_table] == [
        ("table:1", ["c3", "c4"]),
        ("table:2", ["c2", "c7"]),
        ("table:-", ["c1"]),
    ]
    by_round = rules.cafe_sections(ordered, rules.BY_ROUND, room)
    assert [(s.key, [c.id for c in s.cards]) for s in by_round] == [
        ("round:1", ["c2", "c3"]),
        ("round:2", ["c4", "c7"]),
        ("round:-", ["c1"]),
    ]
    assert rules.place_of(cards["c4"], rules.BY_TABLE) == "table:1"
    assert rules.place_of(cards["c1"], rules.BY_ROUND) == "round:-"
    # Nothing to show is one empty column "outside the café", never no column at all.
    (empty,) = rules.cafe_sections(ordered, rules.BY_TABLE, BoardFilter(text="niets"))
    assert empty.key == "table:-" and empty.cards == ()
