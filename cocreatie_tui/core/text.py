"""Normalisation and validation of text that participants send.

The rules are part of the participant contract (docs/API.md): text is NFC-normalised, line
breaks become ``\\n``, other control characters and bidi overrides are stripped, and the result
is trimmed before its length is counted in code points.
"""

from __future__ import annotations

import unicodedata

CARD_TEXT_MAX = 500
NICKNAME_MAX = 40

# Embeddings, overrides and isolates: they can make a card's text display in a different
# order than it was typed (the "Trojan Source" trick), so they are removed.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
)


class TextRejected(ValueError):
    """A participant's text cannot be accepted; ``key`` names the locale message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def clean_text(raw: str, *, keep_newlines: bool) -> str:
    """Apply the documented normalisation, without checking lengths."""
    text = unicodedata.normalize("NFC", raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept: list[str] = []
    for char in text:
        if char == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def card_text(raw: object) -> str:
    """The text of a card as it will be stored, or ``TextRejected``."""
    if not isinstance(raw, str):
        raise TextRejected("error.text_missing")
    text = clean_text(raw, keep_newlines=True)
    if not text:
        raise TextRejected("error.text_empty")
    if len(text) > CARD_TEXT_MAX:
        raise TextRejected("error.text_too_long", limit=CARD_TEXT_MAX, length=len(text))
    return text


def question_text(raw: object) -> str:
    """A focus question or prompt: one line, not empty, at most as long as a card."""
    if not isinstance(raw, str):
        raise TextRejected("error.title_empty")
    text = clean_text(raw, keep_newlines=False)
    if not text:
        raise TextRejected("error.title_empty")
    if len(text) > CARD_TEXT_MAX:
        raise TextRejected("error.text_too_long", limit=CARD_TEXT_MAX)
    return text


def nickname(raw: object) -> str | None:
    """An optional nickname: ``None`` when absent or blank, else at most 40 code points."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise TextRejected("error.nickname_invalid")
    text = clean_text(raw, keep_newlines=False)
    if not text:
        return None
    if len(text) > NICKNAME_MAX:
        raise TextRejected("error.nickname_too_long", limit=NICKNAME_MAX, length=len(text))
    return text
