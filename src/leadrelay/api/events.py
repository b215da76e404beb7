"""Event intake (``POST /api/events``) and reads of events and decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadrelay.api.deps import DbSession, Services, Source, get_services, rate_limited_source
from leadrelay.api.errors import ApiError, ErrorBody
from leadrelay.pipeline.records import ACTIONS, CHANNELS, TYPES, Event
from leadrelay.store import repo
from leadrelay.store.tables import DecisionRow, EventRow, Job, TimelineEntry

__all__ = ["DecisionRead", "EventAccepted", "EventRead", "TimelineRead", "accept_event", "router", "utc"]

router = APIRouter(prefix="/api", tags=["events"])

TypeFilter = Literal[TYPES]  # type: ignore[valid-type]
ActionFilter = Literal[ACTIONS]  # type: ignore[valid-type]
ChannelFilter = Literal[CHANNELS]  # type: ignore[valid-type]
StatusFilter = Literal["received", "decided", "dead"]
Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
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


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_request", "Content-Length is not a number")
        if int(declared) > limit:
            raise ApiError(413, "payload_too_large", f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # a chunked body has no Content-Length: count as it streams
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def accept_event(services: Services, *, source: str, raw: bytes | str, idempotency_key: str | None,
                 strict: bool = True) -> repo.IntakeResult:
    """Store one payload durably (committed before returning), then hand it to the queue.

    The same function serves the API and `leadrelay import`.

    Raises:
        EventError: the payload is not a valid event (MalformedPayload when not a JSON object).
    """
    with services.sessions() as db:
        result = repo.intake_event(db, source=source, raw=raw, idempotency_key=idempotency_key,
                                   window_s=services.settings.idempotency_window_s, strict=strict)
        db.commit()
    if not result.duplicate:
        services.queue.hand_over(result.event_id)
    return result


_EVENT_SCHEMA = Event.model_json_schema()
_EVENT_SCHEMA["additionalProperties"] = False  # unknown keys are refused (422)


@router.post(
    "/events", status_code=202, response_model=EventAccepted, responses={
        200: {"model": EventAccepted, "description": "A retry of an event already accepted (`duplicate: true`)."},
        202: {"description": "Stored durably and queued for qualification."}, **_ERRORS},
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _EVENT_SCHEMA}}}},
    summary="Submit one inbound event (LeadBench event format)",
)
async def post_event(
    request: Request,
    response: Response,
    services: Annotated[Services, Depends(get_services)],
    source: Annotated[str, Depends(rate_limited_source)],
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=1, max_length=200,
                                                  description="Retries with the same key return the first "
                                                              "event instead of a new one.")] = None,
) -> EventAccepted:
    """Store an event durably before answering 202; a retry answers 200 with the same event id."""
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the event as Content-Type: application/json")
    body = await _read_body(request, services.settings.max_body_bytes)
    result = await run_in_threadpool(accept_event, services, source=source, raw=body,
                                     idempotency_key=idempotency_key)
    status_url = str(request.url_for("get_event", event_id=result.event_id).path)
    response.status_code = 200 if result.duplicate else 202
    response.headers["Location"] = status_url
    return EventAccepted(event_id=result.event_id, status_url=status_url, duplicate=result.duplicate)


@router.get("/events", response_model=EventPage, responses={401: {"model": ErrorBody}}, summary="List events")
def list_events(
    db: DbSession,
    _source: Source,
    source: str | None = None,
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
    owner: str | None = None,
    source: str | None = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DecisionPage:
    """Decisions, newest first, filtered by type, action, owner, the event's source and time."""
    page = repo.list_decisions(db, type=type, action=action, owner=owner, source=source, since=utc(since),
                               until=utc(until), cursor=cursor, limit=limit)
    return DecisionPage(items=[decision_read(row) for row in page.items], next_cursor=page.next_cursor)
