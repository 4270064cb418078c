"""Configuration built once from the command line and passed down; never read from globals."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "cocreatie"
DEFAULT_PORT = 8080
DEFAULT_HOST = "0.0.0.0"


def default_data_dir() -> Path:
    """The platform's user data folder (``~/.local/share/cocreatie`` on Linux)."""
    return user_data_path(APP_NAME, appauthor=False)


def exports_dir_of(data_dir: Path) -> Path:
    """Where the reports exported from the app go (``exports/ID.md`` and ``.json``)."""
    return data_dir / "exports"


@dataclass(frozen=True)
class AppConfig:
    data_dir: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    lang: str = "nl"
    public_url: str | None = None
    log_file: Path | None = None
    headless: bool = False
    new_title: str | None = None
    session_id: str | None = None

    @property
    def log_path(self) -> Path:
        return self.log_file or self.data_dir / "cocreatie.log"

    @property
    def exports_dir(self) -> Path:
        return exports_dir_of(self.data_dir)
