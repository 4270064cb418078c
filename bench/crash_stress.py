"""Hundreds of SIGKILLs at random moments: no acknowledged card or take-back may be lost.

The same cycle as tests/test_crash.py (which runs 20 in CI): start ``cocreatie --headless``,
let twelve phones post cards (JSON and forms, replays, take-backs), kill -9 at a random moment,
check the data file, restart on it.

    python bench/crash_stress.py --cycles 300 [--seed 1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_crash import crash_cycles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1, help="fresh data folders in turn")
    args = parser.parse_args()
    total_kills = total_cards = 0
    started = time.perf_counter()
    for round_number in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="cocreatie-crash-") as folder:
            kills, cards = asyncio.run(
                crash_cycles(Path(folder) / "data", args.cycles, seed=args.seed + round_number)
            )
        total_kills += kills
        total_cards += cards
        print(f"round {round_number + 1}: {kills} kills, {cards} acknowledged cards, none lost")
    elapsed = time.perf_counter() - started
    print(
        f"total: {total_kills} SIGKILLs, {total_cards} acknowledged cards, 0 lost, "
        f"every file loaded ({elapsed:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
