"""Exports of a session: ``json`` is the complete record, ``md`` the report for the room.

Both are built from the stored documents, so exporting is safe while the app runs. The JSON
schema is in docs/EXPORT.md. Phones' cookie ids never leave the data file: participants are
numbered instead.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cocreatie_tui.core import board as board_rules
from cocreatie_tui.core import cafe_record, speaking_record
from cocreatie_tui.core.model import Card, CardSource, SessionState
from cocreatie_tui.i18n import Translator
from cocreatie_tui.store import write_text_file

EXPORT_FORMAT = "cocreatie-export"
EXPORT_VERSION = 1
FORMATS = ("json", "md")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=&:$^\"'])")


def export_json(
    state: SessionState,
    *,
    now: datetime | None = None,
    documents: speaking_record.Documents | None = None,
) -> str:
    """The complete record: every card with its flags, hidden ones included and marked.

    ``documents`` (the data file's tables) adds what features keep: speaking statistics.
    """
    numbers = {p.id: p.number for p in state.participants.values()}
    info = state.info
    record: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "session": {
            "id": info.id,
            "title": info.title,
            "created_at": info.created_at,
            "changed_at": info.changed_at,
            "prompts": [p.to_doc() for p in info.prompts],
            "active_prompt_id": info.active_prompt_id,
        },
        "cards": [_card_record(card, numbers) for card in state.cards_in_order()],
        "groups": [g.to_doc() for g in board_rules.stored_groups(documents or {})],
        "participants": [
            {"number": p.number, "nickname": p.nickname}
            for p in sorted(state.participants.values(), key=lambda p: p.number)
        ],
        "speaking": speaking_record.export_record(documents or {}, state.participants),
        "cafe": cafe_record.export_record(
            documents or {}, state.participants, state.cards_in_order()
        ),
    }
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def _card_record(card: Card, numbers: dict[str, int]) -> dict[str, Any]:
    return {
        "id": card.id,
        "number": card.number,
        "text": card.text,
        "source": card.source.value,
        "author": card.author,
        "participant": numbers.get(card.participant_id) if card.participant_id else None,
        "prompt_id": card.prompt_id,
        "created_at": card.created_at,
        "hidden": card.hidden,
        "starred": card.starred,
        "group_id": card.group_id,
        "merged_into": card.merged_into,
        "history": list(card.history),
        "table": card.table,
        "round": card.round,
    }


def escape_markdown(text: str) -> str:
    """Participant text shows literally in any Markdown renderer: no links, HTML or headings."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("\n", "  \n  ")


def export_markdown(
    state: SessionState,
    *,
    include_hidden: bool = False,
    lang: str = "nl",
    now: datetime | None = None,
    documents: speaking_record.Documents | None = None,
) -> str:
    """The report the facilitator chose to show: hidden cards left out unless asked for."""
    t = Translator(lang)
    info = state.info
    lines = [
        f"# {escape_markdown(info.title)}",
        "",
        f"{t('report.title')} · {t('report.created', date=info.created_at[:10])}",
        "",
    ]
    cards = [c for c in state.cards_in_order() if c.merged_into is None]
    if not include_hidden:
        cards = [c for c in cards if not c.hidden]
    groups = board_rules.stored_groups(documents or {})
    followers = board_rules.followers_by_target(state.cards_in_order())
    for prompt in info.prompts:
        answers = [c for c in cards if c.prompt_id == prompt.id]
        if len(info.prompts) > 1:
            lines += [f"## {t('report.prompt', text=escape_markdown(prompt.text))}", ""]
        else:
            lines += [f"## {t('report.cards')} ({len(answers)})", ""]
        if not answers:
            lines += [t("report.no_cards"), ""]
            continue
        lines += _card_lines(answers, groups, followers, t, include_hidden)
    # Speaking time, with or without names as the facilitator chose.
    lines += speaking_record.markdown_lines(documents or {}, state.participants, t, escape_markdown)
    # World café: the seating of each round and the cards (those shown above) per table.
    lines += cafe_record.markdown_lines(
        documents or {}, state.participants, cards, t, escape_markdown
    )
    stamp = (now or datetime.now(UTC)).isoformat(timespec="minutes")
    lines += ["---", "", t("report.exported", date=stamp), ""]
    return "\n".join(lines)


def _card_lines(
    answers: list[Card],
    groups: list[board_rules.Group],
    followers: dict[str, list[Card]],
    t: Translator,
    include_hidden: bool,
) -> list[str]:
    """The cards of one prompt: by theme when there are themes, each with the cards merged
    into it as sub-items (both texts are kept), starred ones marked."""
    sections = board_rules.report_sections(answers, groups)
    lines: list[str] = []
    for group, cards in sections:
        if group is not None or len(sections) > 1:
            name = escape_markdown(group.name) if group is not None else t("board.ungrouped")
            lines += [f"### {name} ({len(cards)})", ""]
        for card in cards:
            star = " ★" if card.starred else ""
            lines.append(f"- {escape_markdown(card.text)}{star}{_card_note(card, t)}")
            for merged in followers.get(card.id, ()):
                if include_hidden or not merged.hidden:
                    lines.append(f"  - {escape_markdown(merged.text)}{_card_note(merged, t)}")
        lines.append("")
    return lines


def _card_note(card: Card, t: Translator) -> str:
    notes = []
    if card.author:
        notes.append(t("report.by", name=escape_markdown(card.author)))
    if card.source is CardSource.PAPER:
        notes.append(t("board.source.paper"))
    if card.hidden:
        notes.append(t("report.hidden"))
    return f" _({', '.join(notes)})_" if notes else ""


def export_session(
    state: SessionState,
    fmt: str,
    *,
    include_hidden: bool = False,
    lang: str = "nl",
    documents: speaking_record.Documents | None = None,
) -> str:
    if fmt == "json":
        return export_json(state, documents=documents)
    if fmt == "md":
        return export_markdown(state, include_hidden=include_hidden, lang=lang, documents=documents)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write_reports(
    state: SessionState,
    folder: Path,
    *,
    lang: str = "nl",
    documents: speaking_record.Documents | None = None,
) -> tuple[Path, Path]:
    """Write the md report and the json record into ``folder`` (atomically); returns both paths.

    Blocking: the app calls it in a thread.
    """
    md_path = folder / f"{state.info.id}.md"
    json_path = folder / f"{state.info.id}.json"
    write_text_file(md_path, export_markdown(state, lang=lang, documents=documents))
    write_text_file(json_path, export_json(state, documents=documents))
    return md_path, json_path
