"""Limits on what a phone or an address may send, so a troll or a broken phone cannot flood
the room (docs/SECURITY.md).

Limits per phone (its cookie id) do the main work: by default a burst of 10 cards, then one
every 2 seconds, and for other actions (hand raises, votes) a burst of 20, then one a second.
Limits per address are generous (a room behind one address must still work) and do not apply
to loopback. An address that tries many wrong join codes is refused for a while. Everything is
a token bucket in memory, on an injected monotonic clock: nothing is stored, nothing sleeps.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import lru_cache

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web_protocol import RequestPayloadError

from cocreatie_tui.store import before_disk_wait
from cocreatie_tui.web.settings import WebSettings

Clock = Callable[[], float]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Refuse = Callable[..., web.StreamResponse]

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MULTIPART = "multipart/form-data"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucket:
    """Buckets of ``burst`` tokens per key, refilled at ``per_second``; at most ``max_keys``."""

    def __init__(
        self, burst: float, per_second: float, clock: Clock, *, max_keys: int = 20_000
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, key: str, cost: float = 1.0) -> float:
        """Take ``cost`` tokens; returns 0 when allowed, else the seconds until it would be."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_idle(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.per_second)
            bucket.updated = now
        if bucket.tokens >= cost:
            bucket.tokens -= cost
            return 0.0
        if self.per_second <= 0:
            return math.inf
        return (cost - bucket.tokens) / self.per_second

    def _forget_idle(self, now: float) -> None:
        """Drop full buckets (they hold no information); if none are, the oldest half."""
        full_after = self.burst / self.per_second if self.per_second > 0 else math.inf
        idle = [k for k, b in self._buckets.items() if now - b.updated >= full_after]
        if not idle:
            idle = list(self._buckets)[: len(self._buckets) // 2]
        for key in idle:
            del self._buckets[key]


class WrongCodes:
    """Counts unknown join codes per address; too many in a short time lock it out a while."""

    def __init__(self, settings: WebSettings, clock: Clock) -> None:
        self.clock = clock
        self.lockout_seconds = settings.wrong_code_lockout_seconds
        self._tries = TokenBucket(
            settings.wrong_code_burst, 1 / settings.wrong_code_refill_seconds, clock
        )
        self._locked_until: dict[str, float] = {}

    def locked_for(self, address: str) -> float:
        """Seconds this address stays locked out (0 when it is not)."""
        until = self._locked_until.get(address)
        if until is None:
            return 0.0
        left = until - self.clock()
        if left <= 0:
            del self._locked_until[address]
            return 0.0
        return left

    def wrong(self, address: str) -> None:
        if self._tries.take(address) > 0:
            if len(self._locked_until) >= self._tries.max_keys:
                self._locked_until.clear()
            self._locked_until[address] = self.clock() + self.lockout_seconds


class Limits:
    """Every limit of the participant web server, with one clock."""

    def __init__(self, settings: WebSettings, clock: Clock) -> None:
        self.settings = settings
        s = settings
        self.phone_cards = TokenBucket(s.phone_card_burst, 1 / s.phone_card_interval, clock)
        self.phone_actions = TokenBucket(s.phone_action_burst, 1 / s.phone_action_interval, clock)
        self.address_cards = TokenBucket(
            s.address_cards_per_minute / 5, s.address_cards_per_minute / 60, clock
        )
        self.address_actions = TokenBucket(
            s.address_actions_per_minute / 5, s.address_actions_per_minute / 60, clock
        )
        self.wrong_codes = WrongCodes(settings, clock)

    def exempt(self, address: str | None) -> bool:
        """Loopback (the facilitator's own machine, benchmarks) is not limited per address."""
        if address is None:
            return True
        if not self.settings.limit_loopback and is_loopback(address):
            return True
        return False


@lru_cache(maxsize=4096)
def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


class Refused(Exception):
    """A request refused by a limit: ``status``, a locale ``key``, and extra headers."""

    def __init__(self, status: int, key: str, retry: float | None = None, **params: object):
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params
        self.headers = {"Retry-After": retry_after(retry)} if retry is not None else {}
        self.body_unread = False


def charge_phone_card(limits: Limits, phone_id: str) -> None:
    """Per-phone card limit; raises ``Refused`` (429) when the phone sends too fast."""
    wait = limits.phone_cards.take(phone_id)
    if wait > 0:
        raise Refused(429, "error.too_many_cards", wait, seconds=math.ceil(wait))


def make_limits_middleware(
    limits: Limits,
    known_code: Callable[[str], bool],
    phone_of: Callable[[web.Request], str | None],
    refuse: Refuse,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Limits that apply before any participant route runs.

    - An address locked out for wrong codes gets 429 on every ``/j/{code}`` route.
    - A change (any method but GET/HEAD/OPTIONS) costs a token of the address's bucket (cards or
      actions) and, for actions other than cards, of the phone's: hand raises, votes and any
      route a feature adds are covered without the feature doing anything.
    - The body is read here, within ``body_timeout`` and ``max_body_bytes`` (aiohttp has no body
      timeout of its own); handlers then get it from aiohttp's cache.
    Unknown codes answered 404 are counted against the address.
    """
    settings = limits.settings

    @web.middleware
    async def limits_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        code = request.match_info.get("code")
        if code is None:
            return await handler(request)
        address = request.remote
        exempt = limits.exempt(address)
        try:
            if not exempt:
                assert address is not None
                locked = limits.wrong_codes.locked_for(address)
                if locked > 0:
                    raise Refused(429, "error.too_many_codes", locked)
            if request.method not in READ_ONLY_METHODS:
                await _charge_change(request, address, exempt)
                await _read_body(request)
        except Refused as refused:
            response = refuse(request, refused.status, refused.key, **refused.params)
            response.headers.update(refused.headers)
            if refused.body_unread:
                # The rest of the body is not worth reading (too slow, too big, broken): close
                # the connection after the answer instead of draining it.
                response.force_close()
            return response
        response = await handler(request)
        if not exempt and response.status == 404 and not known_code(code):
            assert address is not None
            limits.wrong_codes.wrong(address)
        return response

    async def _charge_change(request: web.Request, address: str | None, exempt: bool) -> None:
        is_card = request.path.rstrip("/").lower().endswith("/cards")
        if not exempt:
            assert address is not None
            bucket = limits.address_cards if is_card else limits.address_actions
            wait = bucket.take(address)
            if wait > 0:
                raise Refused(429, "error.too_many_requests", wait)
        if not is_card:  # cards are charged per phone by their handler, replays excepted
            phone = phone_of(request)
            if phone is not None:
                wait = limits.phone_actions.take(phone)
                if wait > 0:
                    raise Refused(429, "error.too_many_actions", wait)

    async def _read_body(request: web.Request) -> None:
        try:
            await _read_body_within_limits(request)
        except Refused as refused:
            refused.body_unread = True
            raise

    async def _read_body_within_limits(request: web.Request) -> None:
        length = request.content_length
        if length is not None and length > settings.max_body_bytes:
            raise Refused(413, "error.too_large")
        try:
            async with asyncio.timeout(settings.body_timeout):
                if request.content_type == MULTIPART:
                    await request.post()
                else:
                    await request.read()
        except TimeoutError:
            raise Refused(408, "error.too_slow") from None
        except web.HTTPRequestEntityTooLarge:
            raise Refused(413, "error.too_large") from None
        except (ValueError, UnicodeDecodeError, HttpProcessingError, RequestPayloadError):
            # Not decodable: a body that says gzip and is not, broken chunks, bad multipart.
            raise Refused(400, "error.bad_form") from None

    return limits_middleware


def make_gate_middleware(
    settings: WebSettings,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """At most ``max_active_requests`` requests are worked on at once; the others wait their
    turn, in order. Everything runs on one event loop: without a gate a burst of 500 posts is
    500 handlers run back to back before the loop can do anything else (a timer, the screen,
    a stream). Live-update streams hold no place: they last for the whole session."""
    gate = asyncio.Semaphore(settings.max_active_requests)

    @web.middleware
    async def gate_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "GET" and request.path.endswith("/events"):
            return await handler(request)
        await gate.acquire()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                gate.release()

        # Waiting for the disk needs no place: the store gives it back (see before_disk_wait).
        token = before_disk_wait.set(release)
        try:
            return await handler(request)
        finally:
            before_disk_wait.reset(token)
            release()

    return gate_middleware
