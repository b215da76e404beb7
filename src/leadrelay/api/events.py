"""Event intake (``POST /api/events``) and reads of events and decisions."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel

from leadrelay.api.deps import (
    DbSession,
    Services,
    Source,
    get_services,
    rate_limited_source,
    read_body,
    require_source,
)
from leadrelay.api.deps import _bearer as bearer_scheme  # the same scheme object, so OpenAPI is unchanged
from leadrelay.api.errors import ApiError, ErrorBody
from leadrelay.jobs.pressure import IntakePressure
from leadrelay.jobs.queue import HandOverBatcher
from leadrelay.pipeline.records import ACTIONS, CHANNELS, TYPES, Event
from leadrelay.store import repo
from leadrelay.store.db import GroupCommitter
from leadrelay.store.tables import DecisionRow, EventRow, Job, TimelineEntry

__all__ = ["DecisionRead", "EventAccepted", "EventRead", "TimelineRead", "accept_event", "intake_hand_over", "router",
           "utc"]

router = APIRouter(prefix="/api", tags=["events"])

TypeFilter = Literal[TYPES]  # type: ignore[valid-type]
ActionFilter = Literal[ACTIONS]  # type: ignore[valid-type]
ChannelFilter = Literal[CHANNELS]  # type: ignore[valid-type]
StatusFilter = Literal["received", "decided", "dead"]
Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
# A filter value; PostgreSQL cannot compare text with a NUL in it, so such a value is refused (422).
TextFilter = Annotated[str | None, Query(max_length=320, pattern=r"^[^\x00]*$")]
Cursor = Annotated[int | None, Query(ge=1, description="`next_cursor` of the previous page.")]
Since = Annotated[datetime | None, Query(description="Inclusive lower bound, ISO 8601 (UTC if no zone).")]
Until = Annotated[datetime | None, Query(description="Exclusive upper bound, ISO 8601 (UTC if no zone).")]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text} for status, text in (
        (400, "The body is not a JSON object."), (401, "Missing or unknown API token."),
        (413, "The body is larger than the limit."), (415, "The body is not JSON."),
        (422, "The object is not a valid event (each wrong key is named)."),
        (429, "Too many requests from this source; see Retry-After."))
}


class EventAccepted(BaseModel):
    """The answer to an accepted event: its id, where to follow it, and whether it was a retry."""

    event_id: int
    status_url: str
    duplicate: bool


class TimelineRead(BaseModel):
    """One entry of a timeline."""

    at: datetime
    kind: str
    event_id: int | None
    detail: dict[str, Any]


class DecisionRead(BaseModel):
    """A stored decision (LeadBench format plus versions and reasons)."""

    id: int
    event_id: int
    lead_id: int | None
    type: str
    urgency: str
    fit: str | None
    action: str
    owner: str | None
    confidence: float
    account_id: str | None
    duplicate_of: str | None
    fields: dict[str, Any]
    reasons: list[dict[str, Any]]
    model: str
    pipeline_version: str
    workspace_version: str
    parse_error: str | None
    created_at: datetime


class JobRead(BaseModel):
    """The qualification job of an event; ``dead`` means it failed after its last retry."""

    state: str
    attempts: int
    last_error: str | None
    updated_at: datetime


class EventRead(BaseModel):
    """A stored event; the single-event read adds payload, job, decisions and timeline."""

    id: int
    source: str
    external_id: str
    channel: str
    sender_email: str | None
    received_at: datetime
    status: str
    lead_id: int | None
    payload: dict[str, Any] | None = None
    job: JobRead | None = None
    decisions: list[DecisionRead] | None = None
    timeline: list[TimelineRead] | None = None


class EventPage(BaseModel):
    """A page of events, newest first."""

    items: list[EventRead]
    next_cursor: int | None


class DecisionPage(BaseModel):
    """A page of decisions, newest first."""

    items: list[DecisionRead]
    next_cursor: int | None


def utc(value: datetime | None) -> datetime | None:
    """A query time in UTC; a time without a zone is taken as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def decision_read(row: DecisionRow) -> DecisionRead:
    """The API view of a decision row."""
    return DecisionRead.model_validate(row, from_attributes=True)


def timeline_read(entry: TimelineEntry) -> TimelineRead:
    """The API view of a timeline entry."""
    return TimelineRead(at=entry.at, kind=entry.kind, event_id=entry.event_id, detail=entry.detail or {})


def event_read(row: EventRow, *, job: Job | None = None, decisions: list[DecisionRow] | None = None,
               timeline: list[TimelineEntry] | None = None, with_payload: bool = False) -> EventRead:
    """The API view of an event row, with as much detail as given."""
    return EventRead(
        id=row.id, source=row.source, external_id=row.external_id, channel=row.channel,
        sender_email=row.sender_email, received_at=row.received_at, status=row.status, lead_id=row.lead_id,
        payload=json.loads(row.payload) if with_payload else None,
        job=JobRead.model_validate(job, from_attributes=True) if job else None,
        decisions=[decision_read(d) for d in decisions] if decisions is not None else None,
        timeline=[timeline_read(t) for t in timeline] if timeline is not None else None,
    )




def accept_event(services: Services, *, source: str, raw: bytes | str, idempotency_key: str | None,
                 strict: bool = True) -> repo.IntakeResult:
    """Store one payload durably (committed before returning), then hand it to the queue.

    The same function serves the API and `leadrelay import`.

    Raises:
        EventError: the payload is not a valid event (MalformedPayload when not a JSON object).
    """
    prepared = repo.prepare_intake(source=source, raw=raw, window_s=services.settings.idempotency_window_s,
                                   idempotency_key=idempotency_key, strict=strict)
    with services.engine.begin() as conn:
        result = repo.store_intake(conn, prepared)
    if not result.duplicate:
        services.queue.hand_over(result.event_id)
    return result


def _committer(request: Request, services: Services) -> GroupCommitter[repo.PreparedIntake, repo.IntakeResult]:
    # One per app (its loop, its engine), made on first use.
    committer: GroupCommitter[repo.PreparedIntake, repo.IntakeResult] | None = getattr(
        request.app.state, "intake_committer", None)
    if committer is None:
        batcher = intake_hand_over(request.app)

        def hand_over(results: list[repo.IntakeResult]) -> None:
            # Only after the commit, in batch jobs of a few commits each; if the queue is down the jobs
            # stay pending and the sweeper enqueues them.
            batcher.add([result.event_id for result in results if not result.duplicate])

        committer = GroupCommitter(services.engine, repo.store_intakes, after_commit=hand_over)
        request.app.state.intake_committer = committer
    return committer


def intake_hand_over(app: Any) -> HandOverBatcher:
    """The app's hand-over of committed events to the queue (made on first use; `close` it at shutdown)."""
    batcher: HandOverBatcher | None = getattr(app.state, "intake_hand_over", None)
    if batcher is None:
        services: Services = app.state.services
        batcher = app.state.intake_hand_over = HandOverBatcher(services.queue)
    return batcher


async def intake_source(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The caller's source, authenticated and within its rate limit, resolved on the event loop.

    The shared dependencies are plain functions, which FastAPI runs in its thread pool: on the hot
    intake path three thread hand-offs per request cost far more than the work they do (one indexed
    read of the token table, on a read-only connection that never waits for the writer).

    Raises:
        ApiError: 401 without a valid token, 429 over the source's rate limit.
    """
    services = get_services(request)
    source = _recently_authenticated(request, credentials)
    if source is None:
        source = require_source(services, credentials)
        if credentials is not None and services.settings.require_auth:
            _remember(request, credentials, source)
    return rate_limited_source(services, source)


# Tokens that authenticated in the last second, per app: a burst from one source reads the token table
# once a second instead of once a request (about a fifth of the intake's CPU). Only successes are kept,
# so a new token works at once; a revoked token stops working within a second. Reads elsewhere check
# the table every time.
_AUTH_TTL_S = 1.0


def _recently_authenticated(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    cache: dict[str, tuple[str, float]] | None = getattr(request.app.state, "intake_auth_cache", None)
    if cache is None or credentials is None or credentials.scheme.lower() != "bearer":
        return None
    hit = cache.get(_token_key(credentials))
    if hit is None or time.monotonic() - hit[1] > _AUTH_TTL_S:
        return None
    return hit[0]


def _remember(request: Request, credentials: HTTPAuthorizationCredentials, source: str) -> None:
    cache: dict[str, tuple[str, float]] | None = getattr(request.app.state, "intake_auth_cache", None)
    if cache is None or len(cache) > 10_000:  # bounded: stale entries of many sources are simply dropped
        cache = request.app.state.intake_auth_cache = {}
    cache[_token_key(credentials)] = (source, time.monotonic())


def _token_key(credentials: HTTPAuthorizationCredentials) -> str:
    # A digest, so the cache never holds a token itself.
    return hashlib.sha256(credentials.credentials.encode("utf-8", "surrogatepass")).hexdigest()


_EVENT_SCHEMA = Event.model_json_schema()
_EVENT_SCHEMA["additionalProperties"] = False  # unknown keys are refused (422)


_IDEMPOTENCY_KEY_MAX = 200
_IDEMPOTENCY_KEY_DOC = "Retries with the same key return the first event instead of a new one."
# What `Header(alias="Idempotency-Key", min_length=1, max_length=200)` would publish.
_IDEMPOTENCY_PARAMETER = {
    "name": "Idempotency-Key", "in": "header", "required": False, "description": _IDEMPOTENCY_KEY_DOC,
    "schema": {"anyOf": [{"type": "string", "minLength": 1, "maxLength": _IDEMPOTENCY_KEY_MAX}, {"type": "null"}],
               "title": "Idempotency-Key", "description": _IDEMPOTENCY_KEY_DOC}}


def _idempotency_key(request: Request) -> str | None:
    """The Idempotency-Key header, checked as FastAPI would check the parameter declared above.

    Raises:
        RequestValidationError: the key is empty or longer than 200 characters (422).
    """
    value = request.headers.get("idempotency-key")
    if value is None or 1 <= len(value) <= _IDEMPOTENCY_KEY_MAX:
        return value
    kind, message = (("string_too_short", "String should have at least 1 character") if not value else
                     ("string_too_long", f"String should have at most {_IDEMPOTENCY_KEY_MAX} characters"))
    raise RequestValidationError([{"type": kind, "loc": ("header", "Idempotency-Key"), "msg": message,
                                   "input": value}])


@router.post(
    "/events", status_code=202, response_model=EventAccepted, responses={
        200: {"model": EventAccepted, "description": "A retry of an event already accepted (`duplicate: true`)."},
        202: {"description": "Stored durably and queued for qualification."}, **_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _EVENT_SCHEMA}}},
                   "parameters": [_IDEMPOTENCY_PARAMETER], "security": [{bearer_scheme.scheme_name: []}]},
    summary="Submit one inbound event (LeadBench event format)",
)
async def post_event(request: Request) -> Response:
    """Store an event durably before answering 202; a retry answers 200 with the same event id."""
    pressure: IntakePressure | None = getattr(request.app.state, "intake_pressure", None)
    if pressure is None:
        return await _post_event(request)
    with pressure.request():  # serve's consumer yields while several are in flight (jobs/pressure.py)
        return await _post_event(request)


async def _post_event(request: Request) -> Response:
    # The token and the Idempotency-Key header are read here rather than through FastAPI's dependency
    # injection, which cost about a tenth of the intake's CPU; the published schema is the same, and
    # the order too (401/429 before a 422 for the header).
    source = await intake_source(request, await bearer_scheme(request))
    idempotency_key = _idempotency_key(request)
    services = get_services(request)
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the event as Content-Type: application/json")
    body = await read_body(request, services.settings.max_body_bytes)
    # Validation is cheap CPU work done here; the write joins the next group commit.
    prepared = repo.prepare_intake(source=source, raw=body, window_s=services.settings.idempotency_window_s,
                                   idempotency_key=idempotency_key)
    result = await _committer(request, services).store(prepared)
    # Built directly: route lookup (url_for) and response-model validation cost more than the rest of
    # this handler; the body is still exactly an `EventAccepted` (the OpenAPI response model).
    status_url = f"{router.prefix}/events/{result.event_id}"
    answer = (f'{{"event_id":{result.event_id},"status_url":"{status_url}",'
              f'"duplicate":{"true" if result.duplicate else "false"}}}')
    return Response(answer, status_code=200 if result.duplicate else 202, media_type="application/json",
                    headers={"Location": status_url})


@router.get("/events", response_model=EventPage, responses={401: {"model": ErrorBody}}, summary="List events")
def list_events(
    db: DbSession,
    _source: Source,
    source: TextFilter = None,
    channel: ChannelFilter | None = None,
    status: StatusFilter | None = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> EventPage:
    """Stored events, newest first."""
    page = repo.list_events(db, source=source, channel=channel, status=status, since=utc(since), until=utc(until),
                            cursor=cursor, limit=limit)
    return EventPage(items=[event_read(row) for row in page.items], next_cursor=page.next_cursor)


@router.get("/events/{event_id}", response_model=EventRead, name="get_event",
            responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody}}, summary="One event with its status")
def get_event(event_id: int, db: DbSession, _source: Source) -> EventRead:
    """One event: the payload as received, its job, its decisions and its timeline."""
    row = repo.get_event(db, event_id=event_id)
    if row is None:
        raise ApiError(404, "not_found", f"no event {event_id}")
    return event_read(row, job=repo.event_job(db, event_id=event_id),
                      decisions=list(repo.event_decisions(db, event_id=event_id)),
                      timeline=list(repo.event_timeline(db, event_id=event_id)), with_payload=True)


@router.get("/decisions", response_model=DecisionPage, responses={401: {"model": ErrorBody}},
            summary="List decisions", tags=["decisions"])
def list_decisions(
    db: DbSession,
    _source: Source,
    type: TypeFilter | None = None,
    action: ActionFilter | None = None,
    owner: TextFilter = None,
    source: TextFilter = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DecisionPage:
    """Decisions, newest first, filtered by type, action, owner, the event's source and time."""
    page = repo.list_decisions(db, type=type, action=action, owner=owner, source=source, since=utc(since),
                               until=utc(until), cursor=cursor, limit=limit)
    return DecisionPage(items=[decision_read(row) for row in page.items], next_cursor=page.next_cursor)
