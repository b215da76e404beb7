"""A small, realistic two-day history of leads for the monitor, metrics and report tests.

Seven events from six people over two days (2024-03-04 and 2024-03-05, UTC), with their decisions,
touches, lead state, assignments, timers, CRM actions, review labels and outcomes. The figures this
history must give are worked out by hand in tests/test_monitor.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from leadrelay.store.tables import (
    Action,
    Assignment,
    DecisionRow,
    EventRow,
    Label,
    LeadRow,
    LeadState,
    Outcome,
    Timer,
    Touch,
)

DAY1 = datetime(2024, 3, 4, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
END = DAY2 + timedelta(days=1)
DOMAIN = "monitor-history.test"  # no other test uses these addresses


def at(day: datetime, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A time on one of the history's days."""
    return day.replace(hour=hour, minute=minute, second=second)


FULL = {"company": "Northwind", "role": "VP Data", "country": "US", "team_size": 400, "use_case": "CDC to Snowflake"}


@dataclass
class History:
    """The ids of what was written, by short name (lead "A", event "e1", decision "d1")."""

    leads: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)


def _event(db: Session, history: History, name: str, *, lead: str, channel: str, received_at: datetime,
           type: str, action: str, fields: dict[str, Any], duplicate_of: str | None = None,
           latency_s: int = 2, owner: str | None = "ae-na@cobalt.example") -> DecisionRow:
    event = EventRow(source="website", external_id=f"{name}-{DOMAIN}", channel=channel,
                     sender_email=f"{lead.lower()}@{DOMAIN}", idempotency_key=f"{name}-{DOMAIN}",
                     payload=json.dumps({"id": name}), received_at=received_at, status="decided",
                     lead_id=history.leads[lead])
    db.add(event)
    db.flush()
    decision = DecisionRow(event_id=event.id, lead_id=history.leads[lead], pipeline_version="test",
                           workspace_version="test", type=type, urgency="normal", fit="strong", action=action,
                           owner=owner, confidence=0.9, duplicate_of=duplicate_of, fields=fields, reasons=[],
                           created_at=received_at + timedelta(seconds=latency_s))
    db.add(decision)
    db.flush()
    history.events[name] = event.id
    history.decisions[name.replace("e", "d")] = decision.id
    return decision


def build_history(db: Session) -> History:
    """Write the history (flushed, not committed) and return its ids."""
    history = History()
    for name in "ABCDEF":
        lead = LeadRow(email=f"{name.lower()}@{DOMAIN}", name=f"Person {name}", created_at=DAY1, updated_at=DAY1)
        db.add(lead)
        db.flush()
        history.leads[name] = lead.id
    lead = history.leads

    # Day 1: A (web form, escalated, high intent, touched after 20 min, won), B (web form, routed, touched
    # after 2 h, a meeting), C (email, sent to review, corrected support -> sales, touched after 2 h).
    d1 = _event(db, history, "e1", lead="A", channel="web_form", received_at=at(DAY1, 9), type="sales",
                action="escalate", fields={**FULL, "source": "web_form"})
    d2 = _event(db, history, "e2", lead="B", channel="web_form", received_at=at(DAY1, 10), type="sales",
                action="route", fields={"company": "Globex", "country": "DE", "role": None, "team_size": None,
                                        "use_case": "", "source": "web_form"})
    d3 = _event(db, history, "e3", lead="C", channel="email", received_at=at(DAY1, 11), type="support",
                action="review", fields={"company": "Initech", "source": "email"}, owner="review")
    # Day 2: D (email, escalated, never touched, fell back to a manager, SLA fired, CRM write dead),
    # A again (a duplicate, CRM write retrying), E (LinkedIn spam, archived, answered us but nobody
    # touched it), F (a referral still waiting in review).
    d4 = _event(db, history, "e4", lead="D", channel="email", received_at=at(DAY2, 9), type="sales",
                action="escalate", fields={"company": "Hooli", "role": "CTO", "country": "US", "source": "email"},
                latency_s=4)
    d5 = _event(db, history, "e5", lead="A", channel="web_form", received_at=at(DAY2, 10), type="sales",
                action="route", fields={**FULL, "source": "web_form"}, duplicate_of="e1")
    d6 = _event(db, history, "e6", lead="E", channel="linkedin", received_at=at(DAY2, 14), type="spam",
                action="archive", fields={"source": "linkedin"}, owner=None)
    d7 = _event(db, history, "e7", lead="F", channel="email", received_at=at(DAY2, 15), type="partnership",
           action="review", fields={"company": "Umbrella", "source": "referral"}, owner="review")

    db.add_all([
        LeadState(lead_id=lead["A"], source="web_form", high_intent=True, first_event_at=at(DAY1, 9),
                  first_touch_at=at(DAY1, 9, 20), status="touched", assignee="ana@cobalt.example"),
        LeadState(lead_id=lead["D"], source=None, high_intent=False, status="open",
                  assignee="manager@cobalt.example"),
        Touch(lead_id=lead["A"], source="slack", kind="claim", by="ana@cobalt.example", at=at(DAY1, 9, 20)),
        Touch(lead_id=lead["A"], source="email", kind="reply", by="ana@cobalt.example", at=at(DAY1, 9, 40)),
        Touch(lead_id=lead["B"], source="ui", kind="claim", by="bo@cobalt.example", at=at(DAY1, 12)),
        Touch(lead_id=lead["C"], source="crm", kind="activity", by="cy@cobalt.example", at=at(DAY1, 13)),
        Touch(lead_id=lead["E"], source="email", kind="lead_reply", by=None, at=at(DAY2, 15)),
        Assignment(lead_id=lead["A"], decision_id=d1.id, queue="ae-na", assignee="ana@cobalt.example",
                   reason="round robin", at=at(DAY1, 9, 0, 3)),
        Assignment(lead_id=lead["A"], decision_id=d1.id, queue="ae-na", assignee="ana@cobalt.example",
                   reason="claimed", by="ana@cobalt.example", at=at(DAY1, 9, 20)),
        Assignment(lead_id=lead["D"], decision_id=d4.id, queue="ae-na", assignee="manager@cobalt.example",
                   reason="fallback manager@cobalt.example (nobody free in queue ae-na)", at=at(DAY2, 9, 0, 5)),
        Assignment(lead_id=lead["F"], decision_id=d7.id, queue="review", assignee="rita@cobalt.example",
                   reason="round robin", at=at(DAY2, 15, 0, 3)),  # review leads go to the review queue: no failure
        Timer(key=f"sla:{DOMAIN}:A", lead_id=lead["A"], kind="sla", due_at=at(DAY1, 9, 15), state="cancelled"),
        Timer(key=f"sla:{DOMAIN}:D", lead_id=lead["D"], kind="sla", due_at=at(DAY2, 9, 15), state="fired",
              fired_at=at(DAY2, 9, 15)),
        Timer(key=f"follow:{DOMAIN}:E", lead_id=lead["E"], kind="follow_up", due_at=at(DAY2, 16), state="fired"),
    ])
    for name, decision, state in (("A", d1, "done"), ("B", d2, "done"), ("D", d4, "dead"), ("A", d5, "retrying"),
                                  ("E", d6, "done")):
        db.add(Action(key=f"crm:builtin:{DOMAIN}:{decision.id}", lead_id=lead[name], decision_id=decision.id,
                      kind="crm", target="builtin", state=state))
    db.add(Action(key=f"slack:{DOMAIN}:{d1.id}", lead_id=lead["A"], decision_id=d1.id, kind="slack", target="slack",
                  state="dead"))
    db.add_all([
        Label(decision_id=d1.id, lead_id=lead["A"], field="*", by="ana@cobalt.example", at=at(DAY1, 9, 30)),
        Label(decision_id=d2.id, lead_id=lead["B"], field="action", predicted="route", corrected="escalate",
              by="bo@cobalt.example", at=at(DAY1, 12)),
        Label(decision_id=d3.id, lead_id=lead["C"], field="type", predicted="support", corrected="sales",
              by="cy@cobalt.example", at=at(DAY1, 11, 30)),
        Label(decision_id=d6.id, lead_id=lead["E"], field="*", by="cy@cobalt.example", at=at(DAY2, 16)),
        Outcome(lead_id=lead["A"], kind="meeting_booked", at=at(DAY1, 15)),
        Outcome(lead_id=lead["A"], kind="opportunity", amount=12000.0, at=at(DAY2, 11)),
        Outcome(lead_id=lead["A"], kind="won", amount=12000.0, at=at(DAY2, 17)),
        Outcome(lead_id=lead["B"], kind="meeting_booked", at=at(DAY2, 10)),
        Outcome(lead_id=lead["B"], kind="meeting_booked", at=at(DAY2, 12)),  # a second meeting: still one lead
    ])
    db.flush()
    return history
