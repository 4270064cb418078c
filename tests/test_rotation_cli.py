"""`cocreatie rotation`: the JSON contract, --hosts, exit status 2, the Markdown plan."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from cocreatie_tui.core.rotation import RotationPlan
from cocreatie_tui.rotation_cli import add_rotation_parser, plan_to_markdown, run_rotation


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cocreatie")
    add_rotation_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["rotation", *argv])


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert run_rotation(parse(*argv)) == 0
    return json.loads(capsys.readouterr().out)


def pairs_and_visits(rounds: list[list[int]], hosts: list[int]) -> tuple[int, int, int]:
    """Recompute the statistics from the JSON alone, as a script would."""
    together: dict[tuple[int, int], int] = {}
    visits: dict[tuple[int, int], int] = {}
    for seating in rounds:
        for p, table in enumerate(seating):
            if p not in hosts:
                visits[p, table] = visits.get((p, table), 0) + 1
            for q in range(p + 1, len(seating)):
                if seating[q] == table:
                    together[p, q] = together.get((p, q), 0) + 1
    excess = sum(c - 1 for c in together.values())
    return excess, max(together.values(), default=0), sum(v - 1 for v in visits.values())


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--people", "24", "--tables", "6", "--rounds", "3")
    assert set(data) == {"rounds", "hosts", "excess", "max_pair", "revisits", "lower_bound"}
    assert data["hosts"] == []
    assert len(data["rounds"]) == 3
    for seating in data["rounds"]:
        assert len(seating) == 24
        assert sorted(seating.count(t) for t in range(6)) == [4] * 6
    stats = pairs_and_visits(data["rounds"], data["hosts"])
    assert stats == (data["excess"], data["max_pair"], data["revisits"])
    assert data["excess"] == data["lower_bound"] == 0


def test_hosts_switch_keeps_person_t_at_table_t(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--people", "23", "--tables", "5", "--rounds", "4", "--hosts")
    assert data["hosts"] == [0, 1, 2, 3, 4]
    for seating in data["rounds"]:
        assert seating[:5] == [0, 1, 2, 3, 4]
        sizes = [seating.count(t) for t in range(5)]
        assert max(sizes) - min(sizes) <= 1
    stats = pairs_and_visits(data["rounds"], data["hosts"])
    assert stats == (data["excess"], data["max_pair"], data["revisits"])


def test_lower_bound_in_json_takes_hosts_into_account(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--people", "20", "--tables", "4", "--rounds", "3", "--hosts")
    assert data["lower_bound"] == 8
    assert data["excess"] <= 11


def test_seed_gives_the_same_plan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--people", "20", "--tables", "5", "--rounds", "4", "--seed", "3")
    assert run_json(capsys, *argv) == run_json(capsys, *argv)


@pytest.mark.parametrize(
    "argv",
    [
        ("--people", "3", "--tables", "4", "--rounds", "2"),
        ("--people", "8", "--tables", "2", "--rounds", "0"),
        ("--people", "0", "--tables", "2", "--rounds", "2"),
        ("--people", "8", "--tables", "-1", "--rounds", "2"),
        ("--people", "8", "--tables", "2", "--rounds", "-3"),
    ],
)
def test_impossible_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    assert run_rotation(parse(*argv)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error:" in captured.err


def test_markdown_plan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--people", "7", "--tables", "3", "--rounds", "2", "--hosts", "--format", "md")
    assert run_rotation(parse(*argv)) == 0
    out = capsys.readouterr().out
    assert out.startswith("# ")
    assert "## Round 1" in out and "## Round 2" in out and "## Round 3" not in out
    round_one = out.split("## Round 1")[1].split("## Round 2")[0]
    tables = [line for line in round_one.splitlines() if line.startswith("- ")]
    assert len(tables) == 3
    assert tables[0].startswith("- Table 1: Person 1 (host)")
    seated = [name for line in tables for name in line.split(": ", 1)[1].split(", ")]
    assert sorted(name.removesuffix(" (host)") for name in seated) == sorted(
        f"Person {i}" for i in range(1, 8)
    )


def test_markdown_escapes_names_and_themes() -> None:
    plan = RotationPlan(
        rounds=[{"a": 0, "b": 0, "c": 1}],
        excess=0,
        max_pair=1,
        revisits=0,
        lower_bound=0,
    )
    text = plan_to_markdown(
        plan,
        2,
        {"a": 0},
        names={"a": "[@click=app.quit]", "b": "*Jan*\n# kop", "c": "<b>x</b>"},
        table_names=["Wonen & [zorg]", "Werk"],
    )
    assert "- Wonen \\& \\[zorg\\]: \\[@click=app.quit\\] (host), \\*Jan\\* \\# kop" in text
    assert "- Werk: \\<b\\>x\\</b\\>" in text
    assert "\n# kop" not in text


def test_module_runs_as_a_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cocreatie_tui.rotation_cli", "--people", "24", "--tables", "6"]
        + ["--rounds", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["excess"] == 0
    result = subprocess.run(
        [sys.executable, "-m", "cocreatie_tui.rotation_cli", "--people", "2", "--tables", "6"]
        + ["--rounds", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "fewer people" in result.stderr
