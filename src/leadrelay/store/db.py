"""The database engine, sessions and migrations (SQLite in WAL mode by default, PostgreSQL by URL)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from leadrelay.errors import ConfigError

__all__ = ["MIGRATIONS", "SessionFactory", "make_engine", "make_session_factory", "ping", "session_scope",
           "upgrade"]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SessionFactory = sessionmaker[Session]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, durable: bool = True) -> None:
    # Let SQLAlchemy, not the sqlite3 module, issue BEGIN: savepoints work only then.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer. synchronous=FULL makes a commit survive power loss,
    # because an accepted (2xx) event must never be lost; NORMAL survives a killed process only.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_pragmas_fast(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record, durable=False)


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes fails
    # with "database is locked" when another writer got in between, instead of waiting its turn.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, durable: bool = True) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and a busy timeout, and their folder is created.

    `durable=False` lets SQLite skip the fsync per commit (still safe against a killed process). Workers
    use it: a decision lost to a power cut leaves its job unfinished, and the sweeper runs it again.

    Raises:
        ConfigError: the URL names no database dialect we can load.
    """
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas if durable else _sqlite_pragmas_fast)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # ArgumentError, missing driver, ...: an operator mistake
        raise ConfigError(f"cannot use database URL {_masked(url)}: {exc}") from exc


def _masked(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}" if ":" in creds else url
    return url


def make_session_factory(engine: Engine) -> SessionFactory:
    """A session factory whose objects stay readable after commit (we hand them to the API)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    """The Alembic configuration for our migrations, bound to `engine`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of `engine`'s database up to `revision` (the newest by default)."""
    command.upgrade(alembic_config(engine), revision)


def ping(engine: Engine) -> None:
    """Run a trivial query; raises when the database is unreachable."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
