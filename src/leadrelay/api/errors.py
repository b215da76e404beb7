"""One place that turns every failure into a JSON error: no stack traces in responses.

The body is always ``{"error": {"code": ..., "message": ..., "details": [...]?, "request_id": ...}}``.
A bug is a 500 whose body carries only the request id; the traceback goes to the log under that id.
"""

from __future__ import annotations

import itertools
import logging
import re
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadrelay.errors import EventError, LeadRelayError
from leadrelay.store.repo import MalformedPayload

_CODE_OF_STATUS = {404: "not_found", 422: "invalid"}

__all__ = ["ApiError", "ErrorBody", "RequestIdMiddleware", "install_error_handlers", "request_id_of"]

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Our request ids: random per process, then a counter (unique without a system call per request).
_ID_PREFIX = secrets.token_hex(8)
_ID_COUNTER = itertools.count(1)


class ApiError(Exception):
    """An error the API answers on purpose, with its HTTP status, a stable code and a clear message."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


class ErrorDetail(BaseModel):
    """One problem with a request: where (``body.channel``, ``query.limit``) and what."""

    loc: str
    msg: str


class ErrorInfo(BaseModel):
    """The error object."""

    code: str
    message: str
    request_id: str
    details: list[ErrorDetail] | None = None


class ErrorBody(BaseModel):
    """Every error response has this shape."""

    error: ErrorInfo


def request_id_of(request: Request) -> str:
    """The id of this request (from ``X-Request-ID`` when the client sent a sane one)."""
    return str(request.scope.get("state", {}).get("request_id") or "-")


class RequestIdMiddleware:
    """Gives each request an id, available to handlers and echoed in the ``X-Request-ID`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        request_id = sent if _CLIENT_REQUEST_ID.match(sent) else f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(k.lower() == REQUEST_ID_HEADER.lower().encode() for k, _ in headers):
                    headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def _json(request: Request, status: int, code: str, message: str, *, details: list[dict[str, str]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    request_id = request_id_of(request)
    error: dict[str, Any] = {"code": code, "message": message, "request_id": request_id}
    if details:
        error["details"] = details
    return JSONResponse({"error": error}, status_code=status,
                        headers={**(headers or {}), REQUEST_ID_HEADER: request_id})


def _location(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "request"


_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
                 422: "invalid", 429: "rate_limited"}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error as the JSON body above."""

    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _json(request, exc.status, exc.code, exc.message, headers=exc.headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = [{"loc": _location(tuple(err.get("loc", ()))), "msg": str(err.get("msg", ""))}
                   for err in exc.errors()]
        summary = "; ".join(f"{d['loc']}: {d['msg']}" for d in details[:5])
        return _json(request, 422, "invalid", f"the request is not valid: {summary}", details=details)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = _STATUS_CODES.get(exc.status_code, "error")
        return _json(request, exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))

    async def on_event_error(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, MalformedPayload):
            return _json(request, 400, "malformed", str(exc))
        return _json(request, 422, "invalid_event", str(exc))

    async def on_leadrelay_error(request: Request, exc: Exception) -> JSONResponse:
        # A domain error may name its HTTP status (LeadNotFound: 404, a refused label: 422); the rest are
        # the service being unable to do its part right now.
        status = getattr(exc, "status", 503)
        log.warning("request failed", extra={"request_id": request_id_of(request), "error": type(exc).__name__})
        return _json(request, status, _CODE_OF_STATUS.get(status, "unavailable"), str(exc))

    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        request_id = request_id_of(request)
        log.error("unhandled error", extra={"request_id": request_id}, exc_info=exc)
        return _json(request, 500, "internal", f"internal error; quote request id {request_id} when reporting it")

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(EventError, on_event_error)
    app.add_exception_handler(LeadRelayError, on_leadrelay_error)
    app.add_exception_handler(Exception, on_bug)
