from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from huey import MemoryHuey
from sqlalchemy import Engine, func, select

from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue, make_huey
from leadrelay.jobs.tasks import JobContext, pipeline_version, qualify_stored_event, qualify_stored_events
from leadrelay.pipeline.records import Decision, Event
from leadrelay.pipeline.runner import Pipeline
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import DecisionRow, EventRow, Job, LeadRow, utcnow
from leadrelay.workspace import Workspace, load_workspace

COBALT = Path(__file__).resolve().parents[2] / "examples" / "cobalt"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    pipeline = Pipeline.for_workspace(load_workspace(COBALT))
    pipeline.warm_up()
    return pipeline


class BrokenPipeline:
    """A pipeline whose every run fails, as a crashing model or a bug would."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.calls = 0

    def warm_up(self) -> None:
        return None

    def qualify(self, event: Event) -> Decision:
        self.calls += 1
        raise RuntimeError("model exploded")


def settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path, workspace=COBALT, job_retry_delay_s=0, **overrides)  # type: ignore[arg-type]


def store(engine: Engine, body: str = "We need CDC replication from Postgres into Snowflake.",
          external_id: str = "job-1") -> int:
    raw = json.dumps({"id": external_id, "channel": "web_form", "from_email": "lee@harbor-freight-data.example",
                      "subject": "Pipelines", "body": body, "fields": {"company": "Harbor Freight Data"}})
    with session_scope(make_session_factory(engine)) as db:
        return repo.intake_event(db, source="webform", raw=raw, window_s=60).event_id


@pytest.fixture
def queue(tmp_path: Path, committed_engine: Engine, pipeline: Pipeline) -> Iterator[JobQueue]:
    ctx = JobContext(settings(tmp_path), engine=committed_engine, pipeline_factory=lambda _ws: pipeline)
    yield JobQueue(ctx.settings, huey=MemoryHuey(immediate=True), context=ctx)


def count(engine: Engine, model: type[DecisionRow] | type[EventRow]) -> int:
    with make_session_factory(engine)() as db:
        return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_qualify_stores_one_decision_and_a_rerun_is_a_no_op(queue: JobQueue, committed_engine: Engine) -> None:
    event_id = store(committed_engine)
    queue.enqueue_qualify(event_id)
    assert count(committed_engine, DecisionRow) == 1
    assert qualify_stored_event(queue.context, event_id) == "already_decided"
    queue.enqueue_qualify(event_id)
    assert count(committed_engine, DecisionRow) == 1
    with make_session_factory(committed_engine)() as db:
        row = db.scalars(select(DecisionRow)).one()
        assert row.pipeline_version == "leadrelay/0.1.0 classify=local extract=local"
        assert row.workspace_version == queue.context.pipeline.workspace.version
        assert row.type == "sales" and row.reasons
        job = db.scalars(select(Job)).one()
        assert (job.state, job.attempts) == ("done", 1)
        event = db.get(EventRow, event_id)
        assert event is not None and event.status == "decided" and event.lead_id == row.lead_id


def test_missing_event_is_reported_not_raised(queue: JobQueue) -> None:
    assert qualify_stored_event(queue.context, 987654) == "missing"


def test_failing_job_retries_then_lands_in_dead_letter(tmp_path: Path, committed_engine: Engine) -> None:
    broken: list[BrokenPipeline] = []

    def factory(workspace: Workspace) -> Pipeline:
        broken.append(BrokenPipeline(workspace))
        return broken[-1]  # type: ignore[return-value]

    ctx = JobContext(settings(tmp_path, job_retries=2), engine=committed_engine, pipeline_factory=factory)
    queue = JobQueue(ctx.settings, huey=MemoryHuey(immediate=True), context=ctx)
    event_id = store(committed_engine)
    queue.enqueue_qualify(event_id)  # immediate mode runs the retries inline; Huey logs the failure
    assert broken[0].calls == 3
    with make_session_factory(committed_engine)() as db:
        job = db.scalars(select(Job)).one()
        assert (job.state, job.attempts) == ("dead", 3)
        assert job.last_error == "RuntimeError: model exploded"
        kinds = [t.kind for t in repo.event_timeline(db, event_id=event_id)]
        assert kinds == ["event_received", "failed", "failed", "dead_lettered"]
        event = db.get(EventRow, event_id)
        assert event is not None and event.status == "dead"
    assert count(committed_engine, DecisionRow) == 0


def test_sweeper_re_enqueues_stored_events_without_progress(queue: JobQueue, committed_engine: Engine) -> None:
    event_id = store(committed_engine)  # stored, never enqueued: as if the process died right after commit
    assert queue.sweep() == 0  # too recent to be called lost
    with session_scope(make_session_factory(committed_engine)) as db:
        db.execute(Job.__table__.update().values(updated_at=utcnow() - timedelta(hours=1)))
    assert queue.sweep() == 1
    with make_session_factory(committed_engine)() as db:
        assert db.scalars(select(Job.state).where(Job.event_id == event_id)).one() == "done"
    assert count(committed_engine, DecisionRow) == 1
    assert queue.sweep(older_than_s=0.000001) == 0  # done jobs are never swept


def test_pipeline_version_names_the_backends(pipeline: Pipeline) -> None:
    assert pipeline_version(pipeline.workspace) == "leadrelay/0.1.0 classify=local extract=local"


def test_sqlite_queue_is_a_file_in_the_data_dir(tmp_path: Path) -> None:
    huey = make_huey(Settings(data_dir=tmp_path / "data"))
    assert type(huey).__name__ == "SqliteHuey"
    assert (tmp_path / "data" / "queue.db").exists()


def test_a_remote_queue_needs_a_url() -> None:
    with pytest.raises(ValueError, match="needs queue_url"):
        Settings(queue="redis")


def test_hand_over_survives_a_broken_queue(tmp_path: Path, committed_engine: Engine) -> None:
    class DownHuey(MemoryHuey):  # type: ignore[misc]
        def enqueue(self, task: object) -> None:
            raise ConnectionError("queue down")

    ctx = JobContext(settings(tmp_path), engine=committed_engine)
    queue = JobQueue(ctx.settings, huey=DownHuey(), context=ctx)
    event_id = store(committed_engine)
    assert queue.hand_over(event_id) is False  # the event stays stored; the sweeper retries later
    with make_session_factory(committed_engine)() as db:
        assert db.scalars(select(Job.state).where(Job.event_id == event_id)).one() == "pending"


class FlakyPipeline:
    """The real pipeline, except that it fails on events whose body mentions 'explode'."""

    def __init__(self, real: Pipeline) -> None:
        self.workspace = real.workspace
        self._real = real

    def warm_up(self) -> None:
        return None

    def qualify(self, event: Event) -> Decision:
        if "explode" in (event.body or ""):
            raise RuntimeError("model exploded")
        return self._real.qualify(event)


def test_a_batch_job_stores_its_decisions_and_hands_failures_to_one_event_jobs(
        tmp_path: Path, committed_engine: Engine, pipeline: Pipeline) -> None:
    flaky = FlakyPipeline(pipeline)
    ctx = JobContext(settings(tmp_path, job_retries=1), engine=committed_engine,
                     pipeline_factory=lambda _ws: flaky)  # type: ignore[arg-type,return-value]
    queue = JobQueue(ctx.settings, huey=MemoryHuey(immediate=True), context=ctx)
    good = [store(committed_engine, external_id=f"b{i}", body=f"We need CDC into Snowflake, {i} tables.")
            for i in range(3)]
    bad = store(committed_engine, external_id="b-bad", body="Please explode.")
    assert queue.hand_over_many([*good, bad, 987654]) is True  # immediate mode runs it inline
    with make_session_factory(committed_engine)() as db:
        jobs = {job.event_id: (job.state, job.attempts) for job in db.scalars(select(Job))}
        assert jobs == {**dict.fromkeys(good, ("done", 1)), bad: ("dead", 2)}
        assert sorted(db.scalars(select(DecisionRow.event_id)).all()) == sorted(good)
    outcomes, failed = qualify_stored_events(ctx, [*good, 987654])  # a rerun is a no-op
    assert outcomes == {**dict.fromkeys(good, "already_decided"), 987654: "missing"} and failed == []
    assert count(committed_engine, DecisionRow) == 3


def test_one_event_hand_over_is_a_plain_job(queue: JobQueue, committed_engine: Engine) -> None:
    seen: list[int] = []
    queue.enqueue_qualify = seen.append  # type: ignore[method-assign]
    event_id = store(committed_engine)
    assert queue.hand_over_many([event_id]) is True and queue.hand_over_many([]) is True
    assert seen == [event_id]


def test_a_batch_whose_write_fails_goes_on_as_one_event_jobs(queue: JobQueue, committed_engine: Engine,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    event_ids = [store(committed_engine, external_id=f"w{i}", body=f"CDC into Snowflake, {i} tables.")
                 for i in range(2)]
    singles: list[int] = []
    monkeypatch.setattr(queue, "enqueue_qualify", singles.append)
    monkeypatch.setattr(repo, "save_decision", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db down")))
    queue.enqueue_qualify_many(event_ids)
    assert singles == event_ids and count(committed_engine, DecisionRow) == 0


def test_an_intro_forwarded_by_a_colleague_is_the_introduced_persons_lead(
        queue: JobQueue, committed_engine: Engine, tmp_path: Path) -> None:
    raw = next(line for line in (COBALT / "events.jsonl").read_text(encoding="utf-8").splitlines()
               if '"ex-010"' in line)
    with session_scope(make_session_factory(committed_engine)) as db:
        event_id = repo.intake_event(db, source="email", raw=raw, window_s=60).event_id
    assert qualify_stored_event(queue.context, event_id) == "decided"
    with make_session_factory(committed_engine)() as db:
        event = db.get(EventRow, event_id)
        assert event is not None and event.lead_id is not None
        lead = repo.get_lead(db, lead_id=event.lead_id)
        assert lead is not None and lead.email == "erik.lindqvist@nordvikhome.se"
        # The lead intake made for the forwarder is gone: nothing else referred to it.
        assert db.scalar(select(func.count()).select_from(LeadRow).where(
            LeadRow.email == "hannah.park@cobaltdata.com")) == 0
