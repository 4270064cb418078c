"""One place that builds the hub (with every feature) and the app: the CLI and tests use it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cocreatie_tui.config import AppConfig
from cocreatie_tui.hub import Hub, HubFeature

# Each feature module adds its constructor here: ``lambda hub: BoardFeature(hub)``.
FEATURES: list[Callable[[Hub], HubFeature]] = []


def make_hub(data_dir: Path, **options: Any) -> Hub:
    import cocreatie_tui.features  # noqa: F401 - registers every feature

    hub = Hub(data_dir, **options)
    for make_feature in FEATURES:
        hub.add_feature(make_feature(hub))
    return hub


def make_app(config: AppConfig, **hub_options: Any):  # type: ignore[no-untyped-def]
    """The Textual app for ``config``, with its hub and web server."""
    from cocreatie_tui.app import CocreatieApp
    from cocreatie_tui.server import WebServer

    hub = make_hub(config.data_dir, **hub_options)
    server = WebServer(hub, config.host, config.port, config.public_url)
    return CocreatieApp(config, hub, server)
