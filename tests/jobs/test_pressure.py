"""serve's consumer yields to a busy intake, for a bounded time, and never at a quiet stream."""

from __future__ import annotations

import multiprocessing
import time

from leadrelay.jobs.pressure import IntakePressure


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _burst(pressure: IntakePressure, requests: int) -> None:
    with pressure.request():
        if requests > 1:
            _burst(pressure, requests - 1)


def test_requests_are_counted_while_they_run() -> None:
    pressure = IntakePressure(busy_at=2)
    with pressure.request():
        assert pressure.in_flight == 1
        with pressure.request():
            assert pressure.in_flight == 2
    assert pressure.in_flight == 0


def test_a_quiet_stream_never_makes_the_consumer_wait() -> None:
    pressure = IntakePressure(busy_at=4)
    clock = FakeClock()
    for _ in range(10):  # one request at a time, as at a steady 200 events/s
        _burst(pressure, 1)
    assert pressure.yield_to_intake(sleep=clock.sleep, clock=lambda: clock.now) == 0.0 and clock.slept == []


def test_a_burst_makes_the_consumer_wait_at_most_max_wait() -> None:
    pressure = IntakePressure(busy_at=4, max_wait_s=0.25, hold_s=10.0, poll_s=0.005)
    _burst(pressure, 4)
    clock = FakeClock()
    clock.now = time.monotonic()
    waited = pressure.yield_to_intake(sleep=clock.sleep, clock=lambda: clock.now)
    assert 0.25 <= waited < 0.26 and len(clock.slept) == 50


def test_the_wait_ends_once_the_burst_is_hold_s_past() -> None:
    pressure = IntakePressure(busy_at=4, max_wait_s=5.0, hold_s=0.05, poll_s=0.005)
    _burst(pressure, 5)
    clock = FakeClock()
    clock.now = time.monotonic()
    waited = pressure.yield_to_intake(sleep=clock.sleep, clock=lambda: clock.now)
    assert 0.0 < waited <= 0.055


def _count_in_child(pressure: IntakePressure) -> None:
    deadline = time.monotonic() + 10
    while pressure.in_flight < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pressure.in_flight == 3
    assert pressure.busy(time.monotonic())


def test_the_counter_is_shared_with_a_spawned_process() -> None:
    pressure = IntakePressure(busy_at=3, hold_s=30.0)
    process = multiprocessing.get_context("spawn").Process(target=_count_in_child, args=(pressure,))
    process.start()
    with pressure.request(), pressure.request(), pressure.request():
        process.join(20)
    assert process.exitcode == 0
