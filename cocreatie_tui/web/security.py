"""Middlewares that every response passes: own Host/Origin only, safe headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import web

from cocreatie_tui.netaddr import host_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def origin_matches(origin: str, own_names: frozenset[str]) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return host_of(parts.netloc) in own_names


def make_security_middleware(
    own_names: frozenset[str], refuse: Callable[[web.Request, int, str], web.StreamResponse]
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if host_of(host) not in own_names:
            response = refuse(request, 421, "error.host")
        else:
            origin = request.headers.get("Origin")
            if origin is not None and not origin_matches(origin, own_names):
                response = refuse(request, 403, "error.origin")
            else:
                response = await handler(request)
        return response

    return security


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare`` hook: also covers streamed and error responses."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
