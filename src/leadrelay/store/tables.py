"""The service's tables: inbound events, leads, decisions, the lead timeline, jobs and API tokens.

Portable column types only, so the same schema runs on SQLite and PostgreSQL. Times are stored as
timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "EVENT_STATUSES",
    "JOB_STATES",
    "ApiToken",
    "Base",
    "DecisionRow",
    "EventRow",
    "IdempotencyKey",
    "Job",
    "LeadRow",
    "TimelineEntry",
    "utcnow",
]

EVENT_STATUSES = ("received", "decided", "dead")
# pending: committed, not yet handed to the queue; queued: in the queue; running: a worker has it;
# retrying: failed, a retry is scheduled; done: decided; dead: failed after the last retry.
JOB_STATES = ("pending", "queued", "running", "retrying", "done", "dead")


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware in UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every LeadRelay table."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class ApiToken(Base):
    """A per-source API token; only its sha256 is stored, the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)  # lookup key, safe to show in lists
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LeadRow(Base):
    """A person (and their company) merged across events by email, or by CRM account."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    account_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # The latest decision, copied here so lists of leads filter without a join.
    type: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str | None] = mapped_column(String(32), index=True)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class EventRow(Base):
    """One inbound event exactly as received, for replay, with where and when it came from."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    external_id: Mapped[str] = mapped_column(String(200), index=True)  # the `id` key of the payload
    channel: Mapped[str] = mapped_column(String(32), index=True)
    sender_email: Mapped[str | None] = mapped_column(String(320))
    idempotency_key: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)  # the raw body as received (UTF-8 JSON text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default="received", index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)


class IdempotencyKey(Base):
    """Which event a retry key maps to, until it expires; the unique key makes retries race-free."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of source + header or content
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    expires_at: Mapped[datetime] = mapped_column(index=True)


class DecisionRow(Base):
    """A decision for one event by one pipeline and workspace version; reasons kept as JSON."""

    __tablename__ = "decisions"
    __table_args__ = (UniqueConstraint("event_id", "pipeline_version", "workspace_version",
                                       name="uq_decisions_event_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    pipeline_version: Mapped[str] = mapped_column(String(200))
    workspace_version: Mapped[str] = mapped_column(String(200))
    model: Mapped[str] = mapped_column(String(200), default="")
    type: Mapped[str] = mapped_column(String(32), index=True)
    urgency: Mapped[str] = mapped_column(String(16))
    fit: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), index=True)
    owner: Mapped[str | None] = mapped_column(String(200), index=True)
    confidence: Mapped[float] = mapped_column(Float)
    account_id: Mapped[str | None] = mapped_column(String(64))
    duplicate_of: Mapped[str | None] = mapped_column(String(200))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    parse_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class TimelineEntry(Base):
    """Something that happened to an event (and its lead): received, decided, re-decided, failed."""

    __tablename__ = "timeline"
    __table_args__ = (Index("ix_timeline_lead_at", "lead_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    """The qualification job of one event: its state, attempts and last error (dead letters stay here)."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
