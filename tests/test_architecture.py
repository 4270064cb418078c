"""The architecture of DESIGN.md, checked: pure core, one namespace, thin app."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = {"textual", "aiohttp", "tinydb", "rich", "jinja2"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_neither_textual_aiohttp_nor_tinydb() -> None:
    core_files = sorted((ROOT / "cocreatie_tui" / "core").glob("*.py"))
    assert core_files
    for path in core_files:
        assert not imported_modules(path) & FORBIDDEN_IN_CORE, path.name


def test_only_the_store_touches_tinydb() -> None:
    for path in (ROOT / "cocreatie_tui").rglob("*.py"):
        if path.name != "store.py":
            assert "tinydb" not in imported_modules(path), path


def test_the_wheel_has_one_namespace_and_no_top_level_screens_or_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
         "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {
        name.split("/")[0]
        for name in names
        if not name.split("/")[0].endswith((".dist-info", ".data"))
    }
    assert top_level == {"cocreatie_tui"}
    for expected in (
        "cocreatie_tui/screens/board.py",
        "cocreatie_tui/screens/board.tcss",
        "cocreatie_tui/data/locales/nl/core.json",
        "cocreatie_tui/data/rules.json",
        "cocreatie_tui/web/templates/participant.html",
        "cocreatie_tui/web/static/phone.css",
    ):
        assert expected in names, expected
