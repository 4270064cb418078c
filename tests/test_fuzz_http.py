"""Property-based fuzzing of the participant HTTP API: random methods, paths (every route, with
real and made-up parameters), headers, cookies and bodies, and raw bytes on the socket. Never a
5xx, never a crash, every answer carries the security headers, every acknowledged card is kept,
and the data file holds exactly what the hub holds.

One app and one client serve every example of a test (hypothesis examples share them: the app
is built inside the test, not in a function-scoped fixture). CI runs 500 examples each;
``bench/fuzz.py`` runs many more.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.store import DiskOps
from cocreatie_tui.web.app import make_web_app
from tests.hostile import HOSTILE_TEXTS

EXAMPLES = int(os.environ.get("COCREATIE_FUZZ_EXAMPLES", "500"))
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND"]
CONTENT_TYPES = [
    "application/json",
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "multipart/form-data",
    "text/plain",
    "application/xml",
    "",
]
CODE_PLACEHOLDER = "\x00CODE\x00"
TOKEN_PLACEHOLDER = "\x00TOKEN\x00"


class NoFsyncDisk(DiskOps):
    def fsync_file(self, path: Path) -> None:
        pass

    def fsync_dir(self, path: Path) -> None:
        pass


def header_text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"),
        max_size=max_size,
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
card_fields = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=600), json_values),
        "author": st.one_of(st.text(max_size=50), json_values),
        "id": st.one_of(st.uuids().map(str), st.text(max_size=40), json_values),
        "token": st.one_of(st.just(TOKEN_PLACEHOLDER), st.text(max_size=30)),
    },
)
bodies = st.one_of(
    st.none(),
    st.binary(max_size=300),
    st.binary(min_size=16_000, max_size=18_000),
    card_fields.map(lambda f: ("json", f)),
    json_values.map(lambda v: ("json", v)),
    card_fields.map(lambda f: ("form", f)),
    st.text(max_size=60).map(lambda t: ("raw", "[" * 3000 + t)),
)


def paths(app_routes: list[str]) -> st.SearchStrategy[str]:
    def fill(template: str, code: str, card: str, extra: str) -> str:
        path = template.replace("{code}", code).replace("{card_id}", card)
        return re.sub(r"\{[^}]+\}", quote(extra, safe=""), path)

    codes = st.one_of(
        st.just(CODE_PLACEHOLDER),
        st.sampled_from(["AAAAAA", "aaaaaa", "", "%00", "../..", "A" * 300]),
        st.text(alphabet="ACDEFHJKMNPQRTUVWXY34679", min_size=5, max_size=9),
    )
    cards = st.one_of(st.uuids().map(str), st.text(max_size=20).map(lambda t: quote(t, safe="")))
    filled = st.builds(fill, st.sampled_from(app_routes), codes, cards, st.text(max_size=12))
    # (A path starting with "//" would name a host: the test client refuses it.)
    made_up = st.text(max_size=40).map(lambda t: "/" + quote(t, safe="/").lstrip("/"))
    odd = st.sampled_from(
        ["/", "/./", "/j/", "/J", "/static/../../etc/passwd", "/static/%2e%2e/x", "/healthz/"]
    )
    return st.one_of(filled, filled, made_up, odd)


def assert_safe(response: aiohttp.ClientResponse, what: str) -> None:
    assert response.status < 500, what
    assert response.headers.get("Content-Security-Policy", "").startswith("default-src 'self'")
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") == "no-referrer", what


async def start(tmp_path: Path) -> tuple[Hub, TestClient]:
    hub = make_hub(tmp_path / "data", disk=NoFsyncDisk())
    await hub.create_session("Fuzz")
    client = TestClient(TestServer(make_web_app(hub)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    return hub, client


async def stop(hub: Hub, client: TestClient, tmp_path: Path) -> None:
    await client.close()
    await hub.close()  # one app per session: the second one opens it once the first let go
    again = make_hub(tmp_path / "data", disk=NoFsyncDisk())
    await again.open_session(hub.live.info.id)
    assert again.live.cards == hub.live.cards  # the file holds exactly what the hub holds
    await again.close()


def test_random_requests_never_get_a_5xx(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    hub, client = loop.run_until_complete(start(tmp_path))
    routes = sorted({r.canonical for r in client.server.app.router.resources()})
    acknowledged: set[str] = set()

    async def send(method, path, headers, body, cookie):  # type: ignore[no-untyped-def]
        info = hub.live.info
        path = path.replace(CODE_PLACEHOLDER, info.join_code)
        headers = dict(headers)
        if cookie:
            headers["Cookie"] = cookie
        data: bytes | None = None
        if isinstance(body, bytes):
            data = body
        elif body is not None:
            kind, value = body
            if kind == "json":
                text = json.dumps(value).replace(TOKEN_PLACEHOLDER, info.form_token)
                data = text.encode("utf-8", "surrogatepass")
                headers.setdefault("Content-Type", "application/json")
            elif kind == "form":
                fields = {
                    k: str(v).replace(TOKEN_PLACEHOLDER, info.form_token) for k, v in value.items()
                }
                data = urlencode(fields).encode("utf-8", "surrogatepass")
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            else:
                data = value.encode("utf-8", "surrogatepass")
        async with client.request(
            method, path, headers=headers, data=data, allow_redirects=False
        ) as response:
            what = f"{method} {path} {headers} {data!r:.200}"
            assert_safe(response, what)
            if response.content_type == "text/event-stream" and method == "GET":
                await asyncio.wait_for(response.content.readuntil(b"\n\n"), 5)
                return
            raw = await response.read()
            if (
                method == "POST"
                and path.lower().endswith("/cards")
                and response.status in (200, 201)
                and response.content_type == "application/json"
            ):
                acknowledged.add(json.loads(raw)["id"])

    random_request = st.tuples(
        st.sampled_from(METHODS),
        paths(routes),
        st.dictionaries(
            st.sampled_from(["Content-Type", "Origin", "Accept", "Accept-Language", "X-Other"]),
            st.one_of(st.sampled_from(CONTENT_TYPES), header_text()),
            max_size=3,
        ),
        bodies,
        st.one_of(st.none(), header_text(80), st.just("cocreatie_lang=en")),
    )
    # Near misses of a real phone's post, so the fuzzer also walks the paths that store cards.
    likely_card = st.tuples(
        st.just("POST"),
        st.sampled_from(
            [f"/j/{CODE_PLACEHOLDER}/cards", f"/J/{CODE_PLACEHOLDER}/cards", "/j/AAAAAA/cards"]
        ),
        st.sampled_from([{}, {"Origin": "http://127.0.0.1"}, {"Accept-Language": "fr"}]),
        st.one_of(card_fields.map(lambda f: ("json", f)), card_fields.map(lambda f: ("form", f))),
        st.none(),
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(request=st.one_of(random_request, likely_card))
    def one_request(request) -> None:  # type: ignore[no-untyped-def]
        loop.run_until_complete(send(*request))
        missing = acknowledged - set(hub.live.cards)
        assert not missing, "an acknowledged card is gone"

    try:
        one_request()
        assert acknowledged  # the fuzzer did reach the happy path too
    finally:
        loop.run_until_complete(stop(hub, client, tmp_path))
        loop.close()


raw_requests = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda method, target, version, headers, body: (
            f"{method} {target} {version}\r\n".encode("latin-1", "replace")
            + headers
            + b"\r\n"
            + body
        ),
        st.sampled_from(["GET", "POST", "G\x00T", "", "get", "POST" * 50]),
        st.one_of(
            st.just("/healthz"), st.just("/j/" + CODE_PLACEHOLDER + "/cards"), header_text(60)
        ),
        st.sampled_from(["HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", ""]),
        st.lists(
            st.sampled_from(
                [
                    b"Host: 127.0.0.1\r\n",
                    b"Host: evil.example\r\n",
                    b"Content-Length: 10\r\n",
                    b"Content-Length: -1\r\n",
                    b"Content-Length: 99999999999999999999\r\n",
                    b"Transfer-Encoding: chunked\r\n",
                    b"Transfer-Encoding: gzip, chunked\r\n",
                    b"Content-Encoding: gzip\r\n",
                    b"Content-Type: application/json\r\n",
                    b"Connection: close\r\n",
                    b"X-Bad\x00Header: 1\r\n",
                    b"Folded: a\r\n b\r\n",
                    b"Expect: 100-continue\r\n",
                    b"A" * 9000 + b": x\r\n",
                ]
            ),
            max_size=6,
        ).map(b"".join),
        st.binary(max_size=60),
    ),
)


def test_raw_bytes_on_the_socket_never_crash_the_server(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    hub, client = loop.run_until_complete(start(tmp_path))
    server = client.server
    statuses: list[int] = []

    async def send(raw: bytes) -> None:
        raw = raw.replace(CODE_PLACEHOLDER.encode(), hub.live.info.join_code.encode())
        reader, writer = await asyncio.open_connection(server.host, server.port)
        try:
            writer.write(raw)
            await writer.drain()
            try:
                line = await asyncio.wait_for(reader.readline(), 0.05)
            except TimeoutError:
                return  # the server waits for the rest of a request: fine
            if line.startswith(b"HTTP/1."):
                status = int(line.split()[1])
                statuses.append(status)
                assert status < 500, raw[:200]
        except ConnectionError:
            pass  # the server hung up on garbage: fine
        finally:
            writer.close()

    @settings(max_examples=EXAMPLES // 5, deadline=None, suppress_health_check=list(HealthCheck))
    @given(raw=raw_requests)
    def one_connection(raw: bytes) -> None:
        loop.run_until_complete(send(raw))

    async def healthy() -> int:
        async with client.get("/healthz") as response:
            return response.status

    try:
        one_connection()
        assert statuses  # some of it was answered
        assert loop.run_until_complete(healthy()) == 200  # and the server still serves
        card_id = str(uuid.uuid4())
        answer = loop.run_until_complete(
            client.post(f"/j/{hub.live.info.join_code}/cards", json={"text": "ok", "id": card_id})
        )
        assert answer.status == 201
    finally:
        loop.run_until_complete(stop(hub, client, tmp_path))
        loop.close()
