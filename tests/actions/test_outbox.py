from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from leadrelay.actions.outbox import ActionContext, retry_dead, run_action, run_due_actions
from leadrelay.actions.touches import opt_out
from leadrelay.config import Settings
from leadrelay.store.tables import Action, CrmRecord, LeadState, TimelineEntry, Touch
from leadrelay.workspace import Workspace
from tests.actions.fakes import Failures, MemoryCrm, MemoryMailer, MemoryNotifier
from tests.actions.support import NOW, decision, store_decided
from tests.conftest import COBALT


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fakes() -> dict[str, object]:
    return {"builtin": MemoryCrm(slug="builtin"), "hubspot": MemoryCrm(slug="hubspot"),
            "salesforce": MemoryCrm(slug="salesforce"), "slack": MemoryNotifier(), "smtp": MemoryMailer()}


@pytest.fixture
def ctx(tmp_path: Path, committed_engine: Engine, cobalt: Workspace, fakes: dict[str, object],
        clock: Clock) -> Iterator[ActionContext]:
    settings = Settings(data_dir=tmp_path, workspace=COBALT, action_attempts=3, action_retry_delay_s=10,
                        action_lost_after_s=600)
    context = ActionContext(settings, engine=committed_engine, workspace=cobalt,
                            crm_sinks={k: v for k, v in fakes.items() if isinstance(v, MemoryCrm)},  # type: ignore[misc]
                            notifiers={"slack": fakes["slack"]},  # type: ignore[dict-item]
                            mailers={"smtp": fakes["smtp"]}, clock=clock)  # type: ignore[dict-item]
    yield context
    context.close()


def plan(engine: Engine, workspace: Workspace, **kw: object) -> tuple[int, int, list[int]]:
    with engine.begin() as conn:
        return store_decided(conn, workspace, decision(**kw))  # type: ignore[arg-type]


def action(engine: Engine, action_id: int) -> Action:
    with Session(engine) as db:
        row = db.get(Action, action_id)
        assert row is not None
        return row


def test_every_action_runs_once_and_records_its_result(ctx: ActionContext, committed_engine: Engine,
                                                       cobalt: Workspace, fakes: dict[str, object]) -> None:
    lead_id, _, planned = plan(committed_engine, cobalt)
    assert run_due_actions(ctx) == {"done": 4}
    assert run_due_actions(ctx) == {}
    for action_id in planned:
        row = action(committed_engine, action_id)
        assert row.state == "done" and row.attempts == 1 and row.done_at is not None
    hubspot = fakes["hubspot"]
    assert isinstance(hubspot, MemoryCrm) and hubspot.calls == 1 and len(hubspot.tasks) == 1
    with Session(committed_engine) as db:
        records = {(r.system, r.object) for r in db.scalars(select(CrmRecord).where(CrmRecord.lead_id == lead_id))}
        assert {("hubspot", "contact"), ("hubspot", "company"), ("hubspot", "task"),
                ("salesforce", "contact")} <= records
    slack = fakes["slack"]
    assert isinstance(slack, MemoryNotifier) and len(slack.alerts) == 1
    alert = next(iter(slack.alerts.values()))
    assert alert.lead_url.endswith(f"/leads/{lead_id}") and alert.reasons


def test_a_retryable_failure_backs_off_then_succeeds(ctx: ActionContext, committed_engine: Engine,
                                                     cobalt: Workspace, fakes: dict[str, object],
                                                     clock: Clock) -> None:
    hubspot = fakes["hubspot"]
    assert isinstance(hubspot, MemoryCrm)
    hubspot.failures = Failures(count=2, retry_after_s=30)
    _, decision_id, _ = plan(committed_engine, cobalt)
    with Session(committed_engine) as db:
        action_id = db.scalars(select(Action.id).where(Action.key == f"crm:hubspot:decision:{decision_id}")).one()
    assert run_action(ctx, action_id) == "retrying"
    row = action(committed_engine, action_id)
    assert row.state == "retrying" and row.next_attempt_at == NOW + timedelta(seconds=30)  # Retry-After wins
    assert "stand-in failure" in (row.last_error or "")
    assert run_action(ctx, action_id) == "skipped"  # not due yet
    clock.now += timedelta(seconds=30)
    assert run_action(ctx, action_id) == "retrying"
    assert action(committed_engine, action_id).next_attempt_at == clock.now + timedelta(seconds=30)
    clock.now += timedelta(minutes=5)
    assert run_action(ctx, action_id) == "done"
    assert action(committed_engine, action_id).attempts == 3


def test_not_retryable_or_exhausted_goes_dead_and_people_can_retry(ctx: ActionContext, committed_engine: Engine,
                                                                   cobalt: Workspace, fakes: dict[str, object],
                                                                   clock: Clock) -> None:
    slack = fakes["slack"]
    assert isinstance(slack, MemoryNotifier)
    slack.failures = Failures(count=1, retryable=False)
    lead_id, _, _ = plan(committed_engine, cobalt)
    run_due_actions(ctx)
    with Session(committed_engine) as db:
        dead = db.scalars(select(Action).where(Action.kind == "slack")).one()
        assert dead.state == "dead" and dead.attempts == 1
        entry = db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == lead_id,
                                                       TimelineEntry.kind == "action_dead")).one()
        assert entry.detail["action_id"] == dead.id
    with committed_engine.begin() as conn:
        assert retry_dead(conn, action_id=dead.id, by="ops@cobaltdata.com") is True
        assert retry_dead(conn, action_id=dead.id) is False
    assert run_action(ctx, dead.id) == "done"

    salesforce = fakes["salesforce"]
    assert isinstance(salesforce, MemoryCrm)
    salesforce.failures = Failures(count=10)
    _, decision_id, _ = plan(committed_engine, cobalt, external_id="ev-2")
    with Session(committed_engine) as db:
        action_id = db.scalars(select(Action.id).where(Action.key == f"crm:salesforce:decision:{decision_id}")).one()
    outcomes = []
    for _ in range(3):
        outcomes.append(run_action(ctx, action_id))
        clock.now += timedelta(hours=2)
    assert outcomes == ["retrying", "retrying", "dead"]


def test_a_missing_integration_setting_is_dead_with_a_clear_error(tmp_path: Path, committed_engine: Engine,
                                                                  cobalt: Workspace) -> None:
    ctx = ActionContext(Settings(data_dir=tmp_path, workspace=COBALT), engine=committed_engine, workspace=cobalt,
                        clock=Clock())
    _, decision_id, _ = plan(committed_engine, cobalt)
    with Session(committed_engine) as db:
        action_id = db.scalars(select(Action.id).where(Action.key == f"crm:hubspot:decision:{decision_id}")).one()
    assert run_action(ctx, action_id) == "dead"
    assert "LEADRELAY_HUBSPOT__ACCESS_TOKEN" in (action(committed_engine, action_id).last_error or "")
    ctx.close()


def test_a_running_action_is_left_alone_until_presumed_lost(ctx: ActionContext, committed_engine: Engine,
                                                            cobalt: Workspace, clock: Clock) -> None:
    _, decision_id, _ = plan(committed_engine, cobalt)
    with committed_engine.begin() as conn:
        action_id = conn.execute(select(Action.id).where(Action.key == f"crm:builtin:decision:{decision_id}")).scalar()
        conn.execute(update(Action).where(Action.id == action_id).values(state="running", attempts=1,
                                                                          updated_at=NOW))
    assert action_id is not None
    assert run_action(ctx, action_id) == "skipped"  # another worker has it
    clock.now += timedelta(minutes=11)
    assert run_action(ctx, action_id) == "done"
    row = action(committed_engine, action_id)
    assert row.attempts == 2


def test_a_sent_email_is_a_touch_and_opt_out_stops_email(ctx: ActionContext, committed_engine: Engine,
                                                         cobalt: Workspace, fakes: dict[str, object]) -> None:
    lead_id, _, _ = plan(committed_engine, cobalt, action="reply", owner="nurture", fit="weak", urgency="normal")
    run_due_actions(ctx)
    mailer = fakes["smtp"]
    assert isinstance(mailer, MemoryMailer) and len(mailer.sent) == 1
    sent = next(iter(mailer.sent.values()))
    assert sent.to == "marta@harborlinefoods.com" and sent.subject == "Re: Demo request"
    assert "Marta" in sent.text and sent.from_address == "hello@cobaltdata.com"
    with Session(committed_engine) as db:
        touch = db.scalars(select(Touch).where(Touch.lead_id == lead_id)).one()
        assert (touch.source, touch.kind) == ("email", "reply")
        state = db.get(LeadState, lead_id)
        assert state is not None and state.first_touch_at is not None

    other, _, _ = plan(committed_engine, cobalt, action="reply", owner="nurture", fit="weak", urgency="normal",
                       external_id="ev-9")
    assert other == lead_id
    with committed_engine.begin() as conn:
        opt_out(conn, lead_id=lead_id, by=None, source="email")
    run_due_actions(ctx)
    assert len(mailer.sent) == 1


def test_lead_links_follow_the_public_url_of_the_deployment(tmp_path: Path, committed_engine: Engine,
                                                            cobalt: Workspace, fakes: dict[str, object]) -> None:
    settings = Settings(data_dir=tmp_path, workspace=COBALT, public_url="https://leads.example.com/")
    context = ActionContext(settings, engine=committed_engine, workspace=cobalt,
                            crm_sinks={k: v for k, v in fakes.items() if isinstance(v, MemoryCrm)},  # type: ignore[misc]
                            notifiers={"slack": fakes["slack"]},  # type: ignore[dict-item]
                            mailers={"smtp": fakes["smtp"]}, clock=Clock())  # type: ignore[dict-item]
    try:
        lead_id, _, _ = plan(committed_engine, cobalt)
        run_due_actions(context)
    finally:
        context.close()
    slack = fakes["slack"]
    assert isinstance(slack, MemoryNotifier)
    assert next(iter(slack.alerts.values())).lead_url == f"https://leads.example.com/leads/{lead_id}"
    hubspot = fakes["hubspot"]
    assert isinstance(hubspot, MemoryCrm)
    task_bodies = [lead.task_body or "" for lead in hubspot.contacts.values() if lead.task_subject]
    assert task_bodies and all(f"https://leads.example.com/leads/{lead_id}" in body for body in task_bodies)
