"""Repository functions: the only code that reads and writes the service's tables.

Functions take the session first and keyword arguments after (``get_lead(db, lead_id=...)``); none of
them commits, so the caller decides what one unit of work is (the API commits before it answers 2xx).
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import (
    Connection,
    CursorResult,
    Engine,
    Select,
    String,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadrelay.errors import EventError
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.records import Decision, Event
from leadrelay.store.db import read_only
from leadrelay.store.intake_statements import IntakeStatements, intake_statements
from leadrelay.store.tables import DECISION_TABLE as _DECISIONS
from leadrelay.store.tables import EVENT_TABLE as _EVENTS
from leadrelay.store.tables import JOB_TABLE as _JOBS
from leadrelay.store.tables import LEAD_TABLE as _LEADS
from leadrelay.store.tables import TIMELINE_TABLE as _TIMELINE
from leadrelay.store.tables import (
    ApiToken,
    Base,
    DecisionRow,
    EventRow,
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
    "PreparedIntake",
    "StoredDecision",
    "StoredEvent",
    "authenticate",
    "claim_stalled_jobs",
    "content_key",
    "create_token",
    "decision_for_event",
    "decision_ids_after",
    "decisions_since",
    "event_decisions",
    "event_from_payload",
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
    "load_job",
    "load_jobs",
    "mark_job",
    "prepare_intake",
    "record_failure",
    "save_decision",
    "sender_of",
    "store_intake",
    "store_intakes",
    "stored_decisions",
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


# Two columns rather than ORM objects: this runs on every authenticated request.
_SELECT_TOKENS = select(ApiToken.source, ApiToken.token_sha256).where(
    ApiToken.prefix == bindparam("b_prefix"), ApiToken.revoked_at.is_(None))


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
    params = {"b_prefix": token[:_PREFIX_LEN]}
    bind = db.get_bind()
    if not db.in_transaction() and isinstance(bind, Engine):
        # Every request authenticates: a fresh session reads on its own read-only connection, so on
        # SQLite it neither takes nor waits for the write lock.
        with read_only(bind).connect() as conn:
            rows = conn.execute(_SELECT_TOKENS, params).all()
    else:
        rows = db.execute(_SELECT_TOKENS, params).all()
    source = None
    for row_source, row_digest in rows:  # compare every candidate: timing must not tell how many matched
        if hmac.compare_digest(row_digest, digest):
            source = row_source
    return source


# --- intake -----------------------------------------------------------------------------------------------

# Built once: SQLAlchemy caches the compiled SQL by statement, so reusing the objects skips rebuilding them.
_SELECT_LEAD_BY_EMAIL = select(_LEADS.c.id, _LEADS.c.name).where(_LEADS.c.email == bindparam("email"))
_INSERT_LEAD = insert(_LEADS)
_NAME_LEAD = update(_LEADS).where(_LEADS.c.id == bindparam("b_lead_id"), _LEADS.c.name.is_(None)).values(
    name=bindparam("new_name"))
_INSERT_TIMELINE = insert(_TIMELINE)


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


def validate_payload(data: dict[str, Any], *, strict: bool, raw: str | bytes | None = None) -> Event:
    """The event in a decoded payload; `strict` refuses keys that are not part of the event format.

    `raw`, the JSON text `data` was decoded from, lets a payload without a ``\\u0000`` or ``\\ud800``-
    ``\\udfff`` escape skip the walk for characters no database stores (JSON text can carry a NUL or an
    unpaired surrogate only as such an escape).

    Raises:
        EventError: naming each wrong key and why.
    """
    allowed = EVENT_KEYS if strict else EVENT_KEYS | _LABEL_KEYS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise EventError(f"unknown keys: {', '.join(unknown)}; an event has {', '.join(sorted(EVENT_KEYS))}")
    may_hold = (raw is None or (_UNSTORABLE_ESCAPE_BYTES.search(raw) if isinstance(raw, bytes)
                                else _UNSTORABLE_ESCAPE.search(raw)) is not None)
    if may_hold:
        found = _unstorable_at(data)
        if found is not None:
            # PostgreSQL cannot store NUL in text, UTF-8 cannot encode a lone surrogate, and no real
            # message carries either: refuse them at the door rather than fail later in the database.
            where, what = found
            raise EventError(f"{where}: text may not contain {what}")
    return parse_event(data)


_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")
_UNSTORABLE_ESCAPE_BYTES = re.compile(_UNSTORABLE_ESCAPE.pattern.encode())
_UNSTORABLE_CHAR = re.compile("[\x00\ud800-\udfff]")


def _unstorable_at(value: Any, where: str = "event") -> tuple[str, str] | None:
    """Where a NUL or an unpaired surrogate is in a decoded payload, and which of the two."""
    if isinstance(value, str):
        match = _UNSTORABLE_CHAR.search(value)
        if match is None:
            return None
        return where, "NUL (\\u0000) characters" if match.group() == "\x00" else "unpaired surrogates"
    if isinstance(value, dict):
        for key, item in value.items():
            found = _unstorable_at(key, where) or _unstorable_at(
                item, f"{where}.{key}" if where != "event" else str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _unstorable_at(item, f"{where}[{i}]")
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class PreparedIntake:
    """A payload checked and keyed, ready to store: the CPU work of intake, done outside any transaction."""

    source: str
    text: str
    event: Event
    key: str
    received_at: datetime
    window_s: int

    @property
    def sender(self) -> str | None:
        """The sender's address as stored (lower case), if the channel gave one."""
        return (self.event.from_email or "").strip().lower() or None


def prepare_intake(*, source: str, raw: str | bytes, window_s: int, idempotency_key: str | None = None,
                   strict: bool = True, now: datetime | None = None) -> PreparedIntake:
    """Decode, validate and key one payload (no database work), stamping the time it was received.

    Raises:
        MalformedPayload: the body is not a JSON object.
        EventError: the object is not a valid event.
    """
    data = _decode(raw)
    event = validate_payload(data, strict=strict, raw=raw)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw  # _decode proved it is UTF-8
    key = header_key(source, idempotency_key) if idempotency_key else content_key(source, data)
    return PreparedIntake(source=source, text=text, event=event, key=key, received_at=now or utcnow(),
                          window_s=window_s)


def store_intakes(conn: Connection, batch: Sequence[PreparedIntake]) -> list[IntakeResult]:
    """Store prepared payloads with their jobs and timeline entries, in order, in a few set-wise statements.

    A payload whose key maps to a live event (stored earlier, or earlier in this batch) is a duplicate.
    Does not commit. A concurrent store of the same key or lead by another process raises
    IntegrityError; the caller rolls back and stores again, and the second pass finds the winner's event.
    """
    statements = intake_statements(conn)
    known = statements.live_keys(list({p.key for p in batch}))
    results: list[IntakeResult | int] = []  # an int: same key as that earlier index of this batch
    fresh: list[int] = []
    first_of_key: dict[str, int] = {}
    for i, prepared in enumerate(batch):
        hit = known.get(prepared.key)
        if hit is not None and hit[1] > prepared.received_at:
            results.append(IntakeResult(event_id=hit[0], duplicate=True))
        elif prepared.key in first_of_key:
            results.append(first_of_key[prepared.key])
        else:
            first_of_key[prepared.key] = i
            fresh.append(i)
            results.append(-1)
    if fresh:
        rows = [batch[i] for i in fresh]
        leads = _leads_by_email(statements, rows)
        event_ids = statements.insert_events([{
            "source": p.source, "external_id": p.event.id, "channel": p.event.channel, "sender_email": p.sender,
            "idempotency_key": p.key, "payload": p.text, "received_at": p.received_at, "status": "received",
            "lead_id": leads.get(p.sender or "")} for p in rows])
        statements.insert_jobs([{"event_id": event_id, "state": "pending", "attempts": 0,
                                 "created_at": p.received_at, "updated_at": p.received_at}
                                for p, event_id in zip(rows, event_ids, strict=True)])
        statements.insert_timeline([{"event_id": event_id, "lead_id": leads.get(p.sender or ""),
                                     "kind": "event_received", "at": p.received_at,
                                     "detail": {"source": p.source, "channel": p.event.channel,
                                                "external_id": p.event.id}}
                                    for p, event_id in zip(rows, event_ids, strict=True)])
        new_keys: list[dict[str, Any]] = []
        moved_keys: list[tuple[str, int, datetime]] = []
        for p, event_id in zip(rows, event_ids, strict=True):
            expires_at = p.received_at + timedelta(seconds=p.window_s)
            if p.key in known:  # expired: the key now points at the new event
                moved_keys.append((p.key, event_id, expires_at))
            else:
                new_keys.append({"key": p.key, "event_id": event_id, "expires_at": expires_at})
        if new_keys:
            statements.insert_keys(new_keys)
        if moved_keys:
            statements.move_keys(moved_keys)
        for i, event_id in zip(fresh, event_ids, strict=True):
            results[i] = IntakeResult(event_id=event_id, duplicate=False, event=batch[i].event)
    out: list[IntakeResult] = []
    for result in results:
        if isinstance(result, int):
            first = results[result]
            assert isinstance(first, IntakeResult)
            out.append(IntakeResult(event_id=first.event_id, duplicate=True))
        else:
            out.append(result)
    return out


def store_intake(db: Session | Connection, prepared: PreparedIntake) -> IntakeResult:
    """Store one prepared payload (see `store_intakes`); a lost race with another process is retried.

    Does not commit.
    """
    conn = _connection(db)
    for attempt in range(3):
        try:
            with conn.begin_nested():
                return store_intakes(conn, [prepared])[0]
        except IntegrityError:
            # A concurrent request stored the same key (or created the same lead) first: look again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def intake_event(
    db: Session | Connection,
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
    prepared = prepare_intake(source=source, raw=raw, window_s=window_s, idempotency_key=idempotency_key,
                              strict=strict, now=now)
    return store_intake(db, prepared)


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise LookupError("the insert returned no primary key")
    return int(key[0])


def _leads_by_email(statements: IntakeStatements, batch: Sequence[PreparedIntake]) -> dict[str, int]:
    # The first name seen for an address names its lead; a lead without a name gets one when it comes.
    names: dict[str, str | None] = {}
    for p in batch:
        if p.sender is not None and not names.get(p.sender):
            names[p.sender] = p.event.from_name
    if not names:
        return {}
    leads: dict[str, int] = {}
    unnamed: list[tuple[int, str]] = []
    for lead_id, address, name in statements.leads_by_email(list(names)):
        leads[address] = lead_id
        new_name = names[address]
        if new_name and not name:
            unnamed.append((lead_id, new_name))
    if unnamed:
        statements.name_leads(unnamed)
    missing = [email for email in names if email not in leads]
    if missing:
        now = batch[0].received_at
        leads.update(statements.insert_leads([{"email": address, "name": names[address], "created_at": now,
                                               "updated_at": now} for address in missing]))
    return leads


def _lead_by_email(conn: Connection, *, email: str, name: str | None, now: datetime) -> int:
    lead = conn.execute(_SELECT_LEAD_BY_EMAIL, {"email": email}).first()
    if lead is None:
        return _new_id(conn.execute(_INSERT_LEAD, {"email": email, "name": name, "created_at": now,
                                                   "updated_at": now}))
    if name and not lead.name:
        conn.execute(_NAME_LEAD, {"b_lead_id": lead.id, "new_name": name})
    return int(lead.id)


def event_from_row(row: EventRow) -> Event:
    """The pipeline's event for a stored row, re-read from the verbatim payload."""
    return event_from_payload(row.payload)


def event_from_payload(payload: str) -> Event:
    """The pipeline's event for a stored payload (the body exactly as received)."""
    return parse_event(json.loads(payload))


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

_SELECT_EVENT_FOR_JOB = select(_EVENTS.c.payload, _EVENTS.c.lead_id).where(_EVENTS.c.id == bindparam("b_event_id"))
_SELECT_EVENT_FOR_SAVE = select(_EVENTS.c.lead_id, _EVENTS.c.status).where(_EVENTS.c.id == bindparam("b_event_id"))
# The event and, in the same read, this version's decision if there is one.
_SELECT_EVENT_AND_DECISION = select(_EVENTS.c.payload, _DECISIONS.c.id.label("decision_id")).select_from(
    _EVENTS.outerjoin(_DECISIONS, and_(_DECISIONS.c.event_id == _EVENTS.c.id,
                                       _DECISIONS.c.pipeline_version == bindparam("b_pipeline_version"),
                                       _DECISIONS.c.workspace_version == bindparam("b_workspace_version")))
).where(_EVENTS.c.id == bindparam("b_event_id"))
_SELECT_EVENTS_AND_DECISIONS = select(
    _EVENTS.c.id, _EVENTS.c.payload, _DECISIONS.c.id.label("decision_id")).select_from(
    _EVENTS.outerjoin(_DECISIONS, and_(_DECISIONS.c.event_id == _EVENTS.c.id,
                                       _DECISIONS.c.pipeline_version == bindparam("b_pipeline_version"),
                                       _DECISIONS.c.workspace_version == bindparam("b_workspace_version")))
).where(_EVENTS.c.id.in_(bindparam("b_event_ids", expanding=True)))
# One decision per event and version: the unique key settles races, without a savepoint where the
# dialect can skip a conflicting row (SQLite, PostgreSQL).
_DECISION_KEY = ["event_id", "pipeline_version", "workspace_version"]
_INSERT_DECISION_ONCE = {
    "sqlite": sqlite_insert(_DECISIONS).on_conflict_do_nothing(index_elements=_DECISION_KEY).returning(
        _DECISIONS.c.id),
    "postgresql": pg_insert(_DECISIONS).on_conflict_do_nothing(index_elements=_DECISION_KEY).returning(
        _DECISIONS.c.id),
}
_SELECT_LEAD_BY_ACCOUNT = (select(_LEADS.c.id).where(_LEADS.c.account_id == bindparam("b_account_id"))
                           .order_by(_LEADS.c.id).limit(1))
# The latest decision is copied onto the lead; a field the decision does not know keeps its old value.
_UPDATE_LEAD = update(_LEADS).where(_LEADS.c.id == bindparam("b_lead_id")).values(
    company=func.coalesce(bindparam("new_company", type_=String), _LEADS.c.company),
    role=func.coalesce(bindparam("new_role", type_=String), _LEADS.c.role),
    country=func.coalesce(bindparam("new_country", type_=String), _LEADS.c.country),
    account_id=func.coalesce(bindparam("new_account_id", type_=String), _LEADS.c.account_id),
    name=func.coalesce(_LEADS.c.name, bindparam("new_name", type_=String)),
    type=bindparam("new_type"), action=bindparam("new_action"), owner=bindparam("new_owner"),
    updated_at=bindparam("new_updated_at"))
_INSERT_DECISION = insert(_DECISIONS)
_DECIDE_EVENT = update(_EVENTS).where(_EVENTS.c.id == bindparam("b_event_id")).values(
    status="decided", lead_id=bindparam("new_lead_id"))
_MOVE_TIMELINE = update(_TIMELINE).where(_TIMELINE.c.event_id == bindparam("b_event_id")).values(
    lead_id=bindparam("new_lead_id"))
_CLOSE_JOB = update(_JOBS).where(_JOBS.c.event_id == bindparam("b_event_id")).values(
    state="done", updated_at=bindparam("new_updated_at"), last_error=None)
_CLOSE_JOB_COUNTED = update(_JOBS).where(_JOBS.c.event_id == bindparam("b_event_id")).values(
    state="done", updated_at=bindparam("new_updated_at"), last_error=None, attempts=_JOBS.c.attempts + 1)
_OPEN_STATES = ("pending", "queued", "running", "retrying")
_MOVE_OPEN_JOB = update(_JOBS).where(_JOBS.c.event_id == bindparam("b_event_id"), _JOBS.c.state.in_(_OPEN_STATES)
                                     ).values(state=bindparam("new_state"), updated_at=bindparam("new_updated_at"))


def _connection(db: Session | Connection) -> Connection:
    return db.connection() if isinstance(db, Session) else db


def mark_job(db: Session | Connection, *, event_id: int, state: str, count_attempt: bool = False,
             from_states: tuple[str, ...] = _OPEN_STATES) -> None:
    """Move an event's job to `state` if it is in one of `from_states` (done and dead jobs stay put)."""
    values: dict[str, Any] = {"state": state, "updated_at": utcnow()}
    if count_attempt:
        values["attempts"] = _JOBS.c.attempts + 1
    _connection(db).execute(update(_JOBS).where(_JOBS.c.event_id == event_id, _JOBS.c.state.in_(from_states))
                            .values(**values))


def record_failure(db: Session | Connection, *, event_id: int, error: str, final: bool) -> None:
    """Record a failed attempt; after the last one the event is a visible dead letter, never dropped."""
    conn = _connection(db)
    now = utcnow()
    conn.execute(update(_JOBS).where(_JOBS.c.event_id == event_id).values(
        state="dead" if final else "retrying", last_error=error[:4000], updated_at=now))
    attempts = conn.execute(select(_JOBS.c.attempts).where(_JOBS.c.event_id == event_id)).scalar_one()
    lead_id = conn.execute(select(_EVENTS.c.lead_id).where(_EVENTS.c.id == event_id)).scalar()
    if final:
        conn.execute(update(_EVENTS).where(_EVENTS.c.id == event_id).values(status="dead"))
    conn.execute(_INSERT_TIMELINE, {"event_id": event_id, "lead_id": lead_id,
                                    "kind": "dead_lettered" if final else "failed", "at": now,
                                    "detail": {"error": error[:500], "attempts": attempts}})


def decision_for_event(db: Session, *, event_id: int, pipeline_version: str,
                       workspace_version: str) -> DecisionRow | None:
    """The decision already stored for this event by this pipeline and workspace version, if any."""
    return db.scalars(select(DecisionRow).where(
        DecisionRow.event_id == event_id, DecisionRow.pipeline_version == pipeline_version,
        DecisionRow.workspace_version == workspace_version)).first()


@dataclass(frozen=True)
class StoredEvent:
    """What a job needs of a stored event: its payload, and whether this version already decided it."""

    event_id: int
    payload: str
    decided: bool


def load_jobs(conn: Connection, *, event_ids: Sequence[int], pipeline_version: str,
              workspace_version: str) -> dict[int, StoredEvent]:
    """`load_job` for several events in one read; missing events are left out."""
    rows = conn.execute(_SELECT_EVENTS_AND_DECISIONS, {
        "b_event_ids": list(event_ids), "b_pipeline_version": pipeline_version,
        "b_workspace_version": workspace_version}).all()
    return {row.id: StoredEvent(event_id=row.id, payload=row.payload, decided=row.decision_id is not None)
            for row in rows}


def load_job(conn: Connection, *, event_id: int, pipeline_version: str,
             workspace_version: str) -> StoredEvent | None:
    """What a job needs of an event, in one read; None when the event is missing."""
    row = conn.execute(_SELECT_EVENT_AND_DECISION, {"b_event_id": event_id, "b_pipeline_version": pipeline_version,
                                                    "b_workspace_version": workspace_version}).first()
    if row is None:
        return None
    return StoredEvent(event_id=event_id, payload=row.payload, decided=row.decision_id is not None)


def save_decision(db: Session | Connection, *, event_id: int, decision: Decision, pipeline_version: str,
                  sender_email: str | None = None, sender_name: str | None = None,
                  count_attempt: bool = False) -> DecisionRow | None:
    """Store a decision, link the lead and close the job; None when this version already decided it.

    `count_attempt` counts the run that made the decision among the job's attempts (the job path does,
    so a successful job costs one write transaction). Returns the stored decision as a detached row.
    Does not commit.
    """
    conn = _connection(db)
    event = conn.execute(_SELECT_EVENT_FOR_SAVE, {"b_event_id": event_id}).first()
    if event is None:
        raise LookupError(f"no event {event_id}")
    now = utcnow()
    # The lead first, so the decision row is written once, with its lead. On the rare no-op (a rerun or a
    # lost race) the lead is stamped again with the same decision's values, inside the caller's transaction.
    intake_lead_id = event.lead_id
    if decision.lead_email and decision.lead_email != (sender_email or "").lower():
        # An intro a colleague forwarded: intake linked the forwarder; the lead is the person introduced.
        sender_email, sender_name, intake_lead_id = decision.lead_email, decision.lead_name, None
    lead_id = _lead_for_decision(conn, lead_id=intake_lead_id, decision=decision, email=sender_email,
                                 name=sender_name, now=now)
    values: dict[str, Any] = {
        "event_id": event_id, "lead_id": lead_id, "pipeline_version": pipeline_version,
        "workspace_version": decision.workspace_version, "model": decision.model, "type": decision.type,
        "urgency": decision.urgency, "fit": decision.fit, "action": decision.action, "owner": decision.owner,
        "confidence": decision.confidence, "account_id": decision.account_id,
        "duplicate_of": decision.duplicate_of, "fields": decision.fields.model_dump(mode="json"),
        "reasons": [r.model_dump(mode="json") for r in decision.reasons], "parse_error": decision.parse_error,
        "created_at": now}
    decision_id = _insert_decision_once(conn, values)
    if decision_id is None:
        return None  # decided before, or another worker stored the same decision first: a no-op
    if lead_id is not None and event.lead_id != lead_id:
        # The event's earlier entries now belong to the lead's timeline too.
        conn.execute(_MOVE_TIMELINE, {"b_event_id": event_id, "new_lead_id": lead_id})
    conn.execute(_DECIDE_EVENT, {"b_event_id": event_id, "new_lead_id": lead_id if lead_id is not None
                                 else event.lead_id})
    if event.lead_id is not None and lead_id is not None and event.lead_id != lead_id:
        _drop_if_orphan(conn, lead_id=event.lead_id)
    conn.execute(_CLOSE_JOB_COUNTED if count_attempt else _CLOSE_JOB, {"b_event_id": event_id,
                                                                      "new_updated_at": now})
    conn.execute(_INSERT_TIMELINE, {
        "event_id": event_id, "lead_id": lead_id, "kind": "redecided" if event.status == "decided" else "decided",
        "at": now,
        "detail": {"decision_id": decision_id, "type": decision.type, "action": decision.action,
                   "owner": decision.owner, "workspace_version": decision.workspace_version,
                   "pipeline_version": pipeline_version}})
    return DecisionRow(id=decision_id, **values)


def _drop_if_orphan(conn: Connection, *, lead_id: int) -> None:
    """Delete a lead intake made for an event that turned out to be about someone else (an intro's forwarder),
    when nothing else refers to it."""
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column is _LEADS.c.id for fk in column.foreign_keys) and conn.execute(
                    select(column).where(column == lead_id).limit(1)).first() is not None:
                return
    conn.execute(delete(_LEADS).where(_LEADS.c.id == lead_id))


def _insert_decision_once(conn: Connection, values: dict[str, Any]) -> int | None:
    statement = _INSERT_DECISION_ONCE.get(conn.dialect.name)
    if statement is not None:
        return conn.execute(statement, values).scalar()
    try:
        with conn.begin_nested():
            return _new_id(conn.execute(_INSERT_DECISION, values))
    except IntegrityError:
        return None


def _lead_for_decision(conn: Connection, *, lead_id: int | None, decision: Decision, email: str | None,
                       name: str | None, now: datetime) -> int | None:
    if lead_id is None and email:
        lead_id = _lead_by_email(conn, email=email, name=name, now=now)
    if lead_id is None and decision.account_id:
        # No address to tell people apart (a LinkedIn message, say): the account's lead stands for them.
        lead_id = conn.execute(_SELECT_LEAD_BY_ACCOUNT, {"b_account_id": decision.account_id}).scalar()
    fields = decision.fields
    if lead_id is None:
        if not (name or fields.company):
            return None  # nothing to recognise this sender by again; the event stands alone
        lead_id = _new_id(conn.execute(_INSERT_LEAD, {"name": name, "created_at": now, "updated_at": now}))
    conn.execute(_UPDATE_LEAD, {
        "b_lead_id": lead_id, "new_company": fields.company or None, "new_role": fields.role or None,
        "new_country": fields.country or None, "new_account_id": decision.account_id or None,
        "new_name": name or None, "new_type": decision.type, "new_action": decision.action,
        "new_owner": decision.owner, "new_updated_at": now})
    return lead_id


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


# Ids are INTEGER columns: 32-bit on PostgreSQL. A larger number from a URL names no row, and would
# make the driver raise (PostgreSQL: integer out of range; SQLite beyond 64 bits: OverflowError).
_MAX_ID = 2**31 - 1


def _is_id(value: int) -> bool:
    return 1 <= value <= _MAX_ID


def _page(db: Session, query: Select[RowT], id_column: Any, *, cursor: int | None,
          limit: int) -> Page[RowT]:
    if cursor is not None:
        query = query.where(id_column < min(cursor, _MAX_ID))
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
    return db.get(EventRow, event_id) if _is_id(event_id) else None


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
    return db.get(LeadRow, lead_id) if _is_id(lead_id) else None


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


# --- the stream's memory, shared between consumers --------------------------------------------------------


@dataclass(frozen=True)
class StoredDecision:
    """What a consumer needs to replay a decision into its pipeline's memory (no reasons, no actions)."""

    decision_id: int
    payload: str  # the event's body as received
    type: str
    account_id: str | None
    duplicate_of: str | None
    fields: dict[str, Any]
    model: str
    parse_error: str | None


# Built once: the catch-up runs before every job, and most of the time finds nothing new.
_NEWEST_DECISION_IDS = (select(_DECISIONS.c.id).where(_DECISIONS.c.id > bindparam("b_after_id"))
                        .order_by(_DECISIONS.c.id.desc()).limit(bindparam("b_limit")))
_NEWEST_DECISION_IDS_AND = (select(_DECISIONS.c.id).where(
    (_DECISIONS.c.id > bindparam("b_after_id")) | _DECISIONS.c.id.in_(bindparam("b_also_ids", expanding=True)))
    .order_by(_DECISIONS.c.id.desc()).limit(bindparam("b_limit")))
_STORED_DECISIONS = select(
    _DECISIONS.c.id, _EVENTS.c.payload, _DECISIONS.c.type, _DECISIONS.c.account_id, _DECISIONS.c.duplicate_of,
    _DECISIONS.c.fields, _DECISIONS.c.model, _DECISIONS.c.parse_error, _EVENTS.c.received_at,
    _EVENTS.c.id.label("event_id"),
).select_from(_DECISIONS.join(_EVENTS, _EVENTS.c.id == _DECISIONS.c.event_id)).where(
    _DECISIONS.c.pipeline_version == bindparam("b_pipeline_version"),
    _DECISIONS.c.workspace_version == bindparam("b_workspace_version"))
_STORED_DECISIONS_BY_ID = _STORED_DECISIONS.where(_DECISIONS.c.id.in_(bindparam("b_decision_ids", expanding=True)))


def decision_ids_after(conn: Connection, *, after_id: int, limit: int, also_ids: Sequence[int] = ()) -> list[int]:
    """Ids of the decisions (of any version) stored after decision `after_id`, and those of `also_ids` that
    are stored; at most `limit`, the highest, in ascending order."""
    params: dict[str, Any] = {"b_after_id": after_id, "b_limit": limit}
    if also_ids:
        params["b_also_ids"] = list(also_ids)
    rows = conn.execute(_NEWEST_DECISION_IDS_AND if also_ids else _NEWEST_DECISION_IDS, params).all()
    return [row[0] for row in reversed(rows)]


def decisions_since(conn: Connection, *, after_id: int, pipeline_version: str, workspace_version: str,
                    limit: int, received_since: datetime | None = None) -> list[StoredDecision]:
    """This version's decisions stored after decision `after_id`; with `received_since`, only those of
    events received then or later.

    At most `limit`, the newest when there are more, in the events' arrival order (received_at, then id).
    """
    query = _STORED_DECISIONS.where(_DECISIONS.c.id > bindparam("b_after_id"))
    if received_since is not None:
        query = query.where(_EVENTS.c.received_at >= received_since)
    return _stored_decisions(conn, query.order_by(_DECISIONS.c.id.desc()).limit(limit), {
        "b_after_id": after_id, "b_pipeline_version": pipeline_version, "b_workspace_version": workspace_version})


def stored_decisions(conn: Connection, *, decision_ids: Sequence[int], pipeline_version: str,
                     workspace_version: str) -> list[StoredDecision]:
    """Those of `decision_ids` that this version made, in the events' arrival order (received_at, then id)."""
    if not decision_ids:
        return []
    return _stored_decisions(conn, _STORED_DECISIONS_BY_ID, {
        "b_decision_ids": list(decision_ids), "b_pipeline_version": pipeline_version,
        "b_workspace_version": workspace_version})


def _stored_decisions(conn: Connection, query: Select[Any], params: dict[str, Any]) -> list[StoredDecision]:
    rows = sorted(conn.execute(query, params).all(), key=lambda row: (row.received_at, row.event_id))
    return [StoredDecision(decision_id=row.id, payload=row.payload, type=row.type, account_id=row.account_id,
                           duplicate_of=row.duplicate_of, fields=row.fields, model=row.model,
                           parse_error=row.parse_error) for row in rows]
