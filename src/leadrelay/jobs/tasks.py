"""What the background jobs do: qualify one stored event, record failures, sweep for lost jobs.

The Huey task functions in `leadrelay.jobs.queue` stay thin and call these. Each opens its own
database scope from ids; idempotency lives in our tables (one decision per event per pipeline and
workspace version), so running a job twice is a no-op.

The stream's memory (earlier events of a person, requests a new event may repeat) lives in each
process's pipeline. Before it qualifies, a consumer catches up from the decisions table: the decisions
other processes stored since its last look (on first use, those of the workspace's duplicate window,
at most `MEMORY_LIMIT`) are replayed into its pipeline, in the events' arrival order, without
classifying them again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Literal

from sqlalchemy import Connection, Engine

from leadrelay import __version__
from leadrelay.actions.plan import plan_actions
from leadrelay.config import Settings
from leadrelay.pipeline.records import Decision, Event, Fields
from leadrelay.pipeline.runner import Pipeline, is_failure
from leadrelay.store import repo
from leadrelay.store.db import (
    SessionFactory,
    job_engine,
    make_engine,
    make_session_factory,
    one_decision_writer_at_a_time,
    read_only,
    relax_commit,
    session_scope,
)
from leadrelay.store.tables import utcnow
from leadrelay.workspace import Workspace, load_workspace

__all__ = ["MEMORY_LIMIT", "JobContext", "Outcome", "pipeline_version", "qualify_stored_event",
           "qualify_stored_events", "record_attempt_failure", "sweep_stalled"]

log = logging.getLogger(__name__)

Outcome = Literal["decided", "already_decided", "missing"]
PipelineFactory = Callable[[Workspace], Pipeline]

# The most decisions one catch-up replays (the newest, when more were stored since the last look).
MEMORY_LIMIT = 10_000
# PostgreSQL hands out decision ids before commit, so a lower id can become visible after a higher
# one: ids skipped below the cursor are looked for again, this many at most, for this long.
_MAX_GAPS = 256
_GAP_WAIT_S = 60.0


def pipeline_version(workspace: Workspace) -> str:
    """The version of the code and backends deciding, e.g. ``leadrelay/0.1.0 classify=local extract=local``."""
    backends = workspace.config.backends
    return f"leadrelay/{__version__} classify={backends.classify} extract={backends.extract}"


class JobContext:
    """What tasks need in one process: a session factory and the pipeline, both built on first use."""

    def __init__(self, settings: Settings, *, engine: Engine | None = None,
                 pipeline_factory: PipelineFactory | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._job_engine: Engine | None = None
        self._sessions: SessionFactory | None = None
        self._pipeline: Pipeline | None = None
        self._pipeline_factory = pipeline_factory or Pipeline.for_workspace
        self._build_lock = threading.Lock()
        # The pipeline keeps the stream's memory (history, duplicates) and is not thread-safe.
        self._qualify_lock = threading.Lock()
        # Called after a commit with the ids of the actions it planned (the queue enqueues them at once).
        self.after_actions: Callable[[list[int]], None] | None = None
        # The shared memory, guarded by the qualify lock: the highest decision id looked at (None before
        # the first catch-up), this process's decisions above it, and ids skipped below it (PostgreSQL).
        self._cursor: int | None = None
        self._own: set[int] = set()
        self._gaps: dict[int, float] = {}  # decision id -> when first missed (time.monotonic())

    @property
    def engine(self) -> Engine:
        """The engine jobs write with (for SQLite, one that skips the fsync: see `job_engine`)."""
        if self._job_engine is None:
            with self._build_lock:
                if self._job_engine is None:
                    if self._engine is None:
                        self._job_engine = make_engine(self.settings.db_url)
                    else:
                        self._job_engine = job_engine(self._engine)
        return self._job_engine

    @property
    def sessions(self) -> SessionFactory:
        """The session factory for this process's job engine."""
        if self._sessions is None:
            engine = self.engine
            with self._build_lock:
                if self._sessions is None:
                    self._sessions = make_session_factory(engine)
        return self._sessions

    @property
    def pipeline(self) -> Pipeline:
        """The warmed-up pipeline for the configured workspace."""
        if self._pipeline is None:
            with self._build_lock:
                if self._pipeline is None:
                    pipeline = self._pipeline_factory(load_workspace(self.settings.workspace))
                    pipeline.warm_up()
                    self._pipeline = pipeline
        return self._pipeline

    def qualify(self, event: Event) -> Decision:
        """Run the pipeline on one event, one at a time."""
        pipeline = self.pipeline
        with self._qualify_lock:
            return pipeline.qualify(event)

    def catch_up(self, conn: Connection) -> int:
        """Replay into the pipeline's memory the decisions other processes stored since the last look.

        The first time, the decisions of events received within the workspace's duplicate window (the
        newest `MEMORY_LIMIT`). One query of decision ids when nothing new was stored, a second one for
        what to replay. Returns how many decisions were replayed.
        """
        pipeline = self.pipeline
        workspace = pipeline.workspace
        with self._qualify_lock:
            first = self._cursor is None
            after = self._cursor or 0
            ids = repo.decision_ids_after(conn, after_id=after, limit=MEMORY_LIMIT, also_ids=sorted(self._gaps))
            cursor = max(after, ids[-1] if ids else 0, max(self._own, default=0))
            if conn.dialect.name != "sqlite":  # SQLite has one writer: its ids become visible in order
                self._note_gaps(after, cursor, ids)
            version = pipeline_version(workspace)
            if first:
                since = utcnow() - timedelta(hours=workspace.config.duplicates.window_hours)
                stored = [row for row in repo.decisions_since(
                    conn, after_id=0, pipeline_version=version, workspace_version=workspace.version,
                    limit=MEMORY_LIMIT, received_since=since) if row.decision_id <= cursor]
            else:
                stored = repo.stored_decisions(conn, decision_ids=[i for i in ids if i not in self._own],
                                               pipeline_version=version, workspace_version=workspace.version)
            self._own = {i for i in self._own if i > cursor}
            self._cursor = cursor
            replayed = 0
            for row in stored:
                if is_failure(model=row.model, parse_error=row.parse_error):
                    continue  # a failed run leaves no trace in the memory of the process that ran it
                try:
                    pipeline.remember(repo.event_from_payload(row.payload), type=row.type,
                                      account_id=row.account_id, fields=Fields.model_validate(row.fields),
                                      duplicate_of=row.duplicate_of)
                except Exception:  # the memory is best effort: a job never fails for it
                    log.warning("cannot replay a stored decision", exc_info=True,
                                extra={"decision_id": row.decision_id})
                    continue
                replayed += 1
        if replayed:
            log.debug("caught up", extra={"replayed": replayed, "cursor": cursor})
        return replayed

    def _note_gaps(self, after: int, cursor: int, ids: list[int]) -> None:
        now = time.monotonic()
        visible = set(ids)
        gaps = {i: t for i, t in self._gaps.items() if i not in visible and now - t < _GAP_WAIT_S}
        for i in range(max(after, cursor - _MAX_GAPS) + 1, cursor + 1):
            if i not in visible and i not in self._own:
                gaps.setdefault(i, now)
        self._gaps = dict(sorted(gaps.items())[-_MAX_GAPS:])

    def saved(self, decision_ids: Sequence[int]) -> None:
        """Note decisions this process stored (their events are in its memory already)."""
        with self._qualify_lock:
            cursor = self._cursor or 0
            self._own.update(i for i in decision_ids if i > cursor)
            for i in decision_ids:
                self._gaps.pop(i, None)

    def dispose(self) -> None:
        """Close the database connections of this context."""
        if self._job_engine is not None and self._job_engine is not self._engine:
            self._job_engine.dispose()
        if self._engine is not None:
            self._engine.dispose()


def qualify_stored_event(ctx: JobContext, event_id: int) -> Outcome:
    """Qualify one stored event and store its decision; a no-op when this version already decided it."""
    pipeline = ctx.pipeline
    version = pipeline_version(pipeline.workspace)
    engine = ctx.engine
    # One read, the pipeline, and one write transaction: there is no separate "running" write, because
    # a job that dies mid-run is found by the sweeper in whatever state it was left.
    with read_only(engine).connect() as conn:
        stored = repo.load_job(conn, event_id=event_id, pipeline_version=version,
                               workspace_version=pipeline.workspace.version)
        if stored is not None and not stored.decided:
            ctx.catch_up(conn)
    if stored is None:
        log.warning("job for a missing event", extra={"event_id": event_id})
        return "missing"
    if stored.decided:
        with engine.begin() as conn:
            repo.mark_job(conn, event_id=event_id, state="done")
        return "already_decided"
    event = repo.event_from_payload(stored.payload)
    # The pipeline runs outside any transaction: SQLite's one writer must not wait on a model.
    decision = ctx.qualify(event)
    email, name = repo.sender_of(event)
    with engine.begin() as conn:
        relax_commit(conn)
        one_decision_writer_at_a_time(conn)
        saved = repo.save_decision(conn, event_id=event_id, decision=decision, pipeline_version=version,
                                   sender_email=email, sender_name=name, count_attempt=True)
        planned: list[int] = []
        if saved is not None:  # the decision's actions, in its own transaction (the outbox)
            planned = plan_actions(conn, decision_id=saved.id, lead_id=saved.lead_id, event_id=event_id,
                                   decision=decision, workspace=pipeline.workspace)
    if saved is None:
        return "already_decided"
    ctx.saved([saved.id])
    _hand_over_actions(ctx, planned)
    log.info("event decided", extra={"event_id": event_id, "action": decision.action, "owner": decision.owner})
    return "decided"


def qualify_stored_events(ctx: JobContext, event_ids: Sequence[int]) -> tuple[dict[int, Outcome], list[int]]:
    """Qualify a batch of stored events and store their decisions in one transaction.

    Returns each event's outcome, and the events whose pipeline run failed: the caller hands those to
    the one-event job, which retries and dead-letters them one by one. Saves one read, one commit and
    its fsync per event compared with one job per event.
    """
    pipeline = ctx.pipeline
    version = pipeline_version(pipeline.workspace)
    engine = ctx.engine
    with read_only(engine).connect() as conn:
        stored = repo.load_jobs(conn, event_ids=event_ids, pipeline_version=version,
                                workspace_version=pipeline.workspace.version)
        if any(not row.decided for row in stored.values()):
            ctx.catch_up(conn)
    outcomes: dict[int, Outcome] = {}
    failed: list[int] = []
    decided: list[tuple[int, Decision, str | None, str | None]] = []
    planned: list[int] = []
    saved_ids: list[int] = []
    for event_id in event_ids:
        row = stored.get(event_id)
        if row is None:
            log.warning("job for a missing event", extra={"event_id": event_id})
            outcomes[event_id] = "missing"
            continue
        if row.decided:
            outcomes[event_id] = "already_decided"
            continue
        try:
            event = repo.event_from_payload(row.payload)
            decision = ctx.qualify(event)
        except Exception:
            log.warning("batch run failed; the event goes on as a job of its own", exc_info=True,
                        extra={"event_id": event_id})
            failed.append(event_id)
            continue
        decided.append((event_id, decision, *repo.sender_of(event)))
    with engine.begin() as conn:
        relax_commit(conn)
        one_decision_writer_at_a_time(conn)
        for event_id, outcome in outcomes.items():
            if outcome == "already_decided":
                repo.mark_job(conn, event_id=event_id, state="done")
        for event_id, decision, email, name in decided:
            saved = repo.save_decision(conn, event_id=event_id, decision=decision, pipeline_version=version,
                                       sender_email=email, sender_name=name, count_attempt=True)
            if saved is not None:
                saved_ids.append(saved.id)
                planned.extend(plan_actions(conn, decision_id=saved.id, lead_id=saved.lead_id, event_id=event_id,
                                            decision=decision, workspace=pipeline.workspace))
            outcomes[event_id] = "decided" if saved is not None else "already_decided"
    ctx.saved(saved_ids)
    _hand_over_actions(ctx, planned)
    return outcomes, failed


def _hand_over_actions(ctx: JobContext, action_ids: list[int]) -> None:
    # After the commit only; if this fails the periodic outbox sweep finds the actions anyway.
    if action_ids and ctx.after_actions is not None:
        try:
            ctx.after_actions(action_ids)
        except Exception:
            log.exception("cannot hand over actions; the outbox sweep will", extra={"actions": len(action_ids)})


def record_attempt_failure(ctx: JobContext, event_id: int, error: BaseException, *, final: bool) -> None:
    """Note a failed attempt; `final` puts the event in the dead-letter state with a timeline entry."""
    message = f"{type(error).__name__}: {error}"
    with ctx.engine.begin() as conn:
        repo.mark_job(conn, event_id=event_id, state="retrying", count_attempt=True)  # the failed run counts
        repo.record_failure(conn, event_id=event_id, error=message, final=final)
    if final:
        log.error("event dead-lettered", extra={"event_id": event_id, "error": message})


def sweep_stalled(ctx: JobContext, enqueue: Callable[[int], None], *, older_than_s: float | None = None) -> int:
    """Re-enqueue events stored without a decision whose job made no progress; returns how many."""
    with session_scope(ctx.sessions) as db:
        event_ids = repo.claim_stalled_jobs(db, older_than_s=older_than_s or ctx.settings.stalled_after_s)
    for event_id in event_ids:
        enqueue(event_id)
    if event_ids:
        log.warning("re-enqueued stalled events", extra={"count": len(event_ids)})
    return len(event_ids)
