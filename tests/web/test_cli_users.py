"""`leadrelay users create EMAIL --role admin|rep` and `users list`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadrelay.cli import app
from leadrelay.config import Settings
from leadrelay.store.db import make_engine, make_session_factory
from leadrelay.web.auth import sign_in


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEADRELAY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LEADRELAY_DATABASE_URL", raising=False)
    return tmp_path


def test_create_prints_a_password_that_signs_in(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["users", "create", "Maya.Chen@cobaltdata.com", "--role", "rep", "--name", "Maya"])
    assert result.exit_code == 0, result.output
    assert "created rep maya.chen@cobaltdata.com" in result.output
    password = result.output.split("password: ")[1].strip()
    engine = make_engine(Settings(data_dir=data_dir).db_url)
    with make_session_factory(engine)() as db:
        user = sign_in(db, email="maya.chen@cobaltdata.com", password=password)
        assert user is not None and user.role == "rep" and user.name == "Maya"
    engine.dispose()
    listed = runner.invoke(app, ["users", "list"])
    assert "maya.chen@cobaltdata.com\trep\tactive" in listed.output


def test_password_from_stdin_is_not_echoed_and_mistakes_exit_1(data_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["users", "create", "ops@cobaltdata.com", "--role", "admin", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0 and "a long enough password" not in result.output
    again = runner.invoke(app, ["users", "create", "ops@cobaltdata.com", "--role", "admin"])
    assert again.exit_code == 1 and "already exists" in again.output
    wrong = runner.invoke(app, ["users", "create", "x@cobaltdata.com", "--role", "owner"])
    assert wrong.exit_code != 0
