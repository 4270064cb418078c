"""What the exports say about the world café: the seating of every round and the cards per
table and per round.

Read from the data file's ``cafe`` document (see ``core.cafe``), so ``cocreatie export`` works
while the app runs. Phones' cookie ids never leave the data file: people are numbered in the
order they joined the café, and a phone also carries its participant number. Pure code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cocreatie_tui.core.cafe import KEY, TABLE, Cafe, CafeError, cards_by_round, cards_by_table
from cocreatie_tui.core.model import Card, Participant

Documents = Mapping[str, Mapping[str, Mapping[str, Any]]]


def load_cafe(documents: Documents) -> Cafe | None:
    """The saved café, None when there is none; raises ``CafeError`` when it is unreadable."""
    doc = documents.get(TABLE, {}).get(KEY)
    return None if doc is None else Cafe.from_doc(doc)


def export_record(
    documents: Documents, participants: Mapping[str, Participant], cards: Sequence[Card]
) -> dict[str, Any] | None:
    """The ``cafe`` part of the JSON export (None when no café was set up)."""
    try:
        cafe = load_cafe(documents)
    except CafeError:
        return {"unreadable": True}
    if cafe is None:
        return None
    numbers = {pid: n for n, pid in enumerate(cafe.people, 1)}
    hosts = cafe.hosts
    seating = []
    for index in range(len(cafe.seatings)):
        groups = cafe.at_tables(index)
        seating.append(
            {
                "round": index + 1,
                "tables": [
                    {"number": t + 1, "people": [numbers[pid] for pid in group if pid in numbers]}
                    for t, group in enumerate(groups)
                ],
            }
        )
    by_table = cards_by_table(cards)
    by_round = cards_by_round(cards)
    status = str(cafe.status())
    saved_timer = documents[TABLE][KEY].get("timer") or {}
    if status == "paused" and saved_timer.get("status") == "running":
        status = "running"  # a restored timer is paused; the file says it was running
    return {
        "status": status,
        "rounds": cafe.rounds,
        "round_seconds": cafe.round_seconds,
        "current_round": cafe.current + 1 if cafe.started else None,
        "tables": [
            {
                "number": t + 1,
                "theme": table.theme,
                "host": numbers.get(table.host) if table.host else None,
            }
            for t, table in enumerate(cafe.tables)
        ],
        "people": [
            {
                "number": numbers[person.id],
                "name": person.name,
                "participant": participants[person.id].number
                if person.id in participants
                else None,
                "present": person.present,
                "hosts_table": hosts[person.id] + 1 if person.id in hosts else None,
            }
            for person in cafe.people.values()
        ],
        "seating": seating,
        "plan": None if cafe.stats is None else dict(vars(cafe.stats)),
        "cards_per_table": [
            {"table": key, "cards": [card.number for card in group]}
            for key, group in by_table.items()
            if key is not None
        ],
        "cards_per_round": [
            {"round": key, "cards": [card.number for card in group]}
            for key, group in by_round.items()
            if key is not None
        ],
    }


def markdown_lines(
    documents: Documents,
    participants: Mapping[str, Participant],
    cards: Sequence[Card],
    t: Callable[..., str],
    escape: Callable[[str], str],
) -> list[str]:
    """The report's world-café section: the seating of each round, then the cards per table
    (``cards`` are those the report shows); nothing when no café was planned."""
    try:
        cafe = load_cafe(documents)
    except CafeError:
        return []
    if cafe is None or not cafe.started:
        return []

    def name(pid: str) -> str:
        person = cafe.people.get(pid)
        if person is not None and person.name:
            return escape(person.name)
        participant = participants.get(pid)
        if participant is None:
            return "?"
        if participant.nickname:
            return escape(participant.nickname)
        return t("cafe.phone", number=participant.number)

    def table_label(number: int) -> str:
        label = t("cafe.table", number=number)
        tables = cafe.tables
        if 0 < number <= len(tables) and tables[number - 1].theme:
            label += f" · {escape(tables[number - 1].theme)}"
        return label

    hosts = cafe.hosts
    lines = [f"## {t('cafe.name')}", ""]
    for index in range(len(cafe.seatings)):
        lines += [f"### {t('cafe.round', number=index + 1)}", ""]
        for number, group in enumerate(cafe.at_tables(index)):
            people = [
                name(pid) + (f" ({t('cafe.host')})" if hosts.get(pid) == number else "")
                for pid in group
            ]
            lines.append(f"- {table_label(number + 1)}: {', '.join(people) or '-'}")
        lines.append("")
    by_table = {key: group for key, group in cards_by_table(cards).items() if key is not None}
    if by_table:
        lines += [f"### {t('cafe.report.cards_per_table')}", ""]
        for number, group in by_table.items():
            lines += [f"#### {table_label(number)} ({len(group)})", ""]
            for card in group:
                where = t("cafe.round", number=card.round) if card.round else ""
                lines.append(f"- {escape(card.text)}" + (f" _({where})_" if where else ""))
            lines.append("")
    return lines
