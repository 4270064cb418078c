"""The QR code that phones scan: decoded with a real decoder from what the terminal shows."""

from __future__ import annotations

from pathlib import Path

import zxingcpp

from cocreatie_tui.qr import QUIET_ZONE, qr_cells, qr_matrix
from cocreatie_tui.widgets.qr_code import QRCode
from tests.ui_helpers import PUBLIC_URL, build_app, rasterise, screen_text


def decode(image) -> list[str]:  # type: ignore[no-untyped-def]
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_matrix_has_a_light_quiet_zone_of_four_modules() -> None:
    matrix = qr_matrix("HTTP://10.0.0.1:8080/J/K7QX9M")
    for row in matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:]:
        assert not any(row)
    for row in matrix:
        assert not any(row[:QUIET_ZONE]) and not any(row[-QUIET_ZONE:])


def test_an_uppercase_url_gives_a_smaller_code() -> None:
    upper = qr_cells("HTTP://192.168.100.100:8080/J/K7QX9M")
    lower = qr_cells("http://192.168.100.100:8080/j/k7qx9m")
    assert upper.width < lower.width


async def test_the_board_qr_code_decodes_to_the_join_url_on_a_dark_theme(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        assert app.current_theme.dark
        url = app.join_url
        assert url.startswith(PUBLIC_URL.upper()) and url.endswith(app.hub.live.info.join_code)
        widget = app.screen.query_one(QRCode)
        assert decode(rasterise(app, widget)) == [url]
        assert url in screen_text(app)


async def test_the_join_screen_shows_the_code_large_and_a_scannable_qr(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        code = app.hub.live.info.join_code
        text = screen_text(app)
        assert " ".join(code) in text
        assert decode(rasterise(app, app.screen.query_one(QRCode))) == [app.join_url]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "BoardScreen"


async def test_a_rotated_code_changes_the_qr_code(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        await app.hub.rotate_join_code()
        await pilot.pause()
        widget = app.screen.query_one(QRCode)
        assert decode(rasterise(app, widget)) == [app.join_url]
        assert app.hub.live.info.join_code in app.join_url
