"""Group commit: one writer, changes that arrive during a write go into the next one, nothing is
acknowledged before the write holding it is fsynced, the queue is bounded, and encoding and
disk I/O stay off the event loop."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from pathlib import Path

import pytest

from cocreatie_tui import store as store_module
from cocreatie_tui.core.model import CardSource
from cocreatie_tui.factory import make_hub
from cocreatie_tui.store import (
    DiskOps,
    SessionStore,
    StoreBusy,
    StoreWriteFailed,
    encode_documents,
)
from cocreatie_tui.web.app import make_web_app
from tests.conftest import FOCUS_QUESTION


class GatedDisk(DiskOps):
    """Holds every write at its fsync until the test opens the gate; logs what happened."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Event()
        self.log: list[str] = []
        self.threads: set[int] = set()

    def write_file(self, path: Path, data: bytes) -> None:
        self.threads.add(threading.get_ident())
        super().write_file(path, data)

    def fsync_file(self, path: Path) -> None:
        self.entered.set()
        self.gate.wait(10)
        super().fsync_file(path)
        self.log.append("fsync_file")

    def fsync_dir(self, path: Path) -> None:
        super().fsync_dir(path)
        self.log.append("fsync_dir")


async def wait_for_thread(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.001)


async def test_changes_during_a_write_go_into_the_next_and_wait_for_its_fsync(
    tmp_path: Path,
) -> None:
    disk = GatedDisk()
    store = SessionStore(tmp_path / "s.json", disk=disk)
    store.open()
    disk.gate.clear()
    store.put("cards", 1, {"text": "a"})
    first = asyncio.ensure_future(store.commit())
    await wait_for_thread(disk.entered)  # the first write is inside its fsync
    later = []
    for n in (2, 3, 4):
        store.put("cards", n, {"text": str(n)})
        later.append(asyncio.ensure_future(store.commit()))
    await asyncio.sleep(0.01)
    assert not first.done() and not any(t.done() for t in later)  # nothing before the fsync
    assert store.pending == 3  # queued for the next write, not the running one
    disk.entered.clear()
    disk.gate.set()
    await first
    assert disk.log[:2] == ["fsync_file", "fsync_dir"]
    await asyncio.gather(*later)
    assert store.writes == 2  # one write for the first change, one for the three behind it
    assert disk.log == ["fsync_file", "fsync_dir"] * 2
    assert set(json.loads((tmp_path / "s.json").read_text())["cards"]) == {"1", "2", "3", "4"}


async def test_the_queue_is_bounded_and_says_busy_instead_of_growing(tmp_path: Path) -> None:
    disk = GatedDisk()
    store = SessionStore(tmp_path / "s.json", disk=disk, max_pending=5)
    store.open()
    disk.gate.clear()
    store.put("cards", 0, {"text": "in the running write"})
    running = asyncio.ensure_future(store.commit())
    await wait_for_thread(disk.entered)
    waiting = []
    for n in range(1, 6):
        store.check_capacity()
        store.put("cards", n, {"text": str(n)})
        waiting.append(asyncio.ensure_future(store.commit()))
    with pytest.raises(StoreBusy):
        store.check_capacity()
    disk.gate.set()
    await asyncio.gather(running, *waiting)
    store.check_capacity()  # room again once the disk caught up


async def test_a_busy_store_answers_503_with_retry_after(tmp_path: Path, aiohttp_client) -> None:
    disk = GatedDisk()
    hub = make_hub(tmp_path, disk=disk, max_pending_writes=4)
    await hub.create_session(FOCUS_QUESTION)
    client = await aiohttp_client(make_web_app(hub))
    path = f"/j/{hub.live.info.join_code}/cards"
    disk.gate.clear()
    disk.entered.clear()
    posts = [asyncio.ensure_future(client.post(path, json={"text": "eerste"}))]
    await wait_for_thread(disk.entered)
    posts += [asyncio.ensure_future(client.post(path, json={"text": f"n{n}"})) for n in range(6)]
    for _ in range(200):
        if sum(t.done() for t in posts) >= 3:
            break
        await asyncio.sleep(0.005)
    busy = [t.result() for t in posts if t.done()]
    assert busy and all(r.status == 503 for r in busy)
    assert all(r.headers["Retry-After"] for r in busy)
    assert "druk" in (await busy[0].json())["error"]
    disk.gate.set()
    statuses = sorted(r.status for r in await asyncio.gather(*posts))
    assert statuses.count(201) == len(hub.saved_cards()) == 7 - len(busy)
    await hub.close()


async def test_encoding_and_disk_io_run_off_the_event_loop(tmp_path: Path, monkeypatch) -> None:
    disk = GatedDisk()
    store = SessionStore(tmp_path / "s.json", disk=disk)
    store.open()
    for n in range(2000):
        store.put("cards", n, {"id": str(uuid.uuid4()), "text": "idee " * 60, "number": n})
    encoded_in: set[int] = set()
    real_encode = store_module._encode

    def spying_encode(value: object) -> bytes:
        encoded_in.add(threading.get_ident())
        return real_encode(value)

    monkeypatch.setattr(store_module, "_encode", spying_encode)
    loop_thread = threading.get_ident()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.ensure_future(ticker())
    await store.commit()
    store.put("cards", 7, {"text": "changed"})
    await store.commit()
    ticking.cancel()
    assert encoded_in and loop_thread not in encoded_in
    assert disk.threads and loop_thread not in disk.threads
    assert ticks > 2  # the loop kept running while the 2,000-card file was written
    # The cached per-document encoding gives exactly what encoding the whole file gives.
    assert (tmp_path / "s.json").read_bytes() == encode_documents(store.documents)


async def test_a_replay_while_the_first_is_still_being_written_gets_the_same_card(
    tmp_path: Path,
) -> None:
    disk = GatedDisk()
    hub = make_hub(tmp_path, disk=disk)
    await hub.create_session(FOCUS_QUESTION)
    disk.gate.clear()
    disk.entered.clear()
    card_id = str(uuid.uuid4())
    first = asyncio.ensure_future(
        hub.submit_card("eerste", source=CardSource.PHONE, participant_id="p" * 22, card_id=card_id)
    )
    await wait_for_thread(disk.entered)
    replay = asyncio.ensure_future(
        hub.submit_card("anders", source=CardSource.PHONE, participant_id="p" * 22, card_id=card_id)
    )
    await asyncio.sleep(0.01)
    assert not replay.done()  # the replay waits for the same write, it is not acknowledged early
    assert hub.saved_cards() == []  # and no view shows the card before it is on disk
    assert hub.people_who_sent() == 0 and hub.cards_of_participant("p" * 22) == []
    disk.gate.set()
    (card, created), (again, created_again) = await asyncio.gather(first, replay)
    assert created and not created_again
    assert again.id == card.id == card_id and again.text == "eerste"
    assert len(hub.live.cards) == 1 and hub.people_who_sent() == 1
    await hub.close()


async def test_replays_over_http_answer_200_with_the_same_id(client, join_path, hub) -> None:
    card_id = str(uuid.uuid4())
    body = {"text": "een keer", "id": card_id}
    posts = (client.post(join_path + "/cards", json=body) for _ in range(5))
    results = await asyncio.gather(*posts)
    assert sorted(r.status for r in results) == [200, 200, 200, 200, 201]
    assert {(await r.json())["id"] for r in results} == {card_id}
    upper = await client.post(join_path + "/cards", json={"text": "x", "id": card_id.upper()})
    assert upper.status == 200  # the same UUID written differently
    assert len(hub.saved_cards()) == 1


async def test_a_document_that_cannot_be_built_fails_its_write_instead_of_hanging(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path / "s.json")
    store.open()
    store.put("cards", 1, {"text": "a"})
    await store.commit()

    def broken() -> dict:
        raise RuntimeError("a bug in to_doc")

    store.put_latest("session", 1, broken)
    with pytest.raises(StoreWriteFailed):
        await asyncio.wait_for(store.commit(), 5)
    store.put("cards", 2, {"text": "b"})
    await store.commit()  # the store goes on
    assert set(json.loads((tmp_path / "s.json").read_text())["cards"]) == {"1", "2"}
