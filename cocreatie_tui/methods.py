"""Methods from the field, as templates in ``data/methods``: editable without code.

A method gives a session its follow-up prompts after the focus question (e.g. appreciative
evaluation: what went well, what gave energy...). Add a JSON file to add a method.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Method:
    id: str
    order: int
    names: dict[str, str]
    descriptions: dict[str, str]
    prompts: dict[str, list[str]]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["nl"]

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions["nl"]

    def follow_up_prompts(self, lang: str) -> list[str]:
        return list(self.prompts.get(lang) or self.prompts.get("nl", []))


@cache
def methods() -> tuple[Method, ...]:
    folder = resources.files("cocreatie_tui.data") / "methods"
    found = []
    for source in folder.iterdir():
        if not source.name.endswith(".json"):
            continue
        raw = json.loads(source.read_text(encoding="utf-8"))
        found.append(
            Method(
                id=str(raw["id"]),
                order=int(raw.get("order", 99)),
                names=dict(raw["name"]),
                descriptions=dict(raw.get("description", {})),
                prompts={lang: list(texts) for lang, texts in raw.get("prompts", {}).items()},
            )
        )
    return tuple(sorted(found, key=lambda method: (method.order, method.id)))


def method_by_id(method_id: str) -> Method | None:
    return next((m for m in methods() if m.id == method_id), None)
