"""World-café rotation: who sits at which table in each round.

A facilitator runs several rounds; in each round everyone present sits at one of the tables,
hosts stay at their own table, and the people who move ("rovers") should meet as many new
faces as possible. This module plans the rounds that are still to come, given the rounds
already held, and is pure: the standard library only, randomness from a seeded
``random.Random``, so a seed always gives the same plan.

The cost of a plan is compared lexicographically:

1. ``excess``: the sum over pairs of people of ``max(0, times together - 1)``;
2. ``max_pair``: the most times any one pair sat together;
3. ``revisits``: the sum over rovers (non-hosts) and tables of ``max(0, visits - 1)``.

The search builds all remaining rounds greedily (each person takes the open table where they
know the fewest people), then improves all of them together with a tabu search over swaps of
two rovers in one round (and moves of one rover to a smaller table when the tables are
uneven). Deltas are incremental, using per-person sets of "met once" and "met twice or more",
so a move costs a few set intersections. The search stops when it reaches the lower bounds,
or after a number of steps (deterministic), or at a wall-clock cap that only matters on very
slow machines.

Past rounds are frozen and count in every statistic, so arrivals and departures between rounds
are handled by re-planning the future with ``held`` set to the rounds so far.

The code is in three modules: ``rotation_problem`` holds ``RotationProblem`` (re-exported here),
its compiled form and the lower bounds; ``rotation_search`` holds the search; this module
holds the rest of the public API: ``RotationPlan``, ``score``, ``excess_lower_bound`` and
``plan_rotation``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cocreatie_tui.core.rotation_problem import (
    RotationProblem,
    _Compiled,
    _lower_bound,
    _targets,
)
from cocreatie_tui.core.rotation_search import _Search

DEFAULT_MAX_STEPS = 1_000_000
"""Default step budget: one step is the evaluation of one candidate move."""

DEFAULT_TIME_CAP_S = 5.0
"""Safety net only: on a normal machine the step budget ends the search first."""


@dataclass(frozen=True)
class RotationPlan:
    """A plan: all rounds (held ones first) as person -> table, with its statistics."""

    rounds: list[dict[str, int]]
    excess: int
    max_pair: int
    revisits: int
    lower_bound: int
    steps: int = 0

    @property
    def optimal(self) -> bool:
        """True when ``excess`` reaches the proven lower bound: no plan repeats fewer."""
        return self.excess <= self.lower_bound


def score(rounds: Sequence[Mapping[str, int]], hosts: Mapping[str, int]) -> tuple[int, int, int]:
    """Return ``(excess, max_pair, revisits)`` of a sequence of rounds (person -> table)."""
    together: dict[tuple[str, str], int] = {}
    visits: dict[tuple[str, int], int] = {}
    for seating in rounds:
        at_table: dict[int, list[str]] = {}
        for person, table in seating.items():
            at_table.setdefault(table, []).append(person)
            if person not in hosts:
                visits[person, table] = visits.get((person, table), 0) + 1
        for group in at_table.values():
            group.sort()
            for i, first in enumerate(group):
                for second in group[i + 1 :]:
                    together[first, second] = together.get((first, second), 0) + 1
    excess = sum(count - 1 for count in together.values())
    max_pair = max(together.values(), default=0)
    revisits = sum(count - 1 for count in visits.values())
    return excess, max_pair, revisits


def excess_lower_bound(problem: RotationProblem) -> int:
    """A lower bound on the ``excess`` of every valid plan for ``problem``.

    The maximum of four counting arguments, each added to the excess of the held rounds:
    pair slots against pairs that have not met yet; the same per person (halved, since a pair
    has two ends); the same from the hosts' end (hosts never meet each other) plus the
    rovers' own slots; and pigeonhole, when a table holds more people than there are tables.
    For 20 people at 4 tables for 3 rounds it gives 8 (see ``tests/test_rotation.py``).
    """
    return _lower_bound(_Compiled(problem))


def plan_rotation(
    problem: RotationProblem,
    *,
    seed: int = 0,
    max_steps: int = DEFAULT_MAX_STEPS,
    time_cap_s: float = DEFAULT_TIME_CAP_S,
) -> RotationPlan:
    """Plan the remaining rounds of ``problem``; held rounds are copied unchanged.

    Deterministic for a given ``seed`` and ``max_steps`` (unless ``time_cap_s`` cuts the
    search short on a very slow machine). The search stops early once ``excess``, ``max_pair``
    and ``revisits`` all reach their lower bounds.
    """
    started = time.perf_counter()
    comp = _Compiled(problem)
    bound = _lower_bound(comp)
    search = _Search(comp, random.Random(seed))
    search.greedy()
    search.relabel_rounds()
    targets = _targets(comp, bound)
    # When a plan without any repeat or revisit may exist, look for it directly; otherwise
    # repeats come first and revisits get the last quarter of the budget.
    polish_from = 0 if targets[0] == 0 and targets[2] == 0 else max_steps * 3 // 4
    steps = search.run(max_steps, started + time_cap_s, targets, polish_from)
    rounds = [dict(held_round) for held_round in problem.held]
    for seats in search.seat:
        rounds.append(
            {comp.ids[p]: table for p, table in enumerate(seats) if table >= 0},
        )
    return RotationPlan(
        rounds=rounds,
        excess=search.excess,
        max_pair=search.max_pair,
        revisits=search.revisits,
        lower_bound=bound,
        steps=steps,
    )
