"""Which address to advertise to phones, and which Host names belong to this server.

The UDP-connect trick needs a route to the internet and ``gethostbyname(gethostname())``
often gives 127.0.0.1, so the interfaces are listed instead (Linux ioctls; elsewhere a
best effort through ``getaddrinfo``).
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass
from urllib.parse import urlsplit

SIOCGIFFLAGS = 0x8913
SIOCGIFADDR = 0x8915
IFF_UP = 0x1
WIRELESS_OR_WIRED = ("wlan", "wlp", "wl", "eth", "enp", "eno", "ens", "en")
VIRTUAL = ("docker", "br-", "veth", "virbr", "lo", "tun", "tap", "zt", "tailscale", "wg")


@dataclass(frozen=True)
class InterfaceAddress:
    name: str
    address: str
    up: bool


def list_interface_addresses() -> list[InterfaceAddress]:
    """IPv4 addresses of the machine's interfaces (empty when they cannot be listed)."""
    if sys.platform.startswith("linux"):
        try:
            return _linux_addresses()
        except OSError:
            pass
    found: list[InterfaceAddress] = []
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(InterfaceAddress("?", str(info[4][0]), True))
    except OSError:
        pass
    return found


def _linux_addresses() -> list[InterfaceAddress]:
    import fcntl

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                address = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
            except OSError:
                continue  # no IPv4 address on this interface
            flags_raw = fcntl.ioctl(probe.fileno(), SIOCGIFFLAGS, request)
            flags = struct.unpack("H", flags_raw[16:18])[0]
            found.append(
                InterfaceAddress(name, socket.inet_ntoa(address[20:24]), bool(flags & IFF_UP))
            )
    return found


def choose_lan_address(interfaces: list[InterfaceAddress]) -> str | None:
    """The best address for phones in the room: private, up, on Wi-Fi or Ethernet first."""

    def rank(item: InterfaceAddress) -> tuple[int, int] | None:
        try:
            ip = ipaddress.IPv4Address(item.address)
        except ValueError:
            return None
        if not item.up or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
            return None
        name = item.name.lower()
        virtual = name.startswith(VIRTUAL)
        physical = name.startswith(WIRELESS_OR_WIRED) and not virtual
        kind = 0 if physical else (2 if virtual else 1)
        return (kind, 0 if ip.is_private else 1)

    ranked = [(r, i) for i in interfaces if (r := rank(i)) is not None]
    if not ranked:
        return None
    ranked.sort(key=lambda pair: pair[0])
    return ranked[0][1].address


@dataclass(frozen=True)
class JoinAddress:
    """The base URL phones use (``HTTP://HOST:PORT``), and why it was chosen."""

    base_url: str
    warning: str | None = None

    def join_url(self, code: str) -> str:
        url = f"{self.base_url}/J/{code}"
        # All-uppercase text encodes in QR alphanumeric mode: a smaller, easier code.
        return url.upper() if _uppercase_is_safe(self.base_url) else url


def _uppercase_is_safe(base_url: str) -> bool:
    # Scheme and host are case-insensitive; a path in --public-url may not be.
    return urlsplit(base_url).path in ("", "/")


def advertised_address(
    host: str, port: int, public_url: str | None, interfaces: list[InterfaceAddress]
) -> JoinAddress:
    """``--public-url``; else a specific ``--host``; else the best LAN address; else loopback."""
    if public_url:
        return JoinAddress(public_url.rstrip("/"))
    if host not in ("0.0.0.0", "", "::"):
        shown = f"[{host}]" if ":" in host else host
        return JoinAddress(f"http://{shown}:{port}")
    lan = choose_lan_address(interfaces)
    if lan is None:
        return JoinAddress(
            f"http://127.0.0.1:{port}",
            warning="no network interface found: phones cannot reach 127.0.0.1; "
            "connect to Wi-Fi or give --public-url",
        )
    return JoinAddress(f"http://{lan}:{port}")


def own_host_names(
    host: str, public_url: str | None, interfaces: list[InterfaceAddress]
) -> frozenset[str]:
    """Names a request's ``Host`` may carry; anything else is refused (DNS rebinding)."""
    names = {"localhost", "127.0.0.1", "::1", "[::1]"}
    names.update(item.address for item in interfaces)
    if host not in ("0.0.0.0", "", "::"):
        names.add(host.lower())
    if public_url:
        public_host = urlsplit(public_url).hostname
        if public_host:
            names.add(public_host.lower())
    try:
        hostname = socket.gethostname().lower()
        names.update({hostname, f"{hostname}.local"})
    except OSError:
        pass
    return frozenset(names)


def host_of(header: str) -> str:
    """The host part of a ``Host`` header or an origin's netloc, lower-cased, port removed."""
    value = header.strip().lower()
    if value.startswith("["):
        return value.split("]")[0] + "]" if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value
