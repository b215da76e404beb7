"""The job path: a decided event has its actions planned in the same transaction; Huey tasks run them."""

from __future__ import annotations

import json
from pathlib import Path

from huey import MemoryHuey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadrelay.actions.jobs import OutboxTasks
from leadrelay.actions.outbox import ActionContext
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import Action, DecisionRow, LeadState
from leadrelay.workspace import Workspace
from tests.actions.fakes import MemoryCrm, MemoryMailer, MemoryNotifier
from tests.conftest import COBALT


def test_a_decided_event_has_its_actions_and_the_sweep_runs_them(tmp_path: Path, committed_engine: Engine,
                                                                 cobalt: Workspace) -> None:
    settings = Settings(data_dir=tmp_path, workspace=COBALT, job_retry_delay_s=0)
    queue = JobQueue(settings, huey=MemoryHuey(immediate=True), context=JobContext(settings, engine=committed_engine))
    raw = json.dumps({"id": "web-1", "channel": "demo_request", "from_email": "marta@harborlinefoods.com",
                      "from_name": "Marta Kowalczyk", "subject": "Demo request",
                      "body": "We run NetSuite and Postgres and want both in Snowflake with CDC. Our contract ends "
                              "on December 15, so we need to decide in the next two weeks.",
                      "fields": {"company": "Harborline Foods", "company_size": "201-500", "country": "United States"}})
    assert queue.context.after_actions == queue.outbox.enqueue_many  # planned actions go on the queue at once
    handed: list[int] = []
    queue.context.after_actions = handed.extend
    with session_scope(make_session_factory(committed_engine)) as db:
        event_id = repo.intake_event(db, source="web", raw=raw, window_s=60).event_id
    queue.enqueue_qualify(event_id)
    with Session(committed_engine) as db:
        decision = db.scalars(select(DecisionRow).where(DecisionRow.event_id == event_id)).one()
        actions = db.scalars(select(Action).where(Action.decision_id == decision.id)).all()
        assert decision.action == "escalate"
        assert sorted((a.kind, a.target) for a in actions) == [("crm", "builtin"), ("crm", "hubspot"),
                                                               ("crm", "salesforce"), ("slack", "slack")]
        assert sorted(handed) == sorted(a.id for a in actions)
        state = db.get(LeadState, decision.lead_id)
        assert state is not None and state.assignee is not None and state.high_intent

    notifier = MemoryNotifier()
    ctx = ActionContext(settings, engine=committed_engine, workspace=cobalt,
                        crm_sinks={s: MemoryCrm(slug=s) for s in ("builtin", "hubspot", "salesforce")},  # type: ignore[misc]
                        notifiers={"slack": notifier}, mailers={"smtp": MemoryMailer()})
    outbox = OutboxTasks(MemoryHuey(immediate=True), settings, lambda: committed_engine, context=ctx)
    assert outbox.sweep() == 4
    assert outbox.sweep() == 0
    with Session(committed_engine) as db:
        assert {a.state for a in db.scalars(select(Action))} == {"done"}
    assert len(notifier.alerts) == 1
