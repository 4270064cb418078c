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
HOSTILE_TEXTS = MARKUP_TEXTS + HTML_TEXTS + UNICODE_TEXTS

# Stripped by the documented normalisation (docs/API.md): controls and bidi overrides.
STRIPPED_TEXTS = {
    "ansi \x1b[31mred\x1b[0m": "ansi [31mred[0m",
    "bidi \u202eevil\u202c end": "bidi evil end",
    "bell\x07 and nul\x00": "bell and nul",
}
