"""Shared fixtures: every test works in its own temporary data folder, never the user's."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.web.app import make_web_app

FOCUS_QUESTION = "Hoe maken we de bib toegankelijker?"

# The suite decides whether a change lands, so its property tests draw the same examples on
# every run: a failure belongs to the change and comes back when run again. New examples are
# drawn by bench/fuzz.py and with HYPOTHESIS_PROFILE=explore.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def harmless_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> None:
    """The default data folder points somewhere harmless in every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.setenv("HOME", str(home))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def hub(data_dir: Path) -> AsyncIterator[Hub]:
    hub = make_hub(data_dir)
    await hub.create_session(FOCUS_QUESTION)
    yield hub
    await hub.close()


@pytest.fixture
async def client(hub: Hub, aiohttp_client):  # type: ignore[no-untyped-def]
    """An aiohttp test client on the real web app, hub and store."""
    return await aiohttp_client(make_web_app(hub))


@pytest.fixture
def join_path(hub: Hub) -> str:
    return f"/j/{hub.live.info.join_code}"
