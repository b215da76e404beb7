"""Touches: people acting on a lead (a claim, a reply, a CRM activity, an API call), assignments and opt-outs.

Functions take a SQLAlchemy `Connection` first and keywords after, write inside the caller's transaction
and never commit. They run the same on SQLite and PostgreSQL: every state change is one guarded UPDATE,
so two callers racing (a Slack claim and a UI claim) cannot both record the first touch.

Timer kinds: ``sla`` (the due time of the decision's action and its escalation steps) and ``reminder``
end when anybody touches the lead; ``follow_up`` (the sequence of emails to a lead who does not answer)
ends only when the lead answers (kind ``lead_reply``) or opts out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadrelay.errors import LeadRelayError
from leadrelay.store.tables import ACTION_TABLE as _ACTIONS
from leadrelay.store.tables import ASSIGNMENT_TABLE as _ASSIGNMENTS
from leadrelay.store.tables import LEAD_STATE_TABLE as _STATE
from leadrelay.store.tables import LEAD_TABLE as _LEADS
from leadrelay.store.tables import TIMELINE_TABLE as _TIMELINE
from leadrelay.store.tables import TIMER_TABLE as _TIMERS
from leadrelay.store.tables import TOUCH_TABLE as _TOUCHES
from leadrelay.store.tables import utcnow

__all__ = [
    "LEAD_REPLY",
    "LeadNotFound",
    "assign",
    "cancel_lead_timers",
    "claim",
    "ensure_lead_state",
    "opt_out",
    "reassign",
    "record_touch",
]

# A touch of this kind is the lead answering us, not one of our people acting: it ends the follow-up
# sequence but is not a first touch and leaves the SLA running.
LEAD_REPLY = "lead_reply"
SLA_TIMER_KINDS = ("sla", "reminder")
FOLLOW_UP_TIMER_KINDS = ("follow_up",)
_OPEN_EMAIL_STATES = ("pending", "retrying", "draft")

# Built once: these run for every decision and every touch.
_STATE_DEFAULTS: dict[str, Any] = {"assignee": None, "queue": None, "status": "open", "source": None,
                                   "high_intent": False, "first_event_at": None, "first_touch_at": None,
                                   "opted_out_at": None}
_INSERT_STATE_ONCE = {"postgresql": pg_insert(_STATE).on_conflict_do_nothing(index_elements=["lead_id"]),
                      "sqlite": sqlite_insert(_STATE).on_conflict_do_nothing(index_elements=["lead_id"])}
_PENDING_TIMERS = select(_TIMERS.c.id, _TIMERS.c.detail).where(
    _TIMERS.c.lead_id == bindparam("b_lead_id"), _TIMERS.c.state == "pending",
    _TIMERS.c.kind.in_(bindparam("b_kinds", expanding=True)))
_CANCEL_TIMER = update(_TIMERS).where(_TIMERS.c.id == bindparam("b_timer_id"), _TIMERS.c.state == "pending").values(
    state="cancelled", cancelled_at=bindparam("new_cancelled_at"), detail=bindparam("new_detail"))
_INSERT_ASSIGNMENT = insert(_ASSIGNMENTS)
_SET_ASSIGNEE = update(_STATE).where(_STATE.c.lead_id == bindparam("b_lead_id")).values(
    assignee=bindparam("new_assignee"), updated_at=bindparam("new_updated_at"))
_SET_ASSIGNEE_AND_QUEUE = _SET_ASSIGNEE.values(queue=bindparam("new_queue"))


class LeadNotFound(LeadRelayError):
    """No lead with this id."""

    status = 404

    def __init__(self, lead_id: int) -> None:
        self.lead_id = lead_id
        super().__init__(f"no lead {lead_id}")


def ensure_lead_state(conn: Connection, *, lead_id: int, now: datetime | None = None, lead_known: bool = False,
                      **values: Any) -> None:
    """Make sure the lead has a `LeadState` row (created with `values` when missing).

    `lead_known`: the caller has just read the lead in this transaction, so it is not looked up again.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    if not lead_known and conn.execute(select(_LEADS.c.id).where(_LEADS.c.id == lead_id)).first() is None:
        raise LeadNotFound(lead_id)
    row = {**_STATE_DEFAULTS, "lead_id": lead_id, "updated_at": now or utcnow(), **values}
    statement = _INSERT_STATE_ONCE.get(conn.dialect.name)
    if statement is not None:
        conn.execute(statement, row)
    elif conn.execute(select(_STATE.c.lead_id).where(_STATE.c.lead_id == lead_id)).first() is None:
        conn.execute(insert(_STATE), row)


def _timeline(conn: Connection, *, lead_id: int, kind: str, detail: dict[str, Any], at: datetime) -> None:
    conn.execute(insert(_TIMELINE).values(lead_id=lead_id, event_id=None, kind=kind, detail=detail, at=at))


def cancel_lead_timers(conn: Connection, *, lead_id: int, kinds: tuple[str, ...], reason: str,
                       now: datetime | None = None) -> int:
    """Cancel the lead's pending timers of these kinds; returns how many."""
    now = now or utcnow()
    pending = conn.execute(_PENDING_TIMERS, {"b_lead_id": lead_id, "b_kinds": list(kinds)}).all()
    cancelled = 0
    for timer_id, detail in pending:
        result = conn.execute(_CANCEL_TIMER, {"b_timer_id": timer_id, "new_cancelled_at": now,
                                              "new_detail": {**(detail or {}), "cancelled_because": reason}})
        cancelled += result.rowcount
    return cancelled


def record_touch(conn: Connection, *, lead_id: int, source: str, kind: str = "touch", by: str | None,
                 detail: dict[str, Any] | None = None, at: datetime | None = None) -> bool:
    """Record someone acting on a lead; True when it is the lead's first touch.

    Sets the first-touch time once, marks the lead touched and ends its SLA timers. A touch of kind
    ``lead_reply`` (the lead answered) ends the follow-up sequence instead and is never a first touch.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    at = at or utcnow()
    ensure_lead_state(conn, lead_id=lead_id, now=at)
    conn.execute(insert(_TOUCHES).values(lead_id=lead_id, source=source[:32], kind=kind[:32], by=by,
                                         detail=detail or {}, at=at))
    if kind == LEAD_REPLY:
        cancelled = cancel_lead_timers(conn, lead_id=lead_id, kinds=FOLLOW_UP_TIMER_KINDS, reason="lead replied",
                                       now=at)
        _timeline(conn, lead_id=lead_id, kind="lead_replied",
                  detail={"source": source, "by": by, "timers_cancelled": cancelled}, at=at)
        return False
    first = conn.execute(update(_STATE).where(_STATE.c.lead_id == lead_id, _STATE.c.first_touch_at.is_(None))
                         .values(first_touch_at=at, updated_at=at)).rowcount == 1
    conn.execute(update(_STATE).where(_STATE.c.lead_id == lead_id, _STATE.c.status == "open")
                 .values(status="touched", updated_at=at))
    cancelled = cancel_lead_timers(conn, lead_id=lead_id, kinds=SLA_TIMER_KINDS, reason=f"touched ({kind})", now=at)
    _timeline(conn, lead_id=lead_id, kind="touched",
              detail={"source": source, "kind": kind, "by": by, "first": first, "timers_cancelled": cancelled,
                      **({"detail": detail} if detail else {})}, at=at)
    return first


def assign(conn: Connection, *, lead_id: int, assignee: str, reason: str, by: str = "leadrelay",
           queue: str | None = None, decision_id: int | None = None, at: datetime | None = None,
           state_known: bool = False) -> None:
    """Give the lead to `assignee`: an Assignment row with its reason, and the lead's current assignee.

    `state_known`: the caller made sure of the lead's state row in this transaction.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    at = at or utcnow()
    if not state_known:
        ensure_lead_state(conn, lead_id=lead_id, now=at)
    conn.execute(_INSERT_ASSIGNMENT, {"lead_id": lead_id, "decision_id": decision_id, "queue": queue,
                                      "assignee": assignee, "reason": reason, "by": by, "at": at})
    params = {"b_lead_id": lead_id, "new_assignee": assignee, "new_updated_at": at}
    if queue is None:
        conn.execute(_SET_ASSIGNEE, params)
    else:
        conn.execute(_SET_ASSIGNEE_AND_QUEUE, {**params, "new_queue": queue})


def claim(conn: Connection, *, lead_id: int, by: str, source: str) -> bool:
    """`by` takes the lead (assigned with reason "claimed"), which counts as a touch; True on the first touch.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    at = utcnow()
    assign(conn, lead_id=lead_id, assignee=by, reason="claimed", by=by, at=at)
    return record_touch(conn, lead_id=lead_id, source=source, kind="claim", by=by, at=at)


def reassign(conn: Connection, *, lead_id: int, assignee: str, by: str, reason: str) -> None:
    """A person (or an SLA step) gives the lead to someone else; recorded with who and why.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    at = utcnow()
    previous = conn.execute(select(_STATE.c.assignee).where(_STATE.c.lead_id == lead_id)).scalar()
    assign(conn, lead_id=lead_id, assignee=assignee, reason=reason, by=by, at=at)
    _timeline(conn, lead_id=lead_id, kind="reassigned",
              detail={"from": previous, "to": assignee, "by": by, "reason": reason}, at=at)


def opt_out(conn: Connection, *, lead_id: int, by: str | None, source: str) -> None:
    """The lead asked for no more email: remember it, cancel emails not yet sent and the follow-up sequence.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    at = utcnow()
    ensure_lead_state(conn, lead_id=lead_id, now=at)
    conn.execute(update(_STATE).where(_STATE.c.lead_id == lead_id, _STATE.c.opted_out_at.is_(None))
                 .values(opted_out_at=at, updated_at=at))
    emails = conn.execute(update(_ACTIONS).where(
        _ACTIONS.c.lead_id == lead_id, _ACTIONS.c.kind == "email", _ACTIONS.c.state.in_(_OPEN_EMAIL_STATES))
        .values(state="cancelled", last_error="the lead opted out", updated_at=at)).rowcount
    timers = cancel_lead_timers(conn, lead_id=lead_id, kinds=FOLLOW_UP_TIMER_KINDS, reason="opted out", now=at)
    _timeline(conn, lead_id=lead_id, kind="opted_out",
              detail={"by": by, "source": source, "emails_cancelled": emails, "timers_cancelled": timers}, at=at)
