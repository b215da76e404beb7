"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1 (pytest-httpserver underneath).

Tests queue replies (`answer`, `error`, `garbage`), optionally slowed down, and read back the
JSON bodies the server received. It can also behave like a server that rejects strict
``json_schema`` output (llama.cpp's Python server does) or any ``response_format`` at all.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

__all__ = ["FakeOpenAIServer", "Reply", "answer", "error", "garbage"]


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP reply."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    def slowed(self, delay_s: float) -> Reply:
        """The same reply, sent after `delay_s` seconds."""
        return Reply(self.status, self.body, self.headers, delay_s)


def answer(content: dict[str, Any] | str, *, prompt_tokens: int = 120, completion_tokens: int = 30,
           usage: bool = True, model: str = "fake-model") -> Reply:
    """A 200 chat completion whose assistant message is `content` (a dict is sent as JSON text)."""
    text = json.dumps(content) if isinstance(content, dict) else content
    body: dict[str, Any] = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_764_547_200,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }
    if usage:
        body["usage"] = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                         "total_tokens": prompt_tokens + completion_tokens}
    return Reply(200, json.dumps(body))


def error(status: int, message: str = "error", *, headers: dict[str, str] | None = None,
          param: str | None = None) -> Reply:
    """An error reply in OpenAI's error shape."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    body = {"error": {"message": message, "type": kind, "param": param, "code": None}}
    return Reply(status, json.dumps(body), dict(headers or {}))


def garbage(status: int = 200, text: str = "<html>bad gateway</html>") -> Reply:
    """A reply whose body is not JSON at all."""
    return Reply(status, text, {"Content-Type": "text/html"})


class FakeOpenAIServer:
    """Serves POST /v1/chat/completions from a queue of scripted replies; records every request body."""

    def __init__(self) -> None:
        self._server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.default: Reply | None = None  # sent when the queue is empty; else a 599 that fails the test
        self.reject_json_schema = False  # 400 on response_format json_schema (like llama.cpp's server)
        self.reject_response_format = False  # 400 on any response_format

    @property
    def base_url(self) -> str:
        """The base URL a client should use (ends in /v1)."""
        return self._server.url_for("/v1")

    def start(self) -> FakeOpenAIServer:
        """Start serving."""
        self._server.expect_request("/v1/chat/completions", method="POST").respond_with_handler(self._handle)
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server.is_running():
            self._server.stop()

    def reset(self) -> None:
        """Forget scripted replies, recorded requests and behaviour switches."""
        with self._lock:
            self._replies.clear()
            self.requests.clear()
            self.headers.clear()
        self.default = None
        self.reject_json_schema = False
        self.reject_response_format = False

    def queue(self, *replies: Reply) -> None:
        """Send these replies, one per request, in order."""
        with self._lock:
            self._replies.extend(replies)

    def response_formats(self) -> list[str | None]:
        """The response_format type of every request received, in order."""
        return [(r.get("response_format") or {}).get("type") for r in self.requests]

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _handle(self, request: Request) -> Response:
        try:
            body = json.loads(request.get_data(as_text=True))
        except json.JSONDecodeError:
            return _to_response(error(400, "request body is not JSON"))
        fmt = (body.get("response_format") or {}).get("type")
        with self._lock:
            self.requests.append(body)
            self.headers.append({k.lower(): v for k, v in request.headers.items()})
            if (self.reject_response_format and fmt) or (self.reject_json_schema and fmt == "json_schema"):
                reply = error(400, f"response_format type {fmt!r} is not supported", param="response_format")
            elif self._replies:
                reply = self._replies.popleft()
            elif self.default is not None:
                reply = self.default
            else:
                reply = error(599, "no scripted reply left")
        if reply.delay_s:
            time.sleep(reply.delay_s)
        return _to_response(reply)


def _to_response(reply: Reply) -> Response:
    headers = {"Content-Type": "application/json", **reply.headers}
    return Response(reply.body, status=reply.status, headers=headers)
