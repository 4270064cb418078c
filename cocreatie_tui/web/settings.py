"""Settings of the participant web server; every limit has a documented default (docs/API.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BODY_BYTES = 16 * 1024
MAX_FORM_FIELDS = 10


@dataclass(frozen=True)
class WebSettings:
    own_host_names: frozenset[str] = field(
        default_factory=lambda: frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
    )
    max_body_bytes: int = MAX_BODY_BYTES
    max_form_fields: int = MAX_FORM_FIELDS
    retry_after_seconds: int = 5
    keepalive_timeout: float = 30.0
    shutdown_timeout: float = 1.5
