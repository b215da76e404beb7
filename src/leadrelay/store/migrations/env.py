"""Alembic environment: runs our migrations on the engine LeadRelay hands over (see store.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from leadrelay.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return]
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no engine or sqlalchemy.url given to the LeadRelay migrations")
    return create_engine(url)


def run_migrations_online() -> None:
    """Run the migrations inside one transaction on a live connection."""
    with _engine().connect() as connection:
        # render_as_batch: SQLite alters tables by copying them; batch mode does that for us.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
