"""Pure domain rules: no Textual, aiohttp or TinyDB imports here."""
