from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrelay.actions.touches import opt_out
from leadrelay.store.tables import Action, Assignment, LeadState, Timer
from leadrelay.workspace import Workspace
from tests.actions.support import NOW, decision, store_decided


def actions_of(db: Session, lead_id: int) -> list[tuple[str, str, str]]:
    return [(a.kind, a.target, a.state) for a in
            db.scalars(select(Action).where(Action.lead_id == lead_id).order_by(Action.id))]


def timers_of(db: Session, lead_id: int) -> list[Timer]:
    return list(db.scalars(select(Timer).where(Timer.lead_id == lead_id).order_by(Timer.id)))


def test_escalate_writes_crms_alerts_assigns_and_starts_the_sla(db: Session, cobalt: Workspace) -> None:
    lead_id, decision_id, planned = store_decided(db.connection(), cobalt, decision("escalate"))
    assert actions_of(db, lead_id) == [("crm", "builtin", "pending"), ("crm", "hubspot", "pending"),
                                       ("crm", "salesforce", "pending"), ("slack", "slack", "pending")]
    assert len(planned) == 4
    crm = db.scalars(select(Action).where(Action.key == f"crm:hubspot:decision:{decision_id}")).one()
    assert crm.payload["email"] == "marta@harborlinefoods.com"
    assert crm.payload["domain"] == "harborlinefoods.com"
    assert crm.payload["first_name"] == "Marta" and crm.payload["task_subject"].startswith("Escalate: Sales lead")
    alert = db.scalars(select(Action).where(Action.kind == "slack", Action.lead_id == lead_id)).one()
    assert alert.payload["title"] == "Sales lead: Marta Kowalczyk, Harborline Foods (350 people, US)"
    assert alert.payload["lead_url"] == f"http://127.0.0.1:8000/leads/{lead_id}"
    assignment = db.scalars(select(Assignment).where(Assignment.lead_id == lead_id)).one()
    assert assignment.queue == "ae-na" and assignment.assignee.endswith("@cobaltdata.com")
    assert alert.payload["owner_email"] == assignment.assignee
    [sla] = timers_of(db, lead_id)
    assert (sla.kind, sla.step, sla.due_at) == ("sla", 0, NOW + timedelta(minutes=15))
    state = db.get(LeadState, lead_id)
    assert state is not None and state.high_intent and state.source == "demo_request"


def test_archive_writes_only_the_builtin_crm(db: Session, cobalt: Workspace) -> None:
    lead_id, _, _ = store_decided(db.connection(), cobalt, decision("archive", owner=None, type="vendor", fit=None,
                                                                    urgency="low"))
    assert actions_of(db, lead_id) == [("crm", "builtin", "pending")]
    assert timers_of(db, lead_id) == []
    assert db.scalars(select(Assignment).where(Assignment.lead_id == lead_id)).all() == []


def test_route_has_a_four_hour_sla_and_no_alert(db: Session, cobalt: Workspace) -> None:
    lead_id, _, _ = store_decided(db.connection(), cobalt, decision("route", owner="ae-emea", urgency="normal"))
    assert [k for k, _, _ in actions_of(db, lead_id)] == ["crm", "crm", "crm"]
    [sla] = timers_of(db, lead_id)
    assert sla.due_at == NOW + timedelta(hours=4)


def test_replies_auto_send_only_where_the_workspace_allows(db: Session, cobalt: Workspace) -> None:
    weak, _, _ = store_decided(db.connection(), cobalt, decision("reply", owner="nurture", fit="weak",
                                                                 urgency="normal", external_id="w"),
                               sender="kim@gmail.com", name="Kim")
    assert ("email", "smtp", "pending") in actions_of(db, weak)
    email = db.scalars(select(Action).where(Action.lead_id == weak, Action.kind == "email")).one()
    assert email.payload["situation"] == "weak_fit" and email.payload["original_subject"] == "Demo request"
    follow_up = [t for t in timers_of(db, weak) if t.kind == "follow_up"]
    assert [t.due_at for t in follow_up] == [NOW + timedelta(days=3)]
    crm = db.scalars(select(Action).where(Action.lead_id == weak, Action.target == "builtin")).one()
    assert crm.payload["domain"] is None  # free mail names no company

    strict = dataclasses.replace(cobalt, config=cobalt.config.model_copy(update={"actions": cobalt.config.actions
                                 .model_copy(update={"email": cobalt.config.actions.email.model_copy(
                                     update={"auto_send": []})})}))
    drafted, _, _ = store_decided(db.connection(), strict, decision("reply", owner=None, type="student", fit=None,
                                                                    urgency="low", external_id="s"),
                                  sender="ana@usp.br", name="Ana")
    assert ("email", "smtp", "draft") in actions_of(db, drafted)
    assert [t for t in timers_of(db, drafted) if t.kind == "follow_up"] == []


def test_unknown_type_in_review_gets_a_draft_question(db: Session, cobalt: Workspace) -> None:
    lead_id, _, _ = store_decided(db.connection(), cobalt, decision("review", owner="review", type="unknown",
                                                                    fit=None, urgency="normal"))
    assert ("email", "smtp", "draft") in actions_of(db, lead_id)
    [sla] = timers_of(db, lead_id)
    assert sla.due_at == NOW + timedelta(hours=1)


def test_an_opted_out_lead_gets_no_email(db: Session, cobalt: Workspace) -> None:
    first, _, _ = store_decided(db.connection(), cobalt, decision("route", owner="smb", urgency="normal",
                                                                  external_id="a"), sender="kim@gmail.com")
    opt_out(db.connection(), lead_id=first, by=None, source="email")
    again, _, _ = store_decided(db.connection(), cobalt, decision("reply", owner="nurture", fit="weak",
                                                                  urgency="normal", external_id="b"),
                                sender="kim@gmail.com")
    assert again == first
    assert "email" not in [k for k, _, _ in actions_of(db, first)]


def test_a_duplicate_updates_the_crm_but_alerts_and_assigns_once(db: Session, cobalt: Workspace) -> None:
    lead_id, _, _ = store_decided(db.connection(), cobalt, decision("escalate", external_id="ex-001"))
    again, _, planned = store_decided(db.connection(), cobalt, decision("escalate", external_id="ex-011",
                                                                        duplicate_of="ex-001"))
    assert again == lead_id and len(planned) == 3
    kinds = [k for k, _, _ in actions_of(db, lead_id)]
    assert kinds.count("slack") == 1 and kinds.count("crm") == 6
    assert len(db.scalars(select(Assignment).where(Assignment.lead_id == lead_id)).all()) == 1
    assert len([t for t in timers_of(db, lead_id) if t.state == "pending"]) == 1


def test_a_colleague_s_address_goes_to_no_outside_crm_and_gets_no_email(db: Session, cobalt: Workspace) -> None:
    lead_id, _, _ = store_decided(db.connection(), cobalt, decision("reply", owner="nurture", fit="weak",
                                                                    urgency="normal"),
                                  sender="hannah.park@cobaltdata.com", name="Hannah Park")
    assert actions_of(db, lead_id) == [("crm", "builtin", "pending")]
