"""Runs the participant web server on the app's event loop: started on mount, stopped on unmount."""

from __future__ import annotations

import logging
import socket

from aiohttp import web

from cocreatie_tui.hub import Hub
from cocreatie_tui.netaddr import (
    JoinAddress,
    advertised_address,
    list_interface_addresses,
    own_host_names,
)
from cocreatie_tui.web.app import make_web_app
from cocreatie_tui.web.settings import WebSettings

log = logging.getLogger(__name__)
LINGERING_SECONDS = 2.0


class NoAddresses(logging.Filter):
    """aiohttp names a client's address when it refuses a malformed request; the log keeps
    no addresses (docs/SECURITY.md), so the address is left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.endswith(" from %s"):
            record.msg = record.msg.removesuffix(" from %s")
            record.args = ()
        return True


logging.getLogger("aiohttp.server").addFilter(NoAddresses())


def raise_open_file_limit() -> tuple[int, int]:
    """Raise the soft limit of open files to the hard one: each phone holds a connection or
    two (a post and a live-update stream), and the default soft limit is often 1,024."""
    try:
        import resource
    except ImportError:  # not on this platform
        return (-1, -1)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65_536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        for target in (wanted, 10_240):  # macOS refuses more than OPEN_MAX
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                break
            except (ValueError, OSError):
                continue
    now = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    log.info("open files: soft limit %s (was %s, hard limit %s)", now, soft, hard)
    return (now, hard)


class WebServer:
    def __init__(self, hub: Hub, host: str, port: int, public_url: str | None) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self.public_url = public_url
        self.interfaces = list_interface_addresses()
        self.settings = WebSettings(
            own_host_names=own_host_names(host, public_url, self.interfaces)
        )
        self.app = make_web_app(hub, self.settings)
        self.runner: web.AppRunner | None = None
        self.address: JoinAddress | None = None

    async def start(self) -> JoinAddress:
        """Listen; raises ``OSError`` when the port is taken. Returns the address to advertise."""
        raise_open_file_limit()
        self.runner = web.AppRunner(
            self.app,
            access_log=None,
            shutdown_timeout=self.settings.shutdown_timeout,
            # Also the time a client gets to send its headers: slow ones are cut off.
            keepalive_timeout=self.settings.keepalive_timeout,
            # The unread rest of a refused body is drained for at most this long.
            lingering_time=LINGERING_SECONDS,
            handle_signals=False,
        )
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError:
            await self.runner.cleanup()
            self.runner = None
            raise
        server = site._server
        bound_port = self.port
        if server is not None and getattr(server, "sockets", None):
            for sock in server.sockets:
                if sock.family in (socket.AF_INET, socket.AF_INET6):
                    bound_port = sock.getsockname()[1]
                    break
        self.port = bound_port
        self.address = advertised_address(self.host, bound_port, self.public_url, self.interfaces)
        if self.address.warning:
            log.warning(self.address.warning)
        log.info(
            "web server listening on %s:%s, advertised as %s",
            self.host,
            bound_port,
            self.address.base_url,
        )
        return self.address

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
