"""The property-based fuzzers of tests/ with many more examples than CI runs.

    python bench/fuzz.py --examples 20000

Runs tests/test_fuzz_http.py (random requests and raw bytes against the participant server)
and tests/test_fuzz_hub.py (random sequences of hub commands) with that many examples each,
new ones on every run (``HYPOTHESIS_PROFILE=explore``; the test suite repeats the same ones),
and prints how long it took. Any failure is printed by hypothesis with the smallest example.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FUZZERS = ["tests/test_fuzz_http.py", "tests/test_fuzz_hub.py"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000, help="examples per fuzzer")
    args = parser.parse_args()
    # New examples on every run (the test suite itself repeats the same ones).
    env = dict(os.environ, COCREATIE_FUZZ_EXAMPLES=str(args.examples), HYPOTHESIS_PROFILE="explore")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *FUZZERS],
        cwd=ROOT,
        env=env,
    )
    elapsed = time.perf_counter() - started
    verdict = "no failures" if result.returncode == 0 else "FAILURES above"
    print(f"fuzz: {args.examples} examples per fuzzer, {verdict} ({elapsed:.0f} s)")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
