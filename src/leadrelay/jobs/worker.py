"""Running consumers: `leadrelay worker` (consumers only) and `leadrelay serve` (API plus a consumer).

A consumer is Huey's, with worker threads and its scheduler (retries, periodic sweep), plus a sweeper
thread on our own interval that re-enqueues events whose job was lost, e.g. to a `kill -9`.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from huey.consumer import Consumer

from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue

__all__ = ["EmbeddedConsumer", "Sweeper", "run_serve", "run_worker"]

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


class EmbeddedConsumer:
    """Huey worker threads, scheduler and our sweeper, started and stopped together in this process."""

    def __init__(self, queue: JobQueue, *, threads: int, sweep_interval_s: float) -> None:
        self.queue = queue
        self._consumer = _QuietConsumer(queue.huey, workers=threads, worker_type="thread", periodic=True,
                                        initial_delay=0.05, max_delay=1.0, check_worker_health=False)
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


def run_worker(settings: Settings) -> None:
    """Consume jobs until SIGINT or SIGTERM."""
    stop = threading.Event()

    def _on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("stopping worker", extra={"signal": signum})
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    consumer = EmbeddedConsumer(JobQueue(settings), threads=settings.worker_threads,
                                sweep_interval_s=settings.sweep_interval_s)
    consumer.start()
    log.info("worker started", extra={"queue": settings.queue})
    stop.wait()
    consumer.stop()


def run_serve(settings: Settings) -> None:
    """Serve the API with uvicorn and, unless disabled, a consumer in the same process."""
    import uvicorn

    from leadrelay.api.app import create_app

    app = create_app(settings)
    consumer = None
    if settings.consume_in_serve:
        consumer = EmbeddedConsumer(app.state.queue, threads=settings.worker_threads,
                                    sweep_interval_s=settings.sweep_interval_s)
        consumer.start()
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                                           access_log=False))
    try:
        server.run()
    finally:
        if consumer is not None:
            consumer.stop()
