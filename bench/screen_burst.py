"""What a burst of cards costs the app while the facilitator has another screen open.

    python bench/screen_burst.py [--cards 500] [--repeats 5]

Each screen runs in its own process with the real app headless (``App.run_test``, 120x40),
the real hub and store (fsync included), on a session of 2,000 cards: the board, the join
screen (j), the timer (k), the speakers' list (l) and the world café's set-up (w). Then 500
phones send a card each at once, straight to the hub, and the script prints the CPU time the
process spent from the first card to half a second after the last (the app's work for the
burst, including every screen update), medians over the repeats. The board is the baseline:
it shows the cards; a screen that does not show them should cost less than the board.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SCREENS = {"board": None, "join": "j", "timer": "k", "speakers": "l", "cafe set-up": "w"}


async def one_burst(key: str | None, cards: int) -> dict[str, object]:
    from load import prepare_session

    from cocreatie_tui.config import AppConfig
    from cocreatie_tui.core.model import CardSource
    from cocreatie_tui.factory import make_app

    with tempfile.TemporaryDirectory(prefix="cocreatie-screen-") as folder:
        data_dir = Path(folder) / "data"
        await prepare_session(data_dir, 2000)
        app = make_app(AppConfig(data_dir=data_dir, host="127.0.0.1", port=0, headless=True))
        async with app.run_test(size=(120, 40)) as pilot:
            await asyncio.sleep(1.0)  # the app settles
            if key is not None:
                await pilot.press(key)
                await asyncio.sleep(0.5)
            shown = type(app.screen).__name__
            phones = [f"phone-{n:020d}" for n in range(cards)]
            cpu = time.process_time()
            await asyncio.gather(
                *(
                    app.hub.submit_card(f"idee {n}", source=CardSource.PHONE, participant_id=p)
                    for n, p in enumerate(phones)
                )
            )
            await asyncio.sleep(0.5)  # what the screens do with it
            spent = time.process_time() - cpu
        return {"screen": shown, "cpu_ms": spent * 1000}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        key = None if sys.argv[2] == "-" else sys.argv[2]
        print(json.dumps(asyncio.run(one_burst(key, int(sys.argv[3])))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"{args.cards} cards at once into a session of 2,000; CPU ms, median (min-max)")
    for name, key in SCREENS.items():
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [sys.executable, __file__, "--one", key or "-", str(args.cards)],
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        cpu = [run["cpu_ms"] for run in runs]
        print(
            f"{name:12s} ({runs[0]['screen']}): {statistics.median(cpu):6.0f} "
            f"({min(cpu):.0f}-{max(cpu):.0f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
