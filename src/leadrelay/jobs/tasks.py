"""What the background jobs do: qualify one stored event, record failures, sweep for lost jobs.

The Huey task functions in `leadrelay.jobs.queue` stay thin and call these. Each opens its own
database scope from ids; idempotency lives in our tables (one decision per event per pipeline and
workspace version), so running a job twice is a no-op.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Literal

from sqlalchemy import Engine

from leadrelay import __version__
from leadrelay.config import Settings
from leadrelay.pipeline.records import Decision, Event
from leadrelay.pipeline.runner import Pipeline
from leadrelay.store import repo
from leadrelay.store.db import SessionFactory, make_engine, make_session_factory, session_scope
from leadrelay.workspace import Workspace, load_workspace

__all__ = ["JobContext", "Outcome", "pipeline_version", "qualify_stored_event", "record_attempt_failure",
           "sweep_stalled"]

log = logging.getLogger(__name__)

Outcome = Literal["decided", "already_decided", "missing"]
PipelineFactory = Callable[[Workspace], Pipeline]


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
        self._sessions: SessionFactory | None = None
        self._pipeline: Pipeline | None = None
        self._pipeline_factory = pipeline_factory or Pipeline.for_workspace
        self._build_lock = threading.Lock()
        # The pipeline keeps the stream's memory (history, duplicates) and is not thread-safe.
        self._qualify_lock = threading.Lock()

    @property
    def sessions(self) -> SessionFactory:
        """The session factory for this process's engine."""
        if self._sessions is None:
            with self._build_lock:
                if self._sessions is None:
                    if self._engine is None:
                        # Decisions can be recomputed, so workers skip SQLite's fsync (see make_engine).
                        self._engine = make_engine(self.settings.db_url, durable=False)
                    self._sessions = make_session_factory(self._engine)
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

    def dispose(self) -> None:
        """Close the database connections of this context."""
        if self._engine is not None:
            self._engine.dispose()


def qualify_stored_event(ctx: JobContext, event_id: int) -> Outcome:
    """Qualify one stored event and store its decision; a no-op when this version already decided it."""
    pipeline = ctx.pipeline
    version = pipeline_version(pipeline.workspace)
    with session_scope(ctx.sessions) as db:
        row = repo.get_event(db, event_id=event_id)
        if row is None:
            log.warning("job for a missing event", extra={"event_id": event_id})
            return "missing"
        if repo.decision_for_event(db, event_id=event_id, pipeline_version=version,
                                   workspace_version=pipeline.workspace.version) is not None:
            repo.mark_job(db, event_id=event_id, state="done")
            return "already_decided"
        repo.mark_job(db, event_id=event_id, state="running", count_attempt=True)
        event = repo.event_from_row(row)
    # The pipeline runs outside any transaction: SQLite's one writer must not wait on a model.
    decision = ctx.qualify(event)
    email, name = repo.sender_of(event)
    with session_scope(ctx.sessions) as db:
        saved = repo.save_decision(db, event_id=event_id, decision=decision, pipeline_version=version,
                                   sender_email=email, sender_name=name)
    if saved is None:
        return "already_decided"
    log.info("event decided", extra={"event_id": event_id, "action": decision.action, "owner": decision.owner})
    return "decided"


def record_attempt_failure(ctx: JobContext, event_id: int, error: BaseException, *, final: bool) -> None:
    """Note a failed attempt; `final` puts the event in the dead-letter state with a timeline entry."""
    message = f"{type(error).__name__}: {error}"
    with session_scope(ctx.sessions) as db:
        repo.record_failure(db, event_id=event_id, error=message, final=final)
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
