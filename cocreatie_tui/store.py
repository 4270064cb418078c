"""The only code that touches disk: one TinyDB data file per session, written atomically.

A write is: the new content into a temporary file in the same folder, fsync, keep the current
file as the previous generation (``.prev``, a hard link, so no copy), ``os.replace`` the
temporary file over the current one, fsync the folder. A crash at any point leaves either the
old or the new file, never half of one. Writes are grouped: every change that arrives while a
write runs goes into the next one, so a burst of cards costs one write, and ``commit()``
returns only when the write holding the caller's change is on disk.

Encoding never blocks the event loop for long: each document is encoded once, in the writer
thread, when it changed, and a write joins the cached encodings (a 4,500-card file costs about
a millisecond of joining instead of ~20 ms of ``json.dumps`` holding the GIL). The queue of
changes waiting for the disk is bounded: ``check_capacity()`` raises ``StoreBusy`` when full.

All file operations go through ``DiskOps`` so that tests can replace it with one that
simulates a power cut or a full disk.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

log = logging.getLogger(__name__)

SESSIONS_FOLDER = "sessions"
DATA_SUFFIX = ".json"
PREVIOUS_SUFFIX = ".prev"
TEMP_SUFFIX = ".tmp"
LOCK_SUFFIX = ".lock"

Documents = dict[str, dict[str, dict[str, Any]]]

# A caller that holds a share of something scarce it need not keep while its change waits for
# the disk (the web server's gate of requests worked on at once) sets this; ``commit()`` calls
# it just before it waits.
before_disk_wait: ContextVar[Callable[[], None] | None] = ContextVar(
    "before_disk_wait", default=None
)
# Acknowledgements go out in groups of this many per turn of the event loop, so that a write
# holding hundreds of changes does not answer them all in one long turn.
ACKNOWLEDGE_PER_TURN = 16


class StoreError(Exception):
    """Base class of the store's problems; ``str()`` is for the log, not for participants."""


class CorruptDataFile(StoreError):
    """A data file does not parse. It is never overwritten: the app refuses to start on it."""

    def __init__(self, path: Path, reason: str, previous: Path | None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.previous = previous


class StoreWriteFailed(StoreError):
    """The disk refused a write (full, read-only, failing). Nothing in it was acknowledged."""

    def __init__(self, error: Exception) -> None:
        if isinstance(error, OSError):
            super().__init__(f"{error.strerror or error} ({error.errno})")
        else:  # a bug, not the disk: still refuse the batch rather than hang its callers
            super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


class StoreBusy(StoreError):
    """Too many changes wait for the disk; the caller should answer 503 with Retry-After."""


class SessionInUse(StoreError):
    """Another running app holds this session (same data folder)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} is open in another cocreatie process")
        self.path = path


def data_path_of(lock_path: Path) -> Path:
    return lock_path.with_name(lock_path.name.removesuffix(LOCK_SUFFIX))


class SessionLock:
    """An exclusive ``flock`` on ``<session>.json.lock``, released when the process ends,
    even by ``kill -9`` or a power cut (the kernel drops it; the file itself is harmless)."""

    def __init__(self, data_path: Path) -> None:
        self.path = data_path.with_name(data_path.name + LOCK_SUFFIX)
        self._fd: int | None = None

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one app per folder by convention
            return
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except FileNotFoundError:  # no such folder: no app can have this session open
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise SessionInUse(data_path_of(self.path)) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


class DiskOps:
    """The file operations the store needs, one method each, so a test can replace them."""

    def read_file(self, path: Path) -> bytes:
        return path.read_bytes()

    def exists(self, path: Path) -> bool:
        return path.exists()

    def write_file(self, path: Path, data: bytes) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        finally:
            os.close(fd)

    def fsync_file(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def link(self, source: Path, target: Path) -> None:
        os.link(source, target)

    def replace(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def unlink(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def fsync_dir(self, path: Path) -> None:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def make_dirs(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)


class _MemoryStorage(Storage):
    """TinyDB storage over a dict the store owns; the store decides when it reaches disk."""

    def __init__(self, data: Documents) -> None:
        self.data = data

    def read(self) -> Documents:
        return self.data

    def write(self, data: Documents) -> None:
        self.data = data


def encode_documents(data: Documents) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _encode(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class _EncodedFile:
    """The data file's JSON kept as one encoded fragment per document.

    One thread at a time touches it: the writer thread during a write, the loop when the
    store (re)loads its documents and no write runs. ``update`` re-encodes the documents
    that changed; ``payload`` joins everything into the same bytes ``encode_documents``
    would give.
    """

    def __init__(self) -> None:
        self.fragments: dict[str, dict[str, bytes]] = {}

    def update(self, data: Documents, changed: list[tuple[str, str]] | None) -> None:
        if changed is None:  # everything (after opening, or after a failed write)
            self.fragments = {
                table: {key: _member(key, doc) for key, doc in docs.items()}
                for table, docs in data.items()
            }
            return
        for table, key in changed:
            doc = data.get(table, {}).get(key)
            fragments = self.fragments.setdefault(table, {})
            if doc is None:
                fragments.pop(key, None)
            else:
                fragments[key] = _member(key, doc)

    def payload(self, tables: list[str]) -> bytes:
        # One C-level join per table: the writer thread holds the GIL only briefly.
        parts = [
            _encode(table) + b":{" + b",".join(self.fragments.get(table, {}).values()) + b"}"
            for table in tables
        ]
        return b"{" + b",".join(parts) + b"}"


def _member(key: str, doc: dict[str, Any]) -> bytes:
    """``"key":{...}``, one member of a table's JSON object."""
    return _encode(key) + b":" + _encode(doc)


def decode_documents(raw: bytes, path: Path) -> Documents:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptDataFile(path, f"not valid JSON ({error})", None) from error
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise CorruptDataFile(path, "not a TinyDB document file", None)
    return data


def previous_path(path: Path) -> Path:
    return path.with_name(path.name + PREVIOUS_SUFFIX)


@dataclass
class _Put:
    table: str
    key: str
    doc: dict[str, Any] | None  # None removes the document
    make: Callable[[], dict[str, Any]] | None = None  # built when the write takes the change


class SessionStore:
    """One session's data file, with grouped atomic writes.

    ``put`` takes ownership of the document: it is encoded later, in the writer thread, so the
    caller must not change it afterwards (build a fresh dict, as ``to_doc()`` does).
    """

    def __init__(
        self,
        path: Path,
        *,
        disk: DiskOps | None = None,
        max_pending: int = 20_000,
        on_write_failed: Callable[[StoreWriteFailed], None] | None = None,
        exclusive: bool = False,
    ) -> None:
        self.path = path
        self.disk = disk or DiskOps()
        # The live app holds its session exclusively: a second app on the same data folder
        # would otherwise overwrite the first one's cards.
        self._lock = SessionLock(path) if exclusive else None
        self.max_pending = max_pending
        self.on_write_failed = on_write_failed
        self.db = TinyDB(storage=_MemoryStorage, data={})
        self._last_good = b"{}"
        self._pending: list[_Put] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._writer: asyncio.Task[None] | None = None
        self._encoded = _EncodedFile()
        self.writes = 0

    # -- opening -------------------------------------------------------------------------

    def open(self) -> None:
        """Load the data file; a missing file is an empty session, a corrupt one an error."""
        _make_dirs_durably(self.disk, self.path.parent)
        if self._lock is not None:
            self._lock.acquire()
        try:
            data = self._read_data_file()
        except BaseException:
            self.release()
            raise
        self._use(data)

    def _read_data_file(self) -> Documents:
        if not self.disk.exists(self.path):
            self._last_good = b"{}"
            return {}
        raw = self.disk.read_file(self.path)
        try:
            data = decode_documents(raw, self.path)
        except CorruptDataFile as error:
            previous = previous_path(self.path)
            usable = previous if _loads_cleanly(self.disk, previous) else None
            raise CorruptDataFile(self.path, error.reason, usable) from error
        self._last_good = raw
        return data

    def release(self) -> None:
        """Let another app open this session (nothing may be written after this)."""
        if self._lock is not None:
            self._lock.release()

    def _use(self, data: Documents) -> None:
        """Hold ``data`` (after opening, or after a failed write: no write is running)."""
        self.db.storage.write(data)  # type: ignore[attr-defined]
        self.db.clear_cache()
        # Encoded now, not by the next write: in the writer thread, encoding a big session
        # would hold the interpreter lock, and so the event loop, during the first burst.
        self._encoded.update(data, None)

    @property
    def documents(self) -> Documents:
        return self.db.storage.read()  # type: ignore[attr-defined]

    def table(self, name: str) -> dict[str, dict[str, Any]]:
        """The stored documents of a table, keyed by their string ids (read-only use)."""
        return self.documents.get(name, {})

    # -- changing ------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Changes queued for the next write (the one running is not counted)."""
        return len(self._pending)

    def check_capacity(self) -> None:
        """Raise ``StoreBusy`` when the queue is full: the caller answers 503, never waits."""
        if len(self._pending) >= self.max_pending:
            raise StoreBusy(f"{len(self._pending)} changes wait for the disk")

    def put(self, table: str, key: str | int, doc: dict[str, Any]) -> None:
        """Queue a document for the next write; ``commit()`` makes it durable."""
        self._pending.append(_Put(table, str(key), doc))

    def put_latest(self, table: str, key: str | int, make: Callable[[], dict[str, Any]]) -> None:
        """Queue a document that is built only when the next write starts, once per write
        however often it is queued: for a document every change touches (the session's
        ``changed_at``), so a burst of 500 cards builds it a few times, not 500."""
        self._pending.append(_Put(table, str(key), None, make))

    def remove(self, table: str, key: str | int) -> None:
        self._pending.append(_Put(table, str(key), None))

    async def commit(self) -> None:
        """Return once everything queued so far is on disk; raise ``StoreWriteFailed`` if not."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_batches())
        release = before_disk_wait.get()
        if release is not None:
            release()
        await asyncio.shield(waiter)

    async def close(self) -> None:
        """Finish the write in progress (and any queued one), then let the session go."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)
        self.release()

    def write_now(self) -> None:
        """Synchronous write of everything queued, for command-line tools (no event loop)."""
        changed = self._apply(self._pending)
        self._pending = []
        self._last_good = self._write(self.documents, list(self.documents), changed)

    async def _write_batches(self) -> None:
        while self._waiters:
            batch, self._pending = self._pending, []
            waiters, self._waiters = self._waiters, []
            try:
                changed = self._apply(batch)
                tables = list(self.documents)
                payload = await asyncio.to_thread(self._write, self.documents, tables, changed)
            except Exception as error:  # OSError from the disk; anything else is a bug
                failure = StoreWriteFailed(error)
                self._use(decode_documents(self._last_good, self.path))
                # Changes queued during the failed write were made against state that is now
                # gone; they are refused too, so that memory and disk agree again.
                waiters += self._waiters
                self._waiters, self._pending = [], []
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(failure)
                        # Mark it retrieved: a caller that went away must not log a warning.
                        waiter.exception()
                if self.on_write_failed is not None:
                    try:
                        self.on_write_failed(failure)
                    except Exception:  # a broken listener must not hide the failure
                        log.exception("reporting a failed write failed")
                return
            self._last_good = payload
            self.writes += 1
            for start in range(0, len(waiters), ACKNOWLEDGE_PER_TURN):
                if start:
                    await asyncio.sleep(0)  # let the loop breathe between groups
                for waiter in waiters[start : start + ACKNOWLEDGE_PER_TURN]:
                    if not waiter.done():
                        waiter.set_result(None)

    def _apply(self, batch: list[_Put]) -> list[tuple[str, str]]:
        """Apply queued changes to memory; returns which documents the next write re-encodes."""
        data = self.documents
        built: set[tuple[str, str]] = set()
        for put in reversed(batch):  # the newest lazy document of a key wins; built once
            if put.make is not None and (put.table, put.key) not in built:
                built.add((put.table, put.key))
                put.doc = put.make()
        for put in batch:
            table = data.setdefault(put.table, {})
            if put.make is not None:
                if put.doc is not None:
                    table[put.key] = put.doc
            elif put.doc is None:
                table.pop(put.key, None)
            else:
                table[put.key] = put.doc
        self.db.clear_cache()
        # In the order of the batch: new documents are encoded in the order they were added.
        return list(dict.fromkeys((put.table, put.key) for put in batch))

    def _write(self, data: Documents, tables: list[str], changed: list[tuple[str, str]]) -> bytes:
        """Encode and write atomically; runs in a worker thread while the loop goes on.

        The loop does not change ``data`` meanwhile: changes wait in ``_pending`` until the
        writer task applies them, after this write.
        """
        # After a failure here the writer calls ``_use``, which encodes everything again.
        self._encoded.update(data, changed)
        payload = self._encoded.payload(tables)
        folder = self.path.parent
        temp = self.path.with_name(self.path.name + TEMP_SUFFIX)
        self.disk.write_file(temp, payload)
        self.disk.fsync_file(temp)
        if self.disk.exists(self.path):
            previous = previous_path(self.path)
            previous_temp = previous.with_name(previous.name + TEMP_SUFFIX)
            self.disk.unlink(previous_temp)
            self.disk.link(self.path, previous_temp)
            self.disk.replace(previous_temp, previous)
        self.disk.replace(temp, self.path)
        self.disk.fsync_dir(folder)
        return payload


def _make_dirs_durably(disk: DiskOps, folder: Path) -> None:
    """Create missing folders and fsync each parent, so a power cut cannot lose the folder."""
    missing = []
    current = folder
    while not disk.exists(current) and current.parent != current:
        missing.append(current)
        current = current.parent
    if not missing:
        return
    disk.make_dirs(folder)
    for created in reversed(missing):
        disk.fsync_dir(created.parent)


def _loads_cleanly(disk: DiskOps, path: Path) -> bool:
    try:
        decode_documents(disk.read_file(path), path)
    except (OSError, CorruptDataFile):
        return False
    return True


def sessions_folder(data_dir: Path) -> Path:
    return data_dir / SESSIONS_FOLDER


def session_path(data_dir: Path, session_id: str) -> Path:
    return sessions_folder(data_dir) / f"{session_id}{DATA_SUFFIX}"


def session_files(data_dir: Path) -> Iterator[Path]:
    """Data files of all sessions, most recently changed first."""
    folder = sessions_folder(data_dir)
    if not folder.is_dir():
        return iter(())
    files = [p for p in folder.iterdir() if p.suffix == DATA_SUFFIX and p.is_file()]
    return iter(sorted(files, key=lambda p: p.stat().st_mtime_ns, reverse=True))


def read_documents(path: Path, disk: DiskOps | None = None) -> Documents:
    """Read a data file without ever writing (safe while the app runs: writes are atomic)."""
    disk = disk or DiskOps()
    return decode_documents(disk.read_file(path), path)


def recover_previous_generation(path: Path, disk: DiskOps | None = None) -> Path:
    """Move a broken data file aside and put the previous generation in its place.

    Returns where the broken file now is. Both files are kept.
    """
    disk = disk or DiskOps()
    lock = SessionLock(path)
    lock.acquire()  # raises SessionInUse while an app has the session open
    try:
        return _recover(path, disk)
    finally:
        lock.release()


def _recover(path: Path, disk: DiskOps) -> Path:
    previous = previous_path(path)
    good = disk.read_file(previous)
    decode_documents(good, previous)  # raises when it is broken too
    broken = path.with_name(path.name + ".broken")
    counter = 1
    while disk.exists(broken):
        counter += 1
        broken = path.with_name(f"{path.name}.broken{counter}")
    restored = path.with_name(path.name + TEMP_SUFFIX)
    disk.write_file(restored, good)
    disk.fsync_file(restored)
    # The broken file gets a second name first, so that a power cut at any moment leaves the
    # data file either still broken or already restored, never missing.
    disk.link(path, broken)
    disk.replace(restored, path)
    disk.fsync_dir(path.parent)
    return broken


def session_file_set(data_dir: Path, session_id: str) -> list[Path]:
    """Every file that holds a session's data: the file, its previous generation, temporary
    files of an interrupted write and broken files kept by ``recover``."""
    path = session_path(data_dir, session_id)
    folder = path.parent
    if not folder.is_dir():
        return []
    prefix = path.name
    kept = (
        prefix,
        prefix + PREVIOUS_SUFFIX,
        prefix + TEMP_SUFFIX,
        prefix + PREVIOUS_SUFFIX + TEMP_SUFFIX,
        prefix + LOCK_SUFFIX,
    )
    return sorted(
        p
        for p in folder.iterdir()
        if p.name in kept or (p.name.startswith(prefix + ".broken") and p.is_file())
    )


def delete_session(data_dir: Path, session_id: str, disk: DiskOps | None = None) -> list[Path]:
    """Remove every file of a session (see ``session_file_set``); returns what was removed.

    The data file goes first, so that an interrupted delete never leaves a session that opens
    with an older generation of its cards.
    """
    disk = disk or DiskOps()
    main = session_path(data_dir, session_id)
    lock = SessionLock(main)
    lock.acquire()  # raises SessionInUse while an app has the session open
    files = session_file_set(data_dir, session_id)
    files.sort(key=lambda p: p != main)
    try:
        for path in files:
            disk.unlink(path)
        if files:
            disk.fsync_dir(main.parent)
    finally:
        lock.release()
    return files


def write_text_file(path: Path, text: str, disk: DiskOps | None = None) -> None:
    """Write an export or report atomically (temp file, fsync, replace)."""
    disk = disk or DiskOps()
    disk.make_dirs(path.parent)
    temp = path.with_name(path.name + TEMP_SUFFIX)
    disk.write_file(temp, text.encode("utf-8"))
    disk.fsync_file(temp)
    disk.replace(temp, path)
    disk.fsync_dir(path.parent)
