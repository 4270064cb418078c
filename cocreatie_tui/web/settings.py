"""Settings of the participant web server; every limit has a documented default (docs/SECURITY.md).

The defaults are meant for a real room: limits per phone do the main work, limits per address
stay generous (a venue's Wi-Fi may put many phones behind one address) and never apply to
loopback, so the facilitator's own machine and the benchmarks are not limited per address.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BODY_BYTES = 16 * 1024
MAX_FORM_FIELDS = 10


@dataclass(frozen=True)
class WebSettings:
    own_host_names: frozenset[str] = field(
        default_factory=lambda: frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
    )
    # What one request may carry.
    max_body_bytes: int = MAX_BODY_BYTES  # 413 above
    max_form_fields: int = MAX_FORM_FIELDS  # 400 above
    max_field_chars: int = 2_000  # 400 above, for any one field before normalisation
    # Cards per phone: a burst of 10, then one every 2 seconds (429 with Retry-After).
    phone_card_burst: int = 10
    phone_card_interval: float = 2.0
    # Other changes per phone (hand raises, votes, taking a card back): 20, then one a second.
    phone_action_burst: int = 20
    phone_action_interval: float = 1.0
    # Per address (not loopback): generous, for rooms behind one address.
    address_cards_per_minute: int = 3_000
    address_actions_per_minute: int = 6_000
    limit_loopback: bool = False  # tests switch this on to try the limits per address
    # Wrong join codes per address: 20 at once, then one per 30 s; beyond that 429 for 5 min.
    wrong_code_burst: int = 20
    wrong_code_refill_seconds: float = 30.0
    wrong_code_lockout_seconds: float = 300.0
    # Slow clients: the whole body within 10 s (408); headers within keepalive_timeout.
    body_timeout: float = 10.0
    # Live-update streams (server-sent events): in total and per address (not loopback).
    max_streams: int = 2_500
    max_streams_per_address: int = 8
    stream_write_timeout: float = 10.0  # a phone that does not read is dropped
    stream_min_interval: float = 0.25  # at most four updates a second per stream
    # A phone's own new card reaches its streams this much later (its page shows it at once).
    stream_own_card_delay: float = 1.0
    # Streams woken together (a new prompt) render a few dozen per turn of the event loop.
    stream_renders_per_turn: int = 50
    # Requests worked on at once (the rest wait their turn): keeps the event loop responsive.
    max_active_requests: int = 16
    retry_after_seconds: int = 5
    keepalive_timeout: float = 30.0  # idle connections, and clients slow to send headers
    shutdown_timeout: float = 1.5
