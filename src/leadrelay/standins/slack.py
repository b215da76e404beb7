"""A local stand-in for Slack: incoming webhooks, ``chat.postMessage`` and interaction ``response_url`` posts.

It answers with Slack's documented shapes — a webhook's plain-text ``ok`` (or 400/403/404 with an error
word), ``chat.postMessage``'s HTTP 200 ``{"ok": true, "channel", "ts", "message"}`` or ``{"ok": false,
"error"}`` — and keeps what it received in ``app.state.messages`` and ``app.state.responses``.

Faults for tests and the demo: append to ``app.state.faults`` one answer per coming request, from
``"429"`` (HTTP 429 with Retry-After), ``"ratelimited"`` (chat.postMessage's 200 with ``ok: false``),
``"500"``, ``"timeout"`` (a 504 after ``app.state.timeout_s``, nothing posted) and ``"malformed"``
(a body that is not Slack's).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from leadrelay.integrations.slack import sign_slack_request

__all__ = ["FAULTS", "click", "make_app"]

FAULTS = ("429", "ratelimited", "500", "timeout", "malformed")


def make_app(*, tokens: Iterable[str] = ("xoxb-standin",), channels: Iterable[str] | None = None,
             retry_after_s: int = 1, timeout_s: float = 3.0) -> FastAPI:
    """A Slack stand-in accepting bot `tokens`; `channels` limits where the bot may post (None: anywhere)."""
    app = FastAPI(title="Slack stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.tokens = set(tokens)
    app.state.channels = None if channels is None else set(channels)
    app.state.messages = []  # every message posted: via, channel, ts, text, blocks, metadata
    app.state.responses = []  # posts to response_url: path and body
    app.state.faults = []  # answers for the coming requests, see the module docstring
    app.state.retry_after_s = retry_after_s
    app.state.timeout_s = timeout_s
    lock = threading.Lock()
    counter = itertools.count(1)

    def next_fault() -> str | None:
        with lock:
            return app.state.faults.pop(0) if app.state.faults else None

    def next_ts() -> str:
        return f"{int(time.time())}.{next(counter):06d}"

    async def fault_response(fault: str | None, *, web_api: bool) -> Response | None:
        if fault is None:
            return None
        if fault == "timeout":
            await asyncio.sleep(app.state.timeout_s)  # the client gave up by now; nothing is posted
            return PlainTextResponse("gateway timeout", status_code=504)
        if fault == "429":
            return PlainTextResponse("rate limited", status_code=429,
                                     headers={"Retry-After": str(app.state.retry_after_s)})
        if fault == "ratelimited" and web_api:
            return JSONResponse({"ok": False, "error": "ratelimited"},
                                headers={"Retry-After": str(app.state.retry_after_s)})
        if fault == "500":
            return PlainTextResponse("internal error", status_code=500)
        if fault == "malformed":
            return PlainTextResponse("<html>upstream proxy</html>", status_code=200)
        return None

    async def read_json(request: Request) -> dict[str, Any] | None:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    @app.post("/services/{hook:path}")
    async def incoming_webhook(hook: str, request: Request) -> Response:
        """An incoming webhook: 200 ``ok`` or Slack's error words."""
        failed = await fault_response(next_fault(), web_api=False)
        if failed is not None:
            return failed
        message = await read_json(request)
        if message is None:
            return PlainTextResponse("invalid_payload", status_code=400)
        if not message.get("text") and not message.get("blocks"):
            return PlainTextResponse("no_text", status_code=400)
        with lock:
            app.state.messages.append({"via": "webhook", "hook": hook, "channel": None, "ts": next_ts(),
                                       "text": message.get("text"), "blocks": message.get("blocks"),
                                       "metadata": None})
        return PlainTextResponse("ok")

    @app.post("/api/chat.postMessage")
    async def post_message(request: Request) -> Response:
        """chat.postMessage with a bot token: HTTP 200 and ``ok`` true or false."""
        failed = await fault_response(next_fault(), web_api=True)
        if failed is not None:
            return failed
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer ") or not auth[7:].strip():
            return JSONResponse({"ok": False, "error": "not_authed"})
        if auth[7:].strip() not in app.state.tokens:
            return JSONResponse({"ok": False, "error": "invalid_auth"})
        message = await read_json(request)
        if message is None:
            return JSONResponse({"ok": False, "error": "invalid_json"})
        channel = message.get("channel")
        if not channel:
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        if app.state.channels is not None and channel not in app.state.channels:
            return JSONResponse({"ok": False, "error": "channel_not_found"})
        if not message.get("text") and not message.get("blocks"):
            return JSONResponse({"ok": False, "error": "no_text"})
        ts = next_ts()
        with lock:
            app.state.messages.append({"via": "bot", "hook": None, "channel": channel, "ts": ts,
                                       "text": message.get("text"), "blocks": message.get("blocks"),
                                       "metadata": message.get("metadata")})
        return JSONResponse({"ok": True, "channel": channel, "ts": ts,
                             "message": {"type": "message", "text": message.get("text"), "ts": ts,
                                         "blocks": message.get("blocks")}})

    @app.post("/actions/{path:path}")
    async def response_url(path: str, request: Request) -> Response:
        """A block action's response_url: records the update (replace_original, text, blocks)."""
        message = await read_json(request)
        if message is None:
            return JSONResponse({"ok": False, "error": "invalid_payload"}, status_code=400)
        with lock:
            app.state.responses.append({"path": path, "body": message})
        return JSONResponse({"ok": True})

    return app


def click(message: dict[str, Any], *, action_id: str, user_id: str, signing_secret: str, response_url: str,
          selected: str | None = None, now: float | None = None) -> tuple[bytes, dict[str, str]]:
    """What Slack sends when `user_id` uses a control of a posted `message`: a signed ``block_actions`` form.

    `selected` is the chosen option's value (static_select) or user id (users_select). Returns the body and
    headers to post to LeadRelay's ``/slack/interactions``, as the demo does to simulate a claim.
    """
    blocks = message.get("blocks") or []
    element, block_id = next((element, block.get("block_id")) for block in blocks if block.get("type") == "actions"
                             for element in block.get("elements", []) if element.get("action_id") == action_id)
    at = time.time() if now is None else now
    action: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": element["type"],
                              "action_ts": f"{at:.6f}"}
    if element["type"] == "button":
        action["value"] = element.get("value")
    elif element["type"] == "static_select":
        action["selected_option"] = next(option for option in element.get("options", [])
                                         if option["value"] == selected)
    elif element["type"] == "users_select":
        action["selected_user"] = selected
    payload = {"type": "block_actions", "user": {"id": user_id, "username": user_id.lower(), "team_id": "T0STANDIN"},
               "team": {"id": "T0STANDIN"}, "channel": {"id": message.get("channel") or "C0STANDIN"},
               "container": {"type": "message", "message_ts": message.get("ts")},
               "message": {"type": "message", "ts": message.get("ts"), "text": message.get("text"), "blocks": blocks},
               "response_url": response_url, "trigger_id": f"{at:.6f}.standin", "actions": [action]}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    timestamp = str(int(at))
    return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": timestamp,
                  "X-Slack-Signature": sign_slack_request(signing_secret, timestamp, body)}
