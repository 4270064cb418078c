"""`cocreatie rotation`: print a world-café seating plan, as JSON or as a printable plan.

The JSON form is a contract for scripts (see docs/ROTATION.md):
``{"rounds": [[table per person, ...], ...], "hosts": [...], "excess": ..., "max_pair": ...,
"revisits": ..., "lower_bound": ...}``, people and tables numbered from 0. The Markdown form
is for the wall: a section per round and a line per table with the people at it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cocreatie_tui.core.rotation import RotationPlan, RotationProblem, plan_rotation

MAX_PEOPLE = 1000
MAX_ROUNDS = 50

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()<>&|~!#])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def add_rotation_parser(subparsers: Any) -> None:
    """Add the ``rotation`` subcommand to an argparse ``subparsers`` object.

    The subcommand sets ``func=run_rotation`` as a default, for dispatch by the caller.
    """
    parser = subparsers.add_parser(
        "rotation",
        help="print a world-café rotation plan",
        description=(
            "Plan who sits at which table in each round of a world café, so that people "
            "meet as many others as possible. Prints the plan with its excess (repeated "
            "encounters beyond the first), max_pair (most times one pair meets), revisits "
            "(rovers back at a table) and a proven lower bound for the excess."
        ),
    )
    parser.add_argument("--people", type=int, required=True, metavar="N", help="participants")
    parser.add_argument("--tables", type=int, required=True, metavar="T", help="tables")
    parser.add_argument("--rounds", type=int, required=True, metavar="R", help="rounds")
    parser.add_argument(
        "--hosts",
        action="store_true",
        help="person t hosts table t and stays there (people and tables numbered from 0)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed of the search (default 0)"
    )
    parser.add_argument(
        "--format",
        choices=("json", "md"),
        default="json",
        help="json (default) for scripts, md for a printable seating plan",
    )
    parser.set_defaults(func=run_rotation)


def _input_error(people: int, tables: int, rounds: int) -> str | None:
    if people < 1 or tables < 1 or rounds < 1:
        return "--people, --tables and --rounds must be positive numbers"
    if people < tables:
        return f"fewer people ({people}) than tables ({tables}): every table needs someone"
    if people > MAX_PEOPLE:
        return f"at most {MAX_PEOPLE} people"
    if rounds > MAX_ROUNDS:
        return f"at most {MAX_ROUNDS} rounds"
    return None


def run_rotation(args: argparse.Namespace) -> int:
    """Plan and print; return 0, or 2 (with a message on stderr) for impossible input."""
    error = _input_error(args.people, args.tables, args.rounds)
    if error:
        print(f"cocreatie rotation: error: {error}", file=sys.stderr)
        return 2
    people = [str(p) for p in range(args.people)]
    hosts = {str(t): t for t in range(args.tables)} if args.hosts else {}
    problem = RotationProblem(people, args.tables, args.rounds, hosts)
    plan = plan_rotation(problem, seed=args.seed)
    if args.format == "json":
        print(json.dumps(plan_to_json(plan, people, hosts)))
    else:
        names = {person: f"Person {int(person) + 1}" for person in people}
        print(plan_to_markdown(plan, args.tables, hosts, names=names), end="")
    return 0


def plan_to_json(
    plan: RotationPlan, people: Sequence[str], hosts: Mapping[str, int]
) -> dict[str, Any]:
    """The JSON contract: people numbered by their position in ``people``.

    ``rounds[r][i]`` is the table of ``people[i]`` in round r, or null if they were absent.
    ``hosts`` lists the hosts' numbers, host of table 0 first.
    """
    index = {person: i for i, person in enumerate(people)}
    return {
        "rounds": [[seating.get(person) for person in people] for seating in plan.rounds],
        "hosts": [index[person] for person, _ in sorted(hosts.items(), key=lambda kv: kv[1])],
        "excess": plan.excess,
        "max_pair": plan.max_pair,
        "revisits": plan.revisits,
        "lower_bound": plan.lower_bound,
    }


def _md(text: str) -> str:
    """Participant text as literal Markdown: one line, special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _CONTROL.sub(" ", text)).strip()


@dataclass(frozen=True)
class PlanWords:
    """The fixed words of a printed seating plan; the TUI passes them in its own language."""

    summary: str = "{people} people, {tables} tables, {rounds} rounds."
    quality: str = (
        "Repeated encounters: {excess} ({verdict}); most times one pair meets: {max_pair}; "
        "tables visited again: {revisits}."
    )
    optimal: str = "optimal"
    bound: str = "lower bound {bound}"
    round: str = "Round {number}"
    table: str = "Table {number}"
    host: str = "host"
    empty: str = "empty"


def plan_to_markdown(
    plan: RotationPlan,
    tables: int,
    hosts: Mapping[str, int],
    *,
    names: Mapping[str, str] | None = None,
    table_names: Sequence[str] | None = None,
    title: str = "World café seating plan",
    words: PlanWords | None = None,
) -> str:
    """A printable seating plan: a section per round, a line per table (host first).

    ``names`` maps person ids to display names (default: the id); ``table_names`` gives a name
    or theme per table (default "Table 1", "Table 2", ...). Both are escaped.
    """
    names = names or {}

    def name(person: str) -> str:
        return _md(names.get(person, person))

    words = words or PlanWords()
    people = {person for seating in plan.rounds for person in seating}
    verdict = words.optimal if plan.optimal else words.bound.format(bound=plan.lower_bound)
    lines = [
        f"# {_md(title)}",
        "",
        words.summary.format(people=len(people), tables=tables, rounds=len(plan.rounds)),
        words.quality.format(
            excess=plan.excess, verdict=verdict, max_pair=plan.max_pair, revisits=plan.revisits
        ),
    ]
    for number, seating in enumerate(plan.rounds, start=1):
        lines += ["", f"## {words.round.format(number=number)}", ""]
        at_table: list[list[str]] = [[] for _ in range(tables)]
        for person, table in seating.items():
            if hosts.get(person) == table:
                at_table[table].insert(0, f"{name(person)} ({words.host})")
            else:
                at_table[table].append(name(person))
        for table, group in enumerate(at_table):
            label = (
                _md(table_names[table])
                if table_names and table < len(table_names)
                else words.table.format(number=table + 1)
            )
            lines.append(f"- {label}: {', '.join(group) if group else f'({words.empty})'}")
    return "\n".join(lines) + "\n"


def _main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cocreatie")
    add_rotation_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["rotation", *(sys.argv[1:] if argv is None else argv)])
    return run_rotation(args)


if __name__ == "__main__":
    sys.exit(_main())
