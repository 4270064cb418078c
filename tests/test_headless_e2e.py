"""End to end: `cocreatie --headless` as a real process, killed with SIGKILL mid-burst."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest

STARTUP_TIMEOUT = 30.0


class HeadlessApp:
    def __init__(self, process: asyncio.subprocess.Process, join_url: str) -> None:
        self.process = process
        self.join_url = join_url
        parts = urlsplit(join_url)
        # Phones use the advertised LAN address; the test talks to the same port on loopback.
        self.cards_url = f"http://127.0.0.1:{parts.port}{parts.path.lower()}/cards"


async def start(data_dir: Path, *extra: str) -> HeadlessApp:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cocreatie_tui", "--headless", "--port", "0",
        "--data-dir", str(data_dir), *extra,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT)
    text = line.decode().rstrip("\n")
    assert text.startswith("Join: "), (text, await _stderr(process))
    return HeadlessApp(process, text.removeprefix("Join: "))


async def _stderr(process: asyncio.subprocess.Process) -> str:
    process.kill()
    assert process.stderr is not None
    return (await process.stderr.read()).decode()


async def stored_card_ids(data_dir: Path) -> set[str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cocreatie_tui", "export", "--data-dir", str(data_dir),
        "--format", "json", stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    assert process.returncode == 0
    return {card["id"] for card in json.loads(out)["cards"]}


async def test_the_join_line_is_printed_once_the_server_accepts(tmp_path: Path) -> None:
    app = await start(tmp_path, "--new", "Hoe maken we de bib toegankelijker?")
    try:
        assert app.join_url == app.join_url.upper()
        assert "/J/" in app.join_url
        async with aiohttp.ClientSession() as session:
            page_url = app.cards_url.removesuffix("/cards")
            async with session.get(page_url) as response:
                assert response.status == 200
                assert "Hoe maken we de bib toegankelijker?" in await response.text()
    finally:
        app.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(app.process.wait(), 15) == 0
    assert app.process.stdout is not None
    assert await app.process.stdout.read() == b""  # exactly one line on standard output


@pytest.mark.parametrize("round_number", range(2))
async def test_every_acknowledged_card_survives_sigkill(tmp_path: Path, round_number: int) -> None:
    app = await start(tmp_path, "--new", "Bewaard?")
    acknowledged: set[str] = set()

    async def phone(session: aiohttp.ClientSession) -> None:
        while True:
            card_id = str(uuid.uuid4())
            try:
                async with session.post(
                    app.cards_url, json={"text": f"idee {card_id[:8]}", "id": card_id}
                ) as response:
                    if response.status in (200, 201):
                        acknowledged.add((await response.json())["id"])
            except (TimeoutError, aiohttp.ClientError):
                return

    async with aiohttp.ClientSession() as session:
        phones = [asyncio.create_task(phone(session)) for _ in range(8)]
        while len(acknowledged) < 30 + 20 * round_number:
            await asyncio.sleep(0.01)
        os.kill(app.process.pid, signal.SIGKILL)  # in the middle of the burst
        await app.process.wait()
        await asyncio.gather(*phones)
    assert acknowledged
    assert acknowledged <= await stored_card_ids(tmp_path)

    restarted = await start(tmp_path)  # resumes the same session and join code
    try:
        assert restarted.join_url.rsplit("/", 1)[1] == app.join_url.rsplit("/", 1)[1]
        async with aiohttp.ClientSession() as session:
            async with session.post(restarted.cards_url, json={"text": "na herstart"}) as resp:
                assert resp.status == 201
    finally:
        restarted.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(restarted.process.wait(), 15) == 0
    assert len(await stored_card_ids(tmp_path)) >= len(acknowledged) + 1


async def test_a_taken_port_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "cocreatie_tui", "--headless", "--host", "127.0.0.1",
            "--port", str(port), "--data-dir", str(tmp_path), "--new", "Vraag",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(), STARTUP_TIMEOUT)
    assert process.returncode == 2
    assert out == b""  # no Join line when phones cannot connect
    assert f"cannot listen on 127.0.0.1:{port}" in " ".join(err.decode().split())
