"""Serve's own consumer runs in a child process at a lower CPU priority than the API."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from leadrelay.config import Settings
from leadrelay.jobs.worker import start_consumer_process, stop_consumer_process


def _priority_of(pid: int, differs_from: int, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        priority = os.getpriority(os.PRIO_PROCESS, pid)
        if priority != differs_from:
            return priority
        time.sleep(0.05)
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.parametrize("nice", [7, 0])
def test_the_consumer_process_takes_its_nice_increment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       nice: int) -> None:
    for key in ("LEADRELAY_DATABASE_URL", "LEADRELAY_QUEUE", "LEADRELAY_QUEUE_URL"):
        monkeypatch.delenv(key, raising=False)
    own = os.getpriority(os.PRIO_PROCESS, 0)
    process = start_consumer_process(Settings(data_dir=tmp_path / "data", consumer_nice=nice))
    try:
        assert process.pid is not None
        expected = min(own + nice, 19)
        assert _priority_of(process.pid, differs_from=own, timeout_s=30.0 if nice else 2.0) == expected
        assert process.is_alive()
    finally:
        stop_consumer_process(process)
    assert os.getpriority(os.PRIO_PROCESS, 0) == own  # the API process keeps its own priority
