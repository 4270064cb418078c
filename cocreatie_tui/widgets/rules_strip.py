"""The eight interaction rules in a few lines, for the room to see next to the cards."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from cocreatie_tui.i18n import interaction_rules


def rules_line(lang: str) -> Content:
    parts: list[Content | tuple[str, str]] = []
    for number, rule in enumerate(interaction_rules(lang), start=1):
        if parts:
            parts.append(("   ", ""))
        parts.append((f"{rule['icon']} ", "bold"))
        parts.append(Content(f"{number}. {rule['text']}"))
    return Content.assemble(*parts)


class RulesStrip(Static):
    DEFAULT_CSS = """
    RulesStrip { height: auto; padding: 0 2; color: $text-muted; border-top: solid $panel; }
    """

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__(rules_line(lang), id=id)
