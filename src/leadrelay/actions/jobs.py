"""The outbox's Huey tasks: one per action, one per batch of just-planned actions, and a periodic sweep.

Registered by `leadrelay.jobs.queue.JobQueue` next to the qualification tasks, under fixed names. The
task bodies stay thin: the state (attempts, backoff, dead letters) lives in our tables, so Huey's own
retries are off and a lost message is found again by the next sweep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from huey import Huey, crontab
from sqlalchemy import Engine

from leadrelay.actions.outbox import ActionContext, close_without_calls, enqueue_due, run_action
from leadrelay.actions.timers import sweep_timers
from leadrelay.config import Settings

__all__ = ["RUN_ACTIONS_TASK", "RUN_ACTION_TASK", "SWEEP_OUTBOX_TASK", "OutboxTasks"]

log = logging.getLogger(__name__)

RUN_ACTION_TASK = "leadrelay.run_action"
RUN_ACTIONS_TASK = "leadrelay.run_actions"
# Actions planned by one batch of decisions go out a few to a message: fewer messages than one each, and
# short enough that a decision waiting behind them (it has priority) is not held up for long.
_ACTIONS_PER_MESSAGE = 8
SWEEP_OUTBOX_TASK = "leadrelay.sweep_outbox"


class OutboxTasks:
    """The outbox tasks on one Huey instance; the action context is built on first use."""

    def __init__(self, huey: Huey, settings: Settings, engine: Callable[[], Engine], *,
                 context: ActionContext | None = None, before_run: Callable[[], object] | None = None) -> None:
        """`before_run` runs before each action task (serve's consumer: yield to a busy intake)."""
        self._settings = settings
        self._engine = engine
        self._context = context
        self._lock = threading.Lock()

        @huey.task(context=False, name=RUN_ACTION_TASK)  # type: ignore[untyped-decorator]
        def run_action_task(action_id: int) -> str:
            if before_run is not None:
                before_run()
            return run_action(self.context, action_id)

        @huey.task(context=False, name=RUN_ACTIONS_TASK)  # type: ignore[untyped-decorator]
        def run_actions_task(action_ids: list[int]) -> int:
            if before_run is not None:
                before_run()
            # Those needing no outside call together, in one transaction; then the others one by one.
            closed = close_without_calls(self.context, action_ids)
            done = len(closed)
            for action_id in action_ids:
                if action_id in closed:
                    continue
                try:
                    run_action(self.context, action_id)
                    done += 1
                except Exception:  # the row keeps its state: the sweep runs it again when it is due
                    log.exception("action failed outside its own handling", extra={"action_id": action_id})
            return done

        @huey.periodic_task(crontab(minute="*"), name=SWEEP_OUTBOX_TASK)  # type: ignore[untyped-decorator]
        def sweep_outbox() -> int:
            return self.sweep()

        self._run_task: Any = run_action_task
        self._run_many_task: Any = run_actions_task

    @property
    def context(self) -> ActionContext:
        """The action context of this process."""
        if self._context is None:
            with self._lock:
                if self._context is None:
                    self._context = ActionContext(self._settings, engine=self._engine())
        return self._context

    def enqueue(self, action_id: int) -> None:
        """Put one action on the queue."""
        self._run_task(action_id)

    def enqueue_many(self, action_ids: list[int]) -> None:
        """Put just-planned actions on the queue (after their decisions' commit), a message per chunk."""
        for start in range(0, len(action_ids), _ACTIONS_PER_MESSAGE):
            self._run_many_task(action_ids[start:start + _ACTIONS_PER_MESSAGE])

    def sweep(self) -> int:
        """Fire due timers, then enqueue every due action (new, retrying, or presumed lost); returns how many."""
        try:
            sweep_timers(self.context)
        except Exception:  # the actions below must still go out
            log.exception("timer sweep failed")
        return len(enqueue_due(self.context, self.enqueue))
