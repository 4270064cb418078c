"""Benchmark of the world-café rotation planner: quality and time per instance.

Run with ``python bench/rotation.py`` (add ``--seeds 5`` to also try seeds 1..4). For each
instance (people/tables/rounds, with and without hosts) it prints the plan's excess next to
the proven lower bound, max_pair, revisits and the seconds ``plan_rotation`` took, side by
side with a baseline: an independent random shuffle per round (balanced table sizes, hosts
fixed). Then one re-plan after late arrivals and departures, and the dense stretch instances.
"""

from __future__ import annotations

import argparse
import random
import time

from cocreatie_tui.core.rotation import RotationProblem, plan_rotation, score

SPARSE = [(32, 8, 4), (20, 5, 4), (24, 6, 3), (60, 10, 5), (200, 25, 6), (23, 5, 4), (20, 4, 3)]
STRETCH = [(32, 8, 10)]


def make_problem(people: int, tables: int, rounds: int, hosts: bool) -> RotationProblem:
    ids = [str(p) for p in range(people)]
    host_map = {str(t): t for t in range(tables)} if hosts else {}
    return RotationProblem(ids, tables, rounds, host_map)


def random_baseline(problem: RotationProblem, seed: int) -> tuple[int, int, int]:
    """Score of an independent random deal per round: balanced sizes, hosts at their table."""
    rng = random.Random(seed)
    tables = problem.tables
    rounds = []
    for _ in range(problem.rounds):
        q, rem = divmod(len(problem.people), tables)
        big = set(rng.sample(range(tables), rem))
        room = [q + (1 if t in big else 0) for t in range(tables)]
        seating = {}
        for person, table in problem.hosts.items():
            seating[person] = table
            room[table] -= 1
        rovers = [p for p in problem.people if p not in problem.hosts]
        rng.shuffle(rovers)
        slots = [t for t in range(tables) for _ in range(room[t])]
        seating.update(zip(rovers, slots, strict=True))
        rounds.append(seating)
    return score(rounds, problem.hosts)


def timed_plan(problem: RotationProblem, seed: int) -> tuple[object, float]:
    started = time.perf_counter()
    plan = plan_rotation(problem, seed=seed)
    return plan, time.perf_counter() - started


def row(label: str, problem: RotationProblem, seeds: int) -> None:
    plan, seconds = timed_plan(problem, 0)
    baseline = random_baseline(problem, 0)
    worst_excess, worst_seconds = plan.excess, seconds
    for seed in range(1, seeds):
        other, took = timed_plan(problem, seed)
        worst_excess = max(worst_excess, other.excess)
        worst_seconds = max(worst_seconds, took)
    extra = f"  {worst_excess:>9} {worst_seconds:>8.3f}" if seeds > 1 else ""
    print(
        f"{label:<22} {plan.excess:>6} {plan.lower_bound:>5} {plan.max_pair:>4} "
        f"{plan.revisits:>4} {seconds:>8.3f} {'yes' if plan.optimal else 'no':>4} "
        f"{baseline[0]:>9} {baseline[1]:>6}{extra}"
    )


def replan_row(hosts: bool) -> None:
    """200/25/6: after round 2, 5 people arrive and 3 rovers leave; re-plan rounds 3..6."""
    problem = make_problem(200, 25, 6, hosts)
    first = plan_rotation(problem, seed=0)
    leaving = {"100", "101", "102"}
    people = [p for p in problem.people if p not in leaving] + [f"new{i}" for i in range(5)]
    later = RotationProblem(people, 25, 6, problem.hosts, held=first.rounds[:2])
    plan, seconds = timed_plan(later, 0)
    label = f"re-plan 200/25/6{' h' if hosts else ''}"
    print(
        f"{label:<22} {plan.excess:>6} {plan.lower_bound:>5} {plan.max_pair:>4} "
        f"{plan.revisits:>4} {seconds:>8.3f} {'yes' if plan.optimal else 'no':>4}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1, help="also try seeds 1..N-1")
    seeds = parser.parse_args().seeds
    header = (
        f"{'instance (h = hosts)':<22} {'excess':>6} {'bound':>5} {'max':>4} {'rev':>4} "
        f"{'seconds':>8} {'opt':>4} {'random ex':>9} {'r.max':>6}"
    )
    if seeds > 1:
        header += f"  {'worst ex':>9} {'worst s':>8}"
    print(header)
    for people, tables, rounds in SPARSE:
        for hosts in (False, True):
            label = f"{people}/{tables}/{rounds}{' h' if hosts else ''}"
            row(label, make_problem(people, tables, rounds, hosts), seeds)
    for hosts in (False, True):
        replan_row(hosts)
    for people, tables, rounds in STRETCH:
        for hosts in (False, True):
            label = f"{people}/{tables}/{rounds}{' h' if hosts else ''} (stretch)"
            row(label, make_problem(people, tables, rounds, hosts), seeds)


if __name__ == "__main__":
    main()
