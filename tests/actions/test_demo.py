"""`leadrelay demo`: the example stream against the stand-ins, with faults, ends with everything done once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from leadrelay.cli.demo import run_demo
from tests.conftest import COBALT


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
    # The archived vendor email (ex-004) and the colleague who forwarded an intro (ex-010) are written to the
    # built-in CRM only.
    assert report.hubspot["contacts"] == report.salesforce["Lead"] == report.builtin["contact"] - 2
    assert all(d["assignee"] for d in report.decisions if d["action"] not in ("archive", "reply"))
