"""Cross-site and neighbour attacks on the participant server (docs/SECURITY.md)."""

from __future__ import annotations

import asyncio
import errno
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import FormData

from cocreatie_tui.core.joincode import ALPHABET, new_join_code
from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.store import DiskOps
from cocreatie_tui.web.app import make_web_app
from cocreatie_tui.web.settings import WebSettings
from tests.conftest import FOCUS_QUESTION

JSON = {"Content-Type": "application/json"}
SAFE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def assert_safe_headers(response, what: str) -> None:  # type: ignore[no-untyped-def]
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy.startswith("default-src 'self'"), what
    for name, value in SAFE_HEADERS.items():
        assert response.headers.get(name) == value, f"{what}: {name}"


class BrokenDisk(DiskOps):
    broken = False

    def fsync_file(self, path: Path) -> None:
        if self.broken:
            raise OSError(errno.EIO, "Input/output error")
        super().fsync_file(path)


async def test_every_route_and_every_error_carries_the_security_headers(
    tmp_path: Path, aiohttp_client
) -> None:
    disk = BrokenDisk()
    hub = make_hub(tmp_path, disk=disk)
    await hub.create_session(FOCUS_QUESTION)
    settings = replace(WebSettings(), phone_card_burst=1)
    client = await aiohttp_client(make_web_app(hub, settings))
    code = hub.live.info.join_code
    page = f"/j/{code}"
    cards = page + "/cards"
    await client.get(page)
    checks = {
        "page": client.get(page),
        "state": client.get(page + "/state"),
        "rules": client.get(page + "/rules"),
        "healthz": client.get("/healthz"),
        "static": client.get("/static/phone.css"),
        "unknown code": client.get("/j/AAAAAA"),
        "unknown route": client.get("/nothing/here"),
        "wrong method": client.get(cards),
        "bad host": client.get(page, headers={"Host": "evil.example"}),
        "bad origin": client.post(
            cards, json={"text": "x"}, headers={"Origin": "http://x.example"}
        ),
        "bad json": client.post(cards, data=b"{", headers=JSON),
        "wrong type": client.post(cards, data=b"{}", headers={"Content-Type": "text/plain"}),
        "too large": client.post(cards, data=b"x" * 20000, headers=JSON),
        "no token": client.post(cards, data={"text": "x"}),
        "created": client.post(cards, json={"text": "eerste"}),
        "too fast": client.post(cards, json={"text": "tweede"}),
    }
    for what, request in checks.items():
        response = await request
        assert response.status < 500, what
        assert_safe_headers(response, what)
    assert (await client.post(cards, json={"text": "x"})).status == 429
    disk.broken = True
    client.session.cookie_jar.clear()
    failing = await client.post(cards, json={"text": "schijf stuk"})
    assert failing.status == 503
    assert_safe_headers(failing, "disk failing")
    async with client.get(page + "/events") as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert_safe_headers(stream, "event stream")
    await hub.close()


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8080",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "[::2]",
        "",
    ],
)
async def test_dns_rebinding_hosts_are_refused(client, join_path, hub: Hub, host: str) -> None:
    for request in (
        client.get(join_path, headers={"Host": host}),
        client.get(join_path + "/state", headers={"Host": host}),
        client.post(join_path + "/cards", json={"text": "x"}, headers={"Host": host}),
    ):
        response = await request
        assert response.status == 421
    assert hub.saved_cards() == []


async def test_own_names_are_accepted_with_any_port(client, join_path) -> None:
    for host in ("127.0.0.1", "127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080"):
        assert (await client.get(join_path, headers={"Host": host})).status == 200, host


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "file://", "http://127.0.0.1.evil.example"]
)
async def test_a_foreign_origin_cannot_post(client, join_path, hub: Hub, origin: str) -> None:
    response = await client.post(
        join_path + "/cards", json={"text": "x"}, headers={"Origin": origin}
    )
    assert response.status == 403
    assert hub.saved_cards() == []


async def test_a_json_post_needs_the_json_content_type(client, join_path, hub: Hub) -> None:
    """A cross-site page can send text/plain without a preflight; it must not make a card."""
    for content_type in ("text/plain", "application/x-json", "text/json"):
        response = await client.post(
            join_path + "/cards", data=b'{"text": "csrf"}', headers={"Content-Type": content_type}
        )
        assert response.status == 415
    assert hub.saved_cards() == []


async def test_forms_carry_the_session_token(client, join_path, hub: Hub) -> None:
    token = hub.live.info.form_token
    for fields in ({"text": "x"}, {"text": "x", "token": "wrong"}, {"text": "x", "token": ""}):
        refused = await client.post(join_path + "/cards", data=fields)
        assert refused.status == 403
        assert "opnieuw" in await refused.text()
    form = FormData({"text": "multipart", "token": token})
    form.add_field("extra", b"x", filename="x.txt")  # as multipart/form-data
    ok = await client.post(join_path + "/cards", data=form, allow_redirects=False)
    assert ok.status == 303
    assert [c.text for c in hub.saved_cards()] == ["multipart"]
    assert len(token) >= 16


async def test_the_phone_cookie_is_http_only_and_same_site(client, join_path) -> None:
    response = await client.get(join_path)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie


def test_join_codes_are_drawn_at_random_from_the_unambiguous_alphabet() -> None:
    codes = [new_join_code() for _ in range(2000)]
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert len(set(codes)) > 1990
    letters = Counter("".join(codes))
    assert min(letters.values()) > 300  # every character is used, none favoured much


async def test_a_rotated_code_stops_old_pages_at_once(client, hub: Hub) -> None:
    old = hub.live.info.join_code
    assert (await client.get(f"/j/{old}")).status == 200
    async with client.get(f"/j/{old}/events") as stream:
        first = await stream.content.readuntil(b"\n\n")
        assert first.startswith(b"event: state")
        new = await hub.rotate_join_code()
        gone = await asyncio.wait_for(stream.content.readuntil(b"\n\n"), 5)
        assert gone.startswith(b"event: gone")
    assert new != old
    for path in (f"/j/{old}", f"/j/{old}/state"):
        refused = await client.get(path)
        assert refused.status == 404
    page = await (await client.get(f"/j/{old}")).text()
    assert "Scan de code op het scherm opnieuw" in page
    posted = await client.post(f"/j/{old}/cards", json={"text": "via oude code"})
    assert posted.status == 404
    assert (await client.get(f"/j/{new}")).status == 200
    assert hub.saved_cards() == []


async def test_a_restart_keeps_the_rotated_code(tmp_path: Path) -> None:
    hub = make_hub(tmp_path)
    await hub.create_session(FOCUS_QUESTION)
    new = await hub.rotate_join_code()
    session_id = hub.live.info.id
    await hub.close()
    again = make_hub(tmp_path)
    await again.open_session(session_id)
    assert again.live.info.join_code == new
    await again.close()
