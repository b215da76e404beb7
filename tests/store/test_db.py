from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError

from leadrelay.errors import ConfigError
from leadrelay.store import db as db_module
from leadrelay.store.db import (
    GroupCommitter,
    alembic_config,
    job_engine,
    make_engine,
    one_decision_writer_at_a_time,
    ping,
    upgrade,
)
from leadrelay.store.tables import Base

TABLES = {"alembic_version", "api_tokens", "decisions", "events", "idempotency_keys", "jobs", "leads", "timeline",
          "actions", "assignments", "crm_records", "labels", "lead_state", "outcomes", "queue_state", "timers",
          "touches", "users"}


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


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process's writer, as far as our engine can tell
    return holder


def test_group_commit_waits_for_the_write_lock_without_blocking_the_loop(tmp_path: Path) -> None:
    engine = _committer_engine(tmp_path)
    committer = GroupCommitter(engine, _insert_names)

    async def scenario() -> tuple[int, bool, str]:
        holder = _hold_write_lock(tmp_path / "gc.db")
        stored = asyncio.get_running_loop().create_task(committer.store("w1"))
        ticks = 0
        for _ in range(30):  # the loop goes on serving other work while the store waits for the lock
            await asyncio.sleep(0.001)
            ticks += 1
        waited = not stored.done()
        holder.execute("COMMIT")
        holder.close()
        return ticks, waited, await stored

    assert asyncio.run(scenario()) == (30, True, "W1")
    assert asyncio.run(committer.store("w2")) == "W2"  # the kept connection goes on working
    committer.close()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM items")).scalar() == 2
    engine.dispose()


def test_a_write_lock_that_never_comes_fails_the_waiters_then_writing_resumes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db_module, "_BUSY_TIMEOUT_S", 0.05)
    engine = _committer_engine(tmp_path)
    committer = GroupCommitter(engine, _insert_names)
    holder = _hold_write_lock(tmp_path / "gc.db")
    with pytest.raises(OperationalError, match="database is locked"):
        asyncio.run(committer.store("late"))
    with pytest.raises(OperationalError, match="database is locked"), engine.begin() as connection:  # a job write
        connection.execute(text("INSERT INTO items (name) VALUES ('job')"))
    holder.execute("COMMIT")
    holder.close()
    assert asyncio.run(committer.store("after")) == "AFTER"
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO items (name) VALUES ('job')"))
        assert connection.execute(text("SELECT name FROM items ORDER BY name")).scalars().all() == ["after", "job"]
    committer.close()
    engine.dispose()


def test_a_writer_takes_the_lock_soon_after_another_releases_it(tmp_path: Path) -> None:
    engine = _committer_engine(tmp_path)
    holder = _hold_write_lock(tmp_path / "gc.db")
    started = threading.Event()
    outcome: list[str] = []

    def job_write() -> None:
        started.set()
        with engine.begin() as connection:  # waits for the lock (polling), then writes
            connection.execute(text("INSERT INTO items (name) VALUES ('decided')"))
        outcome.append("written")

    writer = threading.Thread(target=job_write)
    writer.start()
    assert started.wait(10)
    writer.join(0.05)
    assert outcome == []  # still waiting for the holder
    holder.execute("COMMIT")
    holder.close()
    writer.join(10)
    assert outcome == ["written"]
    engine.dispose()


def _commit_threads(engine: Engine) -> tuple[set[str], list[list[str]]]:
    threads: set[str] = set()
    committed: list[list[str]] = []

    def after_commit(results: list[str]) -> None:
        threads.add(threading.current_thread().name)
        committed.append(results)

    committer = GroupCommitter(engine, _insert_names, after_commit=after_commit)

    async def submit() -> None:
        for i in range(3):
            await asyncio.gather(*(committer.store(f"t{i}-{j}") for j in range(4)))

    asyncio.run(submit())
    committer.close()
    return threads, committed


def test_without_an_fsync_per_commit_sqlite_commits_on_the_loop_and_checkpoints_beside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _committer_engine(tmp_path)
    checkpoints: list[str] = []
    real_checkpoint = GroupCommitter._checkpoint

    def checkpoint(self: GroupCommitter[str, str]) -> None:
        checkpoints.append(threading.current_thread().name)
        real_checkpoint(self)

    monkeypatch.setattr(GroupCommitter, "_checkpoint", checkpoint)
    threads, committed = _commit_threads(engine)
    assert threads == {threading.main_thread().name} and len(committed) == 3
    # One checkpoint for three commits within a second, asked of the commit thread.
    assert len(checkpoints) == 1 and checkpoints[0].startswith("leadrelay-commit")
    with engine.connect() as connection:  # the pool's connections keep SQLite's automatic checkpoints
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        assert connection.execute(text("SELECT count(*) FROM items")).scalar() == 12
    engine.dispose()


def test_the_intake_checkpoint_copies_the_wal_into_the_database_file(tmp_path: Path) -> None:
    engine = _committer_engine(tmp_path)
    writer = sqlite3.connect(tmp_path / "gc.db", isolation_level=None)
    writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # as the intake's writer connection
    writer.executemany("INSERT INTO items (name) VALUES (?)", [(f"{i:04d}" + "x" * 200,) for i in range(500)])
    size_before = (tmp_path / "gc.db").stat().st_size
    GroupCommitter(engine, _insert_names)._checkpoint()
    assert (tmp_path / "gc.db").stat().st_size > size_before + 50_000  # the pages left the WAL
    writer.close()
    engine.dispose()


def test_with_an_fsync_per_commit_the_commit_runs_on_its_own_thread(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'gc.db'}", fsync_each_commit=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE items (name TEXT PRIMARY KEY)"))
    threads, committed = _commit_threads(engine)
    assert len(threads) == 1 and next(iter(threads)).startswith("leadrelay-commit") and len(committed) == 3
    engine.dispose()


@pytest.mark.postgres
def test_decision_writers_take_turns_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time anyway")
    order: list[str] = []

    def second_writer() -> None:
        with engine.begin() as connection:
            one_decision_writer_at_a_time(connection)
            order.append("second has the lock")

    with engine.begin() as first:
        one_decision_writer_at_a_time(first)
        waiting = threading.Thread(target=second_writer)
        waiting.start()
        waiting.join(0.5)
        assert waiting.is_alive() and order == []  # it waits for the first transaction to end
        order.append("first commits")
    waiting.join(10)
    assert order == ["first commits", "second has the lock"]


def test_the_decision_writers_lock_is_a_no_op_on_sqlite(tmp_path: Path) -> None:
    engine = _committer_engine(tmp_path)
    with engine.begin() as connection:
        one_decision_writer_at_a_time(connection)
        connection.execute(text("INSERT INTO items (name) VALUES ('a')"))
    engine.dispose()
