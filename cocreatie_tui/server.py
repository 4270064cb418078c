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
        self.runner = web.AppRunner(
            self.app,
            access_log=None,
            shutdown_timeout=self.settings.shutdown_timeout,
            keepalive_timeout=self.settings.keepalive_timeout,
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
