"""Intake pressure: `serve` tells its own consumer process how many event requests it is answering.

On SQLite there is one writer at a time. A consumer that is behind takes the write lock for most of
its time (storing a decision and its actions costs ten times what storing an event does), so under a
burst the senders' requests wait for the consumer: with the consumer at the lowest CPU priority the
event endpoint still answered half as many requests a second as without it. So, before a
qualification job, serve's consumer waits while several requests are in flight, a bounded time
(`consumer_yield_max_s`) per job, and then goes on whatever the load: answering senders comes first,
and decisions keep coming during a long burst. At a steady stream requests rarely overlap and the
consumer never waits. Workers started with `leadrelay worker` have no such link and never wait.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["IntakePressure"]


class IntakePressure:
    """Shared memory written by the API's event loop only: requests in flight now, and the last time
    (`time.monotonic`, one clock for every process of the machine) at least `busy_at` were.

    The intake counts as busy for `hold_s` after that moment: in a burst the count dips between group
    commits (answers out, the next requests not parsed yet), and a consumer looking at that instant
    must not take it for a quiet spell.
    """

    def __init__(self, *, busy_at: int = 4, max_wait_s: float = 0.25, hold_s: float = 0.05,
                 poll_s: float = 0.005) -> None:
        context = multiprocessing.get_context("spawn")
        self._in_flight: Any = context.RawValue(ctypes.c_int, 0)
        self._busy_seen_at: Any = context.RawValue(ctypes.c_double, float("-inf"))
        self.busy_at = busy_at
        self.max_wait_s = max_wait_s
        self.hold_s = hold_s
        self.poll_s = poll_s

    @property
    def in_flight(self) -> int:
        """Requests in flight now."""
        return int(self._in_flight.value)

    @contextmanager
    def request(self) -> Iterator[None]:
        """Count one request while the block runs (on the API's event loop: no lock needed)."""
        self._in_flight.value += 1
        if self._in_flight.value >= self.busy_at:
            self._busy_seen_at.value = time.monotonic()
        try:
            yield
        finally:
            self._in_flight.value -= 1

    def busy(self, now: float) -> bool:
        """Whether `busy_at` requests were in flight within `hold_s` before `now`."""
        return bool(now - float(self._busy_seen_at.value) < self.hold_s)

    def yield_to_intake(self, *, sleep: Callable[[float], None] = time.sleep,
                        clock: Callable[[], float] = time.monotonic) -> float:
        """Wait while the API is busy, at most `max_wait_s`; returns the seconds waited."""
        start = now = clock()
        while self.busy(now) and now - start < self.max_wait_s:
            sleep(self.poll_s)
            now = clock()
        return now - start
