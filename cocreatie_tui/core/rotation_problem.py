"""World-café rotation: the problem, its compiled form, and lower bounds on any plan's cost.

``RotationProblem`` is what ``core.rotation.plan_rotation`` plans. ``_Compiled`` is the same
problem with people as indices, which the bounds here and the search in ``rotation_search``
work on. The bounds on ``excess``, ``max_pair`` and ``revisits`` (the cost, see
``core.rotation``) prove a plan optimal and tell the search when it may stop. Pure: the
standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RotationProblem:
    """What to plan.

    ``people`` are the participants who may be seated in the remaining rounds, in a stable
    order. People who appear only in ``held`` rounds (they left) still count in the statistics.
    ``hosts`` maps a person to the table they host (at most one host per table); a host
    present in a round always sits at their table. ``held`` lists the rounds already held, as
    person -> table, in order; they are never changed. ``present`` gives, for each remaining
    round, who will be there (default: all of ``people`` in every remaining round).
    Tables are numbered from 0. Raises ``ValueError`` on inconsistent input.
    """

    people: Sequence[str]
    tables: int
    rounds: int
    hosts: Mapping[str, int] = field(default_factory=dict)
    held: Sequence[Mapping[str, int]] = ()
    present: Sequence[frozenset[str]] | None = None

    def __post_init__(self) -> None:
        if self.tables < 1:
            raise ValueError("there must be at least one table")
        if self.rounds < 1:
            raise ValueError("there must be at least one round")
        if len(self.held) > self.rounds:
            raise ValueError("more rounds held than planned in total")
        if len(set(self.people)) != len(self.people):
            raise ValueError("people must be unique")
        known = set(self.people)
        host_tables = list(self.hosts.values())
        if len(set(host_tables)) != len(host_tables):
            raise ValueError("a table can have only one host")
        for person, table in self.hosts.items():
            if person not in known:
                raise ValueError(f"host {person!r} is not among the people")
            if not 0 <= table < self.tables:
                raise ValueError(f"host {person!r} has no table {table}")
        for number, held_round in enumerate(self.held, start=1):
            for person, table in held_round.items():
                if not 0 <= table < self.tables:
                    raise ValueError(f"round {number}: {person!r} sat at unknown table {table}")
        if self.present is not None:
            if len(self.present) != self.rounds - len(self.held):
                raise ValueError("present must give one set per remaining round")
            for attendance in self.present:
                unknown = set(attendance) - known
                if unknown:
                    raise ValueError(f"present lists unknown people: {sorted(unknown)!r}")


class _Compiled:
    """The problem with people as indices 0..n-1 (those in ``people`` first)."""

    def __init__(self, problem: RotationProblem) -> None:
        self.ids: list[str] = list(problem.people)
        seen = set(self.ids)
        for held_round in problem.held:
            for person in held_round:
                if person not in seen:
                    seen.add(person)
                    self.ids.append(person)
        self.index = {person: i for i, person in enumerate(self.ids)}
        self.n = len(self.ids)
        self.tables = problem.tables
        self.host_table = [-1] * self.n
        for person, table in problem.hosts.items():
            self.host_table[self.index[person]] = table
        self.held: list[list[int]] = []
        for held_round in problem.held:
            seats = [-1] * self.n
            for person, table in held_round.items():
                seats[self.index[person]] = table
            self.held.append(seats)
        remaining = problem.rounds - len(problem.held)
        if problem.present is None:
            everyone = list(range(len(problem.people)))
            self.future_present = [everyone for _ in range(remaining)]
        else:
            self.future_present = [
                sorted(self.index[person] for person in attendance)
                for attendance in problem.present
            ]
        # Balanced sizes of each remaining round: q or q + 1, with `rem` tables of q + 1.
        self.future_sizes = [divmod(len(present), self.tables) for present in self.future_present]


def _pairs(size: int) -> int:
    return size * (size - 1) // 2


def _min_pairs(group: int, tables: int) -> int:
    """Fewest pairs that stay together when ``group`` people are spread over ``tables``."""
    q, rem = divmod(group, tables)
    return rem * _pairs(q + 1) + (tables - rem) * _pairs(q)


def _held_state(comp: _Compiled) -> tuple[list[list[int]], int]:
    """Pair counts after the held rounds, and the excess they already contain."""
    n = comp.n
    counts = [[0] * n for _ in range(n)]
    excess = 0
    for seats in comp.held:
        groups: dict[int, list[int]] = {}
        for person, table in enumerate(seats):
            if table >= 0:
                groups.setdefault(table, []).append(person)
        for group in groups.values():
            for i, p in enumerate(group):
                row = counts[p]
                for q in group[i + 1 :]:
                    if row[q]:
                        excess += 1
                    row[q] += 1
                    counts[q][p] = row[q]
    return counts, excess


def _lower_bound(comp: _Compiled) -> int:
    """A lower bound on ``excess`` for any plan of ``comp`` (see ``excess_lower_bound``)."""
    counts, held_excess = _held_state(comp)
    n, tables = comp.n, comp.tables
    sizes = comp.future_sizes
    if not sizes:
        return held_excess
    is_host = [table >= 0 for table in comp.host_table]

    # Who can still meet whom: both present in a common remaining round (as bit masks).
    mask = [0] * n
    for r, present in enumerate(comp.future_present):
        for p in present:
            mask[p] |= 1 << r
    # Fewest companions a person has in a round (smallest table) and the most (largest).
    fewest = [max(q, 1) - 1 for q, _ in sizes]
    most = [q + (1 if rem else 0) - 1 for q, rem in sizes]
    companions_min = [0] * n
    companions_max = [0] * n
    for r, present in enumerate(comp.future_present):
        for p in present:
            companions_min[p] += fewest[r]
            companions_max[p] += most[r]
    # unmet[p]: people p has not met yet and can still meet; hosts never meet each other in
    # the remaining rounds, since each stays at their own table.
    unmet = [0] * n
    unmet_rovers = 0
    for p in range(n):
        if not mask[p]:
            continue
        row = counts[p]
        for q in range(p + 1, n):
            if mask[p] & mask[q] and not row[q] and not (is_host[p] and is_host[q]):
                unmet[p] += 1
                unmet[q] += 1
                if not is_host[p] and not is_host[q]:
                    unmet_rovers += 1

    # 1. Pair slots: each remaining round seats sum C(size, 2) pairs; only unmet pairs can
    #    absorb a meeting without adding excess, and each only once.
    slots = sum(rem * _pairs(q + 1) + (tables - rem) * _pairs(q) for q, rem in sizes)
    slot_bound = slots - sum(unmet) // 2

    # 2. Per person: p has at least companions_min[p] companions in the remaining rounds, and
    #    all but unmet[p] of them are repeats for p. Each repeated pair is seen from both ends.
    per_person = sum(max(0, companions_min[p] - unmet[p]) for p in range(n))
    person_bound = (per_person + 1) // 2

    # 3. Hosts never sit together, so host-rover repeats seen from the host's end are counted
    #    once; rover-rover pairs get the slots that hosts do not take.
    host_side = sum(max(0, companions_min[p] - unmet[p]) for p in range(n) if is_host[p])
    host_slots = sum(companions_max[p] for p in range(n) if is_host[p])
    split_bound = host_side + max(0, slots - host_slots - unmet_rovers)

    # 4. Pigeonhole: a table of an earlier round with more people than there are tables cannot
    #    be spread out in a later round, so some of its pairs meet again. Each round r adds at
    #    least that many repeats for the worst earlier round r' (distinct pairs, since the
    #    tables of r' are disjoint). For planned rounds the tables of r' are not known yet, but
    #    their sizes are balanced, and spreading is convex in the group size.
    all_rounds = len(comp.held) + len(sizes)
    pigeon = 0
    for r in range(len(comp.held), all_rounds):
        present_r = set(comp.future_present[r - len(comp.held)])
        best = 0
        for earlier in range(r):
            if earlier < len(comp.held):
                groups: dict[int, int] = {}
                for p, table in enumerate(comp.held[earlier]):
                    if table >= 0 and p in present_r:
                        groups[table] = groups.get(table, 0) + 1
                forced = sum(_min_pairs(size, tables) for size in groups.values())
            else:
                both = len(present_r.intersection(comp.future_present[earlier - len(comp.held)]))
                q, rem = divmod(both, tables)
                forced = rem * _min_pairs(q + 1, tables) + (tables - rem) * _min_pairs(q, tables)
            best = max(best, forced)
        pigeon += best

    return held_excess + max(0, slot_bound, person_bound, split_bound, pigeon)


def _targets(comp: _Compiled, excess_bound: int) -> tuple[int, int, int]:
    """Cost at which the search may stop: every part at a lower bound."""
    counts, _ = _held_state(comp)
    held_max = max((max(row) for row in counts), default=0)
    anyone_meets = any(len(present) > comp.tables for present in comp.future_present)
    max_bound = max(held_max, 1 if anyone_meets else 0, 2 if excess_bound else 0)
    revisit_bound = 0
    rounds_present = [0] * comp.n
    for present in comp.future_present:
        for p in present:
            rounds_present[p] += 1
    for p in range(comp.n):
        if comp.host_table[p] >= 0:
            continue
        held_tables = [seats[p] for seats in comp.held if seats[p] >= 0]
        total = len(held_tables) + rounds_present[p]
        distinct = min(comp.tables, len(set(held_tables)) + rounds_present[p])
        revisit_bound += max(0, total - distinct)
    return excess_bound, max_bound, revisit_bound
