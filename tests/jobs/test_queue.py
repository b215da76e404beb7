"""The hand-over of committed events to the queue in batches (`HandOverBatcher`)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from leadrelay.config import Settings
from leadrelay.jobs.queue import QUALIFY_BATCH_TASK, HandOverBatcher, JobQueue
from leadrelay.jobs.tasks import JobContext
from tests.support import RecordingHuey

LONG_WINDOW_S = 60.0  # longer than any test: a batch goes out only because it is full, flushed or closed


class FakeQueue:
    """Records each batch handed over; can fail on chosen calls, as a queue that is down does."""

    def __init__(self, *, fail_calls: tuple[int, ...] = (), expect_batches: int = 0) -> None:
        self.batches: list[list[int]] = []
        self.fail_calls = fail_calls
        self.calls = 0
        self.expect_batches = expect_batches
        self.arrived = threading.Event()

    def hand_over_many(self, event_ids: list[int]) -> bool:
        self.calls += 1
        if self.calls in self.fail_calls:
            raise ConnectionError("queue down")
        self.batches.append(list(event_ids))
        if len(self.batches) >= self.expect_batches:
            self.arrived.set()
        return True


def batcher(queue: FakeQueue, **options: float) -> HandOverBatcher:
    return HandOverBatcher(queue, **options)  # type: ignore[arg-type]


def test_ids_committed_within_the_window_go_out_as_one_batch_in_order() -> None:
    queue = FakeQueue()
    hand_over = batcher(queue, window_s=LONG_WINDOW_S)
    for ids in ([1], [2, 3], [4]):
        hand_over.add(ids)
    hand_over.add([])  # a commit of duplicates only: nothing to hand over
    assert queue.batches == []  # still inside the window
    assert hand_over.flush() is True
    assert queue.batches == [[1, 2, 3, 4]]
    assert hand_over.flush() is True and queue.batches == [[1, 2, 3, 4]]  # nothing new: no empty batch
    hand_over.close()


def test_a_full_batch_goes_out_without_waiting_for_the_window() -> None:
    queue = FakeQueue(expect_batches=2)
    hand_over = batcher(queue, window_s=LONG_WINDOW_S, max_batch=3)
    for event_id in range(1, 8):
        hand_over.add([event_id])
    assert queue.arrived.wait(10)
    assert queue.batches == [[1, 2, 3], [4, 5, 6]]
    hand_over.close()  # what waits goes out on close
    assert queue.batches == [[1, 2, 3], [4, 5, 6], [7]]


def test_after_close_ids_are_handed_over_at_once() -> None:
    queue = FakeQueue()
    hand_over = batcher(queue, window_s=LONG_WINDOW_S)
    hand_over.close()
    hand_over.add([5, 6])
    assert queue.batches == [[5, 6]]


def test_a_failing_hand_over_does_not_stop_later_ones() -> None:
    queue = FakeQueue(fail_calls=(1,))
    hand_over = batcher(queue, window_s=LONG_WINDOW_S)
    hand_over.add([1])
    assert hand_over.flush() is True  # the first batch failed (the sweeper re-enqueues its events later)
    hand_over.add([2])
    assert hand_over.flush() is True
    assert queue.batches == [[2]] and queue.calls == 2
    hand_over.close()


def test_a_batch_becomes_one_qualify_events_message(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    huey = RecordingHuey()
    queue = JobQueue(settings, huey=huey, context=JobContext(settings))
    hand_over = HandOverBatcher(queue, window_s=LONG_WINDOW_S)
    hand_over.add([11, 12])
    hand_over.add([13])
    hand_over.close()
    messages = [huey.dequeue() for _ in range(huey.pending_count())]
    assert [(m.name, m.args) for m in messages] == [(QUALIFY_BATCH_TASK, ([11, 12, 13],))]


def test_decisions_have_priority_only_where_the_queue_can_order_by_it(tmp_path: Path) -> None:
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    from leadrelay.jobs.queue import decision_priority

    assert decision_priority(SqliteHuey("t", filename=str(tmp_path / "q.db"))) == 10
    assert decision_priority(MemoryHuey("t")) == 10
    # RedisHuey refuses any priority when a task is enqueued: none is asked of it.
    assert decision_priority(RedisHuey("t", url="redis://127.0.0.1:6379/15")) is None


class RecordingPressure:
    """Stands in for serve's `IntakePressure`: records when the consumer yields."""

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def yield_to_intake(self) -> float:
        self.calls.append("yield")
        return 0.0


def test_serves_consumer_yields_to_the_intake_before_each_qualification_and_action_job(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import leadrelay.actions.jobs as action_jobs
    import leadrelay.jobs.queue as queue_module

    calls: list[str] = []
    monkeypatch.setattr(queue_module, "qualify_stored_events",
                        lambda ctx, ids: (calls.append(f"qualify {ids}"), ({}, []))[1])
    monkeypatch.setattr(queue_module, "qualify_stored_event", lambda ctx, event_id: calls.append(f"one {event_id}"))
    monkeypatch.setattr(action_jobs, "close_without_calls", lambda ctx, ids: calls.append(f"actions {ids}") or set())
    monkeypatch.setattr(action_jobs, "run_action", lambda ctx, action_id: "done")
    settings = Settings(data_dir=tmp_path)
    huey = RecordingHuey()
    queue = JobQueue(settings, huey=huey, context=JobContext(settings),
                     intake_pressure=RecordingPressure(calls))  # type: ignore[arg-type]
    queue.enqueue_qualify_many([1, 2])
    queue.enqueue_qualify(3)
    queue.outbox.enqueue_many([7, 8])
    for _ in range(huey.pending_count()):
        huey.execute(huey.dequeue())
    assert calls == ["yield", "qualify [1, 2]", "yield", "one 3", "yield", "actions [7, 8]"]


def test_a_worker_without_intake_pressure_never_yields(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import leadrelay.jobs.queue as queue_module

    calls: list[str] = []
    monkeypatch.setattr(queue_module, "qualify_stored_events",
                        lambda ctx, ids: (calls.append(f"qualify {ids}"), ({}, []))[1])
    settings = Settings(data_dir=tmp_path)
    huey = RecordingHuey()
    queue = JobQueue(settings, huey=huey, context=JobContext(settings))
    queue.enqueue_qualify_many([1, 2])
    huey.execute(huey.dequeue())
    assert calls == ["qualify [1, 2]"]
