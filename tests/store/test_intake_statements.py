"""The SQLite driver statements of intake write exactly what the SQLAlchemy Core statements write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import IntegrityError

from leadrelay.store import intake_statements, repo
from leadrelay.store.db import make_engine, upgrade
from leadrelay.store.intake_statements import CoreIntakeStatements, SqliteIntakeStatements
from leadrelay.store.tables import EventRow, IdempotencyKey, Job, LeadRow, TimelineEntry

NOW = datetime(2026, 11, 29, 9, 30, 1, 123456, tzinfo=UTC)
TABLES = ("leads", "events", "jobs", "timeline", "idempotency_keys")


def _engine(path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    yield from _engine(tmp_path / "a.db")


@pytest.fixture
def other_engine(tmp_path: Path) -> Iterator[Engine]:
    yield from _engine(tmp_path / "b.db")


def _batch() -> list[repo.PreparedIntake]:
    def event(i: int, sender: str, name: str | None) -> str:
        return json.dumps({"id": f"ev-{i}", "channel": "web_form", "from_email": sender, "from_name": name,
                           "body": f"Pipelines into BigQuery, try {i}"})

    raws = [event(1, "Dana.Roe@Northwind.example", None), event(2, "dana.roe@northwind.example", "Dana Roe"),
            event(3, "kai@acme.example", "Kai"), event(1, "Dana.Roe@Northwind.example", None)]  # the last: a retry
    return [repo.prepare_intake(source="webform", raw=raw, window_s=3600, now=NOW + timedelta(microseconds=i))
            for i, raw in enumerate(raws)]


def _raw_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                for table in TABLES}


def test_sqlite_statements_write_the_same_rows_as_core(sqlite_engine: Engine, other_engine: Engine,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    with sqlite_engine.begin() as conn:
        assert isinstance(intake_statements.intake_statements(conn), SqliteIntakeStatements)
        fast = repo.store_intakes(conn, _batch())
    monkeypatch.setattr(repo, "intake_statements", CoreIntakeStatements)
    with other_engine.begin() as conn:
        core = repo.store_intakes(conn, _batch())
    assert [(r.event_id, r.duplicate) for r in fast] == [(r.event_id, r.duplicate) for r in core]
    assert [r.duplicate for r in fast] == [False, False, False, True]
    assert _raw_rows(sqlite_engine) == _raw_rows(other_engine)


def test_rows_written_by_the_driver_read_back_through_the_orm_types(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn:
        results = repo.store_intakes(conn, _batch())
    with sqlite_engine.connect() as conn:
        event = conn.execute(select(EventRow.received_at, EventRow.lead_id)
                             .where(EventRow.id == results[0].event_id)).one()
        lead = conn.execute(select(LeadRow.name).where(LeadRow.id == event.lead_id)).scalar_one()
        detail = conn.execute(select(TimelineEntry.detail).where(TimelineEntry.event_id == results[0].event_id)
                              ).scalar_one()
        expires = conn.execute(select(IdempotencyKey.expires_at)).scalars().all()
        jobs = conn.execute(select(Job.state, Job.created_at)).all()
    assert event.received_at == NOW  # aware UTC, microseconds kept
    assert lead == "Dana Roe"  # named by the second event of the batch, as on Core
    assert detail == {"source": "webform", "channel": "web_form", "external_id": "ev-1"}
    assert sorted(expires)[0] == NOW + timedelta(hours=1)
    assert [state for state, _ in jobs] == ["pending"] * 3 and jobs[0][1] == NOW


def test_an_expired_key_is_moved_to_the_new_event(sqlite_engine: Engine) -> None:
    raw = json.dumps({"id": "ev-9", "channel": "chat", "body": "hi"})
    first = repo.prepare_intake(source="chat", raw=raw, window_s=60, now=NOW)
    again = repo.prepare_intake(source="chat", raw=raw, window_s=60, now=NOW + timedelta(minutes=2))
    with sqlite_engine.begin() as conn:
        (old,) = repo.store_intakes(conn, [first])
    with sqlite_engine.begin() as conn:
        (new,) = repo.store_intakes(conn, [again])
    assert not new.duplicate and new.event_id != old.event_id
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(IdempotencyKey.event_id)).scalars().all() == [new.event_id]


def test_driver_errors_arrive_as_sqlalchemy_errors(sqlite_engine: Engine) -> None:
    # A lost race (another process stored the same key first) must look as it does through Core.
    with sqlite_engine.begin() as conn:
        (stored,) = repo.store_intakes(conn, _batch()[:1])
    conn2: Connection
    with sqlite_engine.connect() as conn2, conn2.begin():
        statements = SqliteIntakeStatements(conn2)
        key = conn2.execute(select(IdempotencyKey.key)).scalar_one()
        with pytest.raises(IntegrityError):
            statements.insert_keys([{"key": key, "event_id": stored.event_id, "expires_at": NOW}])


def test_naive_times_are_refused(sqlite_engine: Engine) -> None:
    with sqlite_engine.begin() as conn, pytest.raises(ValueError, match="naive"):
        SqliteIntakeStatements(conn).insert_keys([{"key": "k", "event_id": 1, "expires_at": datetime(2026, 1, 1)}])
