"""Repository functions: the only code that reads and writes the service's tables.

Functions take the session first and keyword arguments after (``get_lead(db, lead_id=...)``); none of
them commits, so the caller decides what one unit of work is (the API commits before it answers 2xx).
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadrelay.errors import EventError
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.records import Decision, Event
from leadrelay.store.tables import (
    ApiToken,
    DecisionRow,
    EventRow,
    IdempotencyKey,
    Job,
    LeadRow,
    TimelineEntry,
    utcnow,
)

__all__ = [
    "EVENT_KEYS",
    "IntakeResult",
    "MalformedPayload",
    "Page",
    "authenticate",
    "claim_stalled_jobs",
    "content_key",
    "create_token",
    "decision_for_event",
    "event_decisions",
    "event_from_row",
    "event_job",
    "event_timeline",
    "get_event",
    "get_lead",
    "header_key",
    "intake_event",
    "lead_events",
    "lead_timeline",
    "list_decisions",
    "list_events",
    "list_leads",
    "mark_job",
    "record_failure",
    "save_decision",
    "sender_of",
    "validate_payload",
]

# The keys of the LeadBench event format; an API request with any other key is refused (a typo such as
# "bdy" must not silently drop the message text).
EVENT_KEYS = frozenset(Event.model_fields)
_LABEL_KEYS = frozenset({"gold", "notes"})  # allowed in imported files, never stored in the event's meaning
TOKEN_PREFIX = "lr_"
_PREFIX_LEN = 11

RowT = TypeVar("RowT", EventRow, LeadRow, DecisionRow)
T = TypeVar("T")


class MalformedPayload(EventError):
    """The body is not a JSON object at all (as opposed to an object with wrong keys)."""


@dataclass(frozen=True)
class IntakeResult:
    """What intake did with one payload: the stored event's id, and whether it was a retry."""

    event_id: int
    duplicate: bool
    event: Event | None = None  # the validated event, None for a duplicate


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, newest first, and the cursor for the next page (None on the last)."""

    items: list[T]
    next_cursor: int | None


# --- API tokens -------------------------------------------------------------------------------------------


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def create_token(db: Session, *, source: str) -> str:
    """Create an API token for `source` and return it; only its sha256 is stored, so show it once."""
    source = source.strip()
    if not source or len(source) > 64:
        raise ValueError("a source is 1 to 64 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(source=source, prefix=token[:_PREFIX_LEN], token_sha256=_sha256(token)))
    db.flush()
    return token


def authenticate(db: Session, *, token: str) -> str | None:
    """The source a bearer token belongs to, or None; hashes compared in constant time."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _sha256(token)
    rows = db.scalars(select(ApiToken).where(ApiToken.prefix == token[:_PREFIX_LEN],
                                             ApiToken.revoked_at.is_(None))).all()
    source = None
    for row in rows:  # compare every candidate, so timing does not tell how many prefixes matched
        if hmac.compare_digest(row.token_sha256, digest):
            source = row.source
    return source


# --- intake -----------------------------------------------------------------------------------------------


def header_key(source: str, key: str) -> str:
    """The idempotency key for a client's ``Idempotency-Key`` header (scoped to its source)."""
    return _sha256(f"header\0{source}\0{key}")


def content_key(source: str, data: dict[str, Any]) -> str:
    """The idempotency key of a payload without a header: hash of source, sender and canonical payload."""
    sender = str(data.get("from_email") or "").strip().lower()
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return _sha256(f"content\0{source}\0{sender}\0{canonical}")


def _decode(raw: str | bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
        raise MalformedPayload(f"the body is not valid JSON: {reason}{where}") from exc
    if not isinstance(data, dict):
        raise MalformedPayload(f"an event must be a JSON object, not {type(data).__name__}")
    return data


def validate_payload(data: dict[str, Any], *, strict: bool) -> Event:
    """The event in a decoded payload; `strict` refuses keys that are not part of the event format.

    Raises:
        EventError: naming each wrong key and why.
    """
    allowed = EVENT_KEYS if strict else EVENT_KEYS | _LABEL_KEYS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise EventError(f"unknown keys: {', '.join(unknown)}; an event has {', '.join(sorted(EVENT_KEYS))}")
    return parse_event(data)


def intake_event(
    db: Session,
    *,
    source: str,
    raw: str | bytes,
    idempotency_key: str | None = None,
    window_s: int,
    strict: bool = True,
    now: datetime | None = None,
) -> IntakeResult:
    """Store one inbound payload verbatim with its job, unless it repeats one seen within the window.

    Does not commit: the caller commits, then enqueues the job.

    Raises:
        MalformedPayload: the body is not a JSON object.
        EventError: the object is not a valid event.
    """
    data = _decode(raw)
    event = validate_payload(data, strict=strict)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    key = header_key(source, idempotency_key) if idempotency_key else content_key(source, data)
    now = now or utcnow()
    for attempt in range(3):
        known = db.get(IdempotencyKey, key)
        if known is not None and known.expires_at > now:
            return IntakeResult(event_id=known.event_id, duplicate=True)
        try:
            with db.begin_nested():
                row = _store_event(db, source=source, text=text, event=event, key=key, now=now)
                if known is not None:  # expired: the key now points at the new event
                    known.event_id = row.id
                    known.expires_at = now + timedelta(seconds=window_s)
                else:
                    db.add(IdempotencyKey(key=key, event_id=row.id, expires_at=now + timedelta(seconds=window_s)))
                db.flush()
            return IntakeResult(event_id=row.id, duplicate=False, event=event)
        except IntegrityError:
            # A concurrent request stored the same key (or created the same lead) first: look again.
            if attempt == 2:
                raise
            db.expire_all()
    raise AssertionError("unreachable")


def _store_event(db: Session, *, source: str, text: str, event: Event, key: str, now: datetime) -> EventRow:
    sender = (event.from_email or "").strip().lower() or None
    lead = _lead_by_email(db, email=sender, name=event.from_name, now=now) if sender else None
    row = EventRow(source=source, external_id=event.id, channel=event.channel, sender_email=sender,
                   idempotency_key=key, payload=text, received_at=now, status="received",
                   lead_id=lead.id if lead else None)
    db.add(row)
    db.flush()
    db.add(Job(event_id=row.id, state="pending", created_at=now, updated_at=now))
    db.add(TimelineEntry(event_id=row.id, lead_id=row.lead_id, kind="event_received", at=now,
                         detail={"source": source, "channel": event.channel, "external_id": event.id}))
    return row


def _lead_by_email(db: Session, *, email: str, name: str | None, now: datetime) -> LeadRow:
    lead = db.scalars(select(LeadRow).where(LeadRow.email == email)).first()
    if lead is None:
        lead = LeadRow(email=email, name=name, created_at=now, updated_at=now)
        db.add(lead)
        db.flush()
    elif name and not lead.name:
        lead.name = name
    return lead


def event_from_row(row: EventRow) -> Event:
    """The pipeline's event for a stored row, re-read from the verbatim payload."""
    data = json.loads(row.payload)
    return parse_event(data)


def sender_of(event: Event) -> tuple[str | None, str | None]:
    """(email, name) of the sender: the channel's sender, else the From header of a raw email."""
    if event.from_email:
        return event.from_email.strip().lower(), event.from_name
    if event.raw_email:
        head = event.raw_email.split("\n\n", 1)[0].split("\r\n\r\n", 1)[0]
        for line in head.splitlines():
            if line.lower().startswith("from:"):
                name, address = email.utils.parseaddr(line[5:].strip())
                return (address.lower() or None), (name or None)
    return None, event.from_name


# --- jobs and decisions -----------------------------------------------------------------------------------


def mark_job(db: Session, *, event_id: int, state: str, count_attempt: bool = False,
             from_states: tuple[str, ...] = ("pending", "queued", "running", "retrying")) -> None:
    """Move an event's job to `state` if it is in one of `from_states` (done and dead jobs stay put)."""
    values: dict[str, Any] = {"state": state, "updated_at": utcnow()}
    if count_attempt:
        values["attempts"] = Job.attempts + 1
    db.execute(update(Job).where(Job.event_id == event_id, Job.state.in_(from_states)).values(**values))


def record_failure(db: Session, *, event_id: int, error: str, final: bool) -> None:
    """Record a failed attempt; after the last one the event is a visible dead letter, never dropped."""
    now = utcnow()
    job = db.scalars(select(Job).where(Job.event_id == event_id)).one()
    job.state = "dead" if final else "retrying"
    job.last_error = error[:4000]
    job.updated_at = now
    event = db.get(EventRow, event_id)
    lead_id = event.lead_id if event else None
    if final and event is not None:
        event.status = "dead"
    db.add(TimelineEntry(event_id=event_id, lead_id=lead_id, kind="dead_lettered" if final else "failed",
                         at=now, detail={"error": error[:500], "attempts": job.attempts}))


def decision_for_event(db: Session, *, event_id: int, pipeline_version: str,
                       workspace_version: str) -> DecisionRow | None:
    """The decision already stored for this event by this pipeline and workspace version, if any."""
    return db.scalars(select(DecisionRow).where(
        DecisionRow.event_id == event_id, DecisionRow.pipeline_version == pipeline_version,
        DecisionRow.workspace_version == workspace_version)).first()


def save_decision(db: Session, *, event_id: int, decision: Decision, pipeline_version: str,
                  sender_email: str | None = None, sender_name: str | None = None) -> DecisionRow | None:
    """Store a decision, link the lead and close the job; None when this version already decided it."""
    if decision_for_event(db, event_id=event_id, pipeline_version=pipeline_version,
                          workspace_version=decision.workspace_version) is not None:
        return None
    now = utcnow()
    event = db.get(EventRow, event_id)
    if event is None:
        raise LookupError(f"no event {event_id}")
    earlier = db.scalar(select(func.count()).select_from(DecisionRow).where(DecisionRow.event_id == event_id))
    try:
        with db.begin_nested():
            lead = _lead_for_decision(db, event=event, decision=decision, email=sender_email, name=sender_name,
                                      now=now)
            row = DecisionRow(
                event_id=event_id, lead_id=lead.id if lead else None, pipeline_version=pipeline_version,
                workspace_version=decision.workspace_version, model=decision.model, type=decision.type,
                urgency=decision.urgency, fit=decision.fit, action=decision.action, owner=decision.owner,
                confidence=decision.confidence, account_id=decision.account_id,
                duplicate_of=decision.duplicate_of, fields=decision.fields.model_dump(mode="json"),
                reasons=[r.model_dump(mode="json") for r in decision.reasons],
                parse_error=decision.parse_error, created_at=now)
            db.add(row)
            db.flush()
    except IntegrityError:
        return None  # another worker stored the same decision first: this run is a no-op
    event.status = "decided"
    if lead is not None and event.lead_id != lead.id:
        event.lead_id = lead.id
        # The event's earlier entries now belong to the lead's timeline too.
        db.execute(update(TimelineEntry).where(TimelineEntry.event_id == event_id).values(lead_id=lead.id))
    db.execute(update(Job).where(Job.event_id == event_id).values(state="done", updated_at=now, last_error=None))
    db.add(TimelineEntry(event_id=event_id, lead_id=lead.id if lead else None,
                         kind="redecided" if earlier else "decided", at=now,
                         detail={"decision_id": row.id, "type": decision.type, "action": decision.action,
                                 "owner": decision.owner, "workspace_version": decision.workspace_version,
                                 "pipeline_version": pipeline_version}))
    return row


def _lead_for_decision(db: Session, *, event: EventRow, decision: Decision, email: str | None,
                       name: str | None, now: datetime) -> LeadRow | None:
    lead = db.get(LeadRow, event.lead_id) if event.lead_id else None
    if lead is None and email:
        lead = _lead_by_email(db, email=email, name=name, now=now)
    if lead is None and decision.account_id:
        # No address to tell people apart (a LinkedIn message, say): the account's lead stands for them.
        lead = db.scalars(select(LeadRow).where(LeadRow.account_id == decision.account_id)
                          .order_by(LeadRow.id)).first()
    if lead is None:
        if not (name or decision.fields.company):
            return None  # nothing to recognise this sender by again; the event stands alone
        lead = LeadRow(name=name, created_at=now, updated_at=now)
        db.add(lead)
    fields = decision.fields
    lead.company = fields.company or lead.company
    lead.role = fields.role or lead.role
    lead.country = fields.country or lead.country
    lead.account_id = decision.account_id or lead.account_id
    lead.name = lead.name or name
    lead.type, lead.action, lead.owner = decision.type, decision.action, decision.owner
    lead.updated_at = now
    db.flush()
    return lead


def claim_stalled_jobs(db: Session, *, older_than_s: float, limit: int = 500) -> list[int]:
    """Event ids whose job is neither done nor dead and has not moved for `older_than_s`; claims them.

    Claiming bumps ``updated_at``, so several sweepers do not re-enqueue the same event twice in a row.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    stalled = db.execute(select(Job.id, Job.event_id, Job.updated_at).where(
        Job.state.in_(("pending", "queued", "running", "retrying")), Job.updated_at < cutoff)
        .order_by(Job.id).limit(limit)).all()
    claimed: list[int] = []
    now = utcnow()
    for job_id, event_id, seen in stalled:
        # Compare-and-set on updated_at: only one sweeper wins each job.
        result = db.execute(update(Job).where(Job.id == job_id, Job.updated_at == seen)
                            .values(state="queued", updated_at=now))
        if result.rowcount:  # type: ignore[attr-defined]
            claimed.append(event_id)
            db.add(TimelineEntry(event_id=event_id, kind="requeued", at=now,
                                 detail={"reason": f"no progress for {older_than_s:g}s"}))
    return claimed


# --- reads ------------------------------------------------------------------------------------------------


def _page(db: Session, query: Select[RowT], id_column: Any, *, cursor: int | None,
          limit: int) -> Page[RowT]:
    if cursor is not None:
        query = query.where(id_column < cursor)
    rows = list(db.scalars(query.order_by(id_column.desc()).limit(limit + 1)).all())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=rows[-1].id if more and rows else None)


def _between(column: Any, since: datetime | None, until: datetime | None) -> list[Any]:
    conditions = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def get_event(db: Session, *, event_id: int) -> EventRow | None:
    """One stored event by id."""
    return db.get(EventRow, event_id)


def list_events(db: Session, *, source: str | None = None, channel: str | None = None, status: str | None = None,
                since: datetime | None = None, until: datetime | None = None, cursor: int | None = None,
                limit: int = 50) -> Page[EventRow]:
    """Stored events, newest first, filtered by source, channel, status and received time."""
    conditions = _between(EventRow.received_at, since, until)
    for column, value in ((EventRow.source, source), (EventRow.channel, channel), (EventRow.status, status)):
        if value is not None:
            conditions.append(column == value)
    return _page(db, select(EventRow).where(and_(True, *conditions)), EventRow.id, cursor=cursor, limit=limit)


def get_lead(db: Session, *, lead_id: int) -> LeadRow | None:
    """One lead by id."""
    return db.get(LeadRow, lead_id)


def list_leads(db: Session, *, type: str | None = None, action: str | None = None, owner: str | None = None,
               source: str | None = None, since: datetime | None = None, until: datetime | None = None,
               cursor: int | None = None, limit: int = 50) -> Page[LeadRow]:
    """Leads, newest first, filtered by their latest decision and by when they last changed."""
    conditions = _between(LeadRow.updated_at, since, until)
    for column, value in ((LeadRow.type, type), (LeadRow.action, action), (LeadRow.owner, owner)):
        if value is not None:
            conditions.append(column == value)
    if source is not None:
        conditions.append(LeadRow.id.in_(select(EventRow.lead_id).where(EventRow.source == source)))
    return _page(db, select(LeadRow).where(and_(True, *conditions)), LeadRow.id, cursor=cursor, limit=limit)


def lead_timeline(db: Session, *, lead_id: int) -> Sequence[TimelineEntry]:
    """Everything that happened to a lead, oldest first."""
    return db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == lead_id)
                      .order_by(TimelineEntry.at, TimelineEntry.id)).all()


def event_timeline(db: Session, *, event_id: int) -> Sequence[TimelineEntry]:
    """Everything that happened to one event, oldest first."""
    return db.scalars(select(TimelineEntry).where(TimelineEntry.event_id == event_id)
                      .order_by(TimelineEntry.at, TimelineEntry.id)).all()


def event_decisions(db: Session, *, event_id: int) -> Sequence[DecisionRow]:
    """Every decision of one event, oldest first (one per pipeline and workspace version)."""
    return db.scalars(select(DecisionRow).where(DecisionRow.event_id == event_id).order_by(DecisionRow.id)).all()


def event_job(db: Session, *, event_id: int) -> Job | None:
    """The qualification job of one event."""
    return db.scalars(select(Job).where(Job.event_id == event_id)).first()


def lead_events(db: Session, *, lead_id: int, limit: int = 200) -> Sequence[EventRow]:
    """A lead's events, newest first."""
    return db.scalars(select(EventRow).where(EventRow.lead_id == lead_id)
                      .order_by(EventRow.id.desc()).limit(limit)).all()


def list_decisions(db: Session, *, type: str | None = None, action: str | None = None, owner: str | None = None,
                   source: str | None = None, since: datetime | None = None, until: datetime | None = None,
                   cursor: int | None = None, limit: int = 50) -> Page[DecisionRow]:
    """Decisions, newest first, filtered by type, action, owner, the event's source and decision time."""
    conditions = _between(DecisionRow.created_at, since, until)
    for column, value in ((DecisionRow.type, type), (DecisionRow.action, action), (DecisionRow.owner, owner)):
        if value is not None:
            conditions.append(column == value)
    if source is not None:
        conditions.append(DecisionRow.event_id.in_(select(EventRow.id).where(EventRow.source == source)))
    return _page(db, select(DecisionRow).where(and_(True, *conditions)), DecisionRow.id, cursor=cursor,
                 limit=limit)
