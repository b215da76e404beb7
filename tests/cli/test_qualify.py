"""`leadrelay qualify` and friends, run as a newcomer would run them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import COBALT, ROOT

EXAMPLE_EVENTS = COBALT / "events.jsonl"


def leadrelay(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadrelay", *args], input=stdin, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)


def test_qualify_the_example_workspace(tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    result = leadrelay("qualify", "--workspace", str(COBALT), str(EXAMPLE_EVENTS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    decisions = [json.loads(line) for line in out.read_text().splitlines()]
    events = [json.loads(line) for line in EXAMPLE_EVENTS.read_text().splitlines()]
    assert [d["id"] for d in decisions] == [e["id"] for e in events]
    assert set(decisions[0]) == {"id", "type", "urgency", "fit", "action", "owner", "confidence", "account_id",
                                 "duplicate_of", "fields"}
    by_id = {d["id"]: d for d in decisions}
    assert by_id["ex-011"]["duplicate_of"] == "ex-001"
    assert by_id["ex-008"]["action"] == "review"
    assert f"{len(events)} decisions written" in result.stderr


def test_bad_lines_are_named_and_the_batch_goes_on() -> None:
    lines = [
        '{"id": "ok-1", "channel": "chat", "body": "We need a demo of CDC into Snowflake"}',
        "{not json",
        '{"id": "bad-2", "channel": "fax", "body": "hello"}',
        "",
        '{"id": "ok-2", "channel": "web_form", "body": "Looking for pricing", "fields": {"company": "Acme"}}',
    ]
    result = leadrelay("qualify", "--workspace", str(COBALT), "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    assert "line 2: not valid JSON" in result.stderr
    assert "line 3: channel" in result.stderr
    decisions = [json.loads(line) for line in result.stdout.splitlines()]
    # The line with an id but a bad channel still gets a decision for a person; the broken JSON cannot.
    assert [d["id"] for d in decisions] == ["ok-1", "bad-2", "ok-2"]
    assert decisions[1]["action"] == "review"


def test_explain_adds_reasons() -> None:
    line = ('{"id": "e-1", "channel": "email", "from_email": "ana@gmail.com", "subject": "Thesis", '
            '"body": "Hi, I am a master student writing my thesis on data pipelines. Could I interview someone?"}')
    result = leadrelay("qualify", "--workspace", str(COBALT), "--explain", stdin=line + "\n")
    decision = json.loads(result.stdout)
    assert decision["type"] == "student"
    assert any("classify/model" in reason for reason in decision["reasons"])
    assert decision["model"].startswith("local-linear/")


def test_a_broken_workspace_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "workspace.yaml").write_text("company: {name: X}\n")
    result = leadrelay("qualify", "--workspace", str(tmp_path), str(EXAMPLE_EVENTS))
    assert result.returncode == 1
    assert result.stderr.startswith("error: workspace is not valid:")
    assert "Traceback" not in result.stderr


def test_workspace_check() -> None:
    result = leadrelay("workspace", "check", str(COBALT))
    assert result.returncode == 0
    assert "Cobalt Data: workspace" in result.stdout and "240 accounts" in result.stdout


def test_eval_prints_the_leadbench_table(tmp_path: Path) -> None:
    labelled = tmp_path / "labelled.jsonl"
    item = {"id": "l-1", "channel": "email", "from_email": "press@techweekly.com", "subject": "Comment request",
            "body": "I'm a reporter at Tech Weekly writing about data pipelines; could your CEO comment by Friday?",
            "gold": {"type": "press", "urgency": "high", "fit": None, "action": "route", "owner": "marketing",
                     "account_id": None, "duplicate_of": None, "fields": {"source": "email"}}}
    labelled.write_text(json.dumps(item) + "\n")
    result = leadrelay("eval", "--workspace", str(COBALT), str(labelled), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["local"]
    assert report["events"] == 1 and report["type_accuracy"] == 1.0
    assert report["usd_per_lead"] == 0.0


def test_the_output_folder_is_made_and_an_unwritable_path_is_one_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "new" / "folder" / "decisions.jsonl"
    made = leadrelay("qualify", "--workspace", str(COBALT), str(EXAMPLE_EVENTS), "-o", str(out))
    assert made.returncode == 0, made.stderr
    assert out.is_file()
    (tmp_path / "blocker").write_text("a file, not a folder")
    blocked = leadrelay("qualify", "--workspace", str(COBALT), str(EXAMPLE_EVENTS), "-o",
                        str(tmp_path / "blocker" / "decisions.jsonl"))
    assert blocked.returncode == 2
    assert "cannot write" in blocked.stderr and "Traceback" not in blocked.stderr
