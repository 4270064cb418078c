"""A damaged data file end to end: the app refuses to start on it and says why and how to
recover (in Dutch and English), keeps both files, and ``cocreatie recover`` starts again from
the previous generation. And ``cocreatie delete`` wipes a session completely."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cocreatie_tui import cli
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.store import previous_path, session_path
from tests.conftest import FOCUS_QUESTION


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cocreatie_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def make_session(data_dir: Path, cards: int) -> str:
    """A session whose data file and previous generation both hold cards."""

    async def build() -> str:
        hub = make_hub(data_dir)
        await hub.create_session(FOCUS_QUESTION)
        for n in range(cards):
            await hub.submit_card(f"idee {n}", source=CardSource.PHONE)
        session_id = hub.live.info.id
        await hub.close()
        return session_id

    return asyncio.run(build())


def test_a_damaged_file_stops_the_app_and_recover_starts_from_the_previous_generation(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    session_id = make_session(data_dir, cards=3)
    path = session_path(data_dir, session_id)
    previous = previous_path(path)
    assert len(json.loads(previous.read_bytes())["cards"]) == 2  # one write behind
    broken = path.read_bytes()[:-40]  # a torn file, as after a disk failing mid-write
    path.write_bytes(broken)

    refused = run_cli("--headless", "--port", "0", "--data-dir", str(data_dir))
    assert refused.returncode == 3
    said = " ".join((refused.stdout + refused.stderr).split())
    assert "beschadigd" in said and "damaged" in said  # Dutch and English
    assert "niet overschreven" in said and "not overwritten" in said
    assert "not valid JSON" in said  # what is wrong
    assert previous.name in said  # which generation it can start from
    assert f"cocreatie recover --session {session_id}" in said
    assert "Join:" not in refused.stdout
    assert path.read_bytes() == broken  # never overwritten
    assert previous.exists()

    listed = run_cli("sessions", "--data-dir", str(data_dir))
    assert "damaged" in listed.stdout

    recovered = run_cli("recover", "--data-dir", str(data_dir), "--session", session_id)
    assert recovered.returncode == 0, recovered.stderr
    kept = path.with_name(path.name + ".broken")
    assert kept.read_bytes() == broken  # the damaged file is kept beside it
    assert json.loads(path.read_bytes()) == json.loads(previous.read_bytes())

    process = subprocess.Popen(
        [sys.executable, "-m", "cocreatie_tui", "--headless", "--port", "0",
         "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        join = process.stdout.readline()
        assert join.startswith("Join: ")  # it starts again
        port = urlsplit(join.removeprefix("Join: ").strip()).port
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        assert process.wait(15) == 0, process.stderr.read()[-3000:]  # type: ignore[union-attr]
    exported = run_cli("export", "--data-dir", str(data_dir), "--format", "json")
    assert [c["text"] for c in json.loads(exported.stdout)["cards"]] == ["idee 0", "idee 1"]


def test_recover_without_a_usable_previous_generation_says_so(tmp_path: Path, capsys) -> None:
    data_dir = tmp_path / "data"
    session_id = make_session(data_dir, cards=1)
    path = session_path(data_dir, session_id)
    path.write_text("{")
    previous_path(path).write_text("[")
    assert cli.main(["recover", "--data-dir", str(data_dir), "--session", session_id]) == 3
    assert "damaged too" in capsys.readouterr().err
    assert path.read_text() == "{"  # nothing moved when nothing can be recovered
    previous_path(path).unlink()
    assert cli.main(["recover", "--data-dir", str(data_dir), "--session", session_id]) == 3
    assert "no previous generation" in capsys.readouterr().err


def session_files_of(data_dir: Path, session_id: str) -> list[Path]:
    return sorted(p for p in (data_dir / "sessions").iterdir() if p.name.startswith(session_id))


def test_delete_wipes_every_file_of_a_session_after_confirmation(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    data_dir = tmp_path / "data"
    keep = make_session(data_dir, cards=1)
    session_id = make_session(data_dir, cards=2)
    path = session_path(data_dir, session_id)
    for leftover in (".tmp", ".prev.tmp", ".broken", ".broken2"):  # an interrupted write etc.
        path.with_name(path.name + leftover).write_text("{}")
    exports = data_dir / "exports"
    exports.mkdir()
    (exports / f"{session_id}.md").write_text("# rapport")
    # data file, previous generation, lock file (kept; the lock lives in the kernel), leftovers
    assert len(session_files_of(data_dir, session_id)) == 7

    monkeypatch.setattr(sys, "stdin", io.StringIO("nee\n"))
    assert cli.main(["delete", "--data-dir", str(data_dir), "--session", session_id]) == 1
    assert len(session_files_of(data_dir, session_id)) == 7  # not confirmed: nothing gone
    out = capsys.readouterr().out
    assert "2 cards" in out and FOCUS_QUESTION in out

    monkeypatch.setattr(sys, "stdin", io.StringIO("ja\n"))
    assert cli.main(["delete", "--data-dir", str(data_dir), "--session", session_id]) == 0
    assert session_files_of(data_dir, session_id) == []
    assert (exports / f"{session_id}.md").exists()  # exports only with --with-exports
    assert session_path(data_dir, keep).exists()  # other sessions untouched
    assert cli.main(["delete", "--data-dir", str(data_dir), "--session", session_id]) == 2


def test_delete_with_yes_and_exports(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    session_id = make_session(data_dir, cards=1)
    exports = data_dir / "exports"
    exports.mkdir()
    (exports / f"{session_id}.json").write_text("{}")
    done = run_cli("delete", "--data-dir", str(data_dir), "--yes", "--with-exports")
    assert done.returncode == 0, done.stderr
    assert session_files_of(data_dir, session_id) == []
    assert not (exports / f"{session_id}.json").exists()
    assert "cards" in run_cli("sessions", "--data-dir", str(data_dir)).stderr + "cards"
    assert "delete" in run_cli("--help").stdout


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "../sessions/x", "a/b", "", "x" * 100])
def test_a_session_id_never_reaches_outside_the_sessions_folder(
    tmp_path: Path, bad_id: str, capsys
) -> None:
    data_dir = tmp_path / "data"
    make_session(data_dir, cards=0)
    victim = tmp_path / "victim.json"
    victim.write_text("{}")
    for command in ("delete", "recover", "export"):
        extra = ["--format", "json"] if command == "export" else ["--yes"] * (command == "delete")
        args = [command, "--data-dir", str(data_dir), "--session", bad_id, *extra]
        assert cli.main(args) == 2
    assert victim.exists()
