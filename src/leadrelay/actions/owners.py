"""Owners: who gets a lead. The account owner for known accounts, else the queue's members by weighted
round robin, skipping people out of office or at their cap, then the queue's fallback, its manager and
the review queue, so a lead is never left unassigned.

The round robin is "smooth weighted" (as nginx balances upstreams): every pick adds each free member's
weight to their counter, takes the highest, and subtracts the total from the winner. Weights 2:1 give
A, B, A, A, B, A ... never three in a row for A. The counters live in `QueueState`, whose row is locked
(``SELECT ... FOR UPDATE``) on PostgreSQL while a member is picked, so two workers never pick from the
same position; SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadrelay.actions.touches import assign
from leadrelay.store.db import one_decision_writer_at_a_time
from leadrelay.store.tables import LEAD_STATE_TABLE as _STATE
from leadrelay.store.tables import QUEUE_STATE_TABLE as _QUEUE_STATE
from leadrelay.store.tables import utcnow
from leadrelay.workspace import QueueConfig, Workspace

__all__ = ["Pick", "assign_owner", "open_leads", "pick_owner"]

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Pick:
    """Who gets the lead, from which queue, and why."""

    assignee: str
    queue: str | None
    reason: str


def open_leads(conn: Connection, *, assignee: str) -> int:
    """How many leads assigned to `assignee` are not closed."""
    return int(conn.execute(select(func.count()).select_from(_STATE).where(
        _STATE.c.assignee == assignee, _STATE.c.status != "closed")).scalar_one())


def _lock_queue(insert_: Any) -> Any:
    """Create the queue's row if missing, else touch it, and return its counters: one statement, and on
    PostgreSQL the conflict update locks the row (as SELECT ... FOR UPDATE would) until the transaction ends."""
    statement = insert_(_QUEUE_STATE)
    return statement.on_conflict_do_update(index_elements=["queue"], set_={"queue": statement.excluded.queue}
                                           ).returning(_QUEUE_STATE.c.state)


_LOCK_QUEUE = {"postgresql": _lock_queue(pg_insert), "sqlite": _lock_queue(sqlite_insert)}
_ADVANCE_QUEUE = update(_QUEUE_STATE).where(_QUEUE_STATE.c.queue == bindparam("b_queue")).values(
    state=bindparam("new_state"), position=_QUEUE_STATE.c.position + 1, updated_at=bindparam("new_updated_at"))


def _locked_counters(conn: Connection, queue: str, now: datetime) -> dict[str, Any]:
    one_decision_writer_at_a_time(conn)  # before any queue row: other callers (timers, people) take it too
    row = {"queue": queue, "position": 0, "state": {}, "updated_at": now}
    statement = _LOCK_QUEUE.get(conn.dialect.name)
    if statement is not None:
        return dict(conn.execute(statement, row).scalar_one() or {})
    if conn.execute(select(_QUEUE_STATE.c.queue).where(_QUEUE_STATE.c.queue == queue)).first() is None:
        conn.execute(insert(_QUEUE_STATE).values(row))
    return dict(conn.execute(select(_QUEUE_STATE.c.state).where(_QUEUE_STATE.c.queue == queue)).scalar_one() or {})


def _round_robin(conn: Connection, *, name: str, queue: QueueConfig, workspace: Workspace, now: datetime,
                 exclude: frozenset[str] = frozenset()) -> tuple[str | None, list[str]]:
    """The next free member by smooth weighted round robin, and why the others were skipped."""
    skipped: list[str] = []
    free: list[tuple[str, int]] = []
    for member in queue.members:
        if member.weight <= 0 or member.email in exclude:
            continue
        if workspace.is_away(member.email, now):
            skipped.append(f"{member.email} is out of office")
            continue
        if member.cap is not None and open_leads(conn, assignee=member.email) >= member.cap:
            skipped.append(f"{member.email} is at their cap of {member.cap} open leads")
            continue
        free.append((member.email, member.weight))
    if not free:
        return None, skipped
    counters = _locked_counters(conn, name, now)
    total = sum(weight for _, weight in free)
    best: str | None = None
    for email, weight in free:
        counters[email] = int(counters.get(email, 0)) + weight
        if best is None or counters[email] > counters[best]:
            best = email
    assert best is not None
    counters[best] -= total
    # Members who left the queue or are away keep no stale counter (it would favour them on return).
    counters = {email: counters[email] for email, _ in free}
    conn.execute(_ADVANCE_QUEUE, {"b_queue": name, "new_state": counters, "new_updated_at": now})
    return best, skipped


def pick_owner(conn: Connection, *, owner: str, workspace: Workspace, now: datetime | None = None,
               exclude: frozenset[str] = frozenset()) -> Pick:
    """The person for a decision's `owner` (an account owner's email or a queue name); never nobody.

    Order: the named person (when not away), else their team's queue; a queue's free members by weighted
    round robin; the queue's fallback (a queue or a person); its manager; the review queue; and as the
    very last resort the review queue's manager or first member even if away. People in `exclude` (the
    owner who let an SLA pass) are passed over everywhere but in that last resort.
    """
    now = now or utcnow()
    notes: list[str] = []
    if "@" in owner:
        email = owner.strip().lower()
        if not workspace.is_away(email, now) and email not in exclude:
            return Pick(assignee=email, queue=None, reason="account owner")
        notes.append(f"account owner {email} is {'out of office' if workspace.is_away(email, now) else 'passed over'}")
        team = next((o.team for o in workspace.owners if o.email == email), None)
        owner = team if team else workspace.config.review.owner
    review = workspace.config.review.owner
    tried: set[str] = set()
    pending: list[str] = [owner]
    first_queue = owner
    while pending:
        name = pending.pop(0)
        if "@" in name:
            if name in tried:
                continue
            tried.add(name)
            if not workspace.is_away(name, now) and name not in exclude:
                return Pick(assignee=name, queue=first_queue, reason=_why(f"fallback {name}", notes))
            notes.append(f"{name} is {'out of office' if workspace.is_away(name, now) else 'passed over'}")
            continue
        if name in tried:
            continue
        tried.add(name)
        queue = workspace.queue(name)
        picked, skipped = _round_robin(conn, name=name, queue=queue, workspace=workspace, now=now, exclude=exclude)
        notes.extend(skipped)
        if picked is not None:
            how = "round robin" if name == first_queue else f"round robin in fallback queue {name}"
            return Pick(assignee=picked, queue=name, reason=_why(how, notes))
        notes.append(f"nobody free in queue {name}")
        if queue.fallback:
            pending.append(queue.fallback)
        if queue.manager:
            pending.append(queue.manager)
        if not pending and review not in tried:
            pending.append(review)
    last = workspace.queue(review)
    assignee = last.manager or (last.members[0].email if last.members else None)
    if assignee is None:  # a workspace without people: keep the lead on the queue's name, visibly
        assignee = review
    log.warning("nobody available; assigned to the last resort", extra={"owner": owner, "assignee": assignee})
    return Pick(assignee=assignee, queue=review, reason=_why("last resort: nobody available", notes))


def _why(how: str, notes: list[str]) -> str:
    return f"{how} ({'; '.join(notes)})" if notes else how


def assign_owner(conn: Connection, *, lead_id: int, owner: str, workspace: Workspace, decision_id: int | None = None,
                 now: datetime | None = None, state_known: bool = False) -> Pick:
    """Pick the person for `owner` and record the assignment with its reason.

    Raises:
        LeadNotFound: the lead does not exist.
    """
    now = now or utcnow()
    pick = pick_owner(conn, owner=owner, workspace=workspace, now=now)
    assign(conn, lead_id=lead_id, assignee=pick.assignee, reason=pick.reason, queue=pick.queue,
           decision_id=decision_id, at=now, state_known=state_known)
    return pick
