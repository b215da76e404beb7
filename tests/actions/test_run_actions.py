"""Actions that need no outside call share their claim's transaction; a batch of them shares one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session

from leadrelay.actions.outbox import ActionContext, close_without_calls, run_action, run_actions
from leadrelay.actions.touches import opt_out
from leadrelay.config import Settings
from leadrelay.integrations.base import CrmLead
from leadrelay.integrations.crm_builtin import BuiltinCrmSink
from leadrelay.store.tables import Action, CrmRecord, TimelineEntry
from leadrelay.workspace import Workspace
from tests.actions.fakes import MemoryMailer, MemoryNotifier
from tests.actions.support import NOW, decision, store_decided
from tests.conftest import COBALT


@pytest.fixture
def ctx(tmp_path: Path, committed_engine: Engine, cobalt: Workspace) -> Iterator[ActionContext]:
    """The real built-in CRM; HubSpot and Salesforce without settings; Slack and SMTP stand-ins."""
    settings = Settings(data_dir=tmp_path, workspace=COBALT, action_attempts=3)
    context = ActionContext(settings, engine=committed_engine, workspace=cobalt, clock=lambda: NOW,
                            notifiers={"slack": MemoryNotifier()}, mailers={"smtp": MemoryMailer()})
    yield context
    context.close()


@pytest.fixture
def commits(committed_engine: Engine) -> Iterator[list[int]]:
    """One entry per transaction committed on the engine while the test runs."""
    seen: list[int] = []

    def count(_conn: object) -> None:
        seen.append(1)

    event.listen(committed_engine, "commit", count)
    yield seen
    event.remove(committed_engine, "commit", count)


def planned(engine: Engine, workspace: Workspace, external_id: str, **kw: object) -> dict[str, int]:
    """The planned actions of a new decision, by target."""
    with engine.begin() as conn:
        _, decision_id, _ = store_decided(conn, workspace, decision(external_id=external_id, **kw),  # type: ignore[arg-type]
                                          sender=f"{external_id}@harborlinefoods.com")
    with Session(engine) as db:
        return {a.target: a.id for a in db.scalars(select(Action).where(Action.decision_id == decision_id))}


def action(engine: Engine, action_id: int) -> Action:
    with Session(engine) as db:
        row = db.get(Action, action_id)
        assert row is not None
        return row


def builtin_records(engine: Engine, email: str) -> list[CrmRecord]:
    with Session(engine) as db:
        contact = db.scalars(select(CrmRecord).where(CrmRecord.system == "builtin", CrmRecord.object == "contact",
                                                     CrmRecord.match_key == email)).all()
        return list(contact)


def test_the_builtin_crm_is_claimed_written_and_recorded_in_one_transaction(
        ctx: ActionContext, committed_engine: Engine, cobalt: Workspace, commits: list[int]) -> None:
    actions = planned(committed_engine, cobalt, "rb-1")
    commits.clear()
    assert run_action(ctx, actions["builtin"]) == "done"
    assert len(commits) == 1
    row = action(committed_engine, actions["builtin"])
    assert row.state == "done" and row.attempts == 1 and row.result["system"] == "builtin"
    [contact] = builtin_records(committed_engine, "rb-1@harborlinefoods.com")
    assert row.result["contact_id"] == contact.external_id == f"contact-{contact.id}"
    with Session(committed_engine) as db:
        kinds = db.scalars(select(TimelineEntry.kind).where(TimelineEntry.lead_id == row.lead_id)).all()
        assert "action_done" in kinds
    assert run_action(ctx, actions["builtin"]) == "skipped"


def test_a_failed_builtin_write_leaves_nothing_and_runs_the_usual_way(
        ctx: ActionContext, committed_engine: Engine, cobalt: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    actions = planned(committed_engine, cobalt, "rb-2")

    def broken(self: BuiltinCrmSink, conn: object, lead: CrmLead) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(BuiltinCrmSink, "write", broken)
    assert run_action(ctx, actions["builtin"]) == "retrying"  # a bug is retried, as from any adapter
    row = action(committed_engine, actions["builtin"])
    assert row.attempts == 1 and "disk on fire" in (row.last_error or "")  # the rolled-back claim did not count
    assert builtin_records(committed_engine, "rb-2@harborlinefoods.com") == []


def test_actions_without_outside_calls_are_closed_together(ctx: ActionContext, committed_engine: Engine,
                                                            cobalt: Workspace, commits: list[int]) -> None:
    actions = planned(committed_engine, cobalt, "rb-3")
    assert set(actions) == {"builtin", "hubspot", "salesforce", "slack"}
    ids = sorted(actions.values())
    commits.clear()
    closed = close_without_calls(ctx, ids)
    assert len(commits) == 1
    # Slack makes an outside call: left for run_action, still pending.
    assert closed == {actions["builtin"]: "done", actions["hubspot"]: "dead", actions["salesforce"]: "dead"}
    assert action(committed_engine, actions["slack"]).state == "pending"
    hubspot = action(committed_engine, actions["hubspot"])
    assert hubspot.attempts == 1 and "LEADRELAY_HUBSPOT__ACCESS_TOKEN" in (hubspot.last_error or "")
    with Session(committed_engine) as db:
        dead = db.scalars(select(TimelineEntry).where(TimelineEntry.kind == "action_dead")).all()
        assert {e.detail["action_id"] for e in dead} >= {actions["hubspot"], actions["salesforce"]}
    assert close_without_calls(ctx, ids) == {i: "skipped" for i in ids if i != actions["slack"]}
    assert run_actions(ctx, ids)[actions["slack"]] == "done"


def test_run_actions_gives_each_outcome_in_order(ctx: ActionContext, committed_engine: Engine,
                                                 cobalt: Workspace) -> None:
    actions = planned(committed_engine, cobalt, "rb-4")
    ids = sorted(actions.values())
    outcomes = run_actions(ctx, [*ids, 999_999])
    assert list(outcomes) == [*ids, 999_999]
    assert outcomes == {actions["builtin"]: "done", actions["hubspot"]: "dead", actions["salesforce"]: "dead",
                        actions["slack"]: "done", 999_999: "skipped"}


def test_an_email_to_an_opted_out_lead_is_cancelled_in_the_shared_transaction(
        ctx: ActionContext, committed_engine: Engine, cobalt: Workspace) -> None:
    actions = planned(committed_engine, cobalt, "rb-5", action="reply", owner="nurture", fit="weak",
                      urgency="normal")
    email = actions["smtp"]
    row = action(committed_engine, email)
    assert row.state == "pending" and row.lead_id is not None  # weak fit: auto-sent
    with committed_engine.begin() as conn:
        opt_out(conn, lead_id=row.lead_id, by=None, source="email")
        # Opting out cancels pending emails; one pending again (a retry by people, say) is cancelled when run.
        conn.execute(update(Action).where(Action.id == email).values(state="pending", last_error=None))
    assert close_without_calls(ctx, [email]) == {email: "cancelled"}
    assert action(committed_engine, email).state == "cancelled"


def test_a_failed_shared_transaction_keeps_nothing(ctx: ActionContext, committed_engine: Engine, cobalt: Workspace,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    actions = planned(committed_engine, cobalt, "rb-6")

    def broken(self: BuiltinCrmSink, conn: object, lead: CrmLead) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(BuiltinCrmSink, "write", broken)
    assert close_without_calls(ctx, sorted(actions.values())) == {}
    assert {action(committed_engine, i).state for i in actions.values()} == {"pending"}


def test_the_builtin_crm_writes_inside_the_caller_s_transaction(committed_engine: Engine,
                                                                 cobalt: Workspace) -> None:
    lead_id = action(committed_engine, planned(committed_engine, cobalt, "rb-7")["builtin"]).lead_id
    assert lead_id is not None
    sink = BuiltinCrmSink(committed_engine)
    lead = CrmLead(key="crm:builtin:decision:rb-7", lead_id=lead_id, email="rb-7@initech.example", first_name="Ana",
                   last_name=None, company="Initech", domain="initech.example", owner_email=None,
                   task_subject="Call", task_body=None, fields={})
    with committed_engine.connect() as conn, conn.begin() as transaction:
        ref = sink.write(conn, lead)
        assert ref.created == ("company", "contact", "task")
        transaction.rollback()
    assert builtin_records(committed_engine, "rb-7@initech.example") == []
    assert sink.upsert_lead(lead).created == ("company", "contact", "task")
    assert sink.upsert_lead(lead).created == ()


def test_a_batch_takes_over_an_action_presumed_lost_and_says_so_first(
        ctx: ActionContext, committed_engine: Engine, cobalt: Workspace) -> None:
    actions = planned(committed_engine, cobalt, "rb-8")
    builtin = actions["builtin"]
    with committed_engine.begin() as conn:  # a worker claimed it 11 minutes ago and died
        conn.execute(update(Action).where(Action.id == builtin).values(
            state="running", attempts=1, updated_at=NOW - timedelta(minutes=11)))
        conn.execute(update(Action).where(Action.id == actions["hubspot"]).values(state="running", attempts=1,
                                                                                    updated_at=NOW))
    closed = close_without_calls(ctx, [builtin, actions["hubspot"]])
    assert closed == {builtin: "done", actions["hubspot"]: "skipped"}  # the other one's worker is alive
    assert action(committed_engine, builtin).attempts == 2
    with Session(committed_engine) as db:
        entries = db.scalars(select(TimelineEntry).where(TimelineEntry.lead_id == action(committed_engine,
                                                                                           builtin).lead_id)
                             .order_by(TimelineEntry.id)).all()
        mine = [e.kind for e in entries if (e.detail or {}).get("action_id") == builtin]
        assert mine == ["action_presumed_lost", "action_done"]
