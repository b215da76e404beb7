from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from leadrelay.errors import ConfigError
from leadrelay.store.db import alembic_config, make_engine, ping, upgrade
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
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    ping(engine)
    engine.dispose()


def test_a_bad_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="cannot use database URL"):
        make_engine("nosuchdialect://x")
