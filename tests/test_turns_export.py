"""Speaking statistics in the exports: always in the JSON record, in the report with or
without names as the facilitator chose; names are data, never markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cocreatie_tui.cli import main
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import escape_markdown, export_json, export_markdown
from cocreatie_tui.features.turns import TurnsFeature, turns_of
from cocreatie_tui.hub import Hub
from tests.hostile import HOSTILE_TEXTS
from tests.turns_helpers import PHONE_A, FakeClock, live_hub


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def live(data_dir: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    hub = await live_hub(data_dir, clock)
    yield hub
    await hub.close()


async def spoken_session(hub: Hub, clock: FakeClock) -> TurnsFeature:
    turns = turns_of(hub)
    await hub.submit_card("idee", source=CardSource.PHONE, participant_id=PHONE_A)
    await turns.add_missing_phones()
    await turns.add_named_speaker("Anna [b]x[/b] | *y*")
    await turns.add_named_speaker("Bert")
    await turns.plan_round()
    await turns.next_speaker()  # the phone, Deelnemer 1
    clock.advance(60)
    await turns.next_speaker()  # Anna
    clock.advance(180)
    await turns.end_round()  # Anna's turn ends as spoken; Bert was not asked
    return turns


async def test_the_json_export_always_holds_the_statistics_with_names(
    live: Hub, clock: FakeClock
) -> None:
    await spoken_session(live, clock)
    record = json.loads(export_json(live.live, documents=live.store.documents))  # type: ignore[union-attr]
    speaking = record["speaking"]
    assert speaking["names_in_report"] is False
    by_number = {s["number"]: s for s in speaking["speakers"]}
    phone = next(s for s in speaking["speakers"] if s["source"] == "phone")
    assert phone["participant"] == 1 and phone["name"] is None and phone["total_s"] == 60
    assert any(s["name"] == "Anna [b]x[/b] | *y*" for s in by_number.values())
    assert speaking["turns"] == 2
    assert len(speaking["not_yet_spoken"]) == 1
    assert PHONE_A not in json.dumps(record)  # cookie ids never leave the data file


async def test_the_json_export_without_turns_has_an_empty_record(live: Hub) -> None:
    record = json.loads(export_json(live.live, documents=live.store.documents))  # type: ignore[union-attr]
    assert record["speaking"]["speakers"] == [] and record["speaking"]["turns"] == 0


async def test_the_report_has_names_only_when_the_facilitator_chose_so(
    live: Hub, clock: FakeClock
) -> None:
    turns = await spoken_session(live, clock)
    anonymous = export_markdown(live.live, documents=live.store.documents)  # type: ignore[union-attr]
    assert "## Spreektijd" in anonymous
    assert "Anna" not in anonymous and "Deelnemer 1" not in anonymous and "Bert" not in anonymous
    assert "Nog niet aan het woord geweest: 1 mensen" in anonymous
    assert "| 3:00 | 1 | 75 % |" in anonymous
    await turns.toggle_setting("names_in_report")
    named = export_markdown(live.live, documents=live.store.documents)  # type: ignore[union-attr]
    assert "| Deelnemer 1 | 1:00 | 1 | 25 % |" in named
    assert "Anna \\[b\\]x\\[/b\\] \\| \\*y\\*" in named  # escaped: a name is never markup
    assert "Nog niet aan het woord geweest: Bert" in named


@pytest.mark.parametrize("name", HOSTILE_TEXTS[:10])
async def test_hostile_names_never_break_the_report(live: Hub, name: str) -> None:
    turns = turns_of(live)
    await turns.toggle_setting("names_in_report")
    speaker = await turns.add_named_speaker(name[:40])
    report = export_markdown(live.live, documents=live.store.documents)  # type: ignore[union-attr]
    assert escape_markdown(speaker.name) in report
    assert re.search(r"(?<!\\)[<\[]", report) is None  # every < and [ escaped


async def test_the_export_command_reads_the_statistics_from_the_data_file(
    live: Hub, clock: FakeClock, data_dir: Path, capsys
) -> None:
    turns = await spoken_session(live, clock)
    await turns.toggle_setting("names_in_report")
    assert main(["export", "--data-dir", str(data_dir), "--format", "md"]) == 0
    report = capsys.readouterr().out
    assert "## Spreektijd" in report and "| Deelnemer 1 | 1:00 | 1 | 25 % |" in report
    assert main(["export", "--data-dir", str(data_dir), "--format", "json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["speaking"]["turns"] == 2 and record["speaking"]["names_in_report"] is True
