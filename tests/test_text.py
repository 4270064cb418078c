"""The documented normalisation of participant text (docs/API.md)."""

import pytest

from cocreatie_tui.core.text import CARD_TEXT_MAX, TextRejected, card_text, nickname
from tests.hostile import HOSTILE_TEXTS, STRIPPED_TEXTS


def test_text_is_trimmed_and_nfc_normalised() -> None:
    assert card_text("  cafe\u0301  ") == "caf\u00e9"


def test_windows_and_old_mac_line_breaks_become_newlines() -> None:
    assert card_text("one\r\ntwo\rthree") == "one\ntwo\nthree"


@pytest.mark.parametrize(("raw", "expected"), sorted(STRIPPED_TEXTS.items()))
def test_controls_and_bidi_overrides_are_stripped(raw: str, expected: str) -> None:
    assert card_text(raw) == expected


@pytest.mark.parametrize("raw", HOSTILE_TEXTS)
def test_hostile_text_is_kept_as_it_was_typed(raw: str) -> None:
    assert card_text(raw) == raw.strip()


def test_length_is_counted_in_code_points_after_normalisation() -> None:
    emoji = "👍🏽"  # two code points, eight UTF-8 bytes
    assert card_text(emoji * (CARD_TEXT_MAX // 2)) == emoji * (CARD_TEXT_MAX // 2)
    with pytest.raises(TextRejected) as rejected:
        card_text("a" * (CARD_TEXT_MAX + 1))
    assert rejected.value.key == "error.text_too_long"
    # Decomposed input that normalises to 500 code points is accepted.
    assert len(card_text("e\u0301" * CARD_TEXT_MAX)) == CARD_TEXT_MAX


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\u202e", None, 42, ["x"]])
def test_empty_or_missing_text_is_refused(raw: object) -> None:
    with pytest.raises(TextRejected):
        card_text(raw)


def test_nickname_is_optional_single_line_and_at_most_40() -> None:
    assert nickname(None) is None
    assert nickname("   ") is None
    assert nickname(" Mia\nvan  Dam ") == "Mia van  Dam"
    assert nickname("x" * 40) == "x" * 40
    with pytest.raises(TextRejected):
        nickname("x" * 41)
    with pytest.raises(TextRejected):
        nickname(12)
