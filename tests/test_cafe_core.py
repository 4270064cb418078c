"""World café rules (core.cafe): setup, rounds, arrivals and departures, saving, the harvest."""

from __future__ import annotations

import json

import pytest

from cocreatie_tui.core.cafe import (
    Cafe,
    CafeError,
    CafeStatus,
    cards_by_round,
    cards_by_table,
)
from cocreatie_tui.core.model import Card, CardSource
from cocreatie_tui.core.rotation import plan_rotation, score
from cocreatie_tui.core.timer import TimerStatus

THEMES = ["Mobiliteit", "Wonen", "Groen", "Zorg"]


def raises(key: str) -> pytest.RaisesExc[CafeError]:
    return pytest.raises(CafeError, check=lambda error: error.key == key)


def planned_cafe(people: int = 16, rounds: int = 3, hosts: bool = True) -> Cafe:
    cafe = Cafe()
    for n in range(people):
        cafe.add_person(f"p{n}")
    host_ids = [f"p{t}" if hosts else None for t in range(len(THEMES))]
    cafe.configure(THEMES, host_ids, rounds, 600)
    cafe.begin(plan_rotation(cafe.initial_problem()))
    return cafe


def restart(cafe: Cafe, now: float) -> Cafe:
    """Save as the hub does, through JSON, and load as after a power cut."""
    return Cafe.from_doc(json.loads(json.dumps(cafe.to_doc(now))))


def test_setup_is_checked() -> None:
    cafe = Cafe()
    cafe.add_person("ann")
    with raises("tables"):
        cafe.configure([], [], 3, 600)
    with raises("rounds"):
        cafe.configure(["a"], [None], 0, 600)
    with raises("round_length"):
        cafe.configure(["a"], [None], 3, 0)
    with raises("host_twice"):
        cafe.configure(["a", "b"], ["ann", "ann"], 3, 600)
    with raises("unknown_person"):
        cafe.configure(["a"], ["bob"], 3, 600)
    with raises("theme_too_long"):
        cafe.configure(["x" * 61], [None], 3, 600)
    cafe.configure([" Mobiliteit "], ["ann"], 3, 600)
    assert cafe.tables[0].theme == "Mobiliteit" and cafe.hosts == {"ann": 0}
    assert cafe.status() is CafeStatus.SETUP


def test_planning_needs_tables_and_people() -> None:
    with raises("not_configured"):
        Cafe().initial_problem()
    cafe = Cafe()
    cafe.configure(["a"], [None], 2, 60)
    with raises("no_people"):
        cafe.initial_problem()


def test_a_planned_cafe_seats_everyone_every_round_with_hosts_at_home() -> None:
    cafe = planned_cafe()
    assert cafe.status() is CafeStatus.READY and cafe.current == 0
    assert len(cafe.seatings) == 3
    for seating in cafe.seatings:
        assert set(seating) == {f"p{n}" for n in range(16)}
        for t in range(4):
            assert seating[f"p{t}"] == t
    assert cafe.stats is not None and cafe.stats.excess == score(cafe.seatings, cafe.hosts)[0]
    with raises("already_started"):
        cafe.configure(THEMES, [None] * 4, 3, 600)


def test_rounds_start_pause_end_and_move_on() -> None:
    cafe = planned_cafe()
    with raises("not_running"):
        cafe.end_round(0.0)
    assert cafe.toggle_pause(10.0) is CafeStatus.RUNNING
    assert cafe.toggle_pause(70.0) is CafeStatus.PAUSED
    assert cafe.toggle_pause(100.0) is CafeStatus.RUNNING
    assert cafe.timer is not None and cafe.timer.remaining(100.0) == 540.0
    with raises("not_between"):
        cafe.next_round()
    assert not cafe.take_end_signal(600.0)
    assert cafe.take_end_signal(640.0)  # 600 s of running time
    assert not cafe.take_end_signal(641.0)
    cafe.end_round(650.0)
    assert cafe.status() is CafeStatus.BETWEEN
    assert cafe.shown_round() == 1  # phones already see where to go next
    cafe.next_round()
    assert cafe.status() is CafeStatus.READY and cafe.current == 1
    assert cafe.timer is not None and cafe.timer.status is TimerStatus.IDLE
    cafe.toggle_pause(700.0)
    cafe.end_round(710.0)
    cafe.next_round()
    cafe.toggle_pause(720.0)
    cafe.end_round(730.0)
    assert cafe.status() is CafeStatus.FINISHED and cafe.shown_round() is None
    with raises("not_between"):
        cafe.next_round()
    cafe.close(740.0)
    assert cafe.status() is CafeStatus.CLOSED and cafe.phone_view("p5", 740.0) is None


def test_a_late_arrival_sits_at_the_smallest_table_and_nobody_moves() -> None:
    cafe = planned_cafe(people=15)
    cafe.toggle_pause(0.0)
    before = dict(cafe.seatings[0])
    sizes = [list(before.values()).count(t) for t in range(4)]
    cafe.add_person("late")
    current = cafe.seatings[0]
    assert {pid: t for pid, t in current.items() if pid != "late"} == before
    assert sizes[current["late"]] == min(sizes)
    # Provisionally seated in the rounds to come, until the re-plan.
    assert all("late" in seating for seating in cafe.seatings[1:])
    assert cafe.needs_plan


def test_a_late_host_sits_at_their_own_table() -> None:
    cafe = Cafe()
    for n in range(9):
        cafe.add_person(f"p{n}")
    cafe.configure(["a", "b", "c"], ["p0", None, None], 2, 60)
    cafe.set_present("p0", False)
    cafe.begin(plan_rotation(cafe.initial_problem()))
    assert "p0" not in cafe.seatings[0]
    cafe.set_present("p0", True)
    assert cafe.seatings[0]["p0"] == 0 and cafe.seatings[1]["p0"] == 0


def test_after_a_round_ended_arrivals_join_from_the_next_round() -> None:
    cafe = planned_cafe()
    cafe.toggle_pause(0.0)
    cafe.end_round(10.0)
    cafe.add_person("late")
    assert "late" not in cafe.seatings[0]
    assert "late" in cafe.seatings[1]


def test_departures_leave_the_current_round_as_it_was() -> None:
    cafe = planned_cafe()
    cafe.toggle_pause(0.0)
    cafe.set_present("p9", False)
    assert "p9" in cafe.seatings[0]  # they were there
    assert all("p9" not in seating for seating in cafe.seatings[1:])
    assert cafe.set_present("p9", False) is False


def test_departure_before_the_round_starts_unseats_them_without_moving_anyone() -> None:
    cafe = planned_cafe()
    before = dict(cafe.seatings[0])
    cafe.set_present("p9", False)
    assert cafe.seatings[0] == {pid: t for pid, t in before.items() if pid != "p9"}


def test_a_re_plan_keeps_held_and_current_rounds_and_stale_plans_are_dropped() -> None:
    cafe = planned_cafe(people=20)
    cafe.toggle_pause(0.0)
    cafe.end_round(1.0)
    cafe.next_round()
    cafe.toggle_pause(2.0)
    held = [dict(s) for s in cafe.seatings[:2]]
    cafe.add_person("late")
    cafe.set_present("p12", False)
    held[1]["late"] = cafe.seatings[1]["late"]
    problem = cafe.replan_problem()
    assert problem is not None
    version = cafe.version
    plan = plan_rotation(problem)
    cafe.add_person("later")  # the people changed while planning
    assert not cafe.apply_plan(plan, version)
    plan = plan_rotation(cafe.replan_problem())
    assert cafe.apply_plan(plan, cafe.version)
    assert not cafe.needs_plan
    held[1]["later"] = cafe.seatings[1]["later"]
    assert cafe.seatings[:2] == held
    assert "p12" not in cafe.seatings[2] and {"late", "later"} <= set(cafe.seatings[2])


def test_phone_view_and_card_tags() -> None:
    cafe = planned_cafe()
    table = cafe.seatings[0]["p7"]
    view = cafe.phone_view("p7", 0.0)
    assert view is not None
    assert view["round"] == 1 and view["table"] == {"number": table + 1, "theme": THEMES[table]}
    assert view["next"]["round"] == 2
    assert view["timer"]["seconds_left"] == 600 and view["timer"]["clock"] == "10:00"
    assert cafe.phone_view("p0", 0.0)["host"] is True
    assert cafe.tags("p7") == {"table": table + 1, "round": 1}
    assert cafe.tags("stranger") == {}
    cafe.toggle_pause(0.0)
    cafe.end_round(5.0)
    between = cafe.phone_view("p7", 5.0)
    assert between["round"] == 2 and between["timer"] is None
    assert cafe.tags("p7") == {"table": table + 1, "round": 1}  # still at that table


def test_a_restart_resumes_the_same_plan_with_the_round_paused() -> None:
    cafe = planned_cafe()
    cafe.toggle_pause(100.0)
    cafe.add_person("late")
    back = restart(cafe, 250.0)
    assert back.seatings == cafe.seatings and back.people == cafe.people
    assert back.status() is CafeStatus.PAUSED
    assert back.timer is not None and back.timer.remaining(5.0) == 450.0
    assert back.timer.interrupted and back.needs_plan
    back.toggle_pause(5.0)
    assert back.status() is CafeStatus.RUNNING


def test_a_damaged_document_is_refused() -> None:
    for bad in (None, [], {"people": [{"name": "x"}]}, {"seatings": [{"a": 0}], "rounds": 1}):
        with raises("invalid_data"):
            Cafe.from_doc(bad)


def test_cards_by_table_and_round() -> None:
    def card(number: int, table: int | None, rnd: int | None) -> Card:
        return Card(
            f"c{number}", number, "idee", CardSource.PHONE, "p1", "", table=table, round=rnd
        )

    cards = [card(3, 2, 1), card(1, None, None), card(2, 1, 2), card(4, 2, 2)]
    by_table = cards_by_table(cards)
    assert list(by_table) == [1, 2, None]
    assert [c.number for c in by_table[2]] == [3, 4]
    assert list(cards_by_round(cards)) == [1, 2, None]
