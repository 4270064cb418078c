"""Join codes: short, unambiguous when read aloud or typed from a projector."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: letters and digits people confuse on a screen.
ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
LENGTH = 6


def new_join_code(length: int = LENGTH) -> str:
    """A fresh join code drawn with ``secrets`` (about 27 bits for six characters)."""
    if not 6 <= length <= 8:
        raise ValueError("join codes have 6 to 8 characters")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_join_code(raw: str) -> str:
    """Codes are case-insensitive: the advertised URL may be written in capitals."""
    return raw.strip().upper()


def looks_like_join_code(raw: str) -> bool:
    code = normalise_join_code(raw)
    return 6 <= len(code) <= 8 and all(char in ALPHABET for char in code)
