from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from leadrelay.actions.touches import LeadNotFound, claim, opt_out, reassign, record_touch
from leadrelay.store.tables import Action, Assignment, LeadRow, LeadState, TimelineEntry, Timer, Touch, utcnow


def new_lead(db: Session, email: str = "ana@initech.example") -> int:
    lead = LeadRow(email=email, name="Ana Ruiz", company="Initech")
    db.add(lead)
    db.flush()
    return lead.id


def add_timer(db: Session, lead_id: int, kind: str, key: str) -> Timer:
    timer = Timer(key=key, lead_id=lead_id, kind=kind, step=0, due_at=utcnow() + timedelta(minutes=15))
    db.add(timer)
    db.flush()
    return timer


def conn_of(db: Session) -> Connection:
    return db.connection()


def test_first_touch_is_recorded_once(db: Session) -> None:
    lead_id = new_lead(db)
    at = utcnow()
    assert record_touch(conn_of(db), lead_id=lead_id, source="api", by="maya@cobaltdata.com", at=at) is True
    assert record_touch(conn_of(db), lead_id=lead_id, source="crm", kind="activity", by="maya@cobaltdata.com",
                        at=at + timedelta(minutes=5)) is False
    state = db.scalars(select(LeadState).where(LeadState.lead_id == lead_id)).one()
    db.refresh(state)
    assert state.first_touch_at == at
    assert state.status == "touched"
    touches = db.scalars(select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.id)).all()
    assert [(t.source, t.kind) for t in touches] == [("api", "touch"), ("crm", "activity")]
    timeline = db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == lead_id,
                                                      TimelineEntry.kind == "touched")).all()
    assert [t.detail["first"] for t in timeline] == [True, False]


def test_a_touch_ends_sla_timers_but_not_the_follow_up_sequence(db: Session) -> None:
    lead_id = new_lead(db)
    sla = add_timer(db, lead_id, "sla", "sla:1")
    follow_up = add_timer(db, lead_id, "follow_up", "fu:1")
    record_touch(conn_of(db), lead_id=lead_id, source="ui", by="maya@cobaltdata.com")
    db.refresh(sla)
    db.refresh(follow_up)
    assert sla.state == "cancelled" and sla.cancelled_at is not None
    assert follow_up.state == "pending"


def test_a_reply_from_the_lead_ends_the_follow_ups_and_is_no_first_touch(db: Session) -> None:
    lead_id = new_lead(db)
    sla = add_timer(db, lead_id, "sla", "sla:2")
    follow_up = add_timer(db, lead_id, "follow_up", "fu:2")
    assert record_touch(conn_of(db), lead_id=lead_id, source="email", kind="lead_reply", by=None) is False
    db.refresh(sla)
    db.refresh(follow_up)
    assert (sla.state, follow_up.state) == ("pending", "cancelled")
    state = db.scalars(select(LeadState).where(LeadState.lead_id == lead_id)).one()
    assert state.first_touch_at is None and state.status == "open"


def test_claim_assigns_and_counts_as_first_touch(db: Session) -> None:
    lead_id = new_lead(db)
    assert claim(conn_of(db), lead_id=lead_id, by="priya@cobaltdata.com", source="slack") is True
    assert claim(conn_of(db), lead_id=lead_id, by="daniel@cobaltdata.com", source="ui") is False
    assignments = db.scalars(select(Assignment).where(Assignment.lead_id == lead_id).order_by(Assignment.id)).all()
    assert [(a.assignee, a.reason, a.by) for a in assignments] == [
        ("priya@cobaltdata.com", "claimed", "priya@cobaltdata.com"),
        ("daniel@cobaltdata.com", "claimed", "daniel@cobaltdata.com")]
    state = db.scalars(select(LeadState).where(LeadState.lead_id == lead_id)).one()
    db.refresh(state)
    assert state.assignee == "daniel@cobaltdata.com"
    kinds = db.scalars(select(Touch.kind).where(Touch.lead_id == lead_id)).all()
    assert kinds == ["claim", "claim"]


def test_reassign_records_who_and_why(db: Session) -> None:
    lead_id = new_lead(db)
    claim(conn_of(db), lead_id=lead_id, by="maya@cobaltdata.com", source="ui")
    reassign(conn_of(db), lead_id=lead_id, assignee="jordan@cobaltdata.com", by="lead@cobaltdata.com",
             reason="Maya is on holiday")
    last = db.scalars(select(Assignment).where(Assignment.lead_id == lead_id).order_by(Assignment.id.desc())).first()
    assert last is not None
    assert (last.assignee, last.by, last.reason) == ("jordan@cobaltdata.com", "lead@cobaltdata.com",
                                                     "Maya is on holiday")
    entry = db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == lead_id,
                                                   TimelineEntry.kind == "reassigned")).one()
    assert entry.detail["from"] == "maya@cobaltdata.com" and entry.detail["to"] == "jordan@cobaltdata.com"


def test_opt_out_cancels_unsent_email_and_follow_ups(db: Session) -> None:
    lead_id = new_lead(db)
    pending = Action(key="email:1", lead_id=lead_id, kind="email", target="smtp", state="pending")
    draft = Action(key="email:2", lead_id=lead_id, kind="email", target="smtp", state="draft")
    sent = Action(key="email:3", lead_id=lead_id, kind="email", target="smtp", state="done")
    crm = Action(key="crm:1", lead_id=lead_id, kind="crm", target="builtin", state="pending")
    db.add_all([pending, draft, sent, crm])
    follow_up = add_timer(db, lead_id, "follow_up", "fu:3")
    sla = add_timer(db, lead_id, "sla", "sla:3")
    opt_out(conn_of(db), lead_id=lead_id, by=None, source="email")
    for row in (pending, draft, sent, crm, follow_up, sla):
        db.refresh(row)
    assert (pending.state, draft.state, sent.state, crm.state) == ("cancelled", "cancelled", "done", "pending")
    assert (follow_up.state, sla.state) == ("cancelled", "pending")
    state = db.scalars(select(LeadState).where(LeadState.lead_id == lead_id)).one()
    assert state.opted_out_at is not None


def test_unknown_lead_is_an_error(db: Session) -> None:
    with pytest.raises(LeadNotFound, match="no lead 999999"):
        record_touch(conn_of(db), lead_id=999999, source="api", by=None)
    with pytest.raises(LeadNotFound):
        claim(conn_of(db), lead_id=999999, by="x@cobaltdata.com", source="ui")
    with pytest.raises(LeadNotFound):
        opt_out(conn_of(db), lead_id=999999, by=None, source="api")
