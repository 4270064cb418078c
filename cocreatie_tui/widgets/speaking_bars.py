"""Who spoke how long, as a horizontal bar per person: the room sees at a glance whether the
time was shared fairly. Names are participants' text: drawn as plain ``Content``, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from cocreatie_tui.core.timer import format_duration

EIGHTHS = " ▏▎▍▌▋▊▉"
NAME_WIDTH = 18
FIGURES_WIDTH = 20


@dataclass(frozen=True)
class Bar:
    label: str  # empty when names are not shown
    total_s: float
    turns: int
    share: float


def bar_text(value: float, largest: float, width: int) -> str:
    """A bar of ``width`` cells for the largest value, in eighths of a cell."""
    if largest <= 0 or width <= 0:
        return ""
    eighths = round(value / largest * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


class SpeakingBars(Widget):
    DEFAULT_CSS = """
    SpeakingBars { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._bars: list[Bar] = []
        self._turns_word = "{count}×"

    def show(self, bars: list[Bar], turns_word: str) -> None:
        if bars != self._bars or turns_word != self._turns_word:
            self._bars, self._turns_word = bars, turns_word
            self.refresh()

    def render(self) -> RenderResult:
        if not self._bars:
            return Content("")
        width = self.content_size.width
        named = any(bar.label for bar in self._bars)
        name_width = min(NAME_WIDTH, max(len(bar.label) for bar in self._bars)) if named else 0
        bar_width = max(4, width - name_width - FIGURES_WIDTH - (2 if named else 0))
        largest = max(bar.total_s for bar in self._bars)
        lines = []
        for bar in self._bars:
            parts: list[Content | tuple[str, str] | str] = []
            if named:
                label = Content(bar.label).truncate(name_width, ellipsis=True)
                parts += [label.pad_right(name_width - label.cell_length), "  "]
            drawn = bar_text(bar.total_s, largest, bar_width)
            parts += [(drawn, "$accent"), " " * (bar_width - len(drawn))]
            figures = (
                f" {format_duration(bar.total_s):>7} "
                f"{self._turns_word.format(count=bar.turns):>5} {round(bar.share * 100):>3} %"
            )
            parts.append(figures)
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)
