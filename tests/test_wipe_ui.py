"""Wiping a session from the start screen, as a facilitator would: Delete on the list, a
question that names what goes, and an open session that is never touched."""

from __future__ import annotations

import os
from pathlib import Path

from cocreatie_tui.core.model import CardSource
from cocreatie_tui.export import write_reports
from cocreatie_tui.factory import make_hub
from cocreatie_tui.store import session_file_set, session_path
from tests.ui_helpers import build_app, screen_text

KEPT = "Hoe maken we de bib toegankelijker?"
GONE = "Wat doen we met het oude zwembad?"


async def make_sessions(data_dir: Path) -> dict[str, str]:
    """Two sessions on disk, the older one with its report; their ids by title."""
    ids = {}
    for title in (GONE, KEPT):
        hub = make_hub(data_dir)
        await hub.create_session(title)
        for text in ("Een zitbank", "Meer licht"):
            await hub.submit_card(text, source=CardSource.FACILITATOR)
        if title == GONE:
            write_reports(hub.live, data_dir / "exports", documents=hub.store.documents)
        ids[title] = hub.live.info.id
        await hub.close()
    older = session_path(data_dir, ids[GONE])  # the app opens the latest: the kept one
    os.utime(older, ns=(older.stat().st_atime_ns, older.stat().st_mtime_ns - 10**10))
    return ids


async def test_a_chosen_session_is_wiped_after_asking_with_its_reports(tmp_path: Path) -> None:
    ids = await make_sessions(tmp_path)
    reports = sorted((tmp_path / "exports").glob(f"{ids[GONE]}.*"))
    assert [p.suffix for p in reports] == [".json", ".md"]
    app = build_app(tmp_path, title=None)  # opens the latest session: the kept one
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("s")  # the sessions
        await pilot.pause()
        assert "Sessie wissen" not in screen_text(app)  # typing in the question box
        recent = app.screen.query_one("#recent-sessions")
        recent.focus()
        await pilot.pause()
        while GONE not in str(recent.get_option_at_index(recent.highlighted).prompt):
            await pilot.press("down")
        assert "Sessie wissen" in screen_text(app)  # the footer offers it now
        await pilot.press("delete")
        await pilot.pause()
        text = screen_text(app)
        assert "Deze sessie definitief wissen?" in text and GONE in text
        assert "Alle 2 kaartjes" in text
        await pilot.press("enter")  # the focused button keeps the session
        await pilot.pause()
        assert session_file_set(tmp_path, ids[GONE])
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#wipe-reports")
        await pilot.click("#wipe-confirm")
        await pilot.pause(0.3)
        assert session_file_set(tmp_path, ids[GONE]) == []
        assert not any((tmp_path / "exports").glob(f"{ids[GONE]}.*"))
        assert session_file_set(tmp_path, ids[KEPT])  # the other one stays
        text = screen_text(app)
        assert f"Gewist: {GONE}" in text
        options = [str(recent.get_option_at_index(i).prompt) for i in range(recent.option_count)]
        assert not any(GONE in line for line in options) and any(KEPT in o for o in options)


async def test_the_open_session_is_refused_and_kept(tmp_path: Path) -> None:
    ids = await make_sessions(tmp_path)
    app = build_app(tmp_path, title=None)  # opens the latest session: the kept one
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.hub.live.info.id == ids[KEPT]
        await pilot.press("s")
        await pilot.pause()
        recent = app.screen.query_one("#recent-sessions")
        recent.focus()
        await pilot.pause()
        while KEPT not in str(recent.get_option_at_index(recent.highlighted).prompt):
            await pilot.press("down")
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#wipe-confirm")
        await pilot.pause(0.3)
        assert "Deze sessie is nu open" in screen_text(app)
        assert session_file_set(tmp_path, ids[KEPT])
        assert len(app.hub.live.cards) == 2
