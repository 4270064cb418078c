"""The participant web server: an aiohttp application made from the hub.

Pages work without JavaScript (plain forms, server-rendered, escaped by Jinja2's
auto-escaping); JavaScript only enhances them. Every answer to bad input is a 4xx with a clear
message in the participant's language, as HTML for forms and JSON otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from multidict import MultiDict, MultiDictProxy

from cocreatie_tui.core.model import CardSource, SessionState
from cocreatie_tui.core.text import CARD_TEXT_MAX
from cocreatie_tui.core.timer import format_clock
from cocreatie_tui.hub import CardRejected, Hub, NoSession
from cocreatie_tui.i18n import LANGUAGES, Translator, best_language, interaction_rules
from cocreatie_tui.store import StoreBusy, StoreWriteFailed
from cocreatie_tui.web.limits import (
    Limits,
    Refused,
    charge_phone_card,
    make_gate_middleware,
    make_limits_middleware,
)
from cocreatie_tui.web.security import add_security_headers, make_security_middleware
from cocreatie_tui.web.settings import WebSettings
from cocreatie_tui.web.streams import EventStreams

log = logging.getLogger(__name__)

# Feature modules add a function here that adds their routes under ``/{prefix}/{code}/``.
FEATURE_ROUTES: list[Callable[[web.UrlDispatcher, str], None]] = []

HUB_KEY = web.AppKey("hub", Hub)
SETTINGS_KEY = web.AppKey("settings", WebSettings)
TEMPLATES_KEY = web.AppKey("templates", jinja2.Environment)
STREAMS_KEY = web.AppKey("streams", EventStreams)
LIMITS_KEY = web.AppKey("limits", Limits)

LANG_COOKIE = "cocreatie_lang"
# Refusals of a form post that show the page again with what was typed still in the fields.
KEEP_DRAFT = (400, 429, 503)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Static files are linked with ``?v=<hash of the file>``: such a URL never changes content, so
# phones may keep it for a year; without the version they revalidate after an hour.
STATIC_VERSIONED_CACHE = "public, max-age=31536000, immutable"
STATIC_PLAIN_CACHE = "public, max-age=3600"
# A phone's own card that it may not take back: not its own (or unknown), or already grouped.
WITHDRAW_REFUSALS = {"error.card_not_yours": 404, "error.card_grouped": 409}


class BadRequest(Exception):
    """A participant's request is refused with ``status`` and a locale message."""

    def __init__(self, status: int, key: str, **params: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params
        self.headers: dict[str, str] = {}


def make_web_app(hub: Hub, settings: WebSettings | None = None) -> web.Application:
    """Build the participant web application around the live hub."""
    settings = settings or WebSettings()
    limits = Limits(settings, hub.monotonic)
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[
            make_security_middleware(settings.own_host_names, refusal),
            # Reads the body (within its time limit) before the gate: slow senders hold no place.
            make_limits_middleware(limits, _code_is_live(hub), _phone_of(hub), refusal),
            make_gate_middleware(settings),
            note_phones,
        ],
    )
    app[HUB_KEY] = hub
    app[SETTINGS_KEY] = settings
    app[TEMPLATES_KEY] = jinja2.Environment(
        loader=jinja2.PackageLoader("cocreatie_tui.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    app[TEMPLATES_KEY].globals["static"] = static_url
    app[TEMPLATES_KEY].filters["view_text"] = view_text
    app[LIMITS_KEY] = limits
    app[STREAMS_KEY] = EventStreams(hub, settings, limits)
    app.on_response_prepare.append(add_security_headers)
    app.on_response_prepare.append(cache_static_files)
    app.on_shutdown.append(_close_streams)
    for prefix in ("j", "J"):
        app.router.add_get(f"/{prefix}/{{code}}", participant_page)
        app.router.add_post(f"/{prefix}/{{code}}/cards", post_card)
        app.router.add_post(f"/{prefix}/{{code}}/cards/{{card_id}}/withdraw", withdraw_card)
        app.router.add_get(f"/{prefix}/{{code}}/state", participant_state)
        app.router.add_get(f"/{prefix}/{{code}}/events", participant_events)
        app.router.add_get(f"/{prefix}/{{code}}/rules", rules_page)
        for add_routes in FEATURE_ROUTES:
            add_routes(app.router, prefix)
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static", _static_folder(), append_version=False)
    return app


def _static_folder() -> str:
    from importlib import resources

    return str(resources.files("cocreatie_tui.web") / "static")


@cache
def static_url(name: str) -> str:
    """``/static/<name>?v=<content hash>``: a changed file gets a new URL, so caching is safe."""
    path = Path(_static_folder()) / name
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return f"/static/{name}"
    return f"/static/{name}?v={digest}"


async def cache_static_files(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/static/") and response.status in (200, 304):
        version = request.query.get("v")
        name = request.path.removeprefix("/static/")
        versioned = bool(version) and static_url(name).endswith(f"?v={version}")
        response.headers["Cache-Control"] = (
            STATIC_VERSIONED_CACHE if versioned else STATIC_PLAIN_CACHE
        )


@web.middleware
async def note_phones(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """Every request that carries this session's phone cookie counts that phone as present."""
    state = request.app[HUB_KEY].state
    if state is not None:
        existing = request.cookies.get(cookie_name(state), "")
        if valid_participant_id(existing):
            request.app[HUB_KEY].phones.seen(existing)
    return await handler(request)


def clock_text(seconds: object) -> str:
    """Seconds left as the screen shows them: ``m:ss``, ``+m:ss`` in overtime."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return ""
    return format_clock(seconds)


VIEW_RECORD_KEYS = ("number", "name", "theme", "label", "text")


def view_text(value: object, kind: str = "") -> str:
    """A value of ``participant_view`` as the page shows it, for keys any feature may add.

    Numbers and text as they are (a ``clock`` as m:ss), a timer record by its seconds left,
    another record by its number and name ("3 · Mobiliteit"), a list joined by commas, and
    nothing for None or a flag. phone.js ``describe`` does the same for live updates.
    """
    if value is None or isinstance(value, bool) or value == "":
        return ""
    if isinstance(value, int | float):
        return clock_text(value) if kind == "clock" else str(value)
    if isinstance(value, dict):
        if "seconds_left" in value:
            return clock_text(value["seconds_left"])
        parts = (view_text(value.get(key)) for key in VIEW_RECORD_KEYS)
        return " · ".join(part for part in parts if part)
    if isinstance(value, list | tuple):
        return ", ".join(part for part in map(view_text, value) if part)
    return str(value)


async def _close_streams(app: web.Application) -> None:
    app[STREAMS_KEY].close_all()


# -- helpers ---------------------------------------------------------------------------


def translator(request: web.Request) -> Translator:
    chosen = request.query.get("lang")
    if chosen not in LANGUAGES:
        chosen = request.cookies.get(LANG_COOKIE)
    if chosen not in LANGUAGES:
        chosen = best_language(request.headers.get("Accept-Language"))
    return Translator(chosen)


def wants_json(request: web.Request) -> bool:
    if request.content_type == "application/json":
        return True
    if request.method == "GET":
        accept = request.headers.get("Accept", "")
        return "application/json" in accept and "text/html" not in accept
    return request.content_type not in FORM_TYPES


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    t = translator(request)
    page = request.app[TEMPLATES_KEY].get_template(template)
    body = page.render(t=t, lang=t.lang, languages=LANGUAGES, **context)
    response = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    if request.query.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, t.lang, path="/", max_age=365 * 86400, samesite="Lax")
    return response


def refusal(request: web.Request, status: int, key: str, **params: object) -> web.Response:
    t = translator(request)
    message = t(key, **params)
    if wants_json(request):
        return web.json_response({"error": message}, status=status)
    page = request.app[TEMPLATES_KEY].get_template("message.html")
    body = page.render(t=t, lang=t.lang, languages=LANGUAGES, message=message, code=None)
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def _code_is_live(hub: Hub) -> Callable[[str], bool]:
    return lambda code: hub.session_for_code(code) is not None


def _phone_of(hub: Hub) -> Callable[[web.Request], str | None]:
    """The phone id in a request's cookie, for limits per phone (None without one)."""

    def phone_of(request: web.Request) -> str | None:
        if hub.state is None:
            return None
        pid, new = participant_id_of(request, hub.state)
        return None if new else pid

    return phone_of


def too_fast(refused: Refused) -> BadRequest:
    """A limit's refusal as the handlers' ``BadRequest`` (429 with Retry-After)."""
    bad = BadRequest(refused.status, refused.key, **refused.params)
    bad.headers.update(refused.headers)
    return bad


def live_session(request: web.Request) -> SessionState:
    hub = request.app[HUB_KEY]
    state = hub.session_for_code(request.match_info["code"])
    if state is None:
        raise BadRequest(404, "error.unknown_code")
    return state


SessionRoute = Callable[[web.Request, SessionState], Awaitable[web.StreamResponse]]


def for_live_session(
    handler: SessionRoute,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A route under ``/j/{code}``: ``handler`` gets the live session as well; a code that
    is not (or no longer) this session's is answered 404 (the page says to scan again)."""

    @functools.wraps(handler)
    async def route(request: web.Request) -> web.StreamResponse:
        try:
            state = live_session(request)
        except BadRequest as refused:
            return refusal(request, refused.status, refused.key)
        return await handler(request, state)

    return route


def cookie_name(state: SessionState) -> str:
    # One id per session: a phone is linked to nothing outside this session.
    return _cookie_name_of(state.info.id)


@functools.lru_cache(maxsize=16)
def _cookie_name_of(session_id: str) -> str:  # asked for on every request
    return "cocreatie_" + "".join(ch for ch in session_id if ch.isalnum())


def participant_id_of(request: web.Request, state: SessionState) -> tuple[str, bool]:
    """The phone's id from its cookie, or a new one (True when it must be set)."""
    existing = request.cookies.get(cookie_name(state), "")
    if valid_participant_id(existing):
        return existing, False
    return secrets.token_urlsafe(16), True


def valid_participant_id(value: str) -> bool:
    return 16 <= len(value) <= 64 and all(ch.isalnum() or ch in "-_" for ch in value)


def remember_phone(response: web.StreamResponse, state: SessionState, pid: str) -> None:
    response.set_cookie(
        cookie_name(state), pid, path="/", max_age=7 * 86400, httponly=True, samesite="Lax"
    )


def page_path_of(state: SessionState) -> str:
    return f"/j/{state.info.join_code}"


def participant_view(hub: Hub, state: SessionState, pid: str, lang: str) -> dict[str, Any]:
    view = {
        "title": state.info.title,
        "prompt": state.info.active_prompt.text,
        "code": state.info.join_code,
        "lang": lang,
        "cards": [
            {
                "id": c.id,
                "text": c.text,
                "can_withdraw": c.group_id is None and c.merged_into is None,
            }
            for c in hub.cards_of_participant(pid)
        ],
        "round": None,
        "table": None,
        "timer": None,
        "queue_position": None,
    }
    view.update(hub.participant_view(pid))
    return view


# -- handlers --------------------------------------------------------------------------


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@for_live_session
async def participant_page(request: web.Request, state: SessionState) -> web.Response:
    return _page_response(request, state)


def _page_response(
    request: web.Request,
    state: SessionState,
    *,
    status: int = 200,
    error: str | None = None,
    draft: str = "",
    author: str | None = None,
) -> web.Response:
    hub = request.app[HUB_KEY]
    pid, new = participant_id_of(request, state)
    participant = state.participants.get(pid)
    nickname = participant.nickname if participant and participant.nickname else ""
    response = render(
        request,
        "participant.html",
        status=status,
        view=participant_view(hub, state, pid, translator(request).lang),
        page_path=page_path_of(state),
        token=state.info.form_token,
        sent=request.query.get("sent") == "1" and error is None,
        withdrawn=request.query.get("withdrawn") == "1" and error is None,
        error=error,
        draft=draft,
        nickname=nickname,
        # The name is asked once: afterwards the field shows only when asked for or refused.
        ask_name=not nickname or request.query.get("name") == "1" or author is not None,
        author=nickname if author is None else author,
    )
    if new:
        remember_phone(response, state, pid)
    return response


@for_live_session
async def rules_page(request: web.Request, state: SessionState) -> web.Response:
    t = translator(request)
    return render(
        request, "rules.html", rules=interaction_rules(t.lang), page_path=page_path_of(state)
    )


@for_live_session
async def participant_state(request: web.Request, state: SessionState) -> web.Response:
    pid, new = participant_id_of(request, state)
    hub = request.app[HUB_KEY]
    response = web.json_response(participant_view(hub, state, pid, translator(request).lang))
    if new:
        remember_phone(response, state, pid)
    return response


@for_live_session
async def participant_events(request: web.Request, state: SessionState) -> web.StreamResponse:
    pid, new = participant_id_of(request, state)
    hub = request.app[HUB_KEY]
    lang = translator(request).lang

    def view() -> dict[str, Any] | None:
        live = hub.session_for_code(request.match_info["code"])
        return None if live is None else participant_view(hub, live, pid, lang)

    if new:
        return await request.app[STREAMS_KEY].serve(request, view, participant_id=pid)
    phones = hub.phones  # a phone with its live stream open is in the room
    phones.stream_opened(pid)
    try:
        return await request.app[STREAMS_KEY].serve(request, view, participant_id=pid)
    finally:
        phones.stream_closed(pid)


@for_live_session
async def post_card(request: web.Request, state: SessionState) -> web.StreamResponse:
    as_form = request.content_type in FORM_TYPES
    fields: MultiDictProxy[str] | MultiDict[Any] | dict[str, Any] = {}
    try:
        fields = await read_fields(request, state, as_form)
        pid, new = participant_id_of(request, state)
        hub = request.app[HUB_KEY]
        if not new and not hub.has_card(fields.get("id")):  # a replay costs nothing
            try:
                charge_phone_card(request.app[LIMITS_KEY], pid)
            except Refused as refused:
                raise too_fast(refused) from None
        with hub_refusals():
            card, created = await hub.submit_card(
                fields.get("text"),
                source=CardSource.PHONE,
                author=fields.get("author"),
                participant_id=pid,
                card_id=fields.get("id"),
            )
    except BadRequest as refused:
        text, author = fields.get("text"), fields.get("author")
        return refused_answer(
            request,
            refused,
            state,
            KEEP_DRAFT,
            draft=text if isinstance(text, str) else "",
            author=author if isinstance(author, str) else None,
        )
    if as_form:
        response: web.StreamResponse = web.Response(
            status=303, headers={"Location": page_path_of(state) + "?sent=1"}
        )
    else:
        response = web.json_response({"id": card.id}, status=201 if created else 200)
    if new:
        remember_phone(response, state, pid)
    return response


@for_live_session
async def withdraw_card(request: web.Request, state: SessionState) -> web.StreamResponse:
    """The phone that sent a card takes it back (form with token: 303; JSON: 200)."""
    as_form = request.content_type in FORM_TYPES
    hub = request.app[HUB_KEY]
    try:
        await read_fields(request, state, as_form)
        pid, new = participant_id_of(request, state)
        try:
            card_id = str(uuid.UUID(request.match_info["card_id"]))
        except ValueError:
            raise BadRequest(404, "error.card_not_yours") from None
        if new:
            raise BadRequest(404, "error.card_not_yours")
        with hub_refusals(WITHDRAW_REFUSALS):
            card = await hub.withdraw_card(card_id, pid)
    except BadRequest as refused:
        return refused_answer(request, refused, state, (404, 409))
    if as_form:
        return web.Response(status=303, headers={"Location": page_path_of(state) + "?withdrawn=1"})
    return web.json_response({"id": card.id, "withdrawn": True})


def unavailable(key: str, retry_after: int) -> BadRequest:
    refused = BadRequest(503, key)
    refused.headers["Retry-After"] = str(retry_after)
    return refused


@contextlib.contextmanager
def hub_refusals(rejected_status: Mapping[str, int] | None = None) -> Iterator[None]:
    """The hub's and the store's refusals as ``BadRequest``: a rejected card 400 (or its
    status in ``rejected_status``), a busy or failing disk 503 with Retry-After, no session 404.
    """
    try:
        yield
    except CardRejected as rejected:
        status = (rejected_status or {}).get(rejected.key, 400)
        raise BadRequest(status, rejected.key, **rejected.params) from None
    except StoreBusy:
        raise unavailable("error.busy", 2) from None
    except StoreWriteFailed:
        raise unavailable("error.disk", 5) from None
    except NoSession:
        raise BadRequest(404, "error.unknown_code") from None


def refused_answer(
    request: web.Request,
    refused: BadRequest,
    state: SessionState,
    page_statuses: Collection[int] = (),
    **page: Any,
) -> web.Response:
    """``refused`` with its headers: a form post refused with one of ``page_statuses`` gets the
    page again with the message (and ``page``, e.g. the draft), anything else ``refusal``."""
    if request.content_type in FORM_TYPES and refused.status in page_statuses:
        error = translator(request)(refused.key, **refused.params)
        response = _page_response(request, state, status=refused.status, error=error, **page)
    else:
        response = refusal(request, refused.status, refused.key, **refused.params)
    response.headers.update(refused.headers)
    return response


async def read_fields(request: web.Request, state: SessionState, as_form: bool) -> Any:
    settings = request.app[SETTINGS_KEY]
    if request.content_length is not None and request.content_length > settings.max_body_bytes:
        raise BadRequest(413, "error.too_large")
    try:
        if as_form:
            form = await request.post()
        else:
            if request.content_type != "application/json":
                raise BadRequest(415, "error.content_type")
            raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadRequest(413, "error.too_large") from None
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(400, "error.bad_form") from None
    if as_form:
        if len(form) > settings.max_form_fields:
            raise BadRequest(400, "error.bad_form")
        token = form.get("token")
        if not isinstance(token, str) or not secrets.compare_digest(
            token.encode(), state.info.form_token.encode()
        ):
            raise BadRequest(403, "error.token")
        return check_field_lengths(
            {k: v for k, v in form.items() if isinstance(v, str)}, settings.max_field_chars
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BadRequest(400, "error.bad_json") from None
    if not isinstance(data, dict) or len(data) > settings.max_form_fields:
        raise BadRequest(400, "error.bad_json")
    return check_field_lengths(data, settings.max_field_chars)


def check_field_lengths(fields: dict[str, Any], limit: int) -> dict[str, Any]:
    """Refuse a field far longer than any rule allows before normalising it (400), and text
    that is not valid Unicode (JSON can carry lone surrogates: they cannot be stored, and would
    fail the write of everyone's cards in the same batch)."""
    for name, value in fields.items():
        if not isinstance(value, str):
            continue
        if len(value) > limit:
            if name == "text":
                raise BadRequest(400, "error.text_too_long", limit=CARD_TEXT_MAX)
            raise BadRequest(400, "error.field_too_long")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadRequest(400, "error.bad_json") from None
    return fields
