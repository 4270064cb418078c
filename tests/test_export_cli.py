"""Exports and the command line: `cocreatie sessions` and `cocreatie export`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cocreatie_tui.cli import build_parser, main
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import escape_markdown, export_json, export_markdown
from cocreatie_tui.hub import Hub
from tests.conftest import FOCUS_QUESTION
from tests.hostile import HOSTILE_TEXTS


async def fill(hub: Hub) -> None:
    await hub.submit_card("Meer zitplaatsen", source=CardSource.PHONE, participant_id="p" * 22)
    await hub.submit_card("Van papier", source=CardSource.PAPER, author="Jan")
    hidden, _ = await hub.submit_card("Niet voor het scherm", source=CardSource.PHONE)
    hidden.hidden = True  # moderation is the board's command; here the flag is set directly
    hub.put("cards", hidden.number, hidden.to_doc())
    await hub.commit()


async def test_json_export_is_the_complete_record(hub: Hub) -> None:
    await fill(hub)
    record = json.loads(export_json(hub.live))
    assert record["format"] == "cocreatie-export" and record["version"] == 1
    assert record["session"]["title"] == FOCUS_QUESTION
    assert [c["text"] for c in record["cards"]] == [
        "Meer zitplaatsen",
        "Van papier",
        "Niet voor het scherm",
    ]
    assert record["cards"][2]["hidden"] is True
    assert record["cards"][1]["source"] == "paper" and record["cards"][1]["author"] == "Jan"
    # The phone's cookie id never leaves the data file: participants are numbered.
    assert "p" * 22 not in json.dumps(record)
    assert record["cards"][0]["participant"] == 1


async def test_md_report_leaves_hidden_cards_out_unless_asked(hub: Hub) -> None:
    await fill(hub)
    report = export_markdown(hub.live)
    assert report.startswith("# Hoe maken we de bib toegankelijker?")
    assert "Meer zitplaatsen" in report and "Niet voor het scherm" not in report
    assert "van papier" in report  # the source is noted
    with_hidden = export_markdown(hub.live, include_hidden=True)
    assert "Niet voor het scherm" in with_hidden and "verborgen" in with_hidden


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_markdown_escaping_leaves_no_live_syntax(text: str) -> None:
    escaped = escape_markdown(text)
    for special in "[]<>`*_#()":
        # every special character is preceded by a backslash
        for index, char in enumerate(escaped):
            if char == special:
                assert escaped[index - 1] == "\\", (text, escaped)


async def test_hostile_text_round_trips_exactly_through_json(hub: Hub) -> None:
    for text in HOSTILE_TEXTS:
        await hub.submit_card(text, source=CardSource.PHONE)
    record = json.loads(export_json(hub.live))
    assert [c["text"] for c in record["cards"]] == [t.strip() for t in HOSTILE_TEXTS]


async def test_cli_lists_and_exports_the_most_recent_session(
    hub: Hub, data_dir: Path, capsys, tmp_path: Path
) -> None:
    await fill(hub)
    assert main(["sessions", "--data-dir", str(data_dir)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "id\ttitle\tcreated\tlast changed\tcards"
    assert listing[1].startswith(hub.live.info.id) and listing[1].endswith("\t3")

    assert main(["export", "--data-dir", str(data_dir), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert len(record["cards"]) == 3

    out = tmp_path / "verslag.md"
    args = ["export", "--data-dir", str(data_dir), "--format", "md", "-o", str(out)]
    assert main([*args, "--include-hidden"]) == 0
    assert "Niet voor het scherm" in out.read_text()

    args = ["export", "--data-dir", str(data_dir), "--session", hub.live.info.id, "--format", "md"]
    assert main(args) == 0
    assert "Niet voor het scherm" not in capsys.readouterr().out


def test_cli_export_of_a_missing_session_fails_clearly(tmp_path: Path, capsys) -> None:
    args = ["export", "--data-dir", str(tmp_path), "--session", "nope", "--format", "json"]
    assert main(args) == 2
    assert "cannot find session 'nope'" in capsys.readouterr().err


def test_cli_flags_are_as_documented() -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.lang, args.headless) == ("0.0.0.0", 8080, "nl", False)
    args = build_parser().parse_args(
        ["--new", "Vraag?", "--port", "0", "--lang", "en", "--public-url", "http://x:1"]
    )
    assert (args.new, args.port, args.lang, args.public_url) == ("Vraag?", 0, "en", "http://x:1")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--port", "70000"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["export", "--format", "pdf"])
