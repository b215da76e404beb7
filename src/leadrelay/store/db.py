"""The database engine, sessions and migrations (SQLite in WAL mode by default, PostgreSQL by URL)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Generic, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from leadrelay.errors import ConfigError

__all__ = ["MIGRATIONS", "READ_ONLY", "GroupCommitter", "SessionFactory", "job_engine", "make_engine",
           "make_session_factory", "ping", "read_only", "relax_commit", "session_scope", "upgrade"]

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
SessionFactory = sessionmaker[Session]
ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, synchronous: str = "NORMAL") -> None:
    # Let SQLAlchemy, not the sqlite3 module, issue BEGIN: savepoints work only then.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer. In WAL mode synchronous=NORMAL makes a commit durable
    # against a crash of the application (kill -9, OOM, a bug): the commit is in the WAL file before
    # the API answers 2xx, and the OS writes it out even if every process dies. Only a power cut or an
    # OS crash can lose the last commits (the file stays consistent). FULL would close that gap with an
    # fsync per commit, ~3 ms here, which serialised intake and starved the job writers of the one
    # write lock; `make_engine(..., fsync_each_commit=True)` still offers it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_pragmas_full(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record, synchronous="FULL")


READ_ONLY = "leadrelay_read_only"  # execution option: this connection only reads
_LOCK_TAKEN = "leadrelay_write_lock_taken"  # execution option: BEGIN IMMEDIATE was issued already
_BUSY_TIMEOUT_S = 10.0
_LOCK_POLL_S = (0.0002, 0.002)  # first and longest pause between attempts at SQLite's write lock
# The intake's group commit polls more often than other writers: the consumers' write transactions come
# with short gaps between them, which a 2 ms poll mostly missed, so under a burst the senders waited on
# the consumer (intake with the embedded consumer: ~1,350 -> ~1,850 requests/s here). Answering senders
# comes first; the consumer takes the lock in the gaps between group commits.
_INTAKE_LOCK_POLL_S = (0.0001, 0.0003)
_CHECKPOINT_EVERY_S = 1.0  # the intake's WAL checkpoints, when its commits run on the loop


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes fails
    # with "database is locked" when another writer got in between, instead of waiting its turn.
    # A connection marked read-only begins deferred: in WAL mode it reads a snapshot without waiting
    # for the writer.
    options = connection.get_execution_options()
    if options.get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    elif not options.get(_LOCK_TAKEN):
        _begin_immediate(connection.connection.dbapi_connection)


def _try_begin_immediate(dbapi_connection: Any) -> bool:
    """BEGIN IMMEDIATE without waiting: False when another connection holds the write lock."""
    dbapi_connection.execute("PRAGMA busy_timeout=0")
    try:
        dbapi_connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(exc):
            return False
        raise
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)}")
    return True


def _lock_timeout() -> OperationalError:
    # Shaped as SQLAlchemy reports SQLite's own busy timeout, so callers catch one kind of error.
    return OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("database is locked"))


def _begin_immediate(dbapi_connection: Any) -> None:
    # SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25 ms... between attempts, so a writer that
    # finds the lock taken for a millisecond often waits ten or more, and under a steady stream of
    # intake commits it keeps missing the short gaps between them. Polling every 0.2-2 ms takes the
    # lock soon after it is free, for the same ten-second limit.
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    pause = _LOCK_POLL_S[0]
    while not _try_begin_immediate(dbapi_connection):
        if time.monotonic() >= deadline:
            raise _lock_timeout()
        time.sleep(pause)
        pause = min(pause * 2, _LOCK_POLL_S[1])


def make_engine(url: str, *, fsync_each_commit: bool = False) -> Engine:
    """An engine for `url`; SQLite files get WAL mode and a busy timeout, and their folder is created.

    SQLite runs with synchronous=NORMAL: commits survive a killed process (see `_sqlite_pragmas`).
    `fsync_each_commit=True` selects FULL, which also survives a power cut, at ~3 ms a commit.

    Raises:
        ConfigError: the URL names no database dialect we can load.
    """
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas_full if fsync_each_commit else _sqlite_pragmas)
            event.listen(engine, "begin", _sqlite_begin)
            return engine
        return create_engine(url, pool_pre_ping=True)
    except Exception as exc:  # ArgumentError, missing driver, ...: an operator mistake
        raise ConfigError(f"cannot use database URL {_masked(url)}: {exc}") from exc


_read_only_views: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def read_only(engine: Engine) -> Engine:
    """A view of `engine` (same pool) whose connections only read: on SQLite they begin deferred.

    Made once per engine: building the view costs more than the read it serves.
    """
    view = _read_only_views.get(engine)
    if view is None:
        view = _read_only_views[engine] = engine.execution_options(**{READ_ONLY: True})
    return view


def job_engine(engine: Engine) -> Engine:
    """The engine jobs should write with: for a SQLite engine that fsyncs each commit, a sibling that does not.

    A decision lost to a power cut leaves its job unfinished and the sweeper runs it again, so jobs need
    not pay SQLite's ~3 ms fsync per commit; synchronous is a per-connection setting, so the API's
    connections on the same file keep theirs. Otherwise: the same engine.
    """
    if engine.dialect.name != "sqlite" or not event.contains(engine, "connect", _sqlite_pragmas_full):
        return engine
    return make_engine(engine.url.render_as_string(hide_password=False))


# Any constant: the key of the transaction-level advisory lock that orders decision writers on PostgreSQL.
_DECISION_WRITERS_LOCK = 0x1EAD_0001


def one_decision_writer_at_a_time(conn: Connection) -> None:
    """On PostgreSQL, wait until no other transaction writes decisions and their actions (no-op elsewhere).

    A batch's decisions pick owners from round-robin rows and upsert lead states; two workers writing
    batches at once locked those rows in different orders and deadlocked (PostgreSQL breaks a deadlock
    after a second by failing one batch, which then runs event by event: two workers decided 3,000
    events six times slower than one). Taken first in the transaction and held to its end, this lock
    orders them. The pipeline runs before the transaction, so workers still run it side by side.
    SQLite has one writer at a time anyway.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _DECISION_WRITERS_LOCK})


def relax_commit(conn: Connection) -> None:
    """Let this transaction's COMMIT return before PostgreSQL flushes its WAL (no-op elsewhere).

    For writes that can be recomputed (decisions): a crash may lose the last few milliseconds of them,
    never half of one, and their jobs then stay unfinished until the sweeper runs them again. It saves
    the WAL fsync per job commit (~3 ms here). SQLite job writes get the same from synchronous=NORMAL.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


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


StoreBatch = Callable[[Connection, list[ItemT]], list[ResultT]]


class GroupCommitter(Generic[ItemT, ResultT]):
    """Group commit on an asyncio loop: items awaiting storage share one transaction and one commit.

    Every caller gets its answer only after the commit, but callers that arrive while a commit is in
    flight are stored together in the next transaction, so SQLite's fsync (~3 ms here) or a PostgreSQL
    COMMIT is paid once per batch, and `store` writes a batch in a few set-wise statements.

    The statements run on the loop itself: they are short, and each hop to another thread costs a
    GIL hand-off that, under load, is worth more than the statement. On SQLite the write lock is taken
    on the loop too, right before the statements and without blocking (the loop polls for it while it
    serves requests), on a connection kept for this purpose: the lock is held for the statements and
    the commit only, never while the loop is busy elsewhere, so consumers writing decisions get their
    turn. On SQLite without an fsync per commit (WAL, synchronous=NORMAL: the default) the COMMIT runs
    on the loop as well: it only appends the batch's pages to the WAL (~0.05 ms an intake here), where
    a hand-off to a thread waited for the GIL for ~2.5 ms a batch while the loop parsed requests. That
    connection does not checkpoint on commit (a checkpoint copies and fsyncs the database file); a
    PASSIVE checkpoint runs on the commit thread at most once a second instead, beside the commits.
    With an fsync per commit, and on PostgreSQL (a round trip), COMMIT runs on a dedicated thread, so
    the loop keeps serving requests meanwhile. `after_commit(results)` runs right after each commit.
    On PostgreSQL the BEGIN runs on that thread as well. When a batch fails (a bad item, a race lost to
    another process) it is rolled back and each item is stored alone, retried on IntegrityError, so
    one item's failure is its own.
    """

    def __init__(self, engine: Engine, store: StoreBatch[ItemT, ResultT], *,
                 after_commit: Callable[[list[ResultT]], None] | None = None, max_batch: int = 256,
                 retries: int = 3) -> None:
        self._engine = engine
        self._store = store
        self._after_commit = after_commit
        self._max_batch = max_batch
        self._retries = retries
        self._pending: list[tuple[ItemT, asyncio.Future[ResultT]]] = []
        self._draining = False
        self._sqlite = engine.dialect.name == "sqlite"
        self._writer: Connection | None = None  # SQLite: the connection batches are written on
        self._commit_on_loop = False  # SQLite without an fsync per commit (found when the writer connects)
        self._checkpointed_at = 0.0  # time.monotonic() of the last checkpoint asked for
        # One thread: transactions are begun and committed one at a time, in order.
        self._io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="leadrelay-commit")

    async def store(self, item: ItemT) -> ResultT:
        """Store `item` with whatever else is waiting; returns its result once committed.

        Raises:
            Exception: what `store` raised for this item, or the error that made its commit fail.
        """
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if not self._draining:
            self._draining = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch = self._pending[:self._max_batch]
                del self._pending[:self._max_batch]
                try:
                    await self._write(batch)
                except BaseException as exc:  # never leave a caller waiting, whatever happened
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    if not isinstance(exc, Exception):
                        raise
        finally:
            self._draining = False

    async def _write(self, batch: list[tuple[ItemT, asyncio.Future[ResultT]]]) -> None:
        loop = asyncio.get_running_loop()
        try:
            conn = await self._begin_sqlite() if self._sqlite else await loop.run_in_executor(self._io, self._begin)
        except Exception as exc:  # no connection, or the write lock did not come within the busy timeout
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        healthy = False
        try:
            try:
                results = self._store(conn, [item for item, _ in batch])
            except Exception:
                await loop.run_in_executor(self._io, conn.rollback)
                healthy = True
                await self._write_alone(batch)
                return
            if self._commit_on_loop:
                self._commit(conn, results)
                self._checkpoint_now_and_then()
            else:
                await loop.run_in_executor(self._io, self._commit, conn, results)
            healthy = True
        except Exception as exc:  # the commit failed: nothing of this batch was stored
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        finally:
            if not self._sqlite:
                conn.close()
            elif not healthy:  # unknown state: give the connection back and start afresh next time
                self._drop_writer()
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():  # a caller that gave up (client gone) cancelled its future
                future.set_result(result)

    def _commit(self, conn: Connection, results: list[ResultT]) -> None:
        conn.commit()
        self._run_after_commit(results)

    def _checkpoint_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._checkpointed_at >= _CHECKPOINT_EVERY_S:
            self._checkpointed_at = now
            self._io.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        # PASSIVE: copies what no reader still needs, never waits for and never blocks a writer. On the
        # driver's connection: a checkpoint cannot run inside the transaction SQLAlchemy would begin.
        try:
            raw = self._engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            finally:
                raw.close()
        except Exception:  # the next one will do; a WAL that grows a little is no error
            log.warning("WAL checkpoint failed", exc_info=True)

    def _run_after_commit(self, results: list[ResultT]) -> None:
        if self._after_commit is None:
            return
        try:
            self._after_commit(results)
        except Exception:  # stored and committed: the callers' answers must not turn into errors
            log.exception("after-commit step failed")

    def _begin(self) -> Connection:
        conn = self._engine.connect()
        try:
            conn.begin()
        except BaseException:
            conn.close()
            raise
        return conn

    async def _begin_sqlite(self) -> Connection:
        # The write lock, taken on the loop without blocking it: between attempts the loop serves requests.
        if self._writer is None:
            self._writer = await asyncio.get_running_loop().run_in_executor(self._io, self._engine.connect)
            self._writer.execution_options(**{_LOCK_TAKEN: True})  # our BEGIN IMMEDIATE comes first
            dbapi_writer = self._writer.connection.dbapi_connection
            assert dbapi_writer is not None
            # 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA: below FULL a commit writes the WAL without an fsync.
            self._commit_on_loop = dbapi_writer.execute("PRAGMA synchronous").fetchone()[0] < 2
            if self._commit_on_loop:
                dbapi_writer.execute("PRAGMA wal_autocheckpoint=0")  # see the class docstring
        conn = self._writer
        try:
            dbapi_connection = conn.connection.dbapi_connection
            deadline = time.monotonic() + _BUSY_TIMEOUT_S
            pause = _INTAKE_LOCK_POLL_S[0]
            while not _try_begin_immediate(dbapi_connection):
                if time.monotonic() >= deadline:
                    raise _lock_timeout()
                await asyncio.sleep(pause)
                pause = min(pause * 2, _INTAKE_LOCK_POLL_S[1])
            conn.begin()  # SQLAlchemy's transaction over the one just begun
        except BaseException:
            self._drop_writer()
            raise
        return conn

    def _drop_writer(self) -> None:
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                writer.invalidate()  # never back to the pool with a transaction or a lock of ours open
            finally:
                writer.close()

    def close(self) -> None:
        """Give back the connection kept for writing (SQLite) and stop the commit thread."""
        self._drop_writer()
        self._io.shutdown(wait=True)

    async def _write_alone(self, batch: list[tuple[ItemT, asyncio.Future[ResultT]]]) -> None:
        loop = asyncio.get_running_loop()
        for item, future in batch:
            for attempt in range(self._retries):
                try:
                    result = await loop.run_in_executor(self._io, self._store_alone, item)
                except IntegrityError as exc:
                    # Another process stored the same key first: the next pass sees its row.
                    if attempt == self._retries - 1 and not future.done():
                        future.set_exception(exc)
                    continue
                except Exception as exc:
                    if not future.done():
                        future.set_exception(exc)
                    break
                if not future.done():
                    future.set_result(result)
                break

    def _store_alone(self, item: ItemT) -> ResultT:
        with self._engine.begin() as conn:
            result = self._store(conn, [item])[0]
        self._run_after_commit([result])
        return result
