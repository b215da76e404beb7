from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from leadrelay.cli.service import register
from leadrelay.config import Settings
from leadrelay.store import repo
from leadrelay.store.db import make_engine, make_session_factory
from leadrelay.store.tables import EventRow, Job


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    for key in ("LEADRELAY_DATABASE_URL", "LEADRELAY_QUEUE", "LEADRELAY_QUEUE_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("LEADRELAY_DATA_DIR", str(tmp_path / "data"))
    app = typer.Typer()
    register(app)
    yield app


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def events_in(tmp_path: Path) -> int:
    engine = make_engine(Settings(data_dir=tmp_path / "data").db_url)
    with make_session_factory(engine)() as db:
        count = int(db.scalar(select(func.count()).select_from(EventRow)) or 0)
    engine.dispose()
    return count


def test_db_upgrade_and_token_create(cli: typer.Typer, tmp_path: Path) -> None:
    assert run(cli, "db", "upgrade") == (0, "database at head\n")
    code, out = run(cli, "tokens", "create", "webform")
    token = out.strip()
    assert code == 0 and token.startswith("lr_")
    engine = make_engine(Settings(data_dir=tmp_path / "data").db_url)
    with make_session_factory(engine)() as db:
        assert repo.authenticate(db, token=token) == "webform"
    engine.dispose()


def test_import_jsonl_skips_repeats_and_reports_bad_lines(cli: typer.Typer, tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"i{i}", "channel": "chat", "from_email": f"c{i}@dock.example", "body": "hello"})
             for i in range(3)]
    lines.insert(1, "{broken")
    lines.append(lines[0])  # the same event again: skipped
    file = tmp_path / "events.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run(cli, "import", str(file))
    assert code == 1
    assert "events.jsonl:2: the body is not valid JSON" in out
    assert "stored 3 events, skipped 1 repeats, 1 invalid" in out
    assert events_in(tmp_path) == 3
    code, out = run(cli, "import", str(file))
    assert "stored 0 events, skipped 4 repeats" in out and events_in(tmp_path) == 3


def test_import_csv_maps_columns_to_event_keys(cli: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "events.csv"
    file.write_text("id,channel,from_email,body,fields.company,fields.country\n"
                    "c1,web_form,ana@quay.example,Need Snowflake syncs,Quay Ltd,IE\n"
                    "c2,fax,bo@quay.example,hi,,\n", encoding="utf-8")
    code, out = run(cli, "import", str(file), "--source", "csv-upload")
    assert code == 1 and "events.csv:3: channel" in out and "stored 1 events" in out
    engine = make_engine(Settings(data_dir=tmp_path / "data").db_url)
    with make_session_factory(engine)() as db:
        row = db.scalars(select(EventRow)).one()
        assert row.source == "csv-upload"
        assert json.loads(row.payload)["fields"] == {"company": "Quay Ltd", "country": "IE"}
        assert db.scalars(select(Job.state)).one() == "pending"
    engine.dispose()


def test_show_prints_a_lead_and_its_timeline(cli: typer.Typer, tmp_path: Path) -> None:
    file = tmp_path / "one.jsonl"
    file.write_text(json.dumps({"id": "s1", "channel": "chat", "from_email": "Max@Pier.example", "from_name": "Max",
                                "body": "hello"}) + "\n", encoding="utf-8")
    assert run(cli, "import", str(file))[0] == 0
    code, out = run(cli, "show", "max@pier.example", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["email"] == "max@pier.example" and shown["name"] == "Max"
    assert [t["kind"] for t in shown["timeline"]] == ["event_received"]
    code, out = run(cli, "show", str(shown["id"]))
    assert code == 0 and "Timeline" in out and "event_received" in out
    code, _ = run(cli, "show", "nobody@pier.example")
    assert code != 0
