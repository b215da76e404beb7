from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadrelay.actions.outbox import ActionContext, run_due_actions
from leadrelay.actions.timers import cancel_timer, sweep_timers
from leadrelay.actions.touches import claim, record_touch
from leadrelay.config import Settings
from leadrelay.store.tables import Action, Assignment, LeadState, Timer
from leadrelay.workspace import Workspace
from tests.actions.fakes import MemoryCrm, MemoryMailer, MemoryNotifier
from tests.actions.support import NOW, decision, store_decided
from tests.actions.test_outbox import Clock
from tests.conftest import COBALT


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def ctx(tmp_path: Path, committed_engine: Engine, cobalt: Workspace, clock: Clock,
        mailer: MemoryMailer) -> Iterator[ActionContext]:
    crms = {slug: MemoryCrm(slug=slug) for slug in ("builtin", "hubspot", "salesforce")}
    context = ActionContext(Settings(data_dir=tmp_path, workspace=COBALT), engine=committed_engine,
                            workspace=cobalt, crm_sinks=crms, notifiers={"slack": MemoryNotifier()},  # type: ignore[arg-type]
                            mailers={"smtp": mailer}, clock=clock)
    yield context
    context.close()


def timers(engine: Engine, lead_id: int) -> list[Timer]:
    with Session(engine) as db:
        return list(db.scalars(select(Timer).where(Timer.lead_id == lead_id).order_by(Timer.id)))


def reminders(engine: Engine, lead_id: int) -> list[Action]:
    with Session(engine) as db:
        return list(db.scalars(select(Action).where(Action.lead_id == lead_id, Action.kind == "reminder")
                               .order_by(Action.id)))


def test_a_missed_sla_reminds_then_reassigns_then_escalates(ctx: ActionContext, committed_engine: Engine,
                                                            cobalt: Workspace, clock: Clock) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, _ = store_decided(conn, cobalt, decision("escalate", owner="ae-emea"))
    with Session(committed_engine) as db:
        state = db.get(LeadState, lead_id)
        assert state is not None
        first = state.assignee
    assert sweep_timers(ctx) == 0  # not due yet
    clock.now = NOW + timedelta(minutes=15)
    assert sweep_timers(ctx) == 1
    [remind] = reminders(committed_engine, lead_id)
    assert remind.payload["to"] == first and remind.target == "slack"
    assert remind.payload["title"].startswith("Reminder: Marta Kowalczyk")

    clock.now += timedelta(minutes=15)
    assert sweep_timers(ctx) == 1
    with Session(committed_engine) as db:
        state = db.get(LeadState, lead_id)
        assert state is not None and state.assignee != first and state.assignee is not None
        second = state.assignee
        last = db.scalars(select(Assignment).where(Assignment.lead_id == lead_id)
                          .order_by(Assignment.id.desc())).first()
        assert last is not None and last.reason.startswith("SLA missed")
    assert reminders(committed_engine, lead_id)[-1].payload["to"] == second

    clock.now += timedelta(minutes=30)
    assert sweep_timers(ctx) == 1
    assert reminders(committed_engine, lead_id)[-1].payload["to"] == "alex.morgan@cobaltdata.com"
    assert [t.state for t in timers(committed_engine, lead_id)] == ["fired", "fired", "fired"]
    clock.now += timedelta(days=1)
    assert sweep_timers(ctx) == 0


def test_a_touch_stops_the_sla(ctx: ActionContext, committed_engine: Engine, cobalt: Workspace,
                               clock: Clock) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, _ = store_decided(conn, cobalt, decision("escalate"))
        claim(conn, lead_id=lead_id, by="maya.chen@cobaltdata.com", source="slack")
    clock.now = NOW + timedelta(hours=2)
    assert sweep_timers(ctx) == 0
    assert reminders(committed_engine, lead_id) == []
    assert [t.state for t in timers(committed_engine, lead_id)] == ["cancelled"]


def test_cancel_timer(committed_engine: Engine, cobalt: Workspace) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, _ = store_decided(conn, cobalt, decision("route", owner="smb", urgency="normal"))
    [timer] = timers(committed_engine, lead_id)
    with committed_engine.begin() as conn:
        assert cancel_timer(conn, timer_id=timer.id, by="ops@cobaltdata.com") is True
        assert cancel_timer(conn, timer_id=timer.id) is False
    assert timers(committed_engine, lead_id)[0].state == "cancelled"


def test_follow_ups_thread_under_the_first_email_until_the_lead_answers(ctx: ActionContext, committed_engine: Engine,
                                                                        cobalt: Workspace, clock: Clock,
                                                                        mailer: MemoryMailer) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, _ = store_decided(conn, cobalt, decision("reply", owner="nurture", fit="weak", urgency="normal"),
                                      extra={"raw_email": "Message-ID: <orig@mail.example>\nSubject: Pricing?\n"
                                                          "From: Marta <marta@harborlinefoods.com>\n\nHi"})
    run_due_actions(ctx)
    first = next(iter(mailer.sent.values()))
    assert first.in_reply_to == "<orig@mail.example>"
    clock.now = NOW + timedelta(days=3)
    assert sweep_timers(ctx) == 1
    run_due_actions(ctx)
    assert len(mailer.sent) == 2
    follow_up = list(mailer.sent.values())[1]
    assert follow_up.in_reply_to == f"<{first.key}@test>"
    assert "<orig@mail.example>" in follow_up.references
    assert "follow up" in follow_up.text

    with committed_engine.begin() as conn:
        record_touch(conn, lead_id=lead_id, source="email", kind="lead_reply", by=None)
    clock.now += timedelta(days=8)
    assert sweep_timers(ctx) == 0
    assert len(mailer.sent) == 2
