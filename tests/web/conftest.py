"""Fixtures of the web tests: the database fixtures, and one seeded site per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.store.support import committed_engine, database_url, db, engine, wipe  # noqa: F401
from tests.web.support import Site, build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[Site]:  # noqa: F811
    """The example events decided by the real pipeline, with an admin and a rep; emptied afterwards."""
    built = build_site(tmp_path_factory.mktemp("web"), engine)
    yield built
    wipe(engine)
