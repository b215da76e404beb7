"""GET /metrics: the dashboard's figures in the Prometheus text format, parsed back with prometheus_client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy import Engine

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store import repo
from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade
from tests.history import build_history
from tests.store.support import sqlite_file_url
from tests.support import RecordingHuey, serve_on_loopback


def serve(folder: Path, engine: Engine, **settings: object) -> Iterator[str]:
    config = Settings(data_dir=folder, **settings)  # type: ignore[arg-type]
    queue = JobQueue(config, huey=RecordingHuey(), context=JobContext(config, engine=engine))
    with serve_on_loopback(create_app(config, engine=engine, queue=queue, migrate=False)) as url:
        yield url


@pytest.fixture(scope="module")
def own_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database of its own: /metrics counts all history, so no other test's rows may be in it."""
    engine = make_engine(sqlite_file_url(tmp_path_factory.mktemp("metrics-db")))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, own_engine: Engine) -> Iterator[str]:
    with session_scope(make_session_factory(own_engine)) as db:
        build_history(db)
    yield from serve(tmp_path_factory.mktemp("metrics"), own_engine)


def scrape(url: str, **kw: object) -> dict[str, list[Sample]]:
    response = httpx.get(f"{url}/metrics", timeout=10, **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def value(samples: list[Sample], suffix: str = "", **labels: str) -> float:
    matches = [s.value for s in samples if s.name.endswith(suffix) and s.labels == labels]
    assert len(matches) == 1, (suffix, labels, samples)
    return matches[0]


def test_counters_match_the_history(url: str) -> None:
    metrics = scrape(url)
    assert value(metrics["leadrelay_events"], "_total", source="web_form") == 3
    assert value(metrics["leadrelay_events"], "_total", source="email") == 2
    assert value(metrics["leadrelay_leads"], "_total", source="web_form") == 2
    assert value(metrics["leadrelay_lead_outcomes"], "_total", source="web_form", kind="meeting_booked") == 2
    assert value(metrics["leadrelay_lead_outcomes"], "_total", source="web_form", kind="won") == 1
    assert value(metrics["leadrelay_decisions"], "_total") == 7
    assert value(metrics["leadrelay_duplicate_decisions"], "_total") == 1
    assert value(metrics["leadrelay_review_decisions"], "_total") == 2
    assert value(metrics["leadrelay_false_positives"], "_total", type="support") == 1
    assert value(metrics["leadrelay_false_negatives"], "_total", type="sales") == 1
    assert value(metrics["leadrelay_handoff_fallbacks"], "_total") == 1
    assert value(metrics["leadrelay_sla_timers_fired"], "_total") == 1
    assert value(metrics["leadrelay_crm_update_failures"], state="dead") == 1
    assert value(metrics["leadrelay_crm_update_failures"], state="retrying") == 1


def test_gauges_match_the_dashboard(url: str) -> None:
    metrics = scrape(url)
    assert value(metrics["leadrelay_first_response_median_seconds"]) == 7200
    assert value(metrics["leadrelay_leads_untouched"]) == 3
    assert value(metrics["leadrelay_high_intent_touched_within_1h_ratio"]) == 0.5
    assert value(metrics["leadrelay_qualification_accuracy_ratio"]) == 0.75
    assert value(metrics["leadrelay_field_accuracy_ratio"], field="owner") == 1.0
    assert value(metrics["leadrelay_duplicate_ratio"]) == pytest.approx(1 / 7)
    assert value(metrics["leadrelay_crm_field_completion_ratio"]) == 0.75
    assert value(metrics["leadrelay_crm_field_filled_ratio"], field="team_size") == 0.5
    assert value(metrics["leadrelay_review_ratio"]) == pytest.approx(2 / 7)
    assert value(metrics["leadrelay_reviews_pending"]) == 1
    assert value(metrics["leadrelay_time_in_review_median_seconds"]) == 1798


def test_histograms_of_first_response_and_decision_latency(url: str) -> None:
    metrics = scrape(url)
    first = metrics["leadrelay_first_response_seconds"]
    # 1200 s, 7200 s and 7200 s.
    assert value(first, "_bucket", le="900.0") == 0
    assert value(first, "_bucket", le="1800.0") == 1
    assert value(first, "_bucket", le="3600.0") == 1
    assert value(first, "_bucket", le="14400.0") == 3
    assert value(first, "_bucket", le="+Inf") == 3
    assert (value(first, "_count"), value(first, "_sum")) == (3, 15600)
    latency = metrics["leadrelay_decision_latency_seconds"]
    assert value(latency, "_bucket", le="2.5") == 6 and value(latency, "_bucket", le="5.0") == 7
    assert value(latency, "_sum") == 16


def test_a_figure_without_data_has_no_sample(tmp_path: Path) -> None:
    engine = make_engine(sqlite_file_url(tmp_path))
    upgrade(engine)
    for url in serve(tmp_path, engine):
        metrics = scrape(url)
        assert metrics["leadrelay_qualification_accuracy_ratio"] == []
        assert metrics["leadrelay_first_response_median_seconds"] == []
        assert value(metrics["leadrelay_decisions"], "_total") == 0
        assert value(metrics["leadrelay_first_response_seconds"], "_count") == 0
    engine.dispose()


def test_no_token_needed_unless_a_setting_says_so(tmp_path: Path, own_engine: Engine) -> None:
    with session_scope(make_session_factory(own_engine)) as db:
        token = repo.create_token(db, source="prometheus")
    for url in serve(tmp_path, own_engine, metrics_require_auth=True):
        assert httpx.get(f"{url}/metrics", timeout=10).status_code == 401
        assert value(scrape(url, headers={"Authorization": f"Bearer {token}"})["leadrelay_decisions"], "_total") == 7
