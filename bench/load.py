"""Load: simulated phones over loopback against the real app, and against a bare aiohttp handler.

    python bench/load.py [--phones 500] [--cards 5] [--existing 2000] [--streams 1000] [--runs 5]

The server runs in its own process: the real app (the same factory as ``cocreatie --headless``,
board and all) on a data folder whose session already holds ``--existing`` cards, with default
limits, plus a probe of its event loop's lag. This process is the load generator: every phone
has its own connections and cookie, loads the page, holds a live-update stream (SSE) and posts
its cards one after the other, all phones at once. Then ``--streams`` streams are opened and
the facilitator changes the prompt: the time until every stream has it is measured.

The same load then runs against a bare aiohttp handler (parse JSON, answer 201; a page that
sets a cookie; an SSE stream) in its own process, and the ratio of throughputs is printed.

Printed: cards/s, p50/p99 latency, errors, lost cards (acknowledged but not in the data file
after the run), event-loop lag (p99 and worst) during the card burst, the time for a prompt
change to reach every stream, and the server's peak resident memory. With ``--runs N`` all of
it N times, then medians over the runs and the lag samples of every run pooled. With
``--breakdown``, where the server's event loop spent the burst (timing every callback slows
the server a little).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NEW_PROMPT = "Wat hebben we vandaag geleerd?"
LAG_INTERVAL = 0.01


# -- server side (runs in the server process) --------------------------------------------------


async def probe_lag(samples: list[tuple[float, float]]) -> None:
    """How late a 10 ms sleep wakes up: the time the loop was busy with something else."""
    loop = asyncio.get_running_loop()
    while True:
        before = loop.time()
        await asyncio.sleep(LAG_INTERVAL)
        samples.append((time.monotonic(), loop.time() - before - LAG_INTERVAL))


GC_PAUSES: list[tuple[float, int, float]] = []


def _track_gc() -> None:
    import gc

    started = [0.0]

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            GC_PAUSES.append(
                (time.monotonic(), info["generation"], time.perf_counter() - started[0])
            )

    gc.callbacks.append(callback)


CALLBACKS: list[tuple[float, float, str]] = []


def _time_callbacks() -> None:
    """Time every callback the event loop runs (``--breakdown``): what held the loop, by kind."""
    import asyncio.events

    run = asyncio.events.Handle._run

    def name_of(callback: object) -> str:
        task = getattr(callback, "__self__", None)
        if isinstance(task, asyncio.Task):
            coro = task.get_coro()
            name = str(getattr(coro, "__qualname__", type(coro).__name__))
            frame = getattr(coro, "cr_frame", None)
            timer = frame.f_locals.get("self") if frame is not None else None
            if name == "Timer._run_timer" and timer is not None:  # which of Textual's timers
                callback = getattr(timer, "_callback", None)
                name += f"({getattr(callback, '__qualname__', callback)})"
            elif name == "MessagePump._process_messages" and timer is not None:  # whose messages
                name += f"({type(timer).__name__})"
            return name
        return str(getattr(callback, "__qualname__", type(callback).__name__))

    turn: list[tuple[str, float]] = []

    def timed(handle: asyncio.events.Handle) -> None:
        started = time.monotonic()
        try:
            run(handle)
        finally:
            took = time.monotonic() - started
            name = name_of(handle._callback)
            CALLBACKS.append((started, took, name))
            turn.append((name, took))

    asyncio.events.Handle._run = timed  # type: ignore[method-assign]

    # A long turn of the loop is what a late timer (the lag) waits for: keep what it ran.
    import asyncio.base_events

    run_once = asyncio.base_events.BaseEventLoop._run_once

    def timed_turn(loop: asyncio.base_events.BaseEventLoop) -> None:
        turn.clear()
        started = time.monotonic()
        run_once(loop)
        took = time.monotonic() - started
        ran = sum(t for _, t in turn)
        if ran > LONG_TURN:
            kinds: dict[str, list[float]] = {}
            for name, t in turn:
                kinds.setdefault(name, []).append(t)
            top = sorted(kinds.items(), key=lambda item: -sum(item[1]))[:4]
            LONG_TURNS.append((started, took, [(name, len(ts), sum(ts)) for name, ts in top]))

    asyncio.base_events.BaseEventLoop._run_once = timed_turn  # type: ignore[method-assign]


LONG_TURN = 0.010
LONG_TURNS: list[tuple[float, float, list[tuple[str, int, float]]]] = []


def write_stats(path: Path, samples: list[tuple[float, float]], writes: int = 0) -> None:
    stats = {
        "lag": samples,
        "gc": GC_PAUSES,
        "writes": writes,
        "callbacks": CALLBACKS,
        "turns": LONG_TURNS,
    }
    path.write_text(json.dumps(stats))


def profiled(main: Callable[[], Coroutine[object, object, None]]) -> None:
    """Run ``main`` on the app's own loop (``cocreatie_tui.event_loop``, as ``cocreatie``
    runs), under cProfile when the generator asked for a profile."""
    run: Callable[[Coroutine[object, object, None]], None] = asyncio.run
    if not os.environ.get("COCREATIE_LOAD_STANDARD_LOOP"):  # (also for commits without it)
        from cocreatie_tui import event_loop

        run = event_loop.run
    profile = os.environ.get("COCREATIE_LOAD_PROFILE")
    if not profile:
        run(main())
        return
    import cProfile

    with cProfile.Profile() as profiler:
        run(main())
    profiler.dump_stats(profile)


def serve_cocreatie(data_dir: Path, stats: Path) -> int:
    from cocreatie_tui.cli import _log_to_file
    from cocreatie_tui.config import AppConfig
    from cocreatie_tui.factory import make_app

    _track_gc()
    if os.environ.get("COCREATIE_LOAD_BREAKDOWN"):
        _time_callbacks()
    config = AppConfig(data_dir=data_dir, host="127.0.0.1", port=0, headless=True)
    _log_to_file(config.log_path)
    app = make_app(config)
    samples: list[tuple[float, float]] = []

    async def main() -> None:
        probe = asyncio.ensure_future(probe_lag(samples))
        loop = asyncio.get_running_loop()
        # The facilitator changes the prompt (as from the keyboard) when told by the generator.
        loop.add_signal_handler(
            signal.SIGUSR1, lambda: asyncio.ensure_future(app.hub.set_title(NEW_PROMPT))
        )
        try:
            await app.run_async(headless=True)
        finally:
            probe.cancel()
            write_stats(stats, samples, app.hub.store.writes if app.hub.store else 0)

    profiled(main)
    return app.return_code or 0


def serve_web_only(data_dir: Path, stats: Path) -> int:
    """The hub, store and web server of the app without the terminal UI (to tell costs apart)."""
    from cocreatie_tui.factory import make_hub
    from cocreatie_tui.server import WebServer

    samples: list[tuple[float, float]] = []

    async def main() -> None:
        _track_gc()
        if os.environ.get("COCREATIE_LOAD_BREAKDOWN"):
            _time_callbacks()
        if os.environ.get("COCREATIE_LOAD_SLOW"):  # log callbacks that hold the loop long
            import logging

            logging.basicConfig(filename=os.environ["COCREATIE_LOAD_SLOW"], level=logging.WARNING)
            loop = asyncio.get_running_loop()
            loop.set_debug(True)
            loop.slow_callback_duration = 0.015
        hub = make_hub(data_dir)
        session_id = hub.most_recent_session_id()
        assert session_id is not None
        await hub.open_session(session_id)
        server = WebServer(hub, "127.0.0.1", 0, None)
        address = await server.start()
        probe = asyncio.ensure_future(probe_lag(samples))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(
            signal.SIGUSR1, lambda: asyncio.ensure_future(hub.set_title(NEW_PROMPT))
        )
        print(f"Join: {address.join_url(hub.live.info.join_code)}", flush=True)
        await stop.wait()
        probe.cancel()
        write_stats(stats, samples, hub.store.writes if hub.store else 0)
        await server.stop()
        await hub.close()

    profiled(main)
    return 0


def serve_bare(stats: Path) -> int:
    """The least a server can do for the same requests: the yardstick for throughput."""
    from aiohttp import web

    samples: list[tuple[float, float]] = []
    streams: set[web.StreamResponse] = set()

    async def page(request: web.Request) -> web.Response:
        response = web.Response(text="<html>page</html>", content_type="text/html")
        response.set_cookie("phone", uuid.uuid4().hex)
        return response

    async def post(request: web.Request) -> web.Response:
        data = await request.json()
        return web.json_response({"id": data.get("id") or str(uuid.uuid4())}, status=201)

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b'event: state\ndata: {"prompt": "x"}\n\n')
        streams.add(response)
        try:
            while True:
                await asyncio.sleep(3600)
        finally:
            streams.discard(response)
        return response

    async def broadcast() -> None:
        message = json.dumps({"prompt": NEW_PROMPT}).encode()
        for response in list(streams):
            await response.write(b"event: state\ndata: " + message + b"\n\n")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/j/{code}", page)
        app.router.add_post("/j/{code}/cards", post)
        app.router.add_get("/j/{code}/events", events)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        probe = asyncio.ensure_future(probe_lag(samples))
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGUSR1, lambda: asyncio.ensure_future(broadcast()))
        print(f"Join: http://127.0.0.1:{port}/j/BARE00", flush=True)
        await stop.wait()
        probe.cancel()
        write_stats(stats, samples)
        await runner.cleanup()

    asyncio.run(main())
    return 0


async def prepare_session(data_dir: Path, existing: int) -> None:
    """A session that already holds ``existing`` cards from 200 phones."""
    from cocreatie_tui.core.model import CardSource
    from cocreatie_tui.factory import make_hub

    async def fill() -> None:
        hub = make_hub(data_dir)
        await hub.create_session("Hoe maken we de bib toegankelijker?")
        for start in range(0, existing, 250):
            await asyncio.gather(
                *(
                    hub.submit_card(
                        f"Bestaand idee {n}: langere openingsuren en meer plaats om te werken",
                        source=CardSource.PHONE,
                        participant_id=f"phone{n % 200:04d}" + "x" * 12,
                    )
                    for n in range(start, min(existing, start + 250))
                )
            )
        await hub.close()

    await fill()


# -- load generator ------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)
    started: float = 0.0
    ended: float = 0.0
    prompt_delays: list[float] = field(default_factory=list)
    streams_open: int = 0
    lag: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    gc: list[tuple[int, float]] = field(default_factory=list)
    writes: int = 0
    lost: int | None = None
    callbacks: list[tuple[str, float]] = field(default_factory=list)
    long_turns: list[tuple[float, float, list]] = field(default_factory=list)
    prompt_lag: list[float] = field(default_factory=list)  # while the prompt reaches the streams

    @property
    def throughput(self) -> float:
        return len(self.acknowledged) / max(self.ended - self.started, 1e-9)


class Server:
    def __init__(self, process: asyncio.subprocess.Process, stats: Path, join: str) -> None:
        self.process = process
        self.stats = stats
        url = urlsplit(join)
        self.base = f"http://127.0.0.1:{url.port}{url.path.lower()}"

    @classmethod
    async def start(
        cls, *args: str, stats: Path, profile: str | None = None, breakdown: bool = False
    ) -> Server:
        env = dict(os.environ, COCREATIE_LOAD_PROFILE=profile or "")
        env["COCREATIE_LOAD_BREAKDOWN"] = "1" if breakdown else ""
        process = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *args, str(stats), env=env,
            stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 60)).decode().strip()
        assert line.startswith("Join: "), line
        return cls(process, stats, line.removeprefix("Join: "))

    def peak_rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return 0.0

    async def stop(self) -> dict[str, list]:
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), 30)
        return json.loads(self.stats.read_text())


class Phone:
    """One phone: its own connections (a post connection and a stream) and its own cookie."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(limit=2, force_close=False),
            headers={"Host": "127.0.0.1"},
            timeout=aiohttp.ClientTimeout(total=120),
        )
        self.stream: aiohttp.ClientResponse | None = None
        self.prompt_seen = asyncio.Event()
        self.reader: asyncio.Task[None] | None = None

    async def join(self) -> None:
        async with self.session.get(self.base) as page:
            await page.read()
            page.raise_for_status()

    async def open_stream(self) -> None:
        self.stream = await self.session.get(self.base + "/events")
        self.stream.raise_for_status()
        await self.stream.content.readuntil(b"\n\n")  # the first state
        self.reader = asyncio.ensure_future(self._read_stream())

    async def _read_stream(self) -> None:
        assert self.stream is not None
        try:
            while True:
                event = await self.stream.content.readuntil(b"\n\n")
                if NEW_PROMPT.encode() in event:
                    self.seen_at = time.monotonic()
                    self.prompt_seen.set()
        except (aiohttp.ClientError, asyncio.IncompleteReadError, ValueError):
            pass

    async def post_cards(self, count: int, result: Result) -> None:
        for n in range(count):
            card_id = str(uuid.uuid4())
            body = {"text": f"Idee {n} van deze gsm: {card_id[:8]}", "id": card_id}
            started = time.perf_counter()
            try:
                async with self.session.post(self.base + "/cards", json=body) as response:
                    await response.read()
                    if response.status in (200, 201):
                        result.acknowledged.add(card_id)
                        result.latencies.append(time.perf_counter() - started)
                    else:
                        result.errors.append(f"{response.status}")
            except (aiohttp.ClientError, TimeoutError) as error:
                result.errors.append(type(error).__name__)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
        if self.stream is not None:
            self.stream.close()
        await self.session.close()


async def run_load(server: Server, name: str, phones: int, cards: int, streams: int) -> Result:
    result = Result(name)
    crowd = [Phone(server.base) for _ in range(phones)]
    await asyncio.gather(*(p.join() for p in crowd))
    await asyncio.gather(*(p.open_stream() for p in crowd))
    result.started = time.monotonic()
    await asyncio.gather(*(p.post_cards(cards, result) for p in crowd))
    result.ended = time.monotonic()
    extra = [Phone(server.base) for _ in range(max(0, streams - phones))]
    await asyncio.gather(*(p.open_stream() for p in extra))
    everyone = crowd + extra
    result.streams_open = sum(1 for p in everyone if p.stream is not None)
    await asyncio.sleep(0.5)  # quiet before the prompt changes
    changed_at = time.monotonic()
    server.process.send_signal(signal.SIGUSR1)
    try:
        await asyncio.wait_for(asyncio.gather(*(p.prompt_seen.wait() for p in everyone)), 10)
    except TimeoutError:
        pass
    result.prompt_delays = [p.seen_at - changed_at for p in everyone if p.prompt_seen.is_set()]
    result.peak_rss_mb = server.peak_rss_mb()
    await asyncio.gather(*(p.close() for p in everyone))
    stats = await server.stop()
    result.writes = stats.get("writes", 0)
    result.lag = [lag for at, lag in stats["lag"] if result.started <= at <= result.ended]
    fanned_out = changed_at + max(result.prompt_delays, default=0.0) + 0.05
    result.prompt_lag = [lag for at, lag in stats["lag"] if changed_at <= at <= fanned_out]
    if os.environ.get("COCREATIE_LOAD_SPIKES"):  # late wake-ups, with the collections in them
        spikes = []
        for at, lag in stats["lag"]:
            if result.started <= at <= result.ended and lag > 0.015:
                pauses = [
                    f"gen{gen} {pause * 1000:.0f}"
                    for end, gen, pause in stats.get("gc", [])
                    if at - lag - LAG_INTERVAL <= end <= at
                ]
                spikes.append((round(at - result.started, 2), round(lag * 1000, 1), pauses))
        print("lag over 15 ms (s after start, ms, gc in it):", spikes)
    result.gc = [
        (gen, pause)
        for at, gen, pause in stats.get("gc", [])
        if result.started <= at <= result.ended
    ]
    result.callbacks = [
        (name, took)
        for at, took, name in stats.get("callbacks", [])
        if result.started <= at <= result.ended
    ]
    result.long_turns = [
        (at - result.started, took, top)
        for at, took, top in stats.get("turns", [])
        if result.started <= at <= result.ended
    ]
    return result


def stored_card_ids(data_dir: Path) -> set[str]:
    from cocreatie_tui.store import read_documents, session_files

    (path,) = list(session_files(data_dir))
    return {doc["id"] for doc in read_documents(path).get("cards", {}).values()}


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(result: Result) -> None:
    ms = 1000
    print(f"\n== {result.name}")
    print(
        f"cards acknowledged  {len(result.acknowledged)} in {result.ended - result.started:.2f} s"
    )
    print(f"throughput          {result.throughput:.0f} cards/s")
    if result.latencies:
        print(
            f"latency             p50 {statistics.median(result.latencies) * ms:.0f} ms, "
            f"p99 {percentile(result.latencies, 0.99) * ms:.0f} ms"
        )
    print(f"errors              {len(result.errors)} {sorted(set(result.errors))[:5]}")
    if result.lost is not None:
        print(f"lost cards          {result.lost}")
    if result.writes:
        print(f"writes to disk      {result.writes} (since the server started)")
    if result.lag:
        print(
            f"event-loop lag      p99 {percentile(result.lag, 0.99) * ms:.1f} ms, "
            f"worst {max(result.lag) * ms:.1f} ms ({len(result.lag)} samples, "
            f"p50 {percentile(result.lag, 0.5) * ms:.1f} ms, "
            f"p90 {percentile(result.lag, 0.9) * ms:.1f} ms)"
        )
    if result.gc:
        print(
            f"gc pauses           {len(result.gc)}, longest "
            f"{max(p for _, p in result.gc) * ms:.1f} ms (generation "
            f"{max(result.gc, key=lambda g: g[1])[0]})"
        )
    delays = result.prompt_delays
    if delays:
        print(
            f"prompt change       {len(delays)}/{result.streams_open} streams, "
            f"p50 {statistics.median(delays) * ms:.0f} ms, worst {max(delays) * ms:.0f} ms"
            + (
                f"; loop lag meanwhile worst {max(result.prompt_lag) * ms:.0f} ms"
                if result.prompt_lag
                else ""
            )
        )
    print(f"peak resident mem   {result.peak_rss_mb:.0f} MB")
    if result.callbacks:
        report_breakdown(result)


# Textual's callbacks; the app's own task (serve_cocreatie.<locals>.main) runs Textual's App.
TEXTUAL = ("MessagePump.", "Timer.", "serve_cocreatie.")


def report_breakdown(result: Result) -> None:
    """Where the event loop's time went during the card burst, by callback (``--breakdown``);
    garbage collection happens inside callbacks and is counted in them too."""
    ms = 1000
    window = result.ended - result.started
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name, took in result.callbacks:
        totals[name] = totals.get(name, 0.0) + took
        counts[name] = counts.get(name, 0) + 1
    busy = sum(totals.values())
    textual = sum(took for name, took in totals.items() if name.startswith(TEXTUAL))
    collected = sum(pause for _, pause in result.gc)
    print(
        f"loop busy           {busy * ms:.0f} ms of the {window * ms:.0f} ms burst; terminal UI "
        f"(Textual) {textual * ms:.0f} ms; garbage collection {collected * ms:.0f} ms"
    )
    for name, took in sorted(totals.items(), key=lambda item: -item[1])[:8]:
        print(f"  {took * ms:7.0f} ms {counts[name]:6d}x  {name}")
    turns = sorted(result.long_turns, key=lambda turn: -turn[1])
    print(f"turns of the loop over {LONG_TURN * ms:.0f} ms: {len(turns)}; the longest:")
    for at, took, top in turns[:6]:
        ran = ", ".join(f"{count}x {name} {t * ms:.1f} ms" for name, count, t in top)
        print(f"  at {at:5.2f} s  {took * ms:5.1f} ms: {ran}")


async def one_run(args: argparse.Namespace) -> tuple[Result, Result]:
    """One session of ``--existing`` cards under the load, then the bare handler."""
    with tempfile.TemporaryDirectory(prefix="cocreatie-load-") as folder:
        data_dir = Path(folder) / "data"
        started = time.perf_counter()
        await prepare_session(data_dir, args.existing)
        print(
            f"prepared a session with {args.existing} cards ({time.perf_counter() - started:.1f} s)"
        )
        mode = "--serve-web-only" if args.web_only else "--serve-cocreatie"
        server = await Server.start(
            mode,
            str(data_dir),
            stats=Path(folder) / "c.json",
            profile=args.profile,
            breakdown=args.breakdown,
        )
        name = "cocreatie: hub, store and web only" if args.web_only else "cocreatie (real app)"
        ours = await run_load(server, name, args.phones, args.cards, args.streams)
        stored = stored_card_ids(data_dir)
        ours.lost = len(ours.acknowledged - stored)
        bare_server = await Server.start("--serve-bare", stats=Path(folder) / "b.json")
        bare = await run_load(
            bare_server, "bare aiohttp handler", args.phones, args.cards, args.streams
        )
    return ours, bare


def ratio_of(ours: Result, bare: Result) -> float:
    return ours.throughput / bare.throughput if bare.throughput else float("nan")


def checks_of(ours: Result, bare: Result, streams: int) -> dict[str, bool]:
    lag99 = percentile(ours.lag, 0.99) * 1000 if ours.lag else float("nan")
    worst = max(ours.lag) * 1000 if ours.lag else float("nan")
    return {
        "0 errors": not ours.errors,
        "0 lost": ours.lost == 0,
        "throughput >= half of bare": ratio_of(ours, bare) >= 0.5,
        "lag p99 <= 20 ms": lag99 <= 20,
        "lag worst <= 100 ms": worst <= 100,
        f"{streams} streams see the prompt within 0.5 s": (
            len(ours.prompt_delays) >= streams and max(ours.prompt_delays) <= 0.5
        ),
        "peak memory <= 150 MB": ours.peak_rss_mb <= 150,
    }


def summarise(runs: list[tuple[Result, Result]]) -> None:
    """Medians over the runs (min-max), and the loop's lag pooled over every run's samples:
    one run has only 70 to 100 samples, so its "p99" is its worst sample."""
    ms = 1000

    def row(label: str, values: list[float], unit: str, digits: int = 0) -> None:
        if not values:
            return
        median = statistics.median(values)
        print(
            f"{label:<34}{median:>9.{digits}f} {unit:<8}"
            f"({min(values):.{digits}f}-{max(values):.{digits}f})"
        )

    print(f"\n== medians over {len(runs)} runs (min-max)")
    for index, label in ((0, "ours"), (1, "bare")):
        results = [run[index] for run in runs]
        row(f"{label}: throughput", [r.throughput for r in results], "cards/s")
        lat = [r for r in results if r.latencies]
        row(f"{label}: latency p50", [statistics.median(r.latencies) * ms for r in lat], "ms")
        row(f"{label}: latency p99", [percentile(r.latencies, 0.99) * ms for r in lat], "ms")
        lagged = [r for r in results if r.lag]
        for name, fraction in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
            values = [percentile(r.lag, fraction) * ms for r in lagged]
            row(f"{label}: loop lag {name}", values, "ms", 1)
        row(f"{label}: loop lag worst", [max(r.lag) * ms for r in lagged], "ms", 1)
        pooled = sorted(lag for r in lagged for lag in r.lag)
        if pooled:
            print(
                f"{label + ': loop lag, all runs pooled':<34}"
                f"p99 {percentile(pooled, 0.99) * ms:.1f} ms, worst {pooled[-1] * ms:.1f} ms "
                f"({len(pooled)} samples)"
            )
        pauses = [max(pause for _, pause in r.gc) * ms for r in results if r.gc]
        row(f"{label}: longest gc pause", pauses, "ms", 1)
        prompt = [max(r.prompt_delays) * ms for r in results if r.prompt_delays]
        row(f"{label}: prompt change, worst", prompt, "ms")
        fan_lag = [max(r.prompt_lag) * ms for r in results if r.prompt_lag]
        row(f"{label}: loop lag during it, worst", fan_lag, "ms", 1)
        row(f"{label}: peak resident memory", [r.peak_rss_mb for r in results], "MB")
    row("throughput ratio", [ratio_of(ours, bare) for ours, bare in runs], "", 2)
    ours_all = [ours for ours, _ in runs]
    print(
        f"errors / lost cards, all runs      {sum(len(r.errors) for r in ours_all)} / "
        f"{sum(r.lost or 0 for r in ours_all)}"
    )


async def orchestrate(args: argparse.Namespace) -> int:
    runs = []
    for n in range(args.runs):
        if args.runs > 1:
            print(f"\n######## run {n + 1} of {args.runs}")
        ours, bare = await one_run(args)
        report(ours)
        report(bare)
        print(f"\nthroughput ratio    {ratio_of(ours, bare):.2f} of the bare handler")
        runs.append((ours, bare))
    passed = {check: 0 for check in checks_of(*runs[0], args.streams)}
    for ours, bare in runs:
        for check, ok in checks_of(ours, bare, args.streams).items():
            passed[check] += ok
    if args.runs > 1:
        summarise(runs)
    print()
    for check, count in passed.items():
        verdict = "PASS" if count == len(runs) else "FAIL"
        print(f"{verdict}  {check}" + (f"  ({count} of {len(runs)} runs)" if args.runs > 1 else ""))
    return 0 if all(count == len(runs) for count in passed.values()) else 1


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-cocreatie":
        return serve_cocreatie(Path(sys.argv[2]), Path(sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-web-only":
        return serve_web_only(Path(sys.argv[2]), Path(sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-bare":
        return serve_bare(Path(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--cards", type=int, default=5, help="cards per phone")
    parser.add_argument("--existing", type=int, default=2000, help="cards already in the session")
    parser.add_argument(
        "--streams", type=int, default=1000, help="open streams for the prompt test"
    )
    parser.add_argument("--profile", metavar="FILE", help="run the app's server under cProfile")
    parser.add_argument(
        "--runs", type=int, default=1, help="repeat everything and print medians over the runs"
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="time every callback of the server's event loop: where the burst's time went",
    )
    parser.add_argument(
        "--web-only", action="store_true", help="hub, store and web server without the terminal UI"
    )
    args = parser.parse_args()
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    return asyncio.run(orchestrate(args))


if __name__ == "__main__":
    sys.exit(main())
