"""The store: atomic writes, a previous generation, rollback after a failed write, restart."""

from __future__ import annotations

import asyncio
import errno
import json
from pathlib import Path

import pytest

from cocreatie_tui.store import (
    CorruptDataFile,
    DiskOps,
    SessionStore,
    StoreWriteFailed,
    previous_path,
)


class FailingDisk(DiskOps):
    """Fails every write of the temporary file while ``failing`` is set."""

    def __init__(self) -> None:
        self.failing = False

    def write_file(self, path: Path, data: bytes) -> None:
        if self.failing:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write_file(path, data)


def open_store(path: Path, disk: DiskOps | None = None) -> SessionStore:
    store = SessionStore(path, disk=disk)
    store.open()
    return store


async def test_committed_documents_are_in_the_file_and_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = open_store(path)
    store.put("cards", 1, {"text": "eerste"})
    await store.commit()
    on_disk = json.loads(path.read_text())
    assert on_disk["cards"]["1"] == {"text": "eerste"}
    again = open_store(path)
    assert again.table("cards") == {"1": {"text": "eerste"}}
    # TinyDB reads the same file as a normal TinyDB database.
    assert again.db.table("cards").all() == [{"text": "eerste"}]


async def test_every_write_keeps_the_previous_generation(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    store = open_store(path)
    store.put("cards", 1, {"text": "a"})
    await store.commit()
    store.put("cards", 2, {"text": "b"})
    await store.commit()
    previous = json.loads(previous_path(path).read_text())
    assert set(previous["cards"]) == {"1"}
    assert set(json.loads(path.read_text())["cards"]) == {"1", "2"}
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind


async def test_a_burst_of_changes_is_grouped_into_few_writes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.json")

    async def add(n: int) -> None:
        store.put("cards", n, {"text": str(n)})
        await store.commit()

    await asyncio.gather(*(add(n) for n in range(1, 201)))
    assert len(store.table("cards")) == 200
    assert store.writes <= 3  # the first write, then everything that queued behind it


async def test_a_failed_write_acknowledges_nothing_and_restores_memory(tmp_path: Path) -> None:
    disk = FailingDisk()
    path = tmp_path / "s.json"
    failures: list[StoreWriteFailed] = []
    store = SessionStore(path, disk=disk, on_write_failed=failures.append)
    store.open()
    store.put("cards", 1, {"text": "kept"})
    await store.commit()
    disk.failing = True
    store.put("cards", 2, {"text": "lost"})
    with pytest.raises(StoreWriteFailed):
        await store.commit()
    assert len(failures) == 1
    # Memory is back to what is on disk (TinyDB had already changed its cached dict).
    assert store.table("cards") == {"1": {"text": "kept"}}
    assert json.loads(path.read_text())["cards"] == {"1": {"text": "kept"}}
    disk.failing = False
    store.put("cards", 3, {"text": "after recovery"})
    await store.commit()
    assert set(open_store(path).table("cards")) == {"1", "3"}


async def test_changes_queued_during_a_failed_write_are_refused_too(tmp_path: Path) -> None:
    disk = FailingDisk()
    store = open_store(tmp_path / "s.json", disk)
    disk.failing = True
    store.put("cards", 1, {"text": "a"})
    first = asyncio.ensure_future(store.commit())
    await asyncio.sleep(0)  # the writer has taken the first batch
    store.put("cards", 2, {"text": "b"})
    second = asyncio.ensure_future(store.commit())
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert all(isinstance(result, StoreWriteFailed) for result in results)
    assert store.table("cards") == {}


def test_a_corrupt_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"cards": {"1": {"text": "half')
    previous_path(path).write_text('{"cards": {}}')
    store = SessionStore(path)
    with pytest.raises(CorruptDataFile) as error:
        store.open()
    assert error.value.previous == previous_path(path)
    assert path.read_text() == '{"cards": {"1": {"text": "half'


def test_a_corrupt_file_without_usable_previous_generation_says_so(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("[1, 2, 3]")
    with pytest.raises(CorruptDataFile) as error:
        SessionStore(path).open()
    assert error.value.previous is None
