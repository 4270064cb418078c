"""Texts a troll, a broken phone or a curious neighbour may send: every surface must show them
literally, crash on none, and change none except by the documented stripping."""

MARKUP_TEXTS = [
    "[@click=app.quit]x[/]",
    "[/",
    "[TODO]",
    "[b]bold[/b] [red]red[/red]",
    "[link=https://example.org]link[/link]",
    "$variable {braces} %s",
]
HTML_TEXTS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "&amp; &lt;b&gt;",
    "# heading\n- list\n[a](javascript:alert(1))",
]
UNICODE_TEXTS = [
    "café \u0301 combining",
    "zero\u200bwidth\u200djoiner",
    "🧑‍🤝‍🧑 4-byte emoji 👍🏽",
    "ي عربي RTL text",
    "W" * 300,
]
# Zero-width and combining characters, 4-byte characters, marks that steer direction without
# overriding it, and words too long for any line: all kept exactly as typed.
UNUSUAL_TEXTS = [
    "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u2060word joiner",
    "Z\u0335\u0321\u0322\u034ea\u0338l\u0337g\u0335o\u0336 zalgo",
    "q\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309 stacked marks",
    "👩🏽‍🚒 🏳️‍🌈 𝕳𝖊𝖑𝖑𝖔 𠜎 🫠 1️⃣",
    "\u200fמימין לשמאל\u200e then left to right",
    "line\u2028separator\u2029paragraph",
    "Llanfairpwllgwyngyll" * 25,  # one 500-character word: exactly the limit
    "https://example.org/" + "a" * 480,
    "U+202E spelled out is not the character",
    "%00 %0a \\x1b[31m \\u202e written out, not real",
]
HOSTILE_TEXTS = MARKUP_TEXTS + HTML_TEXTS + UNICODE_TEXTS + UNUSUAL_TEXTS

# Stripped by the documented normalisation (docs/API.md): controls and bidi overrides.
# NFC normalisation is documented too: a decomposed é becomes one code point.
STRIPPED_TEXTS = {
    "ansi \x1b[31mred\x1b[0m": "ansi [31mred[0m",
    "bidi \u202eevil\u202c end": "bidi evil end",
    "bell\x07 and nul\x00": "bell and nul",
    "clear \x1b[2J\x1b[H screen": "clear [2J[H screen",
    "title \x1b]0;owned\x07 osc": "title ]0;owned osc",
    "c1 \x9b31m csi": "c1 31m csi",
    "isolate \u2066x\u2069 and \u202bembed\u202c and \u202doverride\u202c": (
        "isolate x and embed and override"
    ),
    "tab\there": "tabhere",
    "crlf\r\nline\rcr": "crlf\nline\ncr",
    "cafe\u0301": "caf\u00e9",
}
