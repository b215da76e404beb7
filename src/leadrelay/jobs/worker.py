"""Running consumers: `leadrelay worker` (consumers only) and `leadrelay serve` (API plus a consumer process).

A consumer is Huey's, with worker threads and its scheduler (retries, periodic sweep), plus a sweeper
thread on our own interval that re-enqueues events whose job was lost, e.g. to a `kill -9`.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
from types import FrameType

from huey.consumer import Consumer

from leadrelay.config import Settings
from leadrelay.jobs.pressure import IntakePressure
from leadrelay.jobs.queue import JobQueue

__all__ = ["EmbeddedConsumer", "Sweeper", "run_serve", "run_worker", "start_consumer_process",
           "stop_consumer_process"]

log = logging.getLogger(__name__)


class _QuietConsumer(Consumer):  # type: ignore[misc]
    """A Huey consumer that leaves signal handling to its host (uvicorn, or our worker loop)."""

    def _set_signal_handlers(self) -> None:
        return None


class Sweeper(threading.Thread):
    """Sweeps for stalled jobs at start and then every `interval_s` seconds, until stopped."""

    def __init__(self, queue: JobQueue, interval_s: float) -> None:
        super().__init__(name="leadrelay-sweeper", daemon=True)
        self._queue = queue
        self._interval_s = interval_s
        self._stop_flag = threading.Event()

    def run(self) -> None:
        """Sweep until stopped; an error is logged and the next round tries again."""
        while not self._stop_flag.is_set():
            try:
                self._queue.sweep()
            except Exception:
                log.exception("sweep failed")
            self._stop_flag.wait(self._interval_s)

    def stop(self) -> None:
        """Ask the thread to finish after its current round."""
        self._stop_flag.set()


def _max_delay(queue: JobQueue) -> float:
    # The SQLite queue is polled: an idle consumer backs off to this delay, which bounds how long a new
    # event waits (decisions should land within a second of receipt). Ten empty reads a second cost
    # nothing. Redis blocks on the list instead, so its consumer wakes at once anyway.
    return 0.1 if queue.settings.queue == "sqlite" else 1.0


class EmbeddedConsumer:
    """Huey worker threads, scheduler and our sweeper, started and stopped together in this process."""

    def __init__(self, queue: JobQueue, *, threads: int, sweep_interval_s: float) -> None:
        self.queue = queue
        self._consumer = _QuietConsumer(queue.huey, workers=threads, worker_type="thread", periodic=True,
                                        initial_delay=0.01, max_delay=_max_delay(queue),
                                        check_worker_health=False)
        self._sweeper = Sweeper(queue, sweep_interval_s)

    def start(self) -> None:
        """Load the pipeline, then start consuming (so the first job does not pay for the model)."""
        _ = self.queue.context.pipeline
        self._consumer.start()
        self._sweeper.start()

    def stop(self) -> None:
        """Stop sweeping and let running jobs finish."""
        self._sweeper.stop()
        self._consumer.stop(graceful=True)


def run_worker(settings: Settings, *, parent_pid: int | None = None,
               intake_pressure: IntakePressure | None = None) -> None:
    """Consume jobs until SIGINT or SIGTERM (or, with `parent_pid`, until that process is gone).

    With `intake_pressure` (serve's own consumer), qualification jobs first yield to a busy intake.
    """
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping worker", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    consumer = EmbeddedConsumer(JobQueue(settings, intake_pressure=intake_pressure), threads=settings.worker_threads,
                                sweep_interval_s=settings.sweep_interval_s)
    consumer.start()
    if parent_pid is None:  # serve says it itself
        _warn_missing_settings(settings)
    log.info("worker started", extra={"queue": settings.queue})
    if parent_pid is None:
        stop.wait()
    else:
        # A `kill -9` of `serve` must not leave its consumer running on: reparenting shows it is gone.
        while not stop.wait(0.5):
            if os.getppid() != parent_pid:
                log.warning("serve is gone; stopping its consumer")
                break
    consumer.stop()


def _consumer_process(settings: Settings, parent_pid: int, log_level: str,
                      intake_pressure: IntakePressure | None) -> None:
    logging.basicConfig(level=log_level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    lower_cpu_priority(settings.consumer_priority)
    run_worker(settings, parent_pid=parent_pid, intake_pressure=intake_pressure)


def lower_cpu_priority(priority: str) -> None:
    """Lower this process's CPU priority: "idle" (SCHED_IDLE where the OS has it, else nice 19),
    "low" (nice 10) or "normal" (unchanged)."""
    if priority == "idle":
        if hasattr(os, "SCHED_IDLE"):
            try:
                os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
                return
            except OSError:  # refused (a sandbox, a container policy): the nearest we may do
                pass
        os.nice(19)
    elif priority == "low":
        os.nice(10)


def start_consumer_process(settings: Settings, intake_pressure: IntakePressure | None = None,
                           ) -> multiprocessing.process.BaseProcess:
    """`serve`'s consumer, in a child process of its own.

    A thread would share the API's GIL: the pipeline (~2 ms of CPU an event) and the intake would take
    turns on one core, which capped intake and let decisions fall behind at 200 events/s. A child
    process uses another core; it builds its pipeline once, and stops with `serve` (also on kill -9).
    It runs at a lower CPU priority (`consumer_priority`) and, given the API's `intake_pressure`, its
    qualification jobs yield to a busy intake for a bounded time: a burst of intake is answered first.
    """
    context = multiprocessing.get_context("spawn")  # no inherited threads, locks or connections
    level = logging.getLevelName(logging.getLogger().getEffectiveLevel())
    process = context.Process(target=_consumer_process, args=(settings, os.getpid(), level, intake_pressure),
                              name="leadrelay-consumer")
    process.start()
    return process


def stop_consumer_process(process: multiprocessing.process.BaseProcess, timeout_s: float = 30.0) -> None:
    """Ask the consumer to finish its running job and stop; kill it if it does not."""
    if process.is_alive() and process.pid is not None:
        os.kill(process.pid, signal.SIGTERM)
    process.join(timeout_s)
    if process.is_alive():
        process.kill()
        process.join()


def _warn_missing_settings(settings: Settings) -> None:
    """Say which integrations the workspace uses without their settings (their actions will go dead)."""
    from leadrelay.integrations.registry import missing_settings
    from leadrelay.workspace import load_workspace

    for message in missing_settings(settings, load_workspace(settings.workspace)):
        print(f"Warning: {message}; those actions go dead until it is set (retry them from the web app)",
              file=sys.stderr, flush=True)


def _announce(settings: Settings) -> None:
    """Say where the service listens and, on first run, the admin credentials (shown this once)."""
    from leadrelay.store.db import make_engine, make_session_factory
    from leadrelay.web.auth import ensure_first_admin

    engine = make_engine(settings.db_url)
    try:
        with make_session_factory(engine)() as db:
            first = ensure_first_admin(db)
    finally:
        engine.dispose()
    print(f"LeadRelay on http://{settings.host}:{settings.port} (workspace {settings.workspace})", flush=True)
    _warn_missing_settings(settings)
    if first is not None:
        print(f"First run: sign in as {first[0]} with password {first[1]} (shown once; add people under Users)",
              flush=True)


def run_serve(settings: Settings) -> None:
    """Serve the API with uvicorn and, unless disabled, a consumer process beside it."""
    import uvicorn

    from leadrelay.api.app import create_app

    app = create_app(settings)
    _announce(settings)
    consumer = None
    if settings.consume_in_serve:
        pressure = (IntakePressure(busy_at=settings.consumer_yield_at, max_wait_s=settings.consumer_yield_max_s)
                    if settings.consumer_yield_at else None)
        app.state.intake_pressure = pressure
        consumer = start_consumer_process(settings, pressure)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                                           access_log=False))
    # The app, its routes, schemas and templates live as long as the process: keep them out of the
    # cyclic collector's full passes (they are still freed by reference counting).
    gc.collect()
    gc.freeze()
    try:
        server.run()
    finally:
        committer = getattr(app.state, "intake_committer", None)
        if committer is not None:
            committer.close()
        batcher = getattr(app.state, "intake_hand_over", None)
        if batcher is not None:  # events committed in the last few milliseconds: enqueue them now
            batcher.close()
        if consumer is not None:
            stop_consumer_process(consumer)
