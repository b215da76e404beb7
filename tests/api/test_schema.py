"""Fuzz the API from its published OpenAPI schema (schemathesis): no generated request may cause a 5xx.

The app runs under a real uvicorn server on 127.0.0.1 (as in test_api.py) with a token, so generated
requests reach the handlers rather than stopping at 401. Examples per operation are bounded so the
whole module stays well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from fastapi import FastAPI
from huey import MemoryHuey
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from leadrelay.api.app import create_app
from leadrelay.api.events import intake_hand_over
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from tests.support import serve_on_loopback

EXAMPLES_PER_OPERATION = 25


@schemathesis.serializer("message/rfc822")
def _rfc822(_ctx: object, value: object) -> bytes:
    # Raw email uploads: whatever was generated, as bytes (schemathesis ships no serializer for it).
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")


@dataclass
class LiveApi:
    url: str
    token: str
    enqueued: list[int]
    app: FastAPI



@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[LiveApi]:
    data = tmp_path_factory.mktemp("schema")
    app_settings = Settings(data_dir=data, max_body_bytes=16_384, rate_limit_per_min=1_000_000)
    enqueued: list[int] = []
    queue = JobQueue(app_settings, huey=MemoryHuey(), context=JobContext(app_settings, engine=engine))
    queue.enqueue_qualify = enqueued.append  # type: ignore[method-assign]
    queue.enqueue_qualify_many = enqueued.extend  # type: ignore[method-assign]
    app = create_app(app_settings, engine=engine, queue=queue, migrate=False)
    with session_scope(make_session_factory(engine)) as db:
        token = repo.create_token(db, source="fuzz")
    with serve_on_loopback(app) as url:
        yield LiveApi(url=url, token=token, enqueued=enqueued, app=app)


@pytest.fixture(scope="module")
def api_schema(live_api: LiveApi) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_api.url}/openapi.json")


def test_generated_requests_never_cause_a_server_error(api_schema: schemathesis.BaseSchema,
                                                      live_api: LiveApi) -> None:
    # Driven with Hypothesis directly: schemathesis's pytest plugin (from_fixture) fails on pytest 9.
    # A valid token on every request, so the handlers themselves are exercised, not just the 401 path.
    auth = {"Authorization": f"Bearer {live_api.token}"}
    server_errors: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            response = case.call(headers=auth, timeout=10)
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path} -> {response.status_code}: "
                                     f"{response.text[:300]}")

        call()
    assert len(operations) >= 8
    assert server_errors == []
    assert intake_hand_over(live_api.app).flush()
    assert live_api.enqueued, "some generated events were valid and accepted"


def test_the_schema_publishes_every_operation_the_fuzzer_covers(api_schema: schemathesis.BaseSchema) -> None:
    operations = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert ("POST", "/api/events") in operations
    assert {("GET", "/api/events/{event_id}"), ("GET", "/api/leads"), ("GET", "/api/decisions")} <= operations
