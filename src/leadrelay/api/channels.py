"""HTTP intake channels: HTML forms, raw RFC 822 uploads, Mailgun and SendGrid inbound email, Zendesk tickets.

Each route checks who sent the request the way that channel can (a form's id, key and Origin; a bearer
token; a provider's signature or URL secret), reads the body within a size limit, turns it into a LeadBench
event (`leadrelay.intake.mapping`) and stores it through `accept_event`, as ``POST /api/events`` does.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Message

from leadrelay.api.deps import Services, get_services, rate_limited_source, read_body, require_source
from leadrelay.api.errors import ApiError, ErrorBody
from leadrelay.api.events import EventAccepted, accept_event
from leadrelay.errors import EventError
from leadrelay.intake.mapping import (
    IntakePayload,
    ReplayGuard,
    SignatureError,
    email_payload,
    form_payload,
    mailgun_payload,
    sendgrid_payload,
    verify_mailgun,
    verify_zendesk,
    zendesk_payload,
)
from leadrelay.workspace import FormConfig, load_workspace

__all__ = ["router"]

router = APIRouter(prefix="/intake", tags=["intake"])

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FORM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_FORM_FIELDS = 500
_MAX_FORM_FILES = 50
_bearer = HTTPBearer(auto_error=False,
                     description="A per-source API token from `leadrelay tokens create SOURCE`.")
# Mailgun tokens seen recently, per API process (see ReplayGuard for the multi-process caveat).
_mailgun_tokens = ReplayGuard()


def _errors(*pairs: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": text} for status, text in pairs}


_ACCEPTED: dict[int | str, dict[str, Any]] = {
    200: {"model": EventAccepted, "description": "A repeat of an event already stored."},
    202: {"model": EventAccepted, "description": "Stored durably and queued for qualification."}}


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()




def _decode_file(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


async def _form_items(request: Request, body: bytes, *, text_files: frozenset[str] = frozenset()
                      ) -> list[tuple[str, str]]:
    """The posted fields in order; a file gives its name, or its text when listed in `text_files`."""
    media_type = _media_type(request)
    if media_type not in _FORM_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       f"send the form as {' or '.join(_FORM_TYPES)}, not {media_type or 'no content type'}")
    delivered = False

    async def replay() -> Message:  # the body was already read (and size-checked); parse it from memory
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, replay).form(
            max_files=_MAX_FORM_FILES, max_fields=_MAX_FORM_FIELDS, max_part_size=max(len(body), 1024))
    except StarletteHTTPException as exc:
        raise ApiError(400, "bad_request", f"the form body cannot be read: {exc.detail}") from exc
    items: list[tuple[str, str]] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name in text_files:
                    items.append((name, _decode_file(await value.read())))
                elif value.filename:
                    items.append((name, value.filename))  # the name of an attachment, not its content
            else:
                items.append((name, value))
    finally:
        await form.close()
    return items


def _rate_limit(services: Services, key: str) -> None:
    wait_s = services.limiter.acquire(key)
    if wait_s > 0:
        retry_after = max(1, math.ceil(wait_s))
        raise ApiError(429, "rate_limited", f"too many requests for {key!r}; retry in {retry_after}s",
                       headers={"Retry-After": str(retry_after)})


async def _store(request: Request, response: Response, services: Services, *, source: str,
                 payload: IntakePayload, ok_status: int = 202) -> EventAccepted:
    result = await run_in_threadpool(accept_event, services, source=source, raw=payload.to_json(),
                                     idempotency_key=payload.idempotency_key)
    status_url = str(request.url_for("get_event", event_id=result.event_id).path)
    response.status_code = 200 if result.duplicate else ok_status
    response.headers["Location"] = status_url
    return EventAccepted(event_id=result.event_id, status_url=status_url, duplicate=result.duplicate)


# --- HTML forms -------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _forms_at(path: str, _mtime_ns: int) -> dict[str, FormConfig]:
    return load_workspace(path).config.forms


def _form_config(services: Services, form_id: str) -> FormConfig:
    """The workspace's config for `form_id`, re-read when workspace.yaml changes."""
    root = Path(services.settings.workspace)
    try:
        mtime_ns = (root / "workspace.yaml").stat().st_mtime_ns
    except OSError:
        mtime_ns = 0  # let load_workspace report the missing file
    config = _forms_at(str(root), mtime_ns).get(form_id) if _FORM_ID.match(form_id) else None
    if config is None:
        raise ApiError(404, "not_found", f"no form {form_id!r} in the workspace (add it under forms:)")
    return config


def _origin_of(request: Request) -> str | None:
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return origin.rstrip("/").lower()
    referer = urlsplit(request.headers.get("referer", ""))  # some browsers omit Origin on same-origin posts
    return f"{referer.scheme}://{referer.netloc}".lower() if referer.scheme and referer.netloc else None


@router.post(
    "/forms/{form_id}", status_code=202, response_model=EventAccepted,
    responses={**_ACCEPTED, 303: {"description": "Stored; redirect to the form's thank-you page."},
               **_errors((400, "The form body cannot be read."), (403, "Wrong form key or Origin."),
                         (404, "No such form in the workspace."), (413, "The body is larger than the limit."),
                         (415, "Not a form content type."), (422, "Nothing filled in."),
                         (429, "Too many posts to this form; see Retry-After."))},
    openapi_extra={"requestBody": {"required": True, "content": {
        t: {"schema": {"type": "object", "additionalProperties": {"type": "string"}}} for t in _FORM_TYPES}}},
    summary="Receive an HTML form post (mapped by the workspace's forms: section)",
)
async def post_form(form_id: str, request: Request, response: Response,
                    services: Annotated[Services, Depends(get_services)]) -> Response | EventAccepted:
    """Store a browser's form post; 303 to the form's redirect when it has one, else JSON."""
    config = _form_config(services, form_id)
    if config.allowed_origins and _origin_of(request) not in config.allowed_origins:
        raise ApiError(403, "forbidden", f"form {form_id!r} does not accept posts from origin "
                                         f"{_origin_of(request) or '(none sent)'}")
    _rate_limit(services, f"form:{form_id}")
    body = await read_body(request, services.settings.max_body_bytes)
    items = await _form_items(request, body)
    if config.secret is not None:
        sent = next((value for name, value in items if name == config.secret_field), "")
        if not hmac.compare_digest(sent.encode(), config.secret.encode()):
            raise ApiError(403, "forbidden",
                           f"the form key in field {config.secret_field!r} is missing or wrong")
    payload = form_payload(form_id, config, items)
    accepted = await _store(request, response, services, source=f"form:{form_id}", payload=payload)
    if config.redirect:
        return RedirectResponse(config.redirect, status_code=303)
    return accepted


# --- raw RFC 822 ------------------------------------------------------------------------------------------


@router.post(
    "/email", status_code=202, response_model=EventAccepted,
    responses={**_ACCEPTED, **_errors((401, "Missing or unknown API token."), (413, "Too large."),
                                      (415, "Not message/rfc822."), (422, "Not an RFC 822 message."),
                                      (429, "Too many requests from this source."))},
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"message/rfc822": {"schema": {"type": "string"}}}}},
    summary="Upload one raw email (idempotent by Message-ID)",
)
async def post_email(request: Request, response: Response,
                     services: Annotated[Services, Depends(get_services)],
                     source: Annotated[str, Depends(rate_limited_source)]) -> EventAccepted:
    """Store a whole RFC 822 message as an email event."""
    if _media_type(request) != "message/rfc822":
        raise ApiError(415, "unsupported_media_type", "send the message as Content-Type: message/rfc822")
    body = await read_body(request, services.settings.email_max_bytes)
    return await _store(request, response, services, source=source, payload=email_payload(body))


# --- Mailgun ----------------------------------------------------------------------------------------------


@router.post(
    "/mailgun", status_code=200, response_model=EventAccepted,
    responses={**_errors((401, "The signature, timestamp or token is not valid."),
                         (404, "Mailgun intake is not configured."), (406, "No usable message (Mailgun stops "
                                                                              "retrying)."),
                         (413, "The post is too large."), (415, "Not a form content type."))},
    summary="Mailgun route: forward() or store(notify=...) with a parsed or raw MIME message",
)
@router.post("/mailgun/mime", status_code=200, response_model=EventAccepted, include_in_schema=False)
async def post_mailgun(request: Request, response: Response,
                       services: Annotated[Services, Depends(get_services)]) -> EventAccepted:
    """Store an email posted by a Mailgun route after checking its signature; 200 tells Mailgun to stop."""
    settings = services.settings
    if settings.mailgun_signing_key is None:
        raise ApiError(404, "not_configured", "Mailgun intake is off: set LEADRELAY_MAILGUN_SIGNING_KEY")
    body = await read_body(request, settings.email_max_bytes)
    fields = dict(await _form_items(request, body, text_files=frozenset({"body-mime"})))
    try:
        verify_mailgun(settings.mailgun_signing_key.get_secret_value(), fields, guard=_mailgun_tokens,
                       max_age_s=settings.mailgun_max_age_s)
    except SignatureError as exc:
        raise ApiError(401, "unauthorized", f"Mailgun signature refused: {exc}") from exc
    _rate_limit(services, "mailgun")
    try:
        payload = mailgun_payload(fields)
    except EventError as exc:  # 406 is Mailgun's "rejected, do not retry"
        raise ApiError(406, "not_acceptable", f"no usable message: {exc}") from exc
    return await _store(request, response, services, source="mailgun", payload=payload, ok_status=200)


# --- SendGrid ---------------------------------------------------------------------------------------------


def _sendgrid_secret(services: Services) -> str:
    secret = services.settings.sendgrid_secret
    if secret is None:
        raise ApiError(404, "not_configured", "SendGrid intake is off: set LEADRELAY_SENDGRID_SECRET")
    return secret.get_secret_value()


def _basic_password(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


async def _sendgrid(request: Request, response: Response, services: Services) -> EventAccepted:
    body = await read_body(request, services.settings.email_max_bytes)
    fields = dict(await _form_items(request, body, text_files=frozenset({"email"})))
    _rate_limit(services, "sendgrid")
    return await _store(request, response, services, source="sendgrid", payload=sendgrid_payload(fields),
                        ok_status=200)


_SENDGRID_ERRORS = _errors((401, "Missing or wrong basic-auth password."), (403, "Wrong secret in the URL."),
                           (404, "SendGrid intake is not configured."), (413, "The post is too large."),
                           (415, "Not multipart/form-data."), (422, "No usable message."))


@router.post("/sendgrid/{secret}", status_code=200, response_model=EventAccepted, responses=_SENDGRID_ERRORS,
             summary="SendGrid Inbound Parse, authenticated by a secret in the URL path")
async def post_sendgrid_path(secret: str, request: Request, response: Response,
                             services: Annotated[Services, Depends(get_services)]) -> EventAccepted:
    """Store an email posted by SendGrid Inbound Parse to a URL that carries the shared secret."""
    if not hmac.compare_digest(secret.encode(), _sendgrid_secret(services).encode()):
        raise ApiError(403, "forbidden", "the secret in the URL is not valid")
    return await _sendgrid(request, response, services)


@router.post("/sendgrid", status_code=200, response_model=EventAccepted, responses=_SENDGRID_ERRORS,
             summary="SendGrid Inbound Parse, authenticated by basic auth (https://user:SECRET@host/...)")
async def post_sendgrid_basic(request: Request, response: Response,
                              services: Annotated[Services, Depends(get_services)]) -> EventAccepted:
    """Store an email posted by SendGrid Inbound Parse with the shared secret as basic-auth password."""
    expected = _sendgrid_secret(services)
    password = _basic_password(request)
    if password is None or not hmac.compare_digest(password.encode(), expected.encode()):
        raise ApiError(401, "unauthorized", "send the SendGrid secret as the basic-auth password",
                       headers={"WWW-Authenticate": 'Basic realm="leadrelay-sendgrid"'})
    return await _sendgrid(request, response, services)


# --- Zendesk ----------------------------------------------------------------------------------------------


@router.post(
    "/zendesk", status_code=202, response_model=EventAccepted,
    responses={**_ACCEPTED, **_errors((400, "The body is not JSON."), (401, "Bad signature or token."),
                                      (413, "The body is too large."), (415, "Not application/json."),
                                      (422, "No ticket id."), (429, "Too many requests."))},
    summary="Zendesk webhook (trigger or event subscription) with a ticket: becomes a support_ticket event",
)
async def post_zendesk(request: Request, response: Response,
                       services: Annotated[Services, Depends(get_services)],
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                       ) -> EventAccepted:
    """Store a Zendesk ticket, checked by its webhook signature when a secret is set, else by bearer token."""
    settings = services.settings
    if _media_type(request) != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the webhook as Content-Type: application/json")
    body = await read_body(request, settings.max_body_bytes)
    if settings.zendesk_signing_secret is not None:
        try:
            verify_zendesk(settings.zendesk_signing_secret.get_secret_value(), body,
                           signature=request.headers.get("x-zendesk-webhook-signature"),
                           timestamp=request.headers.get("x-zendesk-webhook-signature-timestamp"),
                           max_age_s=settings.zendesk_max_age_s)
        except SignatureError as exc:
            raise ApiError(401, "unauthorized", f"Zendesk signature refused: {exc}") from exc
        source = "zendesk"
    else:
        source = await run_in_threadpool(require_source, services, credentials)
    _rate_limit(services, source)
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed", "the body is not valid JSON") from exc
    return await _store(request, response, services, source=source, payload=zendesk_payload(data))
