from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from leadrelay.errors import ConfigError
from leadrelay.store.db import GroupCommitter, alembic_config, job_engine, make_engine, ping, upgrade
from leadrelay.store.tables import Base

TABLES = {"alembic_version", "api_tokens", "decisions", "events", "idempotency_keys", "jobs", "leads", "timeline"}


def test_migrations_match_the_tables(engine: Engine) -> None:
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_upgrade_twice_is_harmless_and_downgrade_drops_everything(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    upgrade(engine)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        # NORMAL: in WAL mode a commit survives a killed process (what the crash tests check).
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1
    ping(engine)
    engine.dispose()
    full = make_engine(f"sqlite:///{tmp_path / 'full.db'}", fsync_each_commit=True)
    with full.connect() as connection:
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL: also survives a power cut
    assert job_engine(full) is not full and job_engine(engine) is engine
    full.dispose()


def test_a_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot use database URL"):
        make_engine("nosuchdialect://x")


def _committer_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'gc.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (name TEXT PRIMARY KEY)"))
    return engine


def _insert_names(connection: Connection, names: list[str]) -> list[str]:
    for name in names:
        if name == "boom":
            raise ValueError("bad item")
        connection.execute(text("INSERT INTO items (name) VALUES (:name)"), {"name": name})
    return [name.upper() for name in names]


def test_group_commit_shares_transactions_and_isolates_a_bad_item(tmp_path: Path) -> None:
    engine = _committer_engine(tmp_path)
    committed: list[list[str]] = []
    committer = GroupCommitter(engine, _insert_names, after_commit=committed.append)

    async def submit(names: list[str]) -> list[object]:
        return await asyncio.gather(*(committer.store(name) for name in names), return_exceptions=True)

    assert asyncio.run(submit([f"n{i}" for i in range(20)])) == [f"N{i}" for i in range(20)]
    assert committed == [[f"N{i}" for i in range(20)]]  # twenty callers waiting together: one commit
    results = asyncio.run(submit(["x1", "boom", "x2", "n0"]))
    assert results[0] == "X1" and results[2] == "X2"
    assert isinstance(results[1], ValueError)  # the bad item fails alone...
    assert isinstance(results[3], IntegrityError)  # ...and so does a repeat of a stored key, after retries
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM items")).scalar() == 22
    engine.dispose()
