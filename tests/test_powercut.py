"""A simulated power cut at every step of the store's writes.

``PowerCutDisk`` is a file system in memory that knows what a power cut would keep: a file's
contents become durable only through ``fsync_file``, directory entries (creates, links,
renames, removals, new folders) only through ``fsync_dir`` of their folder. Entries that were
not synced yet may survive in the order they were made (a journaling file system commits them
in order), so a cut keeps the durable state plus any prefix of the pending entries. A file
whose contents were not synced comes back with its old contents, or torn (half written).

After every step of a write sequence the test takes every state a cut could leave and opens
the store on it: the data file must load, hold one of the states the store wrote, and hold
every change acknowledged before the cut. Deliberately broken variants (no fsync of the file,
no fsync of the folder, writing in place) must fail the same check, which proves it has teeth.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cocreatie_tui.store import (
    CorruptDataFile,
    DiskOps,
    SessionStore,
    decode_documents,
    previous_path,
    recover_previous_generation,
)

ROOT = Path("/sim")
DATA_FILE = ROOT / "data" / "sessions" / "s.json"


@dataclass
class Inode:
    data: bytes = b""  # what a reader sees now (the page cache)
    durable: bytes = b""  # what the platter holds


@dataclass
class Image:
    """What a power cut leaves: names to contents, and folders."""

    files: dict[Path, bytes]
    dirs: set[Path]


@dataclass(repr=False)
class PowerCutDisk(DiskOps):
    inodes: dict[int, Inode] = field(default_factory=dict)
    names: dict[Path, int] = field(default_factory=dict)
    dirs: set[Path] = field(default_factory=lambda: {Path("/"), ROOT})
    durable_names: dict[Path, int] = field(default_factory=dict)
    durable_dirs: set[Path] = field(default_factory=lambda: {Path("/"), ROOT})
    pending: list[tuple[str, Path, int]] = field(default_factory=list)
    recording: bool = False
    written: list[bytes] = field(default_factory=list)  # everything ever written to a file
    cuts: list[list[Image]] = field(default_factory=list)  # after each step: possible images

    # -- the DiskOps the store uses ----------------------------------------------------------

    def read_file(self, path: Path) -> bytes:
        if path not in self.names:
            raise FileNotFoundError(2, "No such file", str(path))
        return self.inodes[self.names[path]].data

    def exists(self, path: Path) -> bool:
        return path in self.names or path in self.dirs

    def write_file(self, path: Path, data: bytes) -> None:
        self._need_dir(path.parent)
        if path not in self.names:
            number = len(self.inodes) + 1
            self.inodes[number] = Inode()
            self._entry("name", path, number)
        self.inodes[self.names[path]].data = bytes(data)
        self.written.append(bytes(data))
        self._step()

    def fsync_file(self, path: Path) -> None:
        inode = self.inodes[self.names[path]]
        inode.durable = inode.data
        self._step()

    def link(self, source: Path, target: Path) -> None:
        if target in self.names:
            raise FileExistsError(17, "File exists", str(target))
        self._entry("name", target, self.names[source])
        self._step()

    def replace(self, source: Path, target: Path) -> None:
        number = self.names[source]
        self._entry("unname", source, number)
        self._entry("name", target, number)
        self._step()

    def unlink(self, path: Path) -> None:
        if path in self.names:
            self._entry("unname", path, self.names[path])
            self._step()

    def fsync_dir(self, path: Path) -> None:
        still = []
        for op in self.pending:
            if op[1].parent == path:
                _apply(op, self.durable_names, self.durable_dirs)
            else:
                still.append(op)
        self.pending = still
        self._step()

    def make_dirs(self, path: Path) -> None:
        for folder in reversed([path, *path.parents]):
            if folder not in self.dirs:
                self._entry("mkdir", folder, 0)
        self._step()

    # -- the model ---------------------------------------------------------------------------

    def _need_dir(self, folder: Path) -> None:
        if folder not in self.dirs:
            raise FileNotFoundError(2, "No such folder", str(folder))

    def _entry(self, kind: str, path: Path, number: int) -> None:
        op = (kind, path, number)
        _apply(op, self.names, self.dirs)
        self.pending.append(op)

    def _step(self) -> None:
        if self.recording:
            self.cuts.append(list(self.images()))

    def images(self) -> Iterator[Image]:
        """Every state a power cut right now could leave."""
        for count in range(len(self.pending) + 1):
            names = dict(self.durable_names)
            dirs = set(self.durable_dirs)
            for op in self.pending[:count]:
                _apply(op, names, dirs)
            for torn in (False, True):
                files = {}
                for path, number in names.items():
                    if path.parent not in dirs:
                        continue
                    inode = self.inodes[number]
                    content = inode.durable
                    if torn and inode.data != inode.durable:
                        content = inode.data[: len(inode.data) // 2]
                    files[path] = content
                yield Image(files, dirs)

    @classmethod
    def from_image(cls, image: Image) -> PowerCutDisk:
        disk = cls(dirs=set(image.dirs), durable_dirs=set(image.dirs))
        for number, (path, content) in enumerate(image.files.items(), start=1):
            disk.inodes[number] = Inode(content, content)
            disk.names[path] = disk.durable_names[path] = number
        return disk


def _apply(op: tuple[str, Path, int], names: dict[Path, int], dirs: set[Path]) -> None:
    kind, path, number = op
    if kind == "name":
        names[path] = number
    elif kind == "unname":
        if names.get(path) == number:
            del names[path]
    else:
        dirs.add(path)


# -- deliberately broken variants ------------------------------------------------------------


class NoFileFsync(PowerCutDisk):
    def fsync_file(self, path: Path) -> None:
        self._step()


class NoDirFsync(PowerCutDisk):
    def fsync_dir(self, path: Path) -> None:
        self._step()


class InPlaceStore(SessionStore):
    """Writes straight over the data file: a cut in the middle tears it."""

    def _write(self, data, tables, changed):  # type: ignore[no-untyped-def]
        self._encoded.update(data, changed)
        payload = self._encoded.payload(tables)
        self.disk.make_dirs(self.path.parent)
        self.disk.write_file(self.path, payload)
        self.disk.fsync_file(self.path)
        self.disk.fsync_dir(self.path.parent)
        return payload


# -- the check -------------------------------------------------------------------------------


@dataclass(repr=False)
class Run:
    disk: PowerCutDisk
    acknowledged: list[tuple[int, str]] = field(default_factory=list)  # (cut index, key)
    problems: list[str] = field(default_factory=list)


async def workload(disk: PowerCutDisk, store_class: type[SessionStore], seed: int) -> Run:
    """Rounds of concurrent changes; remembers what was acknowledged after which step."""
    rng = random.Random(seed)
    run = Run(disk)
    store = store_class(DATA_FILE, disk=disk)
    disk.recording = True
    store.open()
    next_key = 1

    async def change(key: int, remove: int | None) -> None:
        store.put("cards", key, {"text": f"card {key} " + "é" * rng.randint(0, 40)})
        if remove is not None:
            store.remove("cards", remove)
        store.put("session", 1, {"changed": key})
        await store.commit()
        run.acknowledged.append((len(disk.cuts), str(key)))

    for _ in range(8):
        burst = []
        for _ in range(rng.randint(1, 4)):
            removable = [k for _, k in run.acknowledged]
            remove = int(rng.choice(removable)) if removable and rng.random() < 0.2 else None
            if remove is not None:
                run.acknowledged = [(i, k) for i, k in run.acknowledged if k != str(remove)]
            burst.append(change(next_key, remove))
            next_key += 1
        await asyncio.gather(*burst)
    disk.recording = False
    disk.cuts.append(list(disk.images()))  # a cut after the last acknowledgement
    return run


def violations(run: Run) -> list[str]:
    """Every way a cut in this run loses data or leaves a file that does not load."""
    found = []
    written = [{}] + [json.loads(payload) for payload in run.disk.written]
    for index, images in enumerate(run.disk.cuts):
        required = {key for at, key in run.acknowledged if at <= index}
        for image in images:
            store = SessionStore(DATA_FILE, disk=PowerCutDisk.from_image(image))
            try:
                store.open()
            except CorruptDataFile as error:
                found.append(f"cut {index}: the data file does not load: {error.reason}")
                continue
            documents = store.documents
            if documents not in written:
                found.append(f"cut {index}: a state the store never wrote")
            missing = required - set(documents.get("cards", {}))
            if missing:
                found.append(f"cut {index}: acknowledged cards lost: {sorted(missing)}")
            previous = previous_path(DATA_FILE)
            if previous in image.files:
                decode_documents(image.files[previous], previous)
    return found


def check(store_class: type[SessionStore], disk_class: type[PowerCutDisk], seed: int) -> Run:
    run = asyncio.run(workload(disk_class(), store_class, seed))
    run.problems = violations(run)
    return run


def test_a_power_cut_at_any_step_keeps_the_old_or_new_state_and_every_acknowledged_card() -> None:
    for seed in range(8):
        run = check(SessionStore, PowerCutDisk, seed)
        assert len(run.disk.cuts) > 40  # the model really cut at many steps
        assert len(run.acknowledged) > 5
        assert run.problems == []


def test_the_check_catches_a_store_that_skips_the_file_fsync() -> None:
    problems = check(SessionStore, NoFileFsync, 1).problems
    assert any("does not load" in p for p in problems)


def test_the_check_catches_a_store_that_skips_the_folder_fsync() -> None:
    problems = check(SessionStore, NoDirFsync, 1).problems
    assert any("acknowledged cards lost" in p for p in problems)


def test_the_check_catches_a_store_that_writes_in_place() -> None:
    problems = check(InPlaceStore, PowerCutDisk, 1).problems
    assert any("does not load" in p for p in problems)


def test_a_power_cut_during_recover_leaves_the_broken_or_the_restored_file() -> None:
    disk = PowerCutDisk()
    disk.make_dirs(DATA_FILE.parent)
    good = b'{"cards":{"1":{"text":"ok"}}}'
    broken = b'{"cards":{"1":{"te'
    for path, content in ((previous_path(DATA_FILE), good), (DATA_FILE, broken)):
        disk.write_file(path, content)
        disk.fsync_file(path)
    disk.fsync_dir(DATA_FILE.parent)
    disk.fsync_dir(DATA_FILE.parent.parent)
    disk.fsync_dir(DATA_FILE.parent.parent.parent)
    disk.recording = True
    kept_as = recover_previous_generation(DATA_FILE, disk)
    disk.recording = False
    assert disk.read_file(DATA_FILE) == good and disk.read_file(kept_as) == broken
    for images in [*disk.cuts, list(disk.images())]:
        for image in images:
            assert image.files[DATA_FILE] in (good, broken)
            # The broken file is never lost: it is still the data file or kept beside it.
            assert broken in (image.files[DATA_FILE], image.files.get(kept_as))


def test_a_new_session_folder_survives_a_power_cut_once_acknowledged() -> None:
    disk = PowerCutDisk()
    run = asyncio.run(workload(disk, SessionStore, 99))
    last = disk.cuts[-1]
    assert all(DATA_FILE in image.files for image in last)
    assert violations(run) == []
