"""`leadrelay report`, run as a person would run it, on a SQLite database holding the test history."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from leadrelay.cli.report import parse_bound
from leadrelay.errors import ConfigError
from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade
from tests.conftest import ROOT
from tests.history import build_history
from tests.store.support import sqlite_file_url


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = sqlite_file_url(tmp_path_factory.mktemp("report"))
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as db:
        build_history(db)
    engine.dispose()
    return url


def report(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEADRELAY_DATABASE_URL": database, "COLUMNS": "160"}
    return subprocess.run([sys.executable, "-m", "leadrelay", "report", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_json_gives_every_figure(database: str) -> None:
    result = report(database, "--since", "2024-03-04", "--until", "2024-03-05", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["events"], figures["leads"], figures["decisions"]) == (7, 6, 7)  # --until includes the day
    assert figures["accuracy"] == 0.75 and figures["median_first_response_s"] == 7200.0
    assert figures["until"] == "2024-03-06T00:00:00+00:00"


def test_source_and_range_filters(database: str) -> None:
    result = report(database, "--since", "2024-03-05", "--source", "web_form", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert (figures["events"], figures["leads"], figures["source"]) == (1, 0, "web_form")


def test_tables_for_people(database: str) -> None:
    result = report(database, "--since", "2024-03-04", "--until", "2024-03-05")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "LeadRelay figures" in out
    assert "median first response" in out and "2.0 h" in out
    assert "qualification accuracy" in out and "75.0 %" in out
    assert "Volume and conversion by source" in out and "web_form" in out and "12,000" in out
    assert "Review verdicts by type" in out


def test_no_data_shows_dashes_not_zeros(database: str) -> None:
    result = report(database, "--since", "2020-01-01", "--until", "2020-01-31")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "qualification accuracy" in x)
    assert " - " in line and "%" not in line


def test_a_bad_date_is_one_clear_line(database: str) -> None:
    result = report(database, "--since", "last tuesday")
    assert result.returncode == 1
    assert result.stderr.strip() == ("error: --since 'last tuesday' is not a date (YYYY-MM-DD) or an ISO 8601 "
                                     "time")
    backwards = report(database, "--since", "2024-03-05", "--until", "2024-03-01")
    assert backwards.returncode == 1 and "is before --since" in backwards.stderr


def test_parse_bound() -> None:
    assert parse_bound("2024-03-04", end=False) == datetime(2024, 3, 4, tzinfo=UTC)
    assert parse_bound("2024-03-04", end=True) == datetime(2024, 3, 5, tzinfo=UTC)
    assert parse_bound("2024-03-04T10:30:00+02:00", end=True) == datetime(2024, 3, 4, 8, 30, tzinfo=UTC)
    assert parse_bound(None, end=True) is None
    with pytest.raises(ConfigError):
        parse_bound("03/04/2024", end=False)
