"""The stream's memory shared through the database: two workers, or a restarted one, decide as one process.

Runs on a SQLite file, and on PostgreSQL when LEADRELAY_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.event import listen, remove

from leadrelay.config import Settings
from leadrelay.jobs.tasks import JobContext, pipeline_version, qualify_stored_event, qualify_stored_events
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.records import Event, Fields
from leadrelay.pipeline.runner import Pipeline, decision_for_failure, is_failure
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, read_only, session_scope
from leadrelay.store.tables import DecisionRow, utcnow
from leadrelay.workspace import load_workspace

COBALT = Path(__file__).resolve().parents[2] / "examples" / "cobalt"
LEE = "lee@harbor-freight-data.example"
FORM = {"id": "sm-form", "channel": "web_form", "received_at": "2026-11-20T09:00:00Z", "from_name": "Lee Ortega",
        "from_email": LEE, "subject": "Pipelines",
        "body": "We need CDC replication from Postgres into Snowflake for our order database.",
        "fields": {"company": "Harbor Freight Data"}}
# The same ask by email two and a half hours later.
MAIL = {"id": "sm-mail", "channel": "email", "received_at": "2026-11-20T11:30:00Z", "from_name": "Lee Ortega",
        "from_email": LEE, "subject": "CDC into Snowflake",
        "body": "Hi,\n\nwe need CDC replication from Postgres into Snowflake for our order database. Can you help?"
                "\n\nLee Ortega\nHarbor Freight Data"}
OTHER = {"id": "sm-other", "channel": "web_form", "received_at": "2026-11-20T10:00:00Z", "from_name": "Ana Ruiz",
         "from_email": "ana@tidewater-labs.example", "subject": "Pricing",
         "body": "What does the Business plan cost for 40 connectors?", "fields": {"company": "Tidewater Labs"}}


def context(tmp_path: Path, engine: Engine) -> JobContext:
    """One consumer process: its own pipeline, so its own memory."""
    settings = Settings(data_dir=tmp_path, workspace=COBALT, job_retry_delay_s=0)
    return JobContext(settings, engine=engine, pipeline_factory=Pipeline.for_workspace)


def store(engine: Engine, payload: dict[str, Any], *, now: datetime | None = None) -> int:
    with session_scope(make_session_factory(engine)) as db:
        return repo.intake_event(db, source="webform", raw=json.dumps(payload), window_s=60, now=now).event_id


def decision_of(engine: Engine, event_id: int) -> DecisionRow:
    with make_session_factory(engine)() as db:
        return db.scalars(select(DecisionRow).where(DecisionRow.event_id == event_id)).one()


def history_reasons(row: DecisionRow) -> set[tuple[str, str]]:
    return {(r["step"], r["source"]) for r in row.reasons if r["kind"] == "history"}


def catch_up(ctx: JobContext) -> int:
    with read_only(ctx.engine).connect() as conn:
        return ctx.catch_up(conn)


def spy_remember(ctx: JobContext, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the events `ctx`'s pipeline is told about from now on."""
    pipeline = ctx.pipeline
    told: list[str] = []
    real: Callable[..., None] = pipeline.remember

    def remember(event: Event, **decision: Any) -> None:
        told.append(event.id)
        real(event, **decision)

    monkeypatch.setattr(pipeline, "remember", remember)
    return told


def assert_repeats_the_form(row: DecisionRow) -> None:
    assert row.duplicate_of == "sm-form"
    assert {("enrich", "event:sm-form"), ("dedupe", "event:sm-form")} <= history_reasons(row)


def test_alone_the_mail_is_no_duplicate() -> None:
    # What the tests below rely on: only the memory of the form makes the mail a duplicate.
    decision = Pipeline.for_workspace(load_workspace(COBALT)).qualify(parse_event(MAIL))
    assert decision.duplicate_of is None and decision.type == "sales"


@pytest.mark.parametrize("batch", [False, True], ids=["one-event-job", "batch-job"])
def test_a_worker_sees_what_another_worker_decided(tmp_path: Path, committed_engine: Engine, batch: bool) -> None:
    worker_a, worker_b = context(tmp_path, committed_engine), context(tmp_path, committed_engine)
    form, mail = store(committed_engine, FORM), store(committed_engine, MAIL)
    assert qualify_stored_event(worker_a, form) == "decided"
    if batch:
        assert qualify_stored_events(worker_b, [mail]) == ({mail: "decided"}, [])
    else:
        assert qualify_stored_event(worker_b, mail) == "decided"
    assert_repeats_the_form(decision_of(committed_engine, mail))


def test_a_restarted_worker_remembers_the_recent_past(tmp_path: Path, committed_engine: Engine) -> None:
    form, mail = store(committed_engine, FORM), store(committed_engine, MAIL)
    assert qualify_stored_events(context(tmp_path, committed_engine), [form]) == ({form: "decided"}, [])
    restarted = context(tmp_path, committed_engine)
    assert qualify_stored_event(restarted, mail) == "decided"
    assert_repeats_the_form(decision_of(committed_engine, mail))


def test_the_first_look_reaches_back_one_duplicate_window(tmp_path: Path, committed_engine: Engine,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    worker = context(tmp_path, committed_engine)
    window = timedelta(hours=worker.pipeline.workspace.config.duplicates.window_hours)
    old = store(committed_engine, FORM, now=utcnow() - window - timedelta(hours=1))
    recent = store(committed_engine, OTHER)
    qualify_stored_events(worker, [old, recent])
    restarted = context(tmp_path, committed_engine)
    told = spy_remember(restarted, monkeypatch)
    assert catch_up(restarted) == 1 and told == ["sm-other"]


def test_a_worker_does_not_replay_its_own_decisions(tmp_path: Path, committed_engine: Engine,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    worker = context(tmp_path, committed_engine)
    form, mail = store(committed_engine, FORM), store(committed_engine, MAIL)
    assert qualify_stored_event(worker, form) == "decided"
    told = spy_remember(worker, monkeypatch)
    assert qualify_stored_events(worker, [mail]) == ({mail: "decided"}, [])
    assert catch_up(worker) == 0
    assert told == [] and len(worker.pipeline.history) == 2
    assert_repeats_the_form(decision_of(committed_engine, mail))


def test_decisions_are_replayed_in_arrival_order(tmp_path: Path, committed_engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    start = utcnow() - timedelta(hours=2)
    later = store(committed_engine, {**FORM, "id": "sm-later"}, now=start + timedelta(minutes=30))
    earlier = store(committed_engine, {**OTHER, "id": "sm-earlier", "from_email": LEE}, now=start)
    # Decided against arrival: the later event gets the lower decision id.
    qualify_stored_event(context(tmp_path, committed_engine), later)
    qualify_stored_event(context(tmp_path, committed_engine), earlier)
    assert decision_of(committed_engine, later).id < decision_of(committed_engine, earlier).id
    worker = context(tmp_path, committed_engine)
    told = spy_remember(worker, monkeypatch)
    assert catch_up(worker) == 2
    assert told == ["sm-earlier", "sm-later"]
    assert worker.pipeline.history.lookup(email=LEE, account_id=None) == ("sm-earlier", "sm-later")


def test_nothing_new_means_one_query_and_no_replay(tmp_path: Path, committed_engine: Engine,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    form, other = store(committed_engine, FORM), store(committed_engine, OTHER)
    qualify_stored_event(context(tmp_path, committed_engine), form)
    worker = context(tmp_path, committed_engine)
    assert catch_up(worker) == 1
    assert qualify_stored_event(worker, other) == "decided"  # its own decision: nothing new for it either
    remembered = len(worker.pipeline.history)
    told = spy_remember(worker, monkeypatch)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    listen(committed_engine, "before_cursor_execute", count)
    try:
        assert catch_up(worker) == 0 and catch_up(worker) == 0
        assert sum(statement.startswith("SELECT") for statement in statements) == 2  # one query each
        assert qualify_stored_event(worker, form) == "already_decided"  # nothing to qualify: no look at all
        assert sum("decisions.id >" in statement for statement in statements) == 2
    finally:
        remove(committed_engine, "before_cursor_execute", count)
    assert told == [] and len(worker.pipeline.history) == remembered


def test_a_failed_run_is_not_replayed(tmp_path: Path, committed_engine: Engine) -> None:
    form = store(committed_engine, FORM)
    workspace = load_workspace(COBALT)
    failed = decision_for_failure(parse_event(FORM), "classify", RuntimeError("model exploded"), workspace)
    assert is_failure(model=failed.model, parse_error=failed.parse_error)
    with session_scope(make_session_factory(committed_engine)) as db:
        repo.save_decision(db, event_id=form, decision=failed, pipeline_version=pipeline_version(workspace),
                           sender_email=LEE)
    worker = context(tmp_path, committed_engine)
    assert catch_up(worker) == 0 and len(worker.pipeline.history) == 0


def test_a_decision_committed_late_is_still_replayed(tmp_path: Path, committed_engine: Engine) -> None:
    if committed_engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer: decision ids become visible in the order they are given")
    worker_a, worker_b = context(tmp_path, committed_engine), context(tmp_path, committed_engine)
    form, mail, other = (store(committed_engine, p) for p in (FORM, MAIL, OTHER))
    assert catch_up(worker_a) == 0
    workspace = worker_a.pipeline.workspace
    decision = Pipeline.for_workspace(workspace).qualify(parse_event(FORM))
    with committed_engine.connect() as slow:  # a third worker, whose transaction takes its time
        transaction = slow.begin()
        repo.save_decision(slow, event_id=form, decision=decision, pipeline_version=pipeline_version(workspace),
                           sender_email=LEE, sender_name="Lee Ortega")
        assert qualify_stored_event(worker_b, other) == "decided"  # a higher id, committed first
        assert catch_up(worker_a) == 1
        transaction.commit()
    assert catch_up(worker_a) == 1  # the lower id, looked for again
    assert qualify_stored_event(worker_a, mail) == "decided"
    assert_repeats_the_form(decision_of(committed_engine, mail))


def test_remembering_a_decision_is_as_good_as_making_it() -> None:
    # One pipeline qualifies every event; another qualifies every second one and is told the decisions
    # of the rest: both decide alike.
    workspace = load_workspace(COBALT)
    lines = [*(COBALT / "events.jsonl").read_text(encoding="utf-8").splitlines(),
             *(COBALT / "labelled.jsonl").read_text(encoding="utf-8").splitlines()]
    events = [parse_event(json.loads(line)) for line in lines if line.strip()]
    alone, told = Pipeline.for_workspace(workspace), Pipeline.for_workspace(workspace)
    duplicates = 0
    for i, event in enumerate(events):
        decision = alone.qualify(event)
        duplicates += decision.duplicate_of is not None
        if i % 2:
            assert told.qualify(event) == decision
        else:
            told.remember(event, type=decision.type, account_id=decision.account_id,
                          fields=Fields.model_validate(decision.fields.model_dump(mode="json")),
                          duplicate_of=decision.duplicate_of)
    assert duplicates and len(told.history) == len(alone.history)
