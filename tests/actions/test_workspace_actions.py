"""The workspace sections for owners, SLAs and actions: parsed, defaulted, and mistakes named by file and key."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leadrelay.errors import WorkspaceError
from leadrelay.workspace import Workspace, load_workspace, parse_duration
from tests.conftest import COBALT


def test_the_example_uses_every_section(cobalt: Workspace) -> None:
    ae_na = cobalt.queue("ae-na")
    assert [(m.email, m.weight, m.cap) for m in ae_na.members] == [
        ("maya.chen@cobaltdata.com", 2, None), ("jordan.blake@cobaltdata.com", 1, 40)]
    assert ae_na.manager == "alex.morgan@cobaltdata.com" and ae_na.fallback == "enterprise"
    assert cobalt.config.sla.due["escalate"] == timedelta(minutes=15)
    assert [s.do for s in cobalt.config.sla.when_missed] == ["remind", "reassign", "escalate"]
    assert [s.after for s in cobalt.config.follow_ups.steps] == [timedelta(days=3), timedelta(days=7)]
    assert cobalt.config.actions.crm == ["builtin", "hubspot", "salesforce"]
    assert cobalt.config.actions.email.auto_send == ["weak_fit", "student"]
    assert cobalt.is_away("sofia.rossi@cobaltdata.com", datetime(2027, 1, 3, 23, 0, tzinfo=UTC))  # end inclusive
    assert not cobalt.is_away("sofia.rossi@cobaltdata.com", datetime(2027, 1, 4, 0, 0, tzinfo=UTC))
    for queue in cobalt.queues():
        assert cobalt.is_queue(queue)


def test_durations() -> None:
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("1.5h") == timedelta(minutes=90)
    assert parse_duration(30) == timedelta(seconds=30)
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def _problems(tmp_path: Path, old: str, new: str) -> list[str]:
    target = tmp_path / "ws"
    shutil.copytree(COBALT, target)
    text = (target / "workspace.yaml").read_text()
    assert old in text
    (target / "workspace.yaml").write_text(text.replace(old, new))
    with pytest.raises(WorkspaceError) as info:
        load_workspace(target)
    return info.value.problems


def test_unknown_people_and_queues_are_named(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "members: [lukas.weber@cobaltdata.com, sofia.rossi@cobaltdata.com]",
                         "members: [lukas.weber@cobaltdata.com, nobody@cobaltdata.com]")
    assert problems == ["workspace.yaml: queues.ae-emea.members.1: 'nobody@cobaltdata.com' is not in owners.csv"]
    problems = _problems(tmp_path / "2", "    fallback: ae-na\n  partners:", "    fallback: nowhere\n  partners:")
    assert problems == ["workspace.yaml: queues.ae-apac.fallback: 'nowhere' is neither a queue under queues: nor "
                        "an email"]


def test_bad_durations_periods_and_slugs_are_named(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "due: {escalate: 15m,", "due: {escalate: soon,")
    assert any(p.startswith("workspace.yaml: sla.due.escalate:") and "not a duration" in p for p in problems)
    problems = _problems(tmp_path / "2", '[["2026-12-21", "2027-01-03"]]', '[["2027-01-03", "2026-12-21"]]')
    assert problems == ["workspace.yaml: out_of_office.sofia.rossi@cobaltdata.com.0: the period ends before it "
                        "starts"]
    problems = _problems(tmp_path / "3", "crm: [builtin, hubspot, salesforce]", "crm: [builtin, hubspott]")
    assert any(p.startswith("workspace.yaml: actions.crm.1:") for p in problems)
    problems = _problems(tmp_path / "4", "auto_send: [weak_fit, student]", "auto_send: [everything]")
    assert any(p.startswith("workspace.yaml: actions.email.auto_send.0:") for p in problems)
