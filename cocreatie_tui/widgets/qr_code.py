"""A QR code drawn with half blocks in explicit black on white, whatever the theme."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from cocreatie_tui.qr import UPPER_HALF, QRCells, qr_cells

DARK = "#000000"
LIGHT = "#ffffff"
_STYLES = {
    (top, bottom): Style(color=DARK if top else LIGHT, bgcolor=DARK if bottom else LIGHT)
    for top in (False, True)
    for bottom in (False, True)
}


class QRCode(Widget):
    """Shows ``data`` as a scannable QR code; the quiet zone is always light."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    data: reactive[str] = reactive("", layout=True)

    def __init__(self, data: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._cells: QRCells = qr_cells(data) if data else QRCells(())
        self.set_reactive(QRCode.data, data)

    def watch_data(self, data: str) -> None:
        self._cells = qr_cells(data) if data else QRCells(())
        self.refresh(layout=True)

    @property
    def cells(self) -> QRCells:
        return self._cells

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._cells.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._cells.height

    def render_line(self, y: int) -> Strip:
        if y >= self._cells.height:
            return Strip.blank(self.size.width)
        segments = [Segment(UPPER_HALF, _STYLES[cell]) for cell in self._cells.rows[y]]
        return Strip(segments, self._cells.width).adjust_cell_length(self.size.width)
