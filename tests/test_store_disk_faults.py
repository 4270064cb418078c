"""A full, read-only or failing disk (ENOSPC, EROFS, EIO injected at every file operation): phones
get 503, nothing is acknowledged that is not on disk, the facilitator sees it, and everything
works again when the disk does. Tests run as root, where a chmod'ed folder still accepts
writes, so the faults are injected through DiskOps."""

from __future__ import annotations

import errno
import json
import os
import uuid
from pathlib import Path

import aiohttp
import pytest

from cocreatie_tui.events import DiskProblem
from cocreatie_tui.factory import make_hub
from cocreatie_tui.store import DiskOps, session_path
from cocreatie_tui.web.app import make_web_app
from tests.conftest import FOCUS_QUESTION
from tests.ui_helpers import build_app, screen_text

OPERATIONS = ("write_file", "fsync_file", "link", "replace", "fsync_dir")
ERRORS = {
    errno.ENOSPC: "No space left on device",
    errno.EROFS: "Read-only file system",
    errno.EIO: "Input/output error",
}


class FaultyDisk(DiskOps):
    """Raises ``error`` from ``operation`` while ``failing`` is set."""

    def __init__(self, operation: str, error: int) -> None:
        self.operation = operation
        self.error = error
        self.failing = False

    def _maybe_fail(self, operation: str) -> None:
        if self.failing and operation == self.operation:
            raise OSError(self.error, ERRORS[self.error])

    def write_file(self, path: Path, data: bytes) -> None:
        self._maybe_fail("write_file")
        if self.failing and self.operation == "write_file" and self.error == errno.ENOSPC:
            return
        super().write_file(path, data)

    def fsync_file(self, path: Path) -> None:
        self._maybe_fail("fsync_file")
        super().fsync_file(path)

    def link(self, source: Path, target: Path) -> None:
        self._maybe_fail("link")
        super().link(source, target)

    def replace(self, source: Path, target: Path) -> None:
        self._maybe_fail("replace")
        super().replace(source, target)

    def fsync_dir(self, path: Path) -> None:
        super().fsync_dir(path)
        self._maybe_fail("fsync_dir")  # after the rename: the worst moment to fail


def cards_on_disk(data_dir: Path, session_id: str) -> set[str]:
    data = json.loads(session_path(data_dir, session_id).read_bytes())
    return {doc["id"] for doc in data.get("cards", {}).values()}


@pytest.mark.parametrize("error", list(ERRORS))
@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_failing_disk_acknowledges_nothing_and_recovers(
    tmp_path: Path, aiohttp_client, operation: str, error: int
) -> None:
    disk = FaultyDisk(operation, error)
    hub = make_hub(tmp_path, disk=disk)
    events: list[object] = []
    hub.subscribe(events.append)
    await hub.create_session(FOCUS_QUESTION)
    session_id = hub.live.info.id
    client = await aiohttp_client(make_web_app(hub))
    path = f"/j/{hub.live.info.join_code}/cards"
    acknowledged = set()
    first = await client.post(path, json={"text": "voor de storing"})
    assert first.status == 201
    acknowledged.add((await first.json())["id"])

    disk.failing = True
    refused_id = str(uuid.uuid4())
    for _ in range(3):  # the phone retries; the facilitator is told once per problem
        refused = await client.post(path, json={"text": "tijdens", "id": refused_id})
        assert refused.status == 503
        assert int(refused.headers["Retry-After"]) > 0
        assert "Opslaan lukt nu even niet" in (await refused.json())["error"]
    assert acknowledged <= cards_on_disk(tmp_path, session_id)
    assert {c.id for c in hub.saved_cards()} == acknowledged  # memory is back to the disk
    problems = [e for e in events if isinstance(e, DiskProblem)]
    assert problems and problems[-1].message and ERRORS[error] in problems[-1].message
    assert hub.disk_problem is not None

    disk.failing = False
    retried = await client.post(path, json={"text": "tijdens", "id": refused_id})
    assert retried.status == 201  # the same id, now really stored
    acknowledged.add(refused_id)
    assert [e for e in events if isinstance(e, DiskProblem)][-1].message is None
    assert hub.disk_problem is None
    assert cards_on_disk(tmp_path, session_id) == acknowledged
    await hub.close()
    again = make_hub(tmp_path)  # and the file loads after all that
    await again.open_session(session_id)
    assert {c.id for c in again.saved_cards()} == acknowledged
    await again.close()


async def test_the_facilitator_sees_a_disk_problem_and_when_it_is_over(tmp_path: Path) -> None:
    disk = FaultyDisk("write_file", errno.ENOSPC)
    app = build_app(tmp_path, disk=disk)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        url = f"http://127.0.0.1:{app.server.port}/j/{app.hub.live.info.join_code}/cards"
        disk.failing = True
        async with aiohttp.ClientSession() as session:
            for _ in range(3):
                async with session.post(url, json={"text": "vol"}) as response:
                    assert response.status == 503
            await pilot.pause(0.1)
            assert app.disk_notice is not None and "No space left" in app.disk_notice
            assert "Opslaan lukt niet" in screen_text(app)
            assert len(app._notifications) == 1  # one lasting notice, not one per failure
            disk.failing = False
            async with session.post(url, json={"text": "weer goed"}) as response:
                assert response.status == 201
        await pilot.pause(0.1)
        assert app.disk_notice is None
        assert "Opslaan werkt weer" in screen_text(app)
        assert app.is_running


async def test_a_new_code_from_the_keyboard_stops_the_old_one_at_once(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        old = app.hub.live.info.join_code
        base = f"http://127.0.0.1:{app.server.port}"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.hub.live.info.join_code == old  # the first press only asks
        assert "Druk nog eens" in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause(0.1)
        new = app.hub.live.info.join_code
        assert new != old
        assert f"Nieuwe code: {new}" in screen_text(app)
        assert new in screen_text(app).upper()  # the join panel shows the new address
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/j/{old}") as response:
                assert response.status == 404
                assert "Scan de code op het scherm opnieuw" in await response.text()
            async with session.get(f"{base}/j/{new}") as response:
                assert response.status == 200


def test_a_session_folder_that_cannot_be_written_is_reported_not_hidden(tmp_path: Path) -> None:
    """Sanity of the test setup: as root a chmod'ed folder still accepts writes."""
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        (folder / "probe").write_text("x")
        writable = True
    except PermissionError:
        writable = False
    finally:
        os.chmod(folder, 0o700)
    assert writable == (os.geteuid() == 0)


async def test_a_disk_that_refuses_the_first_write_stops_the_app_with_a_clear_message(
    tmp_path: Path,
) -> None:
    disk = FaultyDisk("write_file", errno.EROFS)
    disk.failing = True
    app = build_app(tmp_path, disk=disk)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert app.return_code == 3
    assert app.startup_problem is not None
    problem = app.startup_problem
    assert "Cannot save in" in problem and "Kan niet opslaan" in problem
    assert "Read-only file system" in problem and "--data-dir" in problem
