"""The participant contract of docs/API.md on the real web app, hub and store."""

from __future__ import annotations

import errno
import html
import re
import uuid
from pathlib import Path

import markupsafe
import pytest

from cocreatie_tui.factory import make_hub
from cocreatie_tui.hub import Hub
from cocreatie_tui.store import DiskOps
from cocreatie_tui.web.app import make_web_app
from tests.conftest import FOCUS_QUESTION
from tests.hostile import HOSTILE_TEXTS

JSON = {"Content-Type": "application/json"}


def form_token(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match, "the page carries a form token"
    return match.group(1)


async def test_the_page_is_dutch_by_default_and_shows_the_question(client, join_path) -> None:
    response = await client.get(join_path)
    assert response.status == 200
    page = await response.text()
    assert '<html lang="nl">' in page
    assert html.escape(FOCUS_QUESTION) in page
    assert "Verstuur" in page
    cookie = response.headers["Set-Cookie"]
    assert "Path=/" in cookie and "HttpOnly" in cookie


async def test_prefix_and_code_are_case_insensitive(client, hub: Hub) -> None:
    code = hub.live.info.join_code
    for path in (f"/J/{code}", f"/j/{code.lower()}", f"/J/{code.lower()}"):
        assert (await client.get(path)).status == 200, path


async def test_the_page_follows_accept_language(client, join_path) -> None:
    english = await client.get(join_path, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in await english.text()
    french = await client.get(join_path, headers={"Accept-Language": "fr-BE"})
    assert "Envoyer" in await french.text()


async def test_an_unknown_code_gets_404_telling_to_scan_again(client) -> None:
    response = await client.get("/j/AAAAAA")
    assert response.status == 404
    assert "Scan de code op het scherm opnieuw" in await response.text()
    as_json = await client.post("/j/AAAAAA/cards", json={"text": "x"})
    assert as_json.status == 404
    assert "error" in await as_json.json()


async def test_json_post_answers_201_and_a_replay_200_with_the_same_id(client, join_path) -> None:
    card_id = str(uuid.uuid4())
    first = await client.post(f"{join_path}/cards", json={"text": "Meer licht", "id": card_id})
    assert first.status == 201
    assert await first.json() == {"id": card_id}
    again = await client.post(f"{join_path}/cards", json={"text": "Meer licht", "id": card_id})
    assert again.status == 200
    assert await again.json() == {"id": card_id}


async def test_form_post_redirects_to_the_page_which_thanks_and_lists_it(
    client, join_path, hub: Hub
) -> None:
    page = await (await client.get(join_path)).text()
    response = await client.post(
        f"{join_path}/cards",
        data={"text": "Een leeshoek voor kinderen", "author": "Mia", "token": form_token(page)},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"].endswith("?sent=1")
    thanks = await (await client.get(response.headers["Location"])).text()
    assert "Bedankt! Je kaartje staat op het scherm." in thanks
    assert "Een leeshoek voor kinderen" in thanks
    (card,) = hub.saved_cards()
    assert card.author == "Mia" and card.participant_id is not None


async def test_a_post_without_cookie_is_accepted_and_gets_one(client, join_path) -> None:
    client.session.cookie_jar.clear()
    response = await client.post(f"{join_path}/cards", json={"text": "zonder koekje"})
    assert response.status == 201
    assert "Set-Cookie" in response.headers


async def test_each_phone_sees_only_its_own_cards(client, join_path) -> None:
    await client.post(f"{join_path}/cards", json={"text": "van telefoon A"})
    client.session.cookie_jar.clear()
    await client.post(f"{join_path}/cards", json={"text": "van telefoon B"})
    state = await (await client.get(f"{join_path}/state")).json()
    assert [c["text"] for c in state["cards"]] == ["van telefoon B"]
    assert state["prompt"] == FOCUS_QUESTION
    assert {"round", "table", "timer", "queue_position"} <= set(state)


async def test_form_post_without_or_with_wrong_token_is_403(client, join_path, hub) -> None:
    for data in ({"text": "x"}, {"text": "x", "token": "wrong"}):
        response = await client.post(f"{join_path}/cards", data=data)
        assert response.status == 403
        assert "Laad de pagina opnieuw" in await response.text()
    assert hub.saved_cards() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "Je kaartje is leeg"),
        ({"text": "   \n "}, "Je kaartje is leeg"),
        ({"text": "x" * 501}, "maximaal 500 tekens"),
        ({"text": "ok", "author": "y" * 41}, "maximaal 40 tekens"),
        ({}, "Typ eerst je idee"),
        ({"text": 5}, "Typ eerst je idee"),
        ({"text": "ok", "id": "no-uuid"}, "ongeldig id"),
    ],
)
async def test_bad_fields_get_400_with_a_clear_message(
    client, join_path, hub, fields, message
) -> None:
    response = await client.post(f"{join_path}/cards", json=fields)
    assert response.status == 400
    assert message in (await response.json())["error"]
    assert hub.saved_cards() == []


async def test_a_refused_form_keeps_what_was_typed(client, join_path) -> None:
    page = await (await client.get(join_path)).text()
    long_text = "lang idee " * 60
    response = await client.post(
        f"{join_path}/cards", data={"text": long_text, "token": form_token(page)}
    )
    assert response.status == 400
    body = await response.text()
    assert "maximaal 500 tekens" in body
    assert long_text.strip() in html.unescape(body)


async def test_body_over_16_kib_is_413(client, join_path, hub) -> None:
    big = "x" * (17 * 1024)
    as_json = await client.post(f"{join_path}/cards", data=f'{{"text": "{big}"}}', headers=JSON)
    assert as_json.status == 413
    assert "error" in await as_json.json()
    page = await (await client.get(join_path)).text()
    as_form = await client.post(f"{join_path}/cards", data={"text": big, "token": form_token(page)})
    assert as_form.status == 413
    five_mb = await client.post(f"{join_path}/cards", data=b"x" * (5 * 1024 * 1024), headers=JSON)
    assert five_mb.status == 413
    assert hub.saved_cards() == []


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", JSON, 400),
        (b"[1, 2]", JSON, 400),
        (b"\xff\xfe", JSON, 400),
        (b'{"text": "x"}', {"Content-Type": "text/plain"}, 415),
        (b'{"text": "x"}', {}, 415),
    ],
)
async def test_malformed_bodies_are_4xx_never_5xx(client, join_path, body, headers, status):
    response = await client.post(f"{join_path}/cards", data=body, headers=headers)
    assert response.status == status
    assert "error" in await response.json()


async def test_too_many_fields_are_refused(client, join_path) -> None:
    fields = {f"f{i}": "x" for i in range(20)} | {"text": "x"}
    response = await client.post(f"{join_path}/cards", json=fields)
    assert response.status == 400


async def test_foreign_host_and_origin_are_refused(client, join_path, hub) -> None:
    rebinding = await client.get(join_path, headers={"Host": "evil.example"})
    assert rebinding.status == 421
    cross_site = await client.post(
        f"{join_path}/cards", json={"text": "x"}, headers={"Origin": "http://evil.example"}
    )
    assert cross_site.status == 403
    same_site = await client.post(
        f"{join_path}/cards",
        json={"text": "x"},
        headers={"Origin": f"http://127.0.0.1:{client.port}"},
    )
    assert same_site.status == 201
    assert len(hub.saved_cards()) == 1


async def test_every_answer_carries_the_security_headers(client, join_path) -> None:
    for response in (
        await client.get(join_path),
        await client.get("/j/AAAAAA"),
        await client.post(f"{join_path}/cards", json={"text": ""}),
        await client.get("/healthz"),
    ):
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
async def test_hostile_text_is_stored_as_data_and_escaped_in_the_page(
    client, join_path, hub, text
) -> None:
    response = await client.post(f"{join_path}/cards", json={"text": text, "author": "<b>x</b>"})
    assert response.status == 201
    assert hub.saved_cards()[-1].text == text.strip()
    page = await (await client.get(join_path)).text()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert str(markupsafe.escape(text.strip())) in page


async def test_healthz(client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200


class FullDisk(DiskOps):
    full = False

    def write_file(self, path: Path, data: bytes) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().write_file(path, data)


async def test_a_full_disk_answers_503_and_acknowledges_nothing(
    tmp_path: Path, aiohttp_client
) -> None:
    disk = FullDisk()
    hub = make_hub(tmp_path, disk=disk)
    await hub.create_session(FOCUS_QUESTION)
    client = await aiohttp_client(make_web_app(hub))
    path = f"/j/{hub.live.info.join_code}/cards"
    disk.full = True
    response = await client.post(path, json={"text": "verloren?"})
    assert response.status == 503
    assert response.headers["Retry-After"]
    assert hub.saved_cards() == [] and hub.live.cards == {}
    assert hub.disk_problem is not None
    disk.full = False
    assert (await client.post(path, json={"text": "weer goed"})).status == 201
    assert hub.disk_problem is None
    await hub.close()
