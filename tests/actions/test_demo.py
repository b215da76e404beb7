"""`leadrelay demo`: the example stream against the stand-ins, with faults, ends with everything done once; the full
stream (history and the last hour) leaves a team's work behind; `--serve` serves it with working credentials."""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from leadrelay.cli.demo import run_demo
from leadrelay.config import Settings
from leadrelay.store.db import make_engine
from leadrelay.store.tables import EventRow, Label, LeadState, Outcome, Touch, utcnow
from leadrelay.web.demo import arrival_times, sources_of
from tests.conftest import COBALT
from tests.support import free_port
from tests.web.support import csrf_of

ROOT = COBALT.parents[1]


@pytest.mark.slow
@pytest.mark.integration
def test_the_demo_drains_the_outbox_despite_faults(tmp_path: Path) -> None:
    report = run_demo(COBALT, COBALT / "events.jsonl", data_dir=tmp_path, faults=True,
                      advance=timedelta(minutes=20))
    assert report.dead == []
    assert {key.rsplit("/", 1)[1] for key in report.actions} == {"done"}
    assert len(report.decisions) == 13
    escalated = [d for d in report.decisions if d["action"] == "escalate" and not d["duplicate_of"]]
    alerts = [text for text in report.slack if not text.startswith("Reminder")]
    assert len(alerts) == len(escalated) == 2
    # The demo claims the first escalated lead (its SLA ends); the other gets a reminder after 20 minutes.
    assert sum(text.startswith("Reminder") for text in report.slack) == 1
    assert [by.split(" via ")[1] for _, by, _ in report.touches].count("slack") == 1
    assert sorted(to for to, _ in report.emails) == ["dave.hobbyist@outlook.com", "lucas.almeida@usp.br"]
    # The archived vendor email (ex-004) is written to the built-in CRM only (ex-010, an intro forwarded by a
    # colleague, has the introduced person as its lead, who goes to every CRM).
    assert report.hubspot["contacts"] == report.salesforce["Lead"] == report.builtin["contact"] - 1
    assert all(d["assignee"] for d in report.decisions if d["action"] not in ("archive", "reply"))


def test_arrival_times_put_the_live_stream_in_the_last_hour_and_history_over_the_days_before() -> None:
    now = utcnow()
    times = arrival_times(43, now=now, days=10, live=13)
    assert times == sorted(times)
    assert all(now - timedelta(hours=1) <= t < now for t in times[30:])
    assert all(t < now - timedelta(hours=1) for t in times[:30])
    assert now - times[0] > timedelta(days=9)
    assert arrival_times(43, now=now, days=10, live=13) == times  # deterministic
    assert arrival_times(3, now=now, days=1) == sorted(arrival_times(3, now=now, days=1))
    assert max(arrival_times(3, now=now, days=1)) <= now


def test_sources_follow_the_channel() -> None:
    payloads = [json.dumps({"channel": c}) for c in ("web_form", "email", "linkedin", "support_ticket", "fax")]
    assert sources_of(payloads) == ["website", "sales-inbox", "linkedin", "zendesk", "website"]


@pytest.mark.slow
@pytest.mark.integration
def test_the_full_demo_leaves_a_realistic_history(tmp_path: Path) -> None:
    report = run_demo(COBALT, COBALT / "events.jsonl", history=[COBALT / "labelled.jsonl"], data_dir=tmp_path)
    assert report.dead == []
    assert len(report.decisions) == 43
    assert [d["event"] for d in report.decisions][-13:] == [f"ex-{i:03d}" for i in range(1, 14)]
    assert report.labels == {"accepted": 6, "corrected": 1}
    assert report.outcomes == {"meeting_booked": 6, "opportunity": 3}
    engine = make_engine(Settings(data_dir=tmp_path, workspace=COBALT).db_url)
    try:
        with engine.connect() as conn:
            events = conn.execute(select(EventRow.external_id, EventRow.received_at, EventRow.source,
                                         EventRow.payload)).all()
            received = {row.external_id: row.received_at for row in events}
            assert received["ex-013"] - received["hw-01"] > timedelta(days=9)
            assert {row.source for row in events} >= {"website", "sales-inbox", "linkedin", "zendesk"}
            assert not any("gold" in json.loads(row.payload) for row in events)  # the labels were stripped
            live_from = received["ex-001"]
            people = conn.execute(select(Touch.by, Touch.source, Touch.at).where(
                Touch.source.in_(("ui", "crm", "slack")))).all()
            # The team picked up most earlier leads, none of them in the future; of the last hour's leads
            # only the first escalated one was claimed (in Slack), the others wait for their SLA steps.
            assert len([t for t in people if t.at < live_from]) >= 10
            assert len([t for t in people if t.at >= live_from]) == 1
            assert all(t.at <= utcnow() + timedelta(minutes=1) for t in people)
            assert conn.execute(select(func.count()).select_from(Label)).scalar() == 7
            assert conn.execute(select(func.count()).select_from(Outcome)).scalar() == 9
            untouched = conn.execute(select(func.count()).select_from(LeadState).where(
                LeadState.first_touch_at.is_(None), LeadState.assignee.like("%@%"))).scalar()
            assert untouched and untouched > 0  # "My leads" and the SLA clocks have something to show
    finally:
        engine.dispose()
    assert any(text.startswith("Reminder") for text in report.slack)


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)
    into.put("")


@pytest.mark.slow
@pytest.mark.integration
def test_demo_serve_answers_and_the_printed_credentials_sign_in(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "demo"
    with (tmp_path / "stderr.txt").open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "leadrelay", "demo", "--serve", "--port", str(port), "--data-dir", str(data_dir)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=stderr, text=True, encoding="utf-8")
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            printed: list[str] = []
            while not printed or printed[-1].strip() != "Serving until Ctrl-C.":
                line = lines.get(timeout=180)  # a guard against a hang, not a speed requirement
                if not line:
                    raise AssertionError("the demo ended before serving: " + (tmp_path / "stderr.txt").read_text())
                printed.append(line)
            text = "".join(printed)
            base = f"http://127.0.0.1:{port}"
            assert f"LeadRelay is running at {base}/" in text
            found = re.findall(r"sign in as (admin|rep):\s+(\S+)\s+password: (\S+)", text)
            credentials = {role: (email, password) for role, email, password in found}
            assert set(credentials) == {"admin", "rep"}
            token = re.search(r"Bearer (lr_[A-Za-z0-9_-]+)", text)
            assert token is not None
            assert httpx.get(f"{base}/healthz").json()["status"] == "ok"
            for role, (email, password) in credentials.items():
                with httpx.Client(base_url=base) as browser:
                    csrf = csrf_of(browser.get("/signin").text)
                    wrong = browser.post("/signin", data={"email": email, "password": password + "x", "next": "/",
                                                          "csrf_token": csrf})
                    assert wrong.status_code == 400
                    signed_in = browser.post("/signin", data={"email": email, "password": password, "next": "/",
                                                              "csrf_token": csrf})
                    assert signed_in.status_code == 303, role
                    page = browser.get("/review" if role == "admin" else "/my")
                    assert page.status_code == 200
                    assert "Marta Kowalczyk" in browser.get("/inbox").text or role == "rep"
            sent = httpx.post(f"{base}/api/events", headers={"Authorization": f"Bearer {token.group(1)}"},
                              json={"id": "try-1", "channel": "web_form", "from_email": "ana@example.org",
                                    "body": "We need a demo"})
            assert sent.status_code in (200, 201, 202)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            reader.join(timeout=30)  # it ends at the end of the output
            if process.stdout is not None:
                process.stdout.close()
    assert process.returncode == 0
