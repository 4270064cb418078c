"""World café in the exports: the seating of every round and the cards per table and round,
from the data file (``cocreatie export``), with no cookie ids and nothing live in Markdown."""

from __future__ import annotations

import json
from pathlib import Path

from cocreatie_tui.cli import main
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import export_json
from cocreatie_tui.features.cafe import cafe_of
from cocreatie_tui.hub import Hub

HOSTILE_NAME = "[x](javascript:alert(1))"
HOSTILE_THEME = "<b>Groen</b> # kop"


def phone(n: int) -> str:
    return f"phone-{n:02d}-0123456789abcdef"


async def run_a_cafe(hub: Hub) -> None:
    cafe = cafe_of(hub)
    for n in range(7):
        hub.phones.seen(phone(n))
    await cafe.add_phones()
    anna = await cafe.add_name(HOSTILE_NAME)
    await cafe.configure(["Mobiliteit", HOSTILE_THEME], [anna.id, None], 2, 600)
    await cafe.plan_cafe()
    await cafe.toggle_pause()
    await hub.submit_card("Meer bankjes", source=CardSource.PHONE, participant_id=phone(1))
    await cafe.end_round()
    await cafe.next_round()
    await cafe.toggle_pause()
    await hub.submit_card("Een moestuin", source=CardSource.PHONE, participant_id=phone(2))
    await hub.submit_card("Van papier", source=CardSource.PAPER)


async def test_the_json_export_holds_the_seating_and_the_cards_per_table(
    hub: Hub, data_dir: Path, capsys
) -> None:
    await run_a_cafe(hub)
    cafe = cafe_of(hub).cafe
    assert main(["export", "--data-dir", str(data_dir), "--format", "json"]) == 0
    out = capsys.readouterr().out
    record = json.loads(out)["cafe"]
    assert record["status"] == "running" and record["current_round"] == 2  # as saved
    assert [t["theme"] for t in record["tables"]] == ["Mobiliteit", HOSTILE_THEME]
    assert record["tables"][0]["host"] == 8  # Anna joined the café after the seven phones
    assert record["people"][7] == {
        "number": 8,
        "name": HOSTILE_NAME,
        "participant": None,
        "present": True,
        "hosts_table": 1,
    }
    assert record["people"][0]["participant"] == hub.live.participants[phone(0)].number
    assert [len(r["tables"]) for r in record["seating"]] == [2, 2]
    for number, seating in enumerate(cafe.seatings, 1):
        seated = sum(len(t["people"]) for t in record["seating"][number - 1]["tables"])
        assert seated == len(seating) == 8
    assert 8 in record["seating"][0]["tables"][0]["people"]
    tables = {entry["table"] for entry in record["cards_per_table"]}
    assert tables == {c.table for c in hub.live.cards.values() if c.table}
    assert [entry["round"] for entry in record["cards_per_round"]] == [1, 2]
    assert "phone-0" not in out  # cookie ids never leave the data file
    cards = json.loads(out)["cards"]
    assert [(c["table"] is None, c["round"]) for c in cards] == [
        (False, 1),
        (False, 2),
        (True, None),
    ]


async def test_the_report_shows_each_round_and_the_cards_per_table_escaped(
    hub: Hub, data_dir: Path, capsys
) -> None:
    await run_a_cafe(hub)
    assert main(["export", "--data-dir", str(data_dir), "--format", "md"]) == 0
    report = capsys.readouterr().out
    assert "## Wereldcafé" in report and "### Ronde 1" in report and "### Ronde 2" in report
    host = "\\[x\\]\\(javascript\\:alert\\(1\\)\\) (tafelhost)"
    assert f"- Tafel 1 · Mobiliteit: {host}" in report
    assert "<b>" not in report and "Tafel 2 · \\<b\\>Groen\\</b\\> \\# kop" in report
    assert "### Kaartjes per tafel" in report
    assert "- Meer bankjes _(Ronde 1)_" in report


async def test_no_cafe_no_section(hub: Hub) -> None:
    record = json.loads(export_json(hub.live, documents=hub.store.documents))
    assert record["cafe"] is None
