"""QR codes as terminal cells: two modules per cell with half blocks, black on white."""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; the standard's minimum, which scanners rely on
UPPER_HALF = "▀"


@dataclass(frozen=True)
class QRCells:
    """Rows of cells; each cell is (top module dark, bottom module dark)."""

    rows: tuple[tuple[tuple[bool, bool], ...], ...]

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    @property
    def height(self) -> int:
        return len(self.rows)


def qr_matrix(data: str) -> list[list[bool]]:
    """The module matrix including the quiet zone (True = dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_cells(data: str) -> QRCells:
    matrix = qr_matrix(data)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))  # a light row: more quiet zone, never less
    rows = []
    for top, bottom in zip(matrix[0::2], matrix[1::2], strict=True):
        rows.append(tuple(zip(top, bottom, strict=True)))
    return QRCells(tuple(rows))
