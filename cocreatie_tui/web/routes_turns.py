"""Phones ask for the floor and withdraw: ``POST /j/{code}/hand``, ``POST /j/{code}/hand/withdraw``
and ``DELETE /j/{code}/hand``.

Same conventions as ``POST /j/{code}/cards``: a form post carries the page's ``token`` and is
answered 303 back to the page; JSON gets JSON; bad input gets a 4xx with a clear message in the
phone's language, never a 500. One request per phone: asking again answers with the same place.
What the phone sees afterwards (place in the queue, who speaks, seconds left) comes with
``/state`` and ``/events`` from the feature's ``participant_view``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from cocreatie_tui.core.turns import TurnError
from cocreatie_tui.web.app import (
    FORM_TYPES,
    HUB_KEY,
    BadRequest,
    for_live_session,
    hub_refusals,
    page_path_of,
    participant_id_of,
    read_fields,
    refused_answer,
    remember_phone,
)

if TYPE_CHECKING:
    from cocreatie_tui.core.model import SessionState
    from cocreatie_tui.features.turns import TurnsFeature

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_turns_routes(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_post(f"/{prefix}/{{code}}/hand", raise_hand)
    router.add_post(f"/{prefix}/{{code}}/hand/withdraw", withdraw_hand)
    router.add_delete(f"/{prefix}/{{code}}/hand", withdraw_hand)


def _turns(request: web.Request) -> TurnsFeature:
    from cocreatie_tui.features.turns import turns_of

    return turns_of(request.app[HUB_KEY])


@for_live_session
async def raise_hand(request: web.Request, state: SessionState) -> web.StreamResponse:
    async def act(turns: TurnsFeature, pid: str, fields: dict[str, Any]) -> web.StreamResponse:
        position, created = await turns.raise_hand(pid, fields.get("author"))
        body = {"queued": True, "position": position, "queue_length": len(turns.speaking.queue)}
        return web.json_response(body, status=201 if created else 200)

    return await _handle(request, state, act)


@for_live_session
async def withdraw_hand(request: web.Request, state: SessionState) -> web.StreamResponse:
    async def act(turns: TurnsFeature, pid: str, fields: dict[str, Any]) -> web.StreamResponse:
        withdrawn = await turns.withdraw_hand(pid)
        return web.json_response({"queued": False, "withdrawn": withdrawn})

    return await _handle(request, state, act)


async def _handle(
    request: web.Request,
    state: SessionState,
    act: Callable[[TurnsFeature, str, dict[str, Any]], Awaitable[web.StreamResponse]],
) -> web.StreamResponse:
    as_form = request.content_type in FORM_TYPES
    try:
        # A DELETE carries no body; it cannot come from another site's form, and the Origin
        # check of the security middleware covers scripts.
        fields: dict[str, Any] = {}
        if request.method != "DELETE" or request.content_length:
            fields = dict(await read_fields(request, state, as_form))
        pid, new = participant_id_of(request, state)
        with hub_refusals():
            try:
                response = await act(_turns(request), pid, fields)
            except TurnError as error:
                raise BadRequest(409, f"turns.error.{error.key}") from None
    except BadRequest as refused:
        return refused_answer(request, refused, state)
    if as_form:
        response = web.Response(status=303, headers={"Location": page_path_of(state) + "#turns"})
    if new:
        remember_phone(response, state, pid)
    return response
