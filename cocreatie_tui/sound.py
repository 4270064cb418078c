"""The end-of-turn bell as a real sound, where the machine can play one.

A laptop usually has ``paplay`` (PulseAudio/PipeWire) or ``aplay`` (ALSA); a Raspberry Pi with a
speaker has ``aplay``. The player runs as a child process through
``asyncio.create_subprocess_exec`` and is never waited for in the caller: the TUI and every
phone share the loop. A machine without a player simply stays silent (the terminal bell and the
flash still happen). ``data/sounds/bell.wav`` is a one-second 16 kHz bell made once with the
standard ``wave`` module (a few decaying partials around 880 Hz).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

# The first one found on PATH plays the sound; arguments keep it quiet on stdout/stderr.
PLAYERS: tuple[tuple[str, ...], ...] = (
    ("paplay",),
    ("pw-play",),
    ("aplay", "-q"),
    ("afplay",),
)

_running: set[asyncio.Task[None]] = set()


def bell_path() -> Path:
    return Path(str(resources.files("cocreatie_tui.data") / "sounds" / "bell.wav"))


def find_player() -> list[str] | None:
    """The command that plays a WAV file here, or None when there is none."""
    for command in PLAYERS:
        found = shutil.which(command[0])
        if found is not None:
            return [found, *command[1:]]
    return None


async def play(path: Path | None = None) -> bool:
    """Start playing ``path`` (the bell by default); True when a player was started.

    Returns as soon as the process runs; a background task collects it when it ends.
    """
    player = find_player()
    if player is None:
        return False
    target = path or bell_path()
    try:
        process = await asyncio.create_subprocess_exec(
            *player,
            str(target),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl+C in the terminal is for the app, not the player
        )
    except OSError as error:
        log.warning("cannot play %s with %s: %s", target, player[0], error)
        return False
    task = asyncio.create_task(_reap(process))
    _running.add(task)
    task.add_done_callback(_running.discard)
    return True


async def _reap(process: asyncio.subprocess.Process) -> None:
    code = await process.wait()
    if code != 0:
        log.info("the sound player ended with code %s", code)
