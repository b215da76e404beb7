"""Planning: the actions, assignment and SLA timers of a decision, written in the decision's own transaction.

This is the "transactional outbox": nothing here calls an outside service. Each action is a row with a
unique key (``crm:hubspot:decision:42``) that the outbox runner executes later, so a decision is never
stored without its actions, nor an action without its decision, and planning twice adds nothing.

Rules, per decision action:

* archive: the built-in CRM write only.
* escalate: CRM writes, a Slack alert, an assignment and the escalate SLA (15 minutes by default).
* route: CRM writes, an assignment and the route SLA (4 hours).
* reply: CRM writes and an email (sent when the workspace lets the situation auto-send, else a draft).
* review: CRM writes, an assignment to the review queue and the review SLA; a clarifying question as a
  draft when the type is unknown.
* An opted-out lead gets no email; a duplicate decision writes the CRM again but sends no second alert
  or email and keeps the assignee and SLA timers it has.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import logging
import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, Table, bindparam, case, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadrelay.actions.owners import assign_owner
from leadrelay.actions.touches import SLA_TIMER_KINDS, cancel_lead_timers, ensure_lead_state
from leadrelay.pipeline.domains import email_domain, is_free_mail
from leadrelay.pipeline.records import Decision
from leadrelay.store.tables import ACTION_TABLE as _ACTIONS
from leadrelay.store.tables import EVENT_TABLE as _EVENTS
from leadrelay.store.tables import LEAD_STATE_TABLE as _STATE
from leadrelay.store.tables import LEAD_TABLE as _LEADS
from leadrelay.store.tables import TIMELINE_TABLE as _TIMELINE
from leadrelay.store.tables import TIMER_TABLE as _TIMERS
from leadrelay.store.tables import UtcDateTime, utcnow
from leadrelay.workspace import Workspace

__all__ = ["TYPE_TITLES", "lead_url", "plan_actions", "reply_situation", "sla_timer_key"]

log = logging.getLogger(__name__)

# Built once: these run for every decision.
_SELECT_EVENT = select(_EVENTS.c.payload, _EVENTS.c.received_at).where(_EVENTS.c.id == bindparam("b_event_id"))
_SELECT_LEAD = select(_LEADS.c.email, _LEADS.c.name, _LEADS.c.company).where(_LEADS.c.id == bindparam("b_lead_id"))
_SELECT_STATE = select(_STATE).where(_STATE.c.lead_id == bindparam("b_lead_id"))
# A lead state that existed before: high intent once seen stays; the first event and its source are kept.
_UPDATE_STATE = update(_STATE).where(_STATE.c.lead_id == bindparam("b_lead_id")).values(
    high_intent=_STATE.c.high_intent | bindparam("new_high_intent"),
    source=case((_STATE.c.first_event_at.is_(None), bindparam("new_source", type_=String)), else_=_STATE.c.source),
    first_event_at=func.coalesce(_STATE.c.first_event_at, bindparam("new_first_event_at", type_=UtcDateTime)))
_INSERT_TIMELINE = insert(_TIMELINE)
_STATE_DEFAULTS: dict[str, Any] = {"assignee": None, "queue": None, "status": "open", "first_touch_at": None,
                                   "opted_out_at": None}


def _upsert_state(insert_: Any) -> Any:
    """The lead's state row created, or updated as `_UPDATE_STATE` does, and returned: one statement."""
    statement = insert_(_STATE)
    return statement.on_conflict_do_update(index_elements=["lead_id"], set_={
        "high_intent": _STATE.c.high_intent | statement.excluded.high_intent,
        "source": case((_STATE.c.first_event_at.is_(None), statement.excluded.source), else_=_STATE.c.source),
        "first_event_at": func.coalesce(_STATE.c.first_event_at, statement.excluded.first_event_at),
    }).returning(*_STATE.c)


# A decision's actions in one statement, each unless its key exists; the new rows' ids and keys back.
_INSERT_ACTIONS_ONCE = {
    "sqlite": sqlite_insert(_ACTIONS).on_conflict_do_nothing(index_elements=["key"]).returning(
        _ACTIONS.c.id, _ACTIONS.c.key),
    "postgresql": pg_insert(_ACTIONS).on_conflict_do_nothing(index_elements=["key"]).returning(
        _ACTIONS.c.id, _ACTIONS.c.key),
}
_UPSERT_STATE = {"sqlite": _upsert_state(sqlite_insert), "postgresql": _upsert_state(pg_insert)}
# One statement that writes a row unless its unique key exists, and says which it did (SQLite, PostgreSQL).
_INSERT_ONCE = {
    (table.name, "sqlite"): sqlite_insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    for table in (_ACTIONS, _TIMERS)
} | {
    (table.name, "postgresql"): pg_insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
    for table in (_ACTIONS, _TIMERS)
}

TYPE_TITLES = {"sales": "Sales lead", "support": "Support request", "partnership": "Partnership",
               "press": "Press", "recruiting": "Recruiting", "vendor": "Vendor", "investor": "Investor",
               "student": "Student", "spam": "Spam", "unknown": "Unclear message"}


def lead_url(workspace: Workspace, lead_id: int) -> str:
    """The link to a lead in the web app."""
    return f"{workspace.config.actions.base_url}/leads/{lead_id}"


def sla_timer_key(lead_id: int, decision_id: int, step: int) -> str:
    """The unique key of one SLA step's timer."""
    return f"sla:lead:{lead_id}:decision:{decision_id}:step:{step}"


def reply_situation(decision: Decision) -> str | None:
    """Which email template answers this decision, if any."""
    if decision.action == "reply":
        if decision.type == "student":
            return "student"
        if decision.fit == "weak":
            return "weak_fit"
        return "insufficient_info"
    if decision.action == "review" and decision.type == "unknown":
        return "insufficient_info"
    return None


def _event_facts(conn: Connection, event_id: int) -> dict[str, Any]:
    row = conn.execute(_SELECT_EVENT, {"b_event_id": event_id}).first()
    if row is None:
        return {}
    try:
        data = json.loads(row.payload)
    except (ValueError, TypeError):
        data = {}
    facts: dict[str, Any] = {"subject": data.get("subject") or None, "received_at": row.received_at,
                             "external_id": data.get("id")}
    raw = data.get("raw_email")
    if isinstance(raw, str) and raw:
        headers = email.parser.Parser(policy=email.policy.default).parsestr(raw, headersonly=True)
        message_id = str(headers.get("Message-ID") or "").strip() or None
        references = str(headers.get("References") or "").split()
        facts.update(message_id=message_id, references=references,
                     subject=facts["subject"] or str(headers.get("Subject") or "") or None)
    return facts


# Addresses that never read a reply (bounces, auto-senders): nobody is emailed there.
_NO_REPLY = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|notifications?)([+.@-]|$)",
                       re.IGNORECASE)


def _can_answer(address: str | None) -> bool:
    return bool(address) and _NO_REPLY.match(address or "") is None


def _split_name(name: str | None) -> tuple[str | None, str | None]:
    if not name:
        return None, None
    parts = name.strip().split()
    if len(parts) == 1:
        return parts[0], None
    return " ".join(parts[:-1]), parts[-1]


def _alert_title(decision: Decision, name: str | None, email_address: str | None) -> str:
    who = name or email_address or "someone"
    facts = [decision.fields.company] if decision.fields.company else []
    details = []
    if decision.fields.team_size:
        details.append(f"{decision.fields.team_size:,} people")
    if decision.fields.country:
        details.append(decision.fields.country)
    head = f"{TYPE_TITLES.get(decision.type, decision.type)}: {', '.join([who, *facts])}"
    return f"{head} ({', '.join(details)})" if details else head


def _insert_once(conn: Connection, table: Table, row: dict[str, Any]) -> int | None:
    """Insert `row` unless a row with its `key` exists; the new id, or None when it was there (nothing twice)."""
    statement = _INSERT_ONCE.get((table.name, conn.dialect.name))
    if statement is not None:
        new_id = conn.execute(statement, row).scalar()
        return int(new_id) if new_id is not None else None
    if conn.execute(select(table.c.id).where(table.c.key == row["key"])).first() is not None:
        return None
    return int(conn.execute(insert(table), row).inserted_primary_key[0])  # type: ignore[index]


def _lead_state(conn: Connection, *, lead_id: int, now: datetime, source: str | None, first_event_at: datetime,
                high_intent: bool) -> Any:
    """The lead's state after this decision: created if missing, else high intent kept and the first event's
    time and source filled in if they were not; returns the row."""
    statement = _UPSERT_STATE.get(conn.dialect.name)
    if statement is not None:
        return conn.execute(statement, {**_STATE_DEFAULTS, "lead_id": lead_id, "updated_at": now, "source": source,
                                        "first_event_at": first_event_at, "high_intent": high_intent}).one()
    ensure_lead_state(conn, lead_id=lead_id, now=now, lead_known=True, source=source, first_event_at=first_event_at,
                      high_intent=high_intent)
    conn.execute(_UPDATE_STATE, {"b_lead_id": lead_id, "new_high_intent": high_intent, "new_source": source,
                                 "new_first_event_at": first_event_at})
    return conn.execute(_SELECT_STATE, {"b_lead_id": lead_id}).one()


def _action_row(*, key: str, lead_id: int, decision_id: int, kind: str, target: str, payload: dict[str, Any],
                now: datetime, state: str = "pending") -> dict[str, Any]:
    return {"key": key, "lead_id": lead_id, "decision_id": decision_id, "kind": kind, "target": target, "state": state,
            "attempts": 0, "next_attempt_at": now if state == "pending" else None, "payload": payload, "result": {},
            "last_error": None, "done_at": None, "created_at": now, "updated_at": now}


def _add_actions(conn: Connection, rows: list[dict[str, Any]]) -> list[int | None]:
    """Insert each row unless an action with its key exists, in one statement where the dialect allows;
    the new ids in the rows' order, None for a row that was there (nothing twice)."""
    statement = _INSERT_ACTIONS_ONCE.get(conn.dialect.name)
    if statement is None or not rows:
        return [_insert_once(conn, _ACTIONS, row) for row in rows]
    new = {key: int(action_id) for action_id, key in conn.execute(statement, rows)}
    return [new.get(row["key"]) for row in rows]


def _add_timer(conn: Connection, *, key: str, lead_id: int, kind: str, step: int, due_at: datetime,
               detail: dict[str, Any], now: datetime, action_id: int | None = None) -> None:
    _insert_once(conn, _TIMERS, {"key": key, "lead_id": lead_id, "action_id": action_id, "kind": kind, "step": step,
                                 "due_at": due_at, "state": "pending", "detail": detail, "created_at": now,
                                 "fired_at": None, "cancelled_at": None})


def plan_actions(conn: Connection, *, decision_id: int, lead_id: int | None, event_id: int, decision: Decision,
                 workspace: Workspace, now: datetime | None = None) -> list[int]:
    """Write the decision's actions, assignment, lead state and SLA timers; returns the new action ids.

    Runs inside the caller's transaction (the one that stored the decision) and never commits.
    """
    now = now or utcnow()
    if lead_id is None:
        log.info("decision without a lead: nothing to act on", extra={"decision_id": decision_id})
        return []
    facts = _event_facts(conn, event_id)
    lead = conn.execute(_SELECT_LEAD, {"b_lead_id": lead_id}).one()
    high_intent = decision.action == "escalate" or decision.urgency == "high"
    state = _lead_state(conn, lead_id=lead_id, now=now, source=decision.fields.source,
                        first_event_at=facts.get("received_at") or now, high_intent=high_intent)
    duplicate = decision.duplicate_of is not None
    settings = workspace.config.actions
    url = lead_url(workspace, lead_id)

    # Who acts on it: a duplicate, or a new message on a lead its queue already holds, keeps its assignee.
    assignee, queue = state.assignee, state.queue
    if decision.action != "archive" and decision.owner:
        sticky = assignee is not None and (duplicate or decision.owner in (queue, assignee))
        if not sticky:
            pick = assign_owner(conn, lead_id=lead_id, owner=decision.owner, workspace=workspace,
                                decision_id=decision_id, now=now, state_known=True)
            assignee, queue = pick.assignee, pick.queue

    first_name, last_name = _split_name(lead.name)
    domain = email_domain(lead.email)
    rows: list[dict[str, Any]] = []  # the actions, written together once all are known
    fields = {k: str(v) for k, v in decision.fields.model_dump().items() if v is not None}
    fields.update(type=decision.type, urgency=decision.urgency, action=decision.action,
                  confidence=f"{decision.confidence:.2f}", lead_url=url)
    if decision.fit:
        fields["fit"] = decision.fit
    crms = ["builtin"] if decision.action == "archive" else list(dict.fromkeys(["builtin", *settings.crm]))
    # A colleague's address (an intro forwarded from our own domain) is not a lead for the outside CRMs,
    # and nobody emails a colleague a sales reply.
    own = domain is not None and any(domain == d or domain.endswith("." + d) for d in workspace.own_domains)
    if own:
        crms = ["builtin"]
    if lead.email:
        task = decision.action in ("escalate", "route", "review") and not duplicate
        for system in crms:
            payload = {
                "email": lead.email, "first_name": first_name, "last_name": last_name,
                "company": decision.fields.company or lead.company,
                "domain": None if domain is None or is_free_mail(domain) else domain,
                "owner_email": assignee if assignee and "@" in assignee else None,
                "task_subject": f"{decision.action.capitalize()}: {_alert_title(decision, lead.name, lead.email)}"
                if task else None,
                "task_body": f"{url}\n\n" + "\n".join(f"- {r}" for r in decision.reasons[:8]) if task else None,
                "fields": fields,
            }
            rows.append(_action_row(key=f"crm:{system}:decision:{decision_id}", lead_id=lead_id,
                                    decision_id=decision_id, kind="crm", target=system, payload=payload, now=now))

    if decision.action in settings.slack.alert_on and not duplicate:
        owner_emails = tuple(m.email for m in workspace.queue(queue).members) if queue else ()
        payload = {"title": _alert_title(decision, lead.name, lead.email),
                   "reasons": [str(r) for r in decision.reasons[:10]], "lead_url": url,
                   "owner_email": assignee if assignee and "@" in assignee else None, "queue": queue,
                   "urgency": decision.urgency, "fields": fields, "reassign_to": list(owner_emails)}
        rows.append(_action_row(key=f"slack:alert:decision:{decision_id}", lead_id=lead_id,
                                decision_id=decision_id, kind="slack", target="slack", payload=payload, now=now))

    situation = reply_situation(decision)
    auto = False
    if situation and _can_answer(lead.email) and not own and not duplicate and state.opted_out_at is None:
        auto = situation in settings.email.auto_send and decision.action == "reply"
        payload = {"situation": situation, "to": lead.email, "first_name": first_name,
                   "original_subject": facts.get("subject"), "use_case": decision.fields.use_case,
                   "in_reply_to": facts.get("message_id"), "references": facts.get("references", []),
                   "sequence_step": 0}
        rows.append(_action_row(key=f"email:{situation}:decision:{decision_id}", lead_id=lead_id,
                                decision_id=decision_id, kind="email", target="smtp", payload=payload, now=now,
                                state="pending" if auto else "draft"))
    action_ids = _add_actions(conn, rows)
    planned = [action_id for action_id in action_ids if action_id is not None]
    email_action = action_ids[-1] if rows and rows[-1]["kind"] == "email" else None
    if email_action is not None and auto and workspace.config.follow_ups.steps:
        step = workspace.config.follow_ups.steps[0]
        _add_timer(conn, key=f"follow_up:lead:{lead_id}:decision:{decision_id}:step:0", lead_id=lead_id,
                   kind="follow_up", step=0, due_at=now + step.after, now=now, action_id=email_action,
                   detail={"decision_id": decision_id, "first_email_action": email_action})

    due = workspace.config.sla.due.get(decision.action)
    steps = workspace.config.sla.when_missed
    if due is not None and steps and assignee and not duplicate:
        # A newer decision's due time replaces the older one's.
        cancel_lead_timers(conn, lead_id=lead_id, kinds=SLA_TIMER_KINDS, reason="a newer decision", now=now)
        due_at = now + due
        _add_timer(conn, key=sla_timer_key(lead_id, decision_id, 0), lead_id=lead_id, kind="sla", step=0,
                   due_at=due_at + steps[0].after, now=now,
                   detail={"decision_id": decision_id, "action": decision.action, "due_at": due_at.isoformat(),
                           "queue": queue, "assignee": assignee, "do": steps[0].do})

    conn.execute(_INSERT_TIMELINE, {
        "event_id": event_id, "lead_id": lead_id, "kind": "actions_planned", "at": now,
        "detail": {"decision_id": decision_id, "actions": planned, "assignee": assignee, "queue": queue,
                   "duplicate": duplicate, **({"sla_due_in_s": due.total_seconds()} if due and assignee else {})}})
    return planned

