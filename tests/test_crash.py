"""SIGKILL at random moments while phones post cards and take cards back.

``cocreatie --headless`` runs as a real process on one data folder. Each cycle starts it (which
also proves the file left by the previous kill loads), lets phones post cards (JSON and forms,
with and without cookies, with replays) and take some back, kills it with SIGKILL at a random
moment, and checks the data file: every card answered 2xx/303 is there, every acknowledged
take-back is there, the file loads. CI runs 20 cycles; ``bench/crash_stress.py`` runs hundreds.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from cocreatie_tui.core.model import SessionState
from cocreatie_tui.hub import is_withdrawn
from cocreatie_tui.store import read_documents, session_files

STARTUP_TIMEOUT = 30.0
PHONES = 12
CI_CYCLES = 20


@dataclass
class Acknowledged:
    cards: set[str] = field(default_factory=set)
    withdrawn: set[str] = field(default_factory=set)


@dataclass
class Running:
    process: asyncio.subprocess.Process
    base: str  # http://127.0.0.1:PORT/j/CODE
    code: str


async def start(data_dir: Path, *extra: str) -> Running:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cocreatie_tui", "--headless", "--port", "0",
        "--data-dir", str(data_dir), *extra,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    line = (await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT)).decode()
    if not line.startswith("Join: "):
        process.kill()
        raise AssertionError(f"no Join line: {line!r} {(await process.stderr.read())[-2000:]!r}")
    url = urlsplit(line.removeprefix("Join: ").strip())
    code = url.path.rsplit("/", 1)[1]
    # The advertised URL has the LAN address in capitals: use loopback, same port and path.
    return Running(process, f"http://127.0.0.1:{url.port}{url.path.lower()}", code)


async def phone(
    run: Running, acknowledged: Acknowledged, rng: random.Random, *, cookies: bool
) -> None:
    """Post cards until the server dies; sometimes a form, a replay, or a take-back."""
    jar = aiohttp.CookieJar(unsafe=True) if cookies else aiohttp.DummyCookieJar()
    headers = {"Host": "127.0.0.1"}
    mine: list[str] = []
    try:
        async with aiohttp.ClientSession(cookie_jar=jar, headers=headers) as session:
            token = None
            if cookies:
                async with session.get(run.base) as page:
                    text = await page.text()
                    token = text.split('name="token" value="', 1)[1].split('"', 1)[0]
            for n in range(40):
                card_id = str(uuid.uuid4())
                choice = rng.random()
                if mine and choice < 0.15:
                    card_id = rng.choice(mine)  # a replay, as after a lost answer
                if mine and cookies and choice > 0.9:
                    taken = rng.choice(mine)
                    url = f"{run.base}/cards/{taken}/withdraw"
                    async with session.post(url, json={}) as response:
                        if response.status == 200:
                            acknowledged.withdrawn.add(taken)
                    continue
                text = f"idee {n} {card_id[:8]} " + "é" * rng.randint(0, 80)
                if token is not None and choice < 0.4:
                    fields = {"text": text, "id": card_id, "token": token}
                    async with session.post(
                        run.base + "/cards", data=fields, allow_redirects=False
                    ) as response:
                        if response.status == 303:
                            acknowledged.cards.add(card_id)
                            mine.append(card_id)
                    continue
                async with session.post(
                    run.base + "/cards", json={"text": text, "id": card_id}
                ) as response:
                    if response.status in (200, 201):
                        assert (await response.json())["id"] == card_id
                        acknowledged.cards.add(card_id)
                        mine.append(card_id)
                    elif response.status == 429:
                        await asyncio.sleep(0.05)
    except (aiohttp.ClientError, TimeoutError, ConnectionError):
        return  # killed


def stored_state(data_dir: Path) -> SessionState:
    (path,) = list(session_files(data_dir))
    return SessionState.from_documents(read_documents(path))


def check(data_dir: Path, acknowledged: Acknowledged) -> SessionState:
    state = stored_state(data_dir)  # raises when the file does not load
    missing = acknowledged.cards - set(state.cards)
    assert not missing, f"{len(missing)} acknowledged cards lost"
    for card_id in acknowledged.withdrawn:
        assert is_withdrawn(state.cards[card_id]), "an acknowledged take-back was lost"
    return state


async def crash_cycles(data_dir: Path, cycles: int, seed: int) -> tuple[int, int]:
    """Start, post, kill -9 at a random moment, check; returns (kills, cards acknowledged)."""
    rng = random.Random(seed)
    acknowledged = Acknowledged()
    run = await start(data_dir, "--new", "Blijft alles bewaard?")
    code = run.code
    for _ in range(cycles):
        phones = [
            asyncio.create_task(
                phone(run, acknowledged, random.Random(rng.random()), cookies=n % 4 != 0)
            )
            for n in range(PHONES)
        ]
        before = len(acknowledged.cards)
        for _ in range(300):  # the burst is under way once a first card is acknowledged
            if len(acknowledged.cards) > before:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(rng.uniform(0.0, 0.3))
        os.kill(run.process.pid, signal.SIGKILL)
        await run.process.wait()
        await asyncio.gather(*phones)
        check(data_dir, acknowledged)
        run = await start(data_dir)  # the restart loads the file left by the kill
        assert run.code == code  # same session, same join code
    async with aiohttp.ClientSession(headers={"Host": "127.0.0.1"}) as session:
        card_id = str(uuid.uuid4())
        async with session.post(run.base + "/cards", json={"text": "na", "id": card_id}) as posted:
            assert posted.status == 201
        acknowledged.cards.add(card_id)
    run.process.send_signal(signal.SIGTERM)  # a clean stop keeps everything too
    assert await asyncio.wait_for(run.process.wait(), 15) == 0
    check(data_dir, acknowledged)
    return cycles, len(acknowledged.cards)


async def test_sigkill_at_random_moments_loses_no_acknowledged_card(tmp_path: Path) -> None:
    kills, cards = await crash_cycles(tmp_path / "data", CI_CYCLES, seed=20240601)
    assert kills == CI_CYCLES
    assert cards > CI_CYCLES * 5  # the phones really posted between the kills
