"""World-café rotation planner: invariants, lower bound, optimality on sparse instances."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreatie_tui.core.rotation import (
    RotationPlan,
    RotationProblem,
    excess_lower_bound,
    plan_rotation,
    score,
)

SMALL_BUDGET = 3_000


def make_problem(people: int, tables: int, rounds: int, hosts: bool = False) -> RotationProblem:
    ids = [f"p{i}" for i in range(people)]
    host_map = {f"p{t}": t for t in range(tables)} if hosts else {}
    return RotationProblem(ids, tables, rounds, host_map)


def check_plan(problem: RotationProblem, plan: RotationPlan) -> None:
    """Everything a plan must satisfy, whatever its quality."""
    assert len(plan.rounds) == problem.rounds
    for held, planned in zip(problem.held, plan.rounds, strict=False):
        assert planned == dict(held)
    remaining = problem.rounds - len(problem.held)
    present = problem.present or [frozenset(problem.people)] * remaining
    for attendance, seating in zip(present, plan.rounds[len(problem.held) :], strict=True):
        # Everyone present is seated exactly once (a dict has one table per person).
        assert set(seating) == set(attendance)
        sizes = [0] * problem.tables
        for person, table in seating.items():
            assert 0 <= table < problem.tables
            sizes[table] += 1
            if person in problem.hosts:
                assert table == problem.hosts[person]
        assert max(sizes) - min(sizes) <= 1
    assert score(plan.rounds, problem.hosts) == (plan.excess, plan.max_pair, plan.revisits)
    assert plan.lower_bound == excess_lower_bound(problem)
    assert plan.excess >= plan.lower_bound


# --- invariants on many random instances -------------------------------------------------


@st.composite
def replans(draw: st.DrawFn) -> RotationProblem:
    """A problem after some rounds were held, with arrivals, departures and absences."""
    tables = draw(st.integers(1, 6))
    people = draw(st.integers(1, 30))
    rounds = draw(st.integers(1, 5))
    with_hosts = draw(st.booleans())
    hosts = {f"p{t}": t for t in range(min(tables, people))} if with_hosts else {}
    first = plan_rotation(
        RotationProblem([f"p{i}" for i in range(people)], tables, rounds, hosts),
        seed=draw(st.integers(0, 3)),
        max_steps=SMALL_BUDGET,
    )
    held = first.rounds[: draw(st.integers(0, rounds))]
    leaving = draw(st.sets(st.sampled_from([f"p{i}" for i in range(people)]), max_size=3))
    arriving = [f"new{i}" for i in range(draw(st.integers(0, 3)))]
    now = [p for p in first.rounds[0] if p not in leaving] + arriving
    hosts = {p: t for p, t in hosts.items() if p not in leaving}
    present = None
    if draw(st.booleans()):
        present = [
            frozenset(p for p in now if draw(st.booleans()) or p in hosts)
            for _ in range(rounds - len(held))
        ]
    return RotationProblem(now, tables, rounds, hosts, held=held, present=present)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=replans(), seed=st.integers(0, 5))
def test_plans_keep_every_rule(problem: RotationProblem, seed: int) -> None:
    check_plan(problem, plan_rotation(problem, seed=seed, max_steps=SMALL_BUDGET))


def test_same_seed_same_plan_other_seed_still_valid() -> None:
    problem = make_problem(23, 5, 4, hosts=True)
    first = plan_rotation(problem, seed=7, max_steps=20_000)
    assert plan_rotation(problem, seed=7, max_steps=20_000) == first
    check_plan(problem, plan_rotation(problem, seed=8, max_steps=20_000))


def test_replan_after_arrivals_and_departures_freezes_the_past() -> None:
    problem = make_problem(200, 25, 6, hosts=True)
    first = plan_rotation(problem)
    leaving = {"p100", "p101", "p102"}
    now = [p for p in problem.people if p not in leaving] + [f"new{i}" for i in range(5)]
    later = RotationProblem(now, 25, 6, problem.hosts, held=first.rounds[:2])
    plan = plan_rotation(later)
    check_plan(later, plan)
    assert plan.rounds[:2] == first.rounds[:2]
    assert all(not leaving & set(seating) for seating in plan.rounds[2:])
    assert plan.excess == plan.lower_bound == 0


def test_past_repeats_count_and_are_not_undone() -> None:
    # Two held rounds with the same groups: 6 pairs met twice, 6 repeats already. Round 3
    # must reunite at least one pair from each group of 3 over 2 tables: 8 in all.
    same = {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
    problem = RotationProblem(list("abcdef"), 2, 3, held=[same, same])
    plan = plan_rotation(problem)
    check_plan(problem, plan)
    assert plan.excess == plan.lower_bound == 8


def test_problem_rejects_inconsistent_input() -> None:
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 0, 2)
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 0)
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 2, {"a": 0, "b": 0})
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 2, {"z": 0})
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 2, held=[{"a": 5}])
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 2, present=[frozenset("a")])
    with pytest.raises(ValueError):
        RotationProblem(["a", "b"], 2, 1, held=[{"a": 0}, {"a": 1}])


# --- quality on the sparse instances of the issue ----------------------------------------

SPARSE = [(32, 8, 4), (20, 5, 4), (24, 6, 3), (60, 10, 5), (200, 25, 6), (23, 5, 4)]


@pytest.mark.parametrize("hosts", [False, True], ids=["rovers", "hosts"])
@pytest.mark.parametrize("size", SPARSE, ids=lambda s: "/".join(map(str, s)))
def test_sparse_instances_reach_the_bound(size: tuple[int, int, int], hosts: bool) -> None:
    problem = make_problem(*size, hosts=hosts)
    plan = plan_rotation(problem)
    check_plan(problem, plan)
    assert plan.excess == plan.lower_bound == 0
    assert plan.optimal
    assert plan.max_pair == 1


@pytest.mark.parametrize("hosts", [False, True], ids=["rovers", "hosts"])
def test_tables_larger_than_the_number_of_tables_stay_near_the_bound(hosts: bool) -> None:
    problem = make_problem(20, 4, 3, hosts=hosts)
    plan = plan_rotation(problem)
    check_plan(problem, plan)
    assert plan.lower_bound == 8
    assert plan.excess <= 8 + 3


def test_hosts_never_revisit_and_rovers_avoid_it_when_possible() -> None:
    problem = make_problem(24, 6, 3, hosts=True)
    plan = plan_rotation(problem)
    assert plan.revisits == 0
    for seating in plan.rounds:
        assert all(seating[f"p{t}"] == t for t in range(6))


# --- the lower bound ---------------------------------------------------------------------


def test_bound_pigeonhole_20_people_4_tables_3_rounds() -> None:
    # Round 1 has four tables of 5. In round 2 the 5 people of each round-1 table are spread
    # over only 4 tables, so two of them sit together again: at least 4 repeated meetings,
    # one per round-1 table (different pairs, since those tables are disjoint). Round 3
    # likewise reunites a pair from each round-2 table: 4 more. The excess counts exactly the
    # meetings of pairs who met before, so it is at least 4 + 4 = 8. Counting pair slots
    # gives nothing here: 3 rounds x 4 tables x C(5,2) = 120 slots for C(20,2) = 190 pairs.
    # Fixed hosts do not change this: one host per table, 4 rovers can still take 4 tables.
    assert excess_lower_bound(make_problem(20, 4, 3)) == 8
    assert excess_lower_bound(make_problem(20, 4, 3, hosts=True)) == 8


def test_bound_pair_slots_one_table() -> None:
    # Everyone at the one table every round: C(4,2) = 6 pairs meet 3 times, 2 repeats each.
    assert excess_lower_bound(make_problem(4, 1, 3)) == 12


def test_bound_slots_against_pairs() -> None:
    # 9 people at 3 tables of 3 for 5 rounds: 5 x 3 x C(3,2) = 45 slots, C(9,2) = 36 pairs.
    assert excess_lower_bound(make_problem(9, 3, 5)) == 9


def test_bound_hosts_never_meet_each_other() -> None:
    # 32/8/10 with hosts: each host sits with 3 rovers in each of 10 rounds, 30 meetings,
    # but there are only 24 rovers: 6 repeats per host, 8 hosts, 48. Without hosts a plan
    # with no repeat at all exists (the social golfer problem 8-4-10), so the bound is 0.
    assert excess_lower_bound(make_problem(32, 8, 10, hosts=True)) == 48
    assert excess_lower_bound(make_problem(32, 8, 10)) == 0


def test_bound_zero_when_a_perfect_plan_exists() -> None:
    for size in SPARSE:
        assert excess_lower_bound(make_problem(*size)) == 0


def test_bound_counts_held_rounds() -> None:
    same = {"a": 0, "b": 0, "c": 1, "d": 1}
    problem = RotationProblem(list("abcd"), 2, 2, held=[same, same])
    assert excess_lower_bound(problem) == 2


def _balanced_seatings(
    present: Sequence[str], tables: int, hosts: Mapping[str, int]
) -> list[dict[str, int]]:
    seatings = []
    for combo in itertools.product(range(tables), repeat=len(present)):
        sizes = [combo.count(t) for t in range(tables)]
        seating = dict(zip(present, combo, strict=True))
        if max(sizes) - min(sizes) <= 1 and all(seating.get(p, t) == t for p, t in hosts.items()):
            seatings.append(seating)
    return seatings


def _brute_force(problem: RotationProblem) -> tuple[int, int, int]:
    """The best (excess, max_pair, revisits) over every valid plan."""
    remaining = problem.rounds - len(problem.held)
    present = problem.present or [frozenset(problem.people)] * remaining
    options = [
        _balanced_seatings(sorted(attendance), problem.tables, problem.hosts)
        for attendance in present
    ]
    if not problem.hosts and not problem.held and problem.present is None:
        options[0] = options[0][:1]  # renaming people makes every first round alike
    held = list(problem.held)
    return min(score(held + list(rest), problem.hosts) for rest in itertools.product(*options))


TINY = [
    make_problem(6, 2, 3),
    make_problem(6, 2, 3, hosts=True),
    make_problem(5, 2, 3),
    make_problem(5, 2, 4, hosts=True),
    make_problem(4, 2, 4),
    make_problem(6, 3, 3),
    make_problem(7, 3, 2, hosts=True),
    RotationProblem(
        ["a", "b", "c", "d", "e", "g"],
        2,
        3,
        {"a": 0},
        held=[{"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}],
        present=[frozenset("abcde"), frozenset("abcdeg")],
    ),
]


@pytest.mark.parametrize("problem", TINY, ids=range(len(TINY)))
def test_bound_is_valid_and_search_finds_the_optimum_on_tiny_instances(
    problem: RotationProblem,
) -> None:
    best = _brute_force(problem)
    assert excess_lower_bound(problem) <= best[0]
    plan = plan_rotation(problem, max_steps=100_000)
    check_plan(problem, plan)
    assert (plan.excess, plan.max_pair, plan.revisits) == best


def test_score_counts_repeats_pairs_and_revisits() -> None:
    rounds = [{"h": 0, "a": 0, "b": 0, "c": 1}, {"h": 0, "a": 0, "b": 0, "c": 1}]
    # h-a, h-b, a-b meet twice: 3 repeats; a and b visit table 0 twice, c table 1 twice.
    assert score(rounds, {"h": 0}) == (3, 2, 3)
    assert score(rounds, {}) == (3, 2, 4)
    assert score([], {}) == (0, 0, 0)
