"""The job queue: Huey on an embedded SQLite file by default, Redis or PostgreSQL across machines.

Tasks are registered on a Huey instance built from settings (no module-level instance), under fixed
names, so an API process and worker processes on other machines agree on what a message means.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Task
from huey.storage import SqliteStorage

from leadrelay.actions.jobs import OutboxTasks
from leadrelay.config import Settings
from leadrelay.errors import ConfigError
from leadrelay.jobs.pressure import IntakePressure
from leadrelay.jobs.tasks import (
    JobContext,
    qualify_stored_event,
    qualify_stored_events,
    record_attempt_failure,
    sweep_stalled,
)

__all__ = ["HandOverBatcher", "JobQueue", "decision_priority", "make_huey"]

log = logging.getLogger(__name__)

QUALIFY_TASK = "leadrelay.qualify_event"
QUALIFY_BATCH_TASK = "leadrelay.qualify_events"
_DECISION_PRIORITY = 10


def decision_priority(huey: Huey) -> int | None:
    """The qualification tasks' priority where the queue's storage orders by it; None where it cannot.

    RedisHuey's storage refuses any priority (NotImplementedError on enqueue); there decisions and actions
    share one first-in, first-out list (PriorityRedisHuey would order them).
    """
    from huey.storage import MemoryStorage, PostgresStorage, PriorityRedisStorage, SqliteStorage

    ordered = (SqliteStorage, MemoryStorage, PostgresStorage, PriorityRedisStorage)
    return _DECISION_PRIORITY if isinstance(huey.storage, ordered) else None
SWEEP_TASK = "leadrelay.sweep_stalled"


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """A Huey instance for the configured queue (results are not kept: the database has them).

    Raises:
        ConfigError: the queue backend cannot be set up.
    """
    name = settings.queue_name
    try:
        if settings.queue == "sqlite":
            settings.ensure_data_dir()
            return SqliteHuey(name, filename=str(settings.queue_file), results=False, immediate=immediate,
                              storage_class=_WalNormalStorage)
        if settings.queue == "redis":
            return RedisHuey(name, url=settings.queue_url, results=False, immediate=immediate)
        return PostgresHuey(name, dsn=settings.queue_url, results=False, immediate=immediate)
    except Exception as exc:  # a missing driver or a bad URL is an operator mistake
        raise ConfigError(f"cannot set up the {settings.queue} queue: {exc}") from exc


class _WalNormalStorage(SqliteStorage):  # type: ignore[misc]
    """Huey's SQLite queue with synchronous=NORMAL: no fsync per enqueue, still safe if a process dies.

    Huey offers FULL (an fsync, ~3 ms here, per message) or OFF (a power cut may corrupt the file). A
    message lost to a power cut is harmless: the job row is committed first and the sweeper re-enqueues it.
    """

    def _create_connection(self) -> Any:
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class JobQueue:
    """The qualification queue: enqueue events by id; consumers run `qualify_event` on them."""

    def __init__(self, settings: Settings, *, huey: Huey | None = None, context: JobContext | None = None,
                 intake_pressure: IntakePressure | None = None) -> None:
        self.settings = settings
        self.huey = huey if huey is not None else make_huey(settings)
        self.context = context if context is not None else JobContext(settings)
        ctx = self.context
        retries = settings.job_retries
        # serve's own consumer: each qualification job first yields to a busy intake (bounded).
        yield_to_intake: Callable[[], float] = (intake_pressure.yield_to_intake if intake_pressure is not None
                                                else lambda: 0.0)

        # Decisions before actions: where the queue honours priorities (SQLite, memory, PriorityRedisHuey),
        # a consumer with both waiting stores decisions first; the actions follow in order.
        task_options: dict[str, Any] = {"retries": retries, "retry_delay": settings.job_retry_delay_s,
                                        "retry_backoff": settings.job_retry_backoff, "context": True,
                                        "name": QUALIFY_TASK, "priority": decision_priority(self.huey)}

        @self.huey.task(**task_options)  # type: ignore[untyped-decorator]
        def qualify_event(event_id: int, task: Task | None = None) -> str:
            yield_to_intake()
            try:
                return qualify_stored_event(ctx, event_id)
            except Exception as exc:
                # Huey counts retries down; the last failing attempt is the dead letter.
                final = task is None or not task.retries
                try:
                    record_attempt_failure(ctx, event_id, exc, final=final)
                except Exception:  # the DB itself is down: the sweeper picks the event up later
                    log.exception("cannot record a failed attempt", extra={"event_id": event_id})
                raise

        # A batch: the events one group commit stored together. No Huey retries here: an event whose run
        # fails becomes a one-event job, which has them (and the dead-letter path).
        @self.huey.task(context=False, name=QUALIFY_BATCH_TASK,  # type: ignore[untyped-decorator]
                        priority=decision_priority(self.huey))
        def qualify_events(event_ids: list[int]) -> int:
            yield_to_intake()
            try:
                _, failed = qualify_stored_events(ctx, event_ids)
            except Exception:  # the batch's read or write failed: nothing of it was stored
                log.exception("batch job failed; its events go on as jobs of their own",
                              extra={"event_ids": event_ids})
                failed = list(event_ids)
            for event_id in failed:
                self.enqueue_qualify(event_id)
            return len(event_ids) - len(failed)

        # Minute resolution is Huey's; `leadrelay serve`/`worker` also sweep on their own interval.
        @self.huey.periodic_task(crontab(minute="*"), name=SWEEP_TASK)  # type: ignore[untyped-decorator]
        def sweep() -> int:
            return self.sweep()

        self._qualify_task: Any = qualify_event
        self._qualify_batch_task: Any = qualify_events
        # The outbox (issue 4): a task per action, and a periodic sweep of due actions and timers.
        self.outbox = OutboxTasks(self.huey, settings, lambda: ctx.engine, before_run=yield_to_intake)
        ctx.after_actions = self.outbox.enqueue_many

    def enqueue_qualify(self, event_id: int) -> None:
        """Put one stored event on the queue."""
        self._qualify_task(event_id)

    def enqueue_qualify_many(self, event_ids: list[int]) -> None:
        """Put stored events on the queue as one batch job."""
        self._qualify_batch_task(event_ids)

    def hand_over(self, event_id: int) -> bool:
        """Enqueue a just-committed event; False (queue down) leaves it to the sweeper.

        The job row stays ``pending`` until a worker starts it: marking it ``queued`` here would cost
        a second commit per request, and the sweeper treats both states alike.
        """
        try:
            self.enqueue_qualify(event_id)
        except Exception:
            log.exception("cannot enqueue; the sweeper will retry", extra={"event_id": event_id})
            return False
        return True

    def hand_over_many(self, event_ids: list[int]) -> bool:
        """Enqueue events committed together as one batch job (one event: a plain job).

        False (queue down) leaves them to the sweeper.
        """
        if len(event_ids) == 1:
            return self.hand_over(event_ids[0])
        if not event_ids:
            return True
        try:
            self.enqueue_qualify_many(event_ids)
        except Exception:
            log.exception("cannot enqueue; the sweeper will retry", extra={"event_ids": event_ids})
            return False
        return True

    def sweep(self, *, older_than_s: float | None = None) -> int:
        """Re-enqueue stored events whose job stalled (a killed process, a lost message)."""
        return sweep_stalled(self.context, self.enqueue_qualify, older_than_s=older_than_s)

    def pending(self) -> int:
        """How many messages wait in the queue (not counting scheduled retries)."""
        return int(self.huey.pending_count())


class HandOverBatcher:
    """Collects committed event ids for up to `window_s` and hands them to the queue as one batch job.

    At a steady stream most group commits hold one or two events, and a job per commit costs the consumer
    a queue message, a read and a write transaction each (more than the pipeline itself). Waiting
    `window_s` for more ids turns a few commits into one job. The ids are committed already, so one
    lost in the window (a `kill -9`) only waits for the sweeper, as a failed enqueue does.
    Enqueueing runs on a thread of its own, so a slow queue never holds up a commit or an answer.
    """

    def __init__(self, queue: JobQueue, *, window_s: float = 0.015, max_batch: int = 16) -> None:
        self._queue = queue
        self._window_s = window_s
        self._max_batch = max_batch
        self._ids: list[int] = []
        self._first_at = 0.0  # when the oldest waiting id came
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._added = 0  # ids added so far, and ids handed over so far (for `flush`)
        self._handed = 0
        self._flush_upto = 0  # hand over without waiting out the window until this many ids are handed

    def add(self, event_ids: Sequence[int]) -> None:
        """Queue committed events for the next batch (after `close`: hand them over at once)."""
        if not event_ids:
            return
        with self._cond:
            if not self._closed:
                was_empty = not self._ids
                if was_empty:
                    self._first_at = time.monotonic()
                self._ids.extend(event_ids)
                self._added += len(event_ids)
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="leadrelay-hand-over", daemon=True)
                    self._thread.start()
                if was_empty or len(self._ids) >= self._max_batch:
                    self._cond.notify_all()  # otherwise the thread is waiting out the window anyway
                return
        self._queue.hand_over_many(list(event_ids))

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Hand over every id added so far now; False if that did not finish within `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            target = self._added
            self._flush_upto = max(self._flush_upto, target)
            self._cond.notify_all()
            while self._handed < target:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def close(self, timeout_s: float = 10.0) -> None:
        """Hand over what is waiting now and stop the thread."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout_s)

    def _next_batch(self) -> list[int] | None:
        with self._cond:
            while True:
                if self._ids and (self._closed or len(self._ids) >= self._max_batch
                                  or self._handed < self._flush_upto):
                    break
                if not self._ids:
                    if self._closed:
                        return None
                    self._cond.wait()
                    continue
                remaining = self._first_at + self._window_s - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            batch, self._ids = self._ids[:self._max_batch], self._ids[self._max_batch:]
            self._first_at = time.monotonic()
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                self._queue.hand_over_many(batch)  # False (queue down) leaves them to the sweeper
            except Exception:  # never let the thread die: later ids would wait for the sweeper
                log.exception("hand-over failed; the sweeper will retry", extra={"event_ids": batch})
            with self._cond:
                self._handed += len(batch)
                self._cond.notify_all()
