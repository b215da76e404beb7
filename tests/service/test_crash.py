"""Crash test: `kill -9` the service mid-stream, restart it, and check no accepted event is lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from sqlalchemy import func, select

from leadrelay.config import Settings
from leadrelay.jobs.queue import make_huey
from leadrelay.store import repo
from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade
from leadrelay.store.tables import DecisionRow, EventRow, Job
from tests.store.support import PG_ENV, _fresh_postgres
from tests.support import free_port

pytestmark = [pytest.mark.slow, pytest.mark.integration]

COBALT = Path(__file__).resolve().parents[2] / "examples" / "cobalt"
EVENTS = 120
KILL_AFTER = 40
REDIS_URL = os.environ.get("LEADRELAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

_ASKS = ("We need CDC replication from Postgres into Snowflake for {n} tables.",
         "Our connector to NetSuite fails since yesterday, run {n} timed out.",
         "Would you speak at our data engineering meetup number {n}?",
         "We are hiring? I would love to apply for role {n}.",
         "Looking for ELT from Salesforce into BigQuery, about {n}0 people here.")


def _event(i: int) -> dict[str, object]:
    return {"id": f"crash-{i}", "channel": "web_form" if i % 2 else "email",
            "from_email": f"person{i}@company{i % 17}.example", "from_name": f"Person {i}",
            "subject": f"Request {i}", "body": _ASKS[i % len(_ASKS)].format(n=i)}



class Service:
    """`leadrelay serve` and `leadrelay worker` processes sharing one database and queue."""

    def __init__(self, env: dict[str, str], port: int, log_dir: Path) -> None:
        self.env = env
        self.port = port
        self.log_dir = log_dir
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{args[0]}-{len(self.procs)}.log").open("wb")
        self.logs.append(log)
        proc = subprocess.Popen([sys.executable, "-m", "leadrelay.cli.service", *args], env=self.env,
                                stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def serve(self, *extra: str) -> subprocess.Popen[bytes]:
        proc = self._spawn("serve", "--port", str(self.port), *extra)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited with {proc.returncode}; see {self.log_dir}")
            time.sleep(0.1)
        raise RuntimeError("serve did not come up")

    def worker(self) -> subprocess.Popen[bytes]:
        return self._spawn("worker")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()


class Client(threading.Thread):
    """Streams events in order; a failed request is retried with the same Idempotency-Key."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.token = token
        self.accepted: dict[int, int] = {}  # event index -> event id (answered 2xx)
        self.failures = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as http:
            for i in range(EVENTS):
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        response = http.post("/api/events", json=_event(i), headers={
                            "Authorization": f"Bearer {self.token}", "Idempotency-Key": f"crash-{i}"})
                    except httpx.HTTPError:
                        self.failures += 1
                        time.sleep(0.2)
                        continue
                    if response.status_code in (200, 202):
                        self.accepted[i] = response.json()["event_id"]
                        break
                    self.failures += 1
                    time.sleep(0.2)
                time.sleep(0.01)


def _settings_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADRELAY_")}
    env.update({"LEADRELAY_DATA_DIR": str(tmp_path / "data"), "LEADRELAY_DATABASE_URL": database_url,
                "LEADRELAY_WORKSPACE": str(COBALT), "LEADRELAY_STALLED_AFTER_S": "3",
                "LEADRELAY_SWEEP_INTERVAL_S": "1", "LEADRELAY_JOB_RETRY_DELAY_S": "0.5",
                "LEADRELAY_RATE_LIMIT_PER_MIN": "100000", "PYTHONUNBUFFERED": "1", **extra})
    return env


def _token(database_url: str) -> str:
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as db:
        token = repo.create_token(db, source="crash-client")
    engine.dispose()
    return token


def _wait_until_all_decided(database_url: str, event_ids: set[int], timeout_s: float = 60) -> None:
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with sessions() as db:
                decided = set(db.scalars(select(DecisionRow.event_id)).all())
            if event_ids <= decided:
                return
            time.sleep(0.5)
        raise AssertionError(f"{len(event_ids - decided)} accepted events were never decided")
    finally:
        engine.dispose()


def _check_exactly_once(database_url: str, client: Client) -> None:
    assert len(client.accepted) == EVENTS, "every event was eventually accepted"
    event_ids = set(client.accepted.values())
    assert len(event_ids) == EVENTS, "retries with the same Idempotency-Key never made a second event"
    _wait_until_all_decided(database_url, event_ids)
    engine = make_engine(database_url)
    with make_session_factory(engine)() as db:
        per_event = dict(db.execute(select(DecisionRow.event_id, func.count()).group_by(DecisionRow.event_id)).all())
        stored = db.scalar(select(func.count()).select_from(EventRow))
        dead = db.scalar(select(func.count()).select_from(Job).where(Job.state == "dead"))
        undone = db.scalar(select(func.count()).select_from(Job).where(Job.state != "done"))
    engine.dispose()
    assert stored == EVENTS
    assert {event_id: per_event.get(event_id) for event_id in event_ids} == dict.fromkeys(event_ids, 1)
    assert (dead, undone) == (0, 0)


def _stream_with_crash(service: Service, token: str, crash: list[subprocess.Popen[bytes]],
                       restart: list[tuple[str, ...]]) -> Client:
    client = Client(f"http://127.0.0.1:{service.port}", token)
    client.start()
    deadline = time.monotonic() + 60
    while len(client.accepted) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.02)
    for proc in crash:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    time.sleep(0.5)
    for command in restart:
        if command[0] == "serve":
            service.serve(*command[1:])
        else:
            service.worker()
    client.join(timeout=120)
    assert not client.is_alive()
    return client


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'leadrelay.db'}"


def test_kill_9_serve_with_the_embedded_queue_loses_nothing(tmp_path: Path, sqlite_url: str) -> None:
    service = Service(_settings_env(tmp_path, sqlite_url), free_port(), tmp_path)
    token = _token(sqlite_url)
    try:
        first = service.serve()
        client = _stream_with_crash(service, token, crash=[first], restart=[("serve",)])
        _check_exactly_once(sqlite_url, client)
        assert client.failures > 0, "the crash happened while the client was streaming"
    finally:
        service.stop_all()


@pytest.fixture
def shared_database_url(tmp_path: Path) -> Iterator[str]:
    """PostgreSQL (as across machines) when LEADRELAY_TEST_DATABASE_URL is set, else a SQLite file."""
    if os.environ.get(PG_ENV):
        yield from _fresh_postgres()
    else:
        yield f"sqlite:///{tmp_path / 'data' / 'leadrelay.db'}"


def test_kill_9_with_redis_workers_loses_nothing(tmp_path: Path, shared_database_url: str) -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    queue_name = f"leadrelay-test-{uuid.uuid4().hex[:8]}"
    env = _settings_env(tmp_path, shared_database_url, LEADRELAY_QUEUE="redis", LEADRELAY_QUEUE_URL=REDIS_URL,
                        LEADRELAY_QUEUE_NAME=queue_name)
    service = Service(env, free_port(), tmp_path)
    token = _token(shared_database_url)
    try:
        api = service.serve("--no-consumer")
        doomed = service.worker()
        service.worker()
        client = _stream_with_crash(service, token, crash=[api, doomed],
                                    restart=[("serve", "--no-consumer"), ("worker",)])
        _check_exactly_once(shared_database_url, client)
    finally:
        service.stop_all()
        make_huey(Settings(queue="redis", queue_url=REDIS_URL, queue_name=queue_name)).flush()


def test_serve_prints_first_run_credentials_once_and_they_sign_in(tmp_path: Path, sqlite_url: str) -> None:
    service = Service(_settings_env(tmp_path, sqlite_url), free_port(), tmp_path)
    try:
        service.serve("--no-consumer")
        service.stop_all()
        first_log = (tmp_path / "serve-0.log").read_text(encoding="utf-8")
        line = next(line for line in first_log.splitlines() if line.startswith("First run: sign in as "))
        email, password = line.split()[5], line.split()[8]
        service.serve("--no-consumer")
        with httpx.Client(base_url=f"http://127.0.0.1:{service.port}") as http:
            page = http.get("/signin")
            csrf = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
            answer = http.post("/signin", data={"email": email, "password": password, "csrf_token": csrf})
            assert answer.status_code == 303
    finally:
        service.stop_all()
    second_log = (tmp_path / "serve-1.log").read_text(encoding="utf-8")
    assert "LeadRelay on http://127.0.0.1:" in second_log and "First run" not in second_log
