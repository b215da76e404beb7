"""Serve's own consumer runs in a child process at a lower CPU priority than the API."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from leadrelay.config import Settings
from leadrelay.jobs.worker import start_consumer_process, stop_consumer_process


def _cpu_priority(pid: int) -> tuple[int, int]:
    return os.sched_getscheduler(pid), os.getpriority(os.PRIO_PROCESS, pid)


def _wait_for_change(pid: int, start: tuple[int, int], timeout_s: float) -> tuple[int, int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = _cpu_priority(pid)
        if now != start:
            return now
        time.sleep(0.05)
    return _cpu_priority(pid)


@pytest.mark.parametrize(("priority", "policy", "nice_added"), [
    ("idle", os.SCHED_IDLE, 0), ("low", os.SCHED_OTHER, 10), ("normal", os.SCHED_OTHER, 0)])
def test_the_consumer_process_takes_its_cpu_priority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     priority: str, policy: int, nice_added: int) -> None:
    for key in ("LEADRELAY_DATABASE_URL", "LEADRELAY_QUEUE", "LEADRELAY_QUEUE_URL"):
        monkeypatch.delenv(key, raising=False)
    own = _cpu_priority(0)
    assert own[0] == os.SCHED_OTHER
    process = start_consumer_process(Settings(data_dir=tmp_path / "data", consumer_priority=priority))
    try:
        assert process.pid is not None
        changes = priority != "normal"
        seen = _wait_for_change(process.pid, own, timeout_s=30.0 if changes else 2.0)
        assert seen == (policy, min(own[1] + nice_added, 19))
        assert process.is_alive()
    finally:
        stop_consumer_process(process)
    assert _cpu_priority(0) == own  # the API process keeps its own priority


def test_an_unknown_priority_is_refused() -> None:
    with pytest.raises(ValueError, match="consumer_priority"):
        Settings(consumer_priority="urgent")  # type: ignore[arg-type]
