"""The service's tables: events, leads, decisions, timeline, jobs, tokens; actions, owners, timers; users.

Portable column types only, so the same schema runs on SQLite and PostgreSQL. Times are stored as
timezone-aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, cast

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ACTION_STATES",
    "ACTION_TABLE",
    "ASSIGNMENT_TABLE",
    "CRM_RECORD_TABLE",
    "DECISION_TABLE",
    "EVENT_STATUSES",
    "EVENT_TABLE",
    "IDEMPOTENCY_KEY_TABLE",
    "JOB_STATES",
    "JOB_TABLE",
    "LEAD_STATE_TABLE",
    "LEAD_STATUSES",
    "LEAD_TABLE",
    "OUTCOME_KINDS",
    "QUEUE_STATE_TABLE",
    "TIMELINE_TABLE",
    "TIMER_STATES",
    "TIMER_TABLE",
    "TOUCH_TABLE",
    "USER_ROLES",
    "Action",
    "ApiToken",
    "Assignment",
    "Base",
    "CrmRecord",
    "DecisionRow",
    "EventRow",
    "IdempotencyKey",
    "Job",
    "Label",
    "LeadRow",
    "LeadState",
    "Outcome",
    "QueueState",
    "TimelineEntry",
    "Timer",
    "Touch",
    "User",
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


# --- Routing in practice and actions (issue 4) -------------------------------------------------

# pending: written with its decision, not yet run; running: a worker has it; retrying: failed, the
# next attempt is due at `next_attempt_at`; done; dead: failed after the last attempt (shown to
# people, retried by hand); draft: kept for a person (an email not allowed to auto-send);
# cancelled: no longer needed (e.g. the lead was touched or opted out).
ACTION_STATES = ("pending", "running", "retrying", "done", "dead", "draft", "cancelled")
TIMER_STATES = ("pending", "fired", "cancelled")
LEAD_STATUSES = ("open", "touched", "closed")


class Assignment(Base):
    """Who a lead was given to, from which queue, and why (round robin, account owner, fallback)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_assignee_at", "assignee", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    queue: Mapped[str | None] = mapped_column(String(200), index=True)
    assignee: Mapped[str] = mapped_column(String(320))  # an owner's email
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(320), default="leadrelay")  # who assigned: the system or a person
    at: Mapped[datetime] = mapped_column(default=utcnow)


class QueueState(Base):
    """One row per queue: the round-robin position, locked while a member is picked."""

    __tablename__ = "queue_state"

    queue: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # e.g. smooth-weight counters
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Action(Base):
    """The outbox: one thing to do for a decision (CRM write, Slack alert, email), run by a worker.

    Written in the same transaction as its decision; `key` is unique, so planning twice or running
    twice never makes a second action.
    """

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_state_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # e.g. "crm:hubspot:decision:42"
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)  # crm, slack, email, ...
    target: Mapped[str] = mapped_column(String(64))  # builtin, hubspot, salesforce, slack, smtp
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what to do, fixed at planning
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # external ids, message id, ...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(default=None)


class CrmRecord(Base):
    """A record LeadRelay holds or wrote in a CRM: the built-in CRM's own rows, and the ids of
    records in HubSpot or Salesforce, so a second write updates instead of creating."""

    __tablename__ = "crm_records"
    __table_args__ = (UniqueConstraint("system", "object", "match_key", name="uq_crm_records_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system: Mapped[str] = mapped_column(String(32))  # builtin, hubspot, salesforce
    object: Mapped[str] = mapped_column(String(32))  # contact, company, lead, account, task
    match_key: Mapped[str] = mapped_column(String(320))  # email, domain, or a task's key
    external_id: Mapped[str] = mapped_column(String(200))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Timer(Base):
    """A due time of ours (an SLA, a reminder, a follow-up step), swept by a periodic task."""

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_state_due", "state", "due_at"),
                      UniqueConstraint("key", name="uq_timers_key"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))  # e.g. "sla:lead:7:decision:42:step:0"
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))
    kind: Mapped[str] = mapped_column(String(32))  # sla, reminder, follow_up
    step: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), default="pending")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)


class Touch(Base):
    """A person acting on a lead (a claim in Slack or the UI, a reply, a CRM activity, an API call)."""

    __tablename__ = "touches"
    __table_args__ = (Index("ix_touches_lead_at", "lead_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    source: Mapped[str] = mapped_column(String(32))  # slack, ui, email, crm, api
    kind: Mapped[str] = mapped_column(String(32), default="touch")  # claim, reply, activity, touch
    by: Mapped[str | None] = mapped_column(String(320))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LeadState(Base):
    """The working state of a lead beside its identity: assignee, status, first touch, opt-out."""

    __tablename__ = "lead_state"

    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"), primary_key=True)
    assignee: Mapped[str | None] = mapped_column(String(320), index=True)
    queue: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    source: Mapped[str | None] = mapped_column(String(64), index=True)  # where the lead first came from
    high_intent: Mapped[bool] = mapped_column(default=False)
    first_event_at: Mapped[datetime | None] = mapped_column(default=None)
    first_touch_at: Mapped[datetime | None] = mapped_column(default=None)
    opted_out_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- People, corrections and outcomes (issue 5) ------------------------------------------------

USER_ROLES = ("admin", "rep")
OUTCOME_KINDS = ("meeting_booked", "opportunity", "won", "lost")


class User(Base):
    """Someone who signs in to the web app; a rep's email is their owner email in the workspace."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16), default="rep")
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)


class Label(Base):
    """A person's verdict on a decision: accepted as is, or a field corrected (who and when)."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))  # type, action, owner, fields.company, ... or "*" (accepted)
    predicted: Mapped[str | None] = mapped_column(Text)
    corrected: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(320))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Outcome(Base):
    """What became of a lead: a meeting booked, an opportunity, won or lost (API, UI or CRM)."""

    __tablename__ = "outcomes"
    __table_args__ = (Index("ix_outcomes_lead_kind", "lead_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id"))
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[float | None] = mapped_column(Float, default=None)
    source: Mapped[str] = mapped_column(String(32), default="api")
    by: Mapped[str | None] = mapped_column(String(320))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# Core views of the tables, typed as `Table`: the hot paths (intake, jobs, actions) issue plain INSERT/UPDATE
# statements instead of going through the ORM's unit of work, which cost ~1 ms a row in flushes, identity
# map and event dispatch.
ACTION_TABLE = cast(Table, Action.__table__)
ASSIGNMENT_TABLE = cast(Table, Assignment.__table__)
CRM_RECORD_TABLE = cast(Table, CrmRecord.__table__)
DECISION_TABLE = cast(Table, DecisionRow.__table__)
EVENT_TABLE = cast(Table, EventRow.__table__)
IDEMPOTENCY_KEY_TABLE = cast(Table, IdempotencyKey.__table__)
JOB_TABLE = cast(Table, Job.__table__)
LEAD_TABLE = cast(Table, LeadRow.__table__)
LEAD_STATE_TABLE = cast(Table, LeadState.__table__)
QUEUE_STATE_TABLE = cast(Table, QueueState.__table__)
TIMELINE_TABLE = cast(Table, TimelineEntry.__table__)
TIMER_TABLE = cast(Table, Timer.__table__)
TOUCH_TABLE = cast(Table, Touch.__table__)
