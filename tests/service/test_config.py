from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from leadrelay.api.deps import RateLimiter
from leadrelay.config import Settings


def test_defaults_put_sqlite_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRELAY_DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert settings.db_url == f"sqlite:///{tmp_path.resolve() / 'leadrelay.db'}"
    assert settings.queue == "sqlite" and settings.queue_file == tmp_path.resolve() / "queue.db"


def test_environment_with_prefix_and_nested_delimiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADRELAY_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test")
    monkeypatch.setenv("LEADRELAY_QUEUE", "redis")
    monkeypatch.setenv("LEADRELAY_QUEUE_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("LEADRELAY_MAX_BODY_BYTES", "2048")
    monkeypatch.setenv("LEADRELAY_LLM__MODEL", "ignored-here")  # another settings object reads it
    settings = Settings()
    assert settings.db_url == "postgresql+psycopg://postgres@127.0.0.1/test"
    assert (settings.queue, settings.max_body_bytes) == ("redis", 2048)


@pytest.mark.parametrize("bad", [{"queue": "kafka"}, {"max_body_bytes": 10}, {"rate_limit_per_min": 0},
                                 {"queue": "postgres"}])
def test_unsafe_values_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Settings(**bad)  # type: ignore[arg-type]


def test_rate_limiter_refills_over_time() -> None:
    now = [100.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, bursts of 60
    assert all(limiter.acquire("web") == 0.0 for _ in range(60))
    assert limiter.acquire("web") == pytest.approx(1.0)
    assert limiter.acquire("chat") == 0.0  # each source has its own bucket
    now[0] += 1.0
    assert limiter.acquire("web") == 0.0
