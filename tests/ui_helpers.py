"""Helpers for tests that run the real app: build it, and read what the terminal shows."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from rich.color import Color
from textual.app import App
from textual.widget import Widget

from cocreatie_tui.config import AppConfig
from cocreatie_tui.factory import make_app

PUBLIC_URL = "http://10.0.0.1:8080"


def build_app(
    data_dir: Path,
    *,
    title: str | None = "Hoe maken we de bib toegankelijker?",
    lang: str = "nl",
    **hub_options,
):  # type: ignore[no-untyped-def]
    config = AppConfig(
        data_dir=data_dir,
        host="127.0.0.1",
        port=0,
        lang=lang,
        public_url=PUBLIC_URL,
        new_title=title,
    )
    return make_app(config, **hub_options)


def screen_text(app: App) -> str:
    """The terminal's characters as the person in front of it sees them."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def _rgb(color: Color | None, default: tuple[int, int, int]) -> tuple[int, int, int]:
    if color is None:
        return default
    triplet = color.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


def rasterise(app: App, widget: Widget, margin: int = 2, scale: int = 6) -> Image.Image:
    """Turn the cells the terminal shows around ``widget`` into pixels: each cell is one module
    wide and two tall (half blocks), coloured as drawn, so a dark theme shows as it would."""
    strips = app.screen._compositor.render_strips()
    region = widget.region.grow((margin, margin, margin, margin))
    width, height = region.width, region.height * 2
    image = Image.new("RGB", (width, height))
    pixels = image.load()
    for row in range(region.height):
        y = region.y + row
        if not 0 <= y < len(strips):
            continue
        cells: list[tuple[str, tuple[int, int, int], tuple[int, int, int]]] = []
        for segment in strips[y]:
            style = segment.style
            fg = _rgb(style.color if style else None, (255, 255, 255))
            bg = _rgb(style.bgcolor if style else None, (0, 0, 0))
            cells.extend((char, fg, bg) for char in segment.text)
        for column in range(region.width):
            x = region.x + column
            char, fg, bg = cells[x] if 0 <= x < len(cells) else (" ", (0, 0, 0), (0, 0, 0))
            top, bottom = {
                "▀": (fg, bg),
                "▄": (bg, fg),
                "█": (fg, fg),
            }.get(char, (bg, bg))
            pixels[column, row * 2] = top
            pixels[column, row * 2 + 1] = bottom
    return image.resize((width * scale, height * scale), Image.NEAREST)
