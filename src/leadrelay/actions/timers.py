"""Timers: SLA steps and follow-up emails, rows of ours swept by a periodic task (they survive restarts).

A due timer is fired with a guarded UPDATE (pending -> fired) in the same transaction as what its step
does, so a step happens once even with several sweepers, and not at all if the transaction fails (the
timer stays pending and the next sweep tries again). What a step does is plan outbox actions; the
outbox sends them.

SLA steps (``sla`` timers, from the workspace's ``sla.when_missed``): ``remind`` the assignee,
``reassign`` the lead to another member of its queue (and tell them), ``escalate`` to the queue's
manager. Each step schedules the next. Any touch cancels them (see `touches.record_touch`).

Follow-ups (``follow_up`` timers, from ``follow_ups.steps``): after an auto-sent reply, the next email
of the sequence, threaded under the first; a reply from the lead or an opt-out cancels them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from leadrelay.actions.outbox import ActionContext
from leadrelay.actions.owners import pick_owner
from leadrelay.actions.plan import lead_url, sla_timer_key
from leadrelay.actions.touches import reassign
from leadrelay.store.tables import ACTION_TABLE as _ACTIONS
from leadrelay.store.tables import LEAD_STATE_TABLE as _STATE
from leadrelay.store.tables import LEAD_TABLE as _LEADS
from leadrelay.store.tables import TIMELINE_TABLE as _TIMELINE
from leadrelay.store.tables import TIMER_TABLE as _TIMERS
from leadrelay.store.tables import utcnow
from leadrelay.workspace import Workspace

__all__ = ["cancel_timer", "due_timers", "fire_timer", "sweep_timers"]

log = logging.getLogger(__name__)


_NEXT_STEP_TEXT = {"remind": "remind the owner again", "reassign": "give the lead to someone else in the queue",
                   "escalate": "tell the queue's manager"}


def due_timers(conn: Connection, *, now: datetime, limit: int = 500) -> list[int]:
    """Ids of pending timers due by `now`, oldest first."""
    return [int(i) for i in conn.execute(select(_TIMERS.c.id).where(
        _TIMERS.c.state == "pending", _TIMERS.c.due_at <= now).order_by(_TIMERS.c.due_at, _TIMERS.c.id)
        .limit(limit)).scalars()]


def cancel_timer(conn: Connection, *, timer_id: int, by: str | None = None) -> bool:
    """Cancel a pending timer (a person decided it is not needed); False when it is not pending."""
    now = utcnow()
    row = conn.execute(select(_TIMERS.c.lead_id, _TIMERS.c.detail).where(_TIMERS.c.id == timer_id)).first()
    if row is None:
        return False
    moved = conn.execute(update(_TIMERS).where(_TIMERS.c.id == timer_id, _TIMERS.c.state == "pending").values(
        state="cancelled", cancelled_at=now, detail={**(row.detail or {}), "cancelled_by": by})).rowcount == 1
    if moved:
        conn.execute(insert(_TIMELINE).values(lead_id=row.lead_id, kind="timer_cancelled", at=now,
                                              detail={"timer_id": timer_id, "by": by}))
    return moved


def _add_action(conn: Connection, *, key: str, lead_id: int, decision_id: int | None, kind: str, target: str,
                payload: dict[str, Any], now: datetime) -> int | None:
    if conn.execute(select(_ACTIONS.c.id).where(_ACTIONS.c.key == key)).first() is not None:
        return None
    result = conn.execute(insert(_ACTIONS).values(
        key=key, lead_id=lead_id, decision_id=decision_id, kind=kind, target=target, state="pending", attempts=0,
        next_attempt_at=now, payload=payload, result={}, created_at=now, updated_at=now))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _add_timer(conn: Connection, *, key: str, lead_id: int, kind: str, step: int, due_at: datetime,
               detail: dict[str, Any], now: datetime, action_id: int | None = None) -> None:
    if conn.execute(select(_TIMERS.c.id).where(_TIMERS.c.key == key)).first() is None:
        conn.execute(insert(_TIMERS).values(key=key, lead_id=lead_id, action_id=action_id, kind=kind, step=step,
                                            due_at=due_at, state="pending", detail=detail, created_at=now))


def _owner_name(workspace: Workspace, email: str | None) -> str | None:
    return next((o.name for o in workspace.owners if o.email == email), None)


def _notify_owner(conn: Connection, ctx: ActionContext, *, timer: Any, to: str, title: str, lead: Any,
                  detail: dict[str, Any], next_step: str | None, now: datetime) -> int | None:
    workspace = ctx.workspace
    target = "slack" if ctx.has_notifier("slack") else "smtp"
    payload = {"to": to, "title": title, "lead_url": lead_url(workspace, timer.lead_id),
               "lead_name": lead.name or lead.email or f"Lead {timer.lead_id}", "lead_company": lead.company,
               "due_at": detail.get("due_at"), "owner_name": _owner_name(workspace, to), "queue": detail.get("queue"),
               "next_step": next_step, "reasons": [f"not touched since the due time {detail.get('due_at')}"],
               "urgency": "high"}
    return _add_action(conn, key=f"reminder:timer:{timer.id}:{to}", lead_id=timer.lead_id,
                       decision_id=detail.get("decision_id"), kind="reminder", target=target, payload=payload,
                       now=now)


def _sla_step(conn: Connection, ctx: ActionContext, timer: Any, now: datetime) -> dict[str, Any]:
    workspace = ctx.workspace
    steps = workspace.config.sla.when_missed
    detail = dict(timer.detail or {})
    state = conn.execute(select(_STATE).where(_STATE.c.lead_id == timer.lead_id)).first()
    if state is None or state.status == "closed":  # a touch cancels the timers itself (record_touch)
        return {"skipped": "the lead is closed"}
    lead = conn.execute(select(_LEADS.c.name, _LEADS.c.email, _LEADS.c.company)
                        .where(_LEADS.c.id == timer.lead_id)).one()
    do = steps[timer.step].do if timer.step < len(steps) else "escalate"
    following = steps[timer.step + 1] if timer.step + 1 < len(steps) else None
    next_text = _NEXT_STEP_TEXT[following.do] if following else None
    queue = state.queue or detail.get("queue")
    assignee = state.assignee
    who = lead.name or lead.email or f"lead {timer.lead_id}"
    done: dict[str, Any] = {"do": do}
    if do == "remind" and assignee and "@" in assignee:
        done["action_id"] = _notify_owner(conn, ctx, timer=timer, to=assignee, lead=lead, detail=detail,
                                          title=f"Reminder: {who} is waiting for a first touch",
                                          next_step=next_text, now=now)
    elif do == "reassign" and queue:
        pick = pick_owner(conn, owner=queue, workspace=workspace, now=now,
                          exclude=frozenset({assignee}) if assignee else frozenset())
        if pick.assignee != assignee:
            reassign(conn, lead_id=timer.lead_id, assignee=pick.assignee, by="leadrelay",
                     reason=f"SLA missed: {assignee} did not touch the lead by {detail.get('due_at')}; {pick.reason}")
            done.update(reassigned_to=pick.assignee, action_id=_notify_owner(
                conn, ctx, timer=timer, to=pick.assignee, lead=lead, detail=detail, next_step=next_text, now=now,
                title=f"Reassigned to you: {who} was not touched in time"))
    else:  # escalate, or a step that cannot run (no assignee, no queue): tell the manager
        manager = workspace.queue(queue).manager if queue else None
        manager = manager or workspace.queue(workspace.config.review.owner).manager
        if manager:
            done.update(manager=manager, action_id=_notify_owner(
                conn, ctx, timer=timer, to=manager, lead=lead, detail=detail, next_step=next_text, now=now,
                title=f"Escalation: {who} ({assignee or 'unassigned'}) missed the first-touch SLA"))
    if following is not None:
        _add_timer(conn, key=sla_timer_key(timer.lead_id, int(detail.get("decision_id") or 0), timer.step + 1),
                   lead_id=timer.lead_id, kind="sla", step=timer.step + 1, due_at=timer.due_at + following.after,
                   detail={**detail, "do": following.do}, now=now)
    return done


def _follow_up_step(conn: Connection, ctx: ActionContext, timer: Any, now: datetime) -> dict[str, Any]:
    steps = ctx.workspace.config.follow_ups.steps
    detail = dict(timer.detail or {})
    first = conn.execute(select(_ACTIONS).where(_ACTIONS.c.id == detail.get("first_email_action"))).mappings().first()
    state = conn.execute(select(_STATE.c.opted_out_at).where(_STATE.c.lead_id == timer.lead_id)).first()
    if first is None or first["state"] != "done" or (state is not None and state.opted_out_at is not None):
        return {"skipped": "the first email was not sent, or the lead opted out"}
    step = steps[timer.step] if timer.step < len(steps) else None
    if step is None:
        return {"skipped": "the sequence has no such step"}
    situation = step.situation or ("follow_up_1" if timer.step == 0 else "follow_up_2")
    p = first["payload"]
    first_id = (first["result"] or {}).get("message_id")
    references = [*(p.get("references") or []), *([p["in_reply_to"]] if p.get("in_reply_to") else []),
                  *([first_id] if first_id else [])]
    payload = {**p, "situation": situation, "in_reply_to": first_id or p.get("in_reply_to"),
               "references": list(dict.fromkeys(references)), "sequence_step": timer.step + 1}
    action_id = _add_action(conn, key=f"email:{situation}:lead:{timer.lead_id}:timer:{timer.id}",
                            lead_id=timer.lead_id, decision_id=first["decision_id"], kind="email", target="smtp",
                            payload=payload, now=now)
    if timer.step + 1 < len(steps):
        _add_timer(conn, key=f"follow_up:lead:{timer.lead_id}:decision:{first['decision_id']}:step:{timer.step + 1}",
                   lead_id=timer.lead_id, kind="follow_up", step=timer.step + 1,
                   due_at=timer.due_at + steps[timer.step + 1].after, detail=detail, now=now,
                   action_id=first["id"])
    return {"situation": situation, "action_id": action_id}


def fire_timer(ctx: ActionContext, timer_id: int) -> bool:
    """Fire one due timer and do its step in one transaction; False when it was not pending and due."""
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        timer = conn.execute(select(_TIMERS).where(_TIMERS.c.id == timer_id)).first()
        if timer is None or timer.state != "pending" or timer.due_at > now:
            return False
        fired = conn.execute(update(_TIMERS).where(_TIMERS.c.id == timer_id, _TIMERS.c.state == "pending")
                             .values(state="fired", fired_at=now)).rowcount == 1
        if not fired:
            return False  # another sweeper fired it
        if timer.kind == "sla":
            done = _sla_step(conn, ctx, timer, now)
        elif timer.kind == "follow_up":
            done = _follow_up_step(conn, ctx, timer, now)
        else:
            done = {"skipped": f"unknown timer kind {timer.kind!r}"}
        conn.execute(update(_TIMERS).where(_TIMERS.c.id == timer_id).values(detail={**(timer.detail or {}),
                                                                                  "fired": done}))
        conn.execute(insert(_TIMELINE).values(lead_id=timer.lead_id, kind="timer_fired", at=now,
                                              detail={"timer_id": timer_id, "kind": timer.kind, "step": timer.step,
                                                      **done}))
    log.info("timer fired", extra={"timer_id": timer_id, "kind": timer.kind})
    return True


def sweep_timers(ctx: ActionContext, *, limit: int = 500) -> int:
    """Fire every due timer; returns how many fired."""
    with ctx.engine.connect() as conn:
        ids = due_timers(conn, now=ctx.clock(), limit=limit)
    fired = 0
    for timer_id in ids:
        try:
            fired += fire_timer(ctx, timer_id)
        except Exception:  # one broken timer must not stop the others; it stays pending and is tried again
            log.exception("timer failed", extra={"timer_id": timer_id})
    return fired
