"""Translations from ``data/locales``: Dutch first, English and French too."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("nl", "en", "fr")
DEFAULT_LANGUAGE = "nl"


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """All strings of a language: every ``data/locales/<lang>/*.json`` merged (one per feature)."""
    folder = resources.files("cocreatie_tui.data") / "locales" / lang
    merged: dict[str, str] = {}
    for source in sorted(folder.iterdir(), key=lambda item: item.name):
        if source.name.endswith(".json"):
            merged.update(json.loads(source.read_text(encoding="utf-8")))
    return merged


@cache
def interaction_rules(lang: str) -> list[dict[str, str]]:
    """The eight interaction rules of co-creation, each with a plain-character pictogram."""
    source = resources.files("cocreatie_tui.data") / "rules.json"
    rules = json.loads(source.read_text(encoding="utf-8"))
    return rules.get(lang, rules[DEFAULT_LANGUAGE])


class Translator:
    """Looks a key up in one language, falling back to Dutch, then to the key itself."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE

    def __call__(self, key: str, **params: Any) -> str:
        template = _catalogue(self.lang).get(key) or _catalogue(DEFAULT_LANGUAGE).get(key, key)
        return template.format(**params) if params else template


def best_language(accept_language: str | None, offered: Iterable[str] = LANGUAGES) -> str:
    """Pick from an ``Accept-Language`` header; Dutch when nothing offered matches."""
    offered = tuple(offered)
    if not accept_language:
        return DEFAULT_LANGUAGE
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0]
        if primary in offered and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else DEFAULT_LANGUAGE
