"""A countdown readable from the back of the room: Textual's ``Digits``, grown to fit its space.

``Digits`` draws every character three cells high. On a projector that is small, so when there
is room for at least twice that, ``BigClock`` draws the same text in a blocky 3x5 font made of
half blocks, scaled up as far as the widget's size allows (at 80x24 about ten rows high, at
200x60 most of the screen). With less room it is plain ``Digits``.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widgets import Digits

# 3x5 pixels per character ("#" is lit); the colon is one pixel wide.
FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "+": ("...", ".#.", "###", ".#.", "..."),
    "-": ("...", "...", "###", "...", "..."),
    " ": ("...", "...", "...", "...", "..."),
}
GLYPH_ROWS = 5
MAX_SCALE = 12
HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def pixel_rows(text: str) -> list[str]:
    """The text as rows of pixels, one pixel of space between characters."""
    glyphs = [FONT.get(char, FONT[" "]) for char in text]
    return [".".join(glyph[row] for glyph in glyphs) for row in range(GLYPH_ROWS)]


def scale_for(text: str, width: int, height: int) -> int:
    """The largest scale at which ``text`` fits: a pixel is ``scale`` cells wide and
    ``scale`` half-cells high (about square on a terminal)."""
    pixels_wide = len(pixel_rows(text)[0])
    scale = MAX_SCALE
    while scale > 1 and (pixels_wide * scale > width or -(-GLYPH_ROWS * scale // 2) > height):
        scale -= 1
    return scale


def block_lines(text: str, scale: int) -> list[str]:
    """Draw ``text`` with half blocks at ``scale``."""
    half_rows: list[list[bool]] = []
    for row in pixel_rows(text):
        lit = [pixel == "#" for pixel in row for _ in range(scale)]
        half_rows.extend(list(lit) for _ in range(scale))
    if len(half_rows) % 2:
        half_rows.append([False] * len(half_rows[0]))
    return [
        "".join(HALF_BLOCKS[pair] for pair in zip(top, bottom, strict=True))
        for top, bottom in zip(half_rows[::2], half_rows[1::2], strict=True)
    ]


class BigClock(Digits):
    DEFAULT_CSS = """
    BigClock { width: 1fr; height: 1fr; text-align: center; }
    """

    def render(self) -> RenderResult:
        width, height = self.content_size
        scale = scale_for(self.value, width, height)
        if scale < 2:
            return super().render()
        lines = block_lines(self.value, scale)
        left = max(0, (width - len(lines[0])) // 2)
        top = max(0, (height - len(lines)) // 2)
        return Content("\n" * top + "\n".join(" " * left + line for line in lines))

    def on_resize(self) -> None:
        self.refresh()
