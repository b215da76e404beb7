"""The reads behind the web pages: inbox rows, the review queue, one lead with everything, a rep's open leads.

Each function returns plain dicts (one per row), so a view's context renders as HTML or as JSON alike.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from leadrelay.store.tables import (
    Action,
    Assignment,
    CrmRecord,
    DecisionRow,
    EventRow,
    Label,
    LeadRow,
    LeadState,
    TimelineEntry,
    Timer,
    Touch,
    utcnow,
)

__all__ = ["FIELD_NAMES", "InboxFilters", "as_of", "crm_url", "evidence", "field_sources", "filter_options", "inbox",
           "lead_page", "my_leads",
           "review_item", "review_queue", "value_of"]

FIELD_NAMES = ("company", "role", "use_case", "team_size", "country", "source")
_FIELD_CUES = {"company": ("company '", "company from", "company "), "role": ("role",), "use_case": ("use case",),
               "team_size": ("company size", "team size", "size", "employees"), "country": ("country",),
               "source": ("source", "referral")}
_FIT_VALUE = {"strong": 3, "moderate": 2, "unknown": 1, "weak": 0}
_URGENCY_VALUE = {"high": 2, "normal": 1, "low": 0}
_INBOX_LIMIT = 50


def _latest_decisions() -> Any:
    """A subquery: the id of each lead's newest decision."""
    return (select(DecisionRow.lead_id, func.max(DecisionRow.id).label("decision_id"))
            .where(DecisionRow.lead_id.is_not(None)).group_by(DecisionRow.lead_id).subquery())


class InboxFilters(dict[str, str]):
    """The inbox's filters as given (type, action, owner, source, status, q), blanks dropped."""

    KEYS = ("type", "action", "owner", "source", "status", "q")

    @classmethod
    def of(cls, values: dict[str, str | None]) -> InboxFilters:
        """Only the known, non-blank filters."""
        return cls({k: v.strip() for k, v in values.items() if k in cls.KEYS and v and v.strip()})


def _lead_rows(db: Session, query: Select[Any]) -> list[dict[str, Any]]:
    rows = []
    for lead, state, decision, last_event_at in db.execute(query).all():
        rows.append({
            "id": lead.id, "name": lead.name, "email": lead.email, "company": lead.company or
            (decision.fields.get("company") if decision else None), "country": lead.country,
            "type": lead.type, "action": lead.action, "owner": lead.owner,
            "assignee": state.assignee if state else None, "status": state.status if state else "open",
            "source": state.source if state else None,
            "urgency": decision.urgency if decision else None, "fit": decision.fit if decision else None,
            "confidence": decision.confidence if decision else None,
            "first_touch_at": state.first_touch_at if state else None,
            "first_event_at": state.first_event_at if state else lead.created_at,
            "updated_at": lead.updated_at, "created_at": lead.created_at,
            "last_event_at": last_event_at or lead.created_at,
        })
    return rows


_LAST_EVENT = (select(EventRow.lead_id, func.max(EventRow.received_at).label("last_at"))
               .where(EventRow.lead_id.is_not(None)).group_by(EventRow.lead_id).subquery())


def _lead_query() -> Select[Any]:
    latest = _latest_decisions()
    return (select(LeadRow, LeadState, DecisionRow, _LAST_EVENT.c.last_at)
            .outerjoin(LeadState, LeadState.lead_id == LeadRow.id)
            .outerjoin(latest, latest.c.lead_id == LeadRow.id)
            .outerjoin(DecisionRow, DecisionRow.id == latest.c.decision_id)
            .outerjoin(_LAST_EVENT, _LAST_EVENT.c.lead_id == LeadRow.id))


def inbox(db: Session, filters: InboxFilters, *, page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """Leads with the newest message first, filtered; returns the page's rows and whether more follow."""
    query = _lead_query()
    conditions: list[Any] = []
    for key, column in (("type", LeadRow.type), ("action", LeadRow.action), ("owner", LeadRow.owner)):
        if key in filters:
            conditions.append(column == filters[key])
    if "status" in filters:
        status = filters["status"]
        conditions.append(or_(LeadState.status == status, LeadState.lead_id.is_(None)) if status == "open"
                          else LeadState.status == status)
    if "source" in filters:
        conditions.append(or_(LeadState.source == filters["source"],
                              LeadRow.id.in_(select(EventRow.lead_id).where(EventRow.source == filters["source"]))))
    if "q" in filters:
        needle = f"%{filters['q'].lower()}%"
        conditions.append(or_(func.lower(LeadRow.name).like(needle), func.lower(LeadRow.email).like(needle),
                              func.lower(LeadRow.company).like(needle)))
    newest = func.coalesce(_LAST_EVENT.c.last_at, LeadRow.created_at)
    query = query.where(and_(True, *conditions)).order_by(newest.desc(), LeadRow.id.desc())
    page = max(1, page)
    rows = _lead_rows(db, query.offset((page - 1) * _INBOX_LIMIT).limit(_INBOX_LIMIT + 1))
    return rows[:_INBOX_LIMIT], len(rows) > _INBOX_LIMIT


def filter_options(db: Session) -> dict[str, list[str]]:
    """The values the inbox's filters can take, from what is stored."""
    def distinct(column: Any) -> list[str]:
        return sorted(v for v in db.scalars(select(column).distinct()).all() if v)

    return {"type": distinct(LeadRow.type), "action": distinct(LeadRow.action), "owner": distinct(LeadRow.owner),
            "source": distinct(EventRow.source), "status": ["open", "touched", "closed"]}


def evidence(reasons: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """A decision's reasons grouped for people: quoted spans, enrichment facts, rules that fired, model."""
    groups: dict[str, list[dict[str, Any]]] = {"quotes": [], "enrichment": [], "rules": [], "model": [], "other": []}
    for reason in reasons:
        if not isinstance(reason, dict):
            continue
        kind = reason.get("kind")
        if kind == "enrichment" or kind == "history":
            groups["enrichment"].append(reason)
        elif kind == "rule":
            groups["rules"].append(reason)
        elif kind == "model":
            groups["model"].append(reason)
        elif reason.get("span"):
            groups["quotes"].append(reason)
        else:
            groups["other"].append(reason)
    return groups


def field_sources(fields: dict[str, Any], reasons: list[Any]) -> list[dict[str, Any]]:
    """Each decided field with its value and where it came from (the extract/enrich reason that set it)."""
    out = []
    for name in FIELD_NAMES:
        value = fields.get(name)
        found = None
        for reason in reasons:
            if not isinstance(reason, dict) or reason.get("step") not in {"extract", "enrich", "parse"}:
                continue
            detail = str(reason.get("detail", "")).lower()
            if any(detail.startswith(cue) for cue in _FIELD_CUES[name]):
                found = reason
                break
        out.append({"name": name, "value": value, "source": found.get("source") if found else None,
                    "span": found.get("span") if found else None, "detail": found.get("detail") if found else None})
    return out


def value_of(decision: DecisionRow) -> int:
    """How much a decision's lead is worth looking at first: fit plus urgency."""
    return _FIT_VALUE.get(decision.fit or "unknown", 1) + _URGENCY_VALUE.get(decision.urgency, 1)


def _event_summary(event: EventRow) -> dict[str, Any]:
    try:
        payload = json.loads(event.payload)
    except ValueError:
        payload = {}
    body = payload.get("body") or payload.get("raw_email") or ""
    return {"id": event.id, "external_id": event.external_id, "source": event.source, "channel": event.channel,
            "received_at": event.received_at, "status": event.status, "from_name": payload.get("from_name"),
            "from_email": payload.get("from_email") or event.sender_email, "subject": payload.get("subject"),
            "body": body, "fields": payload.get("fields") or {}}


def review_item(db: Session, decision: DecisionRow) -> dict[str, Any]:
    """One review case: the decision, its lead and event, the evidence and the labels given so far."""
    lead = db.get(LeadRow, decision.lead_id) if decision.lead_id else None
    event = db.get(EventRow, decision.event_id)
    labels = db.scalars(select(Label).where(Label.decision_id == decision.id).order_by(Label.id)).all()
    return {
        "decision": _decision_dict(decision), "lead": _lead_dict(lead) if lead else None,
        "event": _event_summary(event) if event else None, "evidence": evidence(decision.reasons or []),
        "fields": field_sources(decision.fields or {}, decision.reasons or []), "value": value_of(decision),
        "labels": [_label_dict(label) for label in labels],
    }


def review_queue(db: Session, *, limit: int = 100) -> list[dict[str, Any]]:
    """Each lead's newest decision sent to a person, not yet labelled or touched: most valuable, oldest first."""
    latest = _latest_decisions()
    labelled = select(Label.decision_id)
    touched = select(LeadState.lead_id).where(LeadState.first_touch_at.is_not(None))
    decisions = db.scalars(
        select(DecisionRow).join(latest, latest.c.decision_id == DecisionRow.id)
        .where(DecisionRow.action == "review", DecisionRow.id.not_in(labelled), DecisionRow.lead_id.not_in(touched))
        .order_by(DecisionRow.created_at, DecisionRow.id).limit(limit * 4)).all()
    ordered = sorted(decisions, key=lambda d: (-value_of(d), d.created_at, d.id))[:limit]
    return [review_item(db, decision) for decision in ordered]


def _decision_dict(row: DecisionRow) -> dict[str, Any]:
    return {"id": row.id, "event_id": row.event_id, "lead_id": row.lead_id, "type": row.type, "urgency": row.urgency,
            "fit": row.fit, "action": row.action, "owner": row.owner, "confidence": row.confidence,
            "account_id": row.account_id, "duplicate_of": row.duplicate_of, "fields": row.fields or {},
            "reasons": row.reasons or [], "model": row.model, "pipeline_version": row.pipeline_version,
            "workspace_version": row.workspace_version, "parse_error": row.parse_error, "created_at": row.created_at}


def _lead_dict(row: LeadRow) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "email": row.email, "company": row.company, "role": row.role,
            "country": row.country, "account_id": row.account_id, "type": row.type, "action": row.action,
            "owner": row.owner, "created_at": row.created_at, "updated_at": row.updated_at}


def _label_dict(row: Label) -> dict[str, Any]:
    return {"id": row.id, "decision_id": row.decision_id, "field": row.field, "predicted": row.predicted,
            "corrected": row.corrected, "by": row.by, "at": row.at}


def _state_dict(row: LeadState | None) -> dict[str, Any]:
    if row is None:
        return {"assignee": None, "queue": None, "status": "open", "source": None, "high_intent": False,
                "first_event_at": None, "first_touch_at": None, "opted_out_at": None}
    return {"assignee": row.assignee, "queue": row.queue, "status": row.status, "source": row.source,
            "high_intent": row.high_intent, "first_event_at": row.first_event_at, "first_touch_at": row.first_touch_at,
            "opted_out_at": row.opted_out_at}


def lead_page(db: Session, *, lead_id: int) -> dict[str, Any] | None:
    """One lead with its state, fields and their sources, and one timeline of everything that happened to it."""
    lead = db.get(LeadRow, lead_id)
    if lead is None:
        return None
    state = db.get(LeadState, lead_id)
    events = db.scalars(select(EventRow).where(EventRow.lead_id == lead_id).order_by(EventRow.id)).all()
    decisions = db.scalars(select(DecisionRow).where(DecisionRow.lead_id == lead_id).order_by(DecisionRow.id)).all()
    actions = db.scalars(select(Action).where(Action.lead_id == lead_id).order_by(Action.id)).all()
    touches = db.scalars(select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.at, Touch.id)).all()
    assignments = db.scalars(select(Assignment).where(Assignment.lead_id == lead_id).order_by(Assignment.id)).all()
    timers = db.scalars(select(Timer).where(Timer.lead_id == lead_id).order_by(Timer.due_at)).all()
    crm = db.scalars(select(CrmRecord).where(CrmRecord.lead_id == lead_id).order_by(CrmRecord.id)).all()
    entries = db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == lead_id)
                         .order_by(TimelineEntry.at, TimelineEntry.id)).all()
    labels = db.scalars(select(Label).where(Label.lead_id == lead_id).order_by(Label.id)).all()
    latest = decisions[-1] if decisions else None

    timeline: list[dict[str, Any]] = []
    for event in events:
        timeline.append({"at": event.received_at, "kind": "event", "event": _event_summary(event)})
    for decision in decisions:
        timeline.append({"at": decision.created_at, "kind": "decision", "decision": _decision_dict(decision)})
    for action in actions:
        timeline.append({"at": action.created_at, "kind": "action", "action": {
            "id": action.id, "kind": action.kind, "target": action.target, "state": action.state,
            "attempts": action.attempts, "next_attempt_at": action.next_attempt_at, "last_error": action.last_error,
            "done_at": action.done_at, "result": action.result, "payload": action.payload}})
    for touch in touches:
        timeline.append({"at": touch.at, "kind": "touch", "touch": {
            "source": touch.source, "kind": touch.kind, "by": touch.by, "detail": touch.detail}})
    for assignment in assignments:
        timeline.append({"at": assignment.at, "kind": "assignment", "assignment": {
            "assignee": assignment.assignee, "queue": assignment.queue, "reason": assignment.reason,
            "by": assignment.by}})
    for label in labels:
        timeline.append({"at": label.at, "kind": "label", "label": _label_dict(label)})
    for entry in entries:
        if entry.kind in {"reassigned", "opted_out", "lead_replied", "failed", "dead"}:
            timeline.append({"at": entry.at, "kind": "note", "note": {"kind": entry.kind, "detail": entry.detail}})
    timeline.sort(key=lambda item: item["at"] or utcnow())

    return {
        "lead": _lead_dict(lead), "state": _state_dict(state),
        "decision": _decision_dict(latest) if latest else None,
        "fields": field_sources(latest.fields or {}, latest.reasons or []) if latest else [],
        "evidence": evidence(latest.reasons or []) if latest else None,
        "timeline": timeline,
        "timers": [{"kind": t.kind, "step": t.step, "due_at": t.due_at, "state": t.state, "detail": t.detail}
                   for t in timers],
        "crm": [{"system": r.system, "object": r.object, "external_id": r.external_id, "match_key": r.match_key,
                 "url": crm_url(r)} for r in crm],
    }


def crm_url(record: CrmRecord) -> str | None:
    """A link to the record in its CRM when the record says where it lives, else None."""
    for key in ("url", "link", "html_url"):
        value = (record.data or {}).get(key)
        if isinstance(value, str) and value.startswith(("https://", "http://")):
            return value
    return None


def my_leads(db: Session, *, assignee: str) -> list[dict[str, Any]]:
    """A rep's open leads (assigned to them, or owned by them without an assignee) with their SLA clocks."""
    query = _lead_query().where(
        or_(LeadState.assignee == assignee, and_(LeadState.assignee.is_(None), LeadRow.owner == assignee),
            and_(LeadState.lead_id.is_(None), LeadRow.owner == assignee)),
        or_(LeadState.status.in_(("open", "touched")), LeadState.lead_id.is_(None)))
    rows = _lead_rows(db, query.order_by(LeadRow.updated_at.desc()).limit(200))
    now = utcnow()
    due = _due_timers(db, [row["id"] for row in rows])
    for row in rows:
        timer = due.get(row["id"])
        row["sla_due_at"] = timer.due_at if timer else None
        row["sla_kind"] = timer.kind if timer else None
        row["sla_left_s"] = (timer.due_at - now).total_seconds() if timer else None
    rows.sort(key=lambda r: (r["sla_left_s"] is None, r["sla_left_s"] if r["sla_left_s"] is not None else 0))
    return rows


def _due_timers(db: Session, lead_ids: list[int]) -> dict[int, Timer]:
    if not lead_ids:
        return {}
    timers = db.scalars(select(Timer).where(Timer.lead_id.in_(lead_ids), Timer.state == "pending",
                                            Timer.kind.in_(("sla", "reminder"))).order_by(Timer.due_at)).all()
    first: dict[int, Timer] = {}
    for timer in timers:
        first.setdefault(timer.lead_id, timer)
    return first


def as_of(value: datetime | None) -> str:
    """A time as ISO 8601, or an empty string."""
    return value.isoformat() if value else ""
