"""Database fixtures: a temp SQLite file, and PostgreSQL when LEADRELAY_TEST_DATABASE_URL is set."""

from tests.store.support import committed_engine, database_url, db, engine  # noqa: F401
