from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadrelay.actions.owners import assign_owner, pick_owner
from leadrelay.store.tables import Assignment, LeadRow, LeadState
from leadrelay.workspace import QueueConfig, QueueMember, Workspace

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
A, B, C = "maya.chen@cobaltdata.com", "jordan.blake@cobaltdata.com", "lukas.weber@cobaltdata.com"
BOSS = "alex.morgan@cobaltdata.com"


def with_queues(ws: Workspace, queues: dict[str, QueueConfig],
                away: dict[str, list[tuple[datetime, datetime]]] | None = None) -> Workspace:
    return dataclasses.replace(ws, config=ws.config.model_copy(update={"queues": queues}), away_periods=away or {})


def away_now(*emails: str) -> dict[str, list[tuple[datetime, datetime]]]:
    return {e: [(NOW - timedelta(days=1), NOW + timedelta(days=1))] for e in emails}


def new_lead(db: Session, n: int) -> int:
    lead = LeadRow(email=f"lead{n}@example.org")
    db.add(lead)
    db.flush()
    return lead.id


def test_weighted_round_robin_is_smooth_and_exact(db: Session, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {"q": QueueConfig(members=[QueueMember(email=A, weight=2), QueueMember(email=B)])})
    picks = [pick_owner(db.connection(), owner="q", workspace=ws, now=NOW).assignee for _ in range(300)]
    assert Counter(picks) == {A: 200, B: 100}
    assert picks[:6] == [A, B, A, A, B, A]
    assert all(picks[i:i + 3] != [A, A, A] for i in range(len(picks) - 2))


def test_out_of_office_members_are_skipped(db: Session, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {"q": QueueConfig(members=[QueueMember(email=A), QueueMember(email=B)])},
                     away=away_now(A))
    picks = {pick_owner(db.connection(), owner="q", workspace=ws, now=NOW).assignee for _ in range(5)}
    assert picks == {B}
    later = pick_owner(db.connection(), owner="q", workspace=ws, now=NOW + timedelta(days=3))
    assert later.reason == "round robin"


def test_a_member_at_their_cap_gets_no_more(db: Session, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {"q": QueueConfig(members=[QueueMember(email=A, cap=1), QueueMember(email=B)])})
    picks = [assign_owner(db.connection(), lead_id=new_lead(db, i), owner="q", workspace=ws, now=NOW)
             for i in range(4)]
    assert [p.assignee for p in picks].count(A) == 1
    assert "at their cap of 1 open leads" in picks[-1].reason
    assigned = db.scalars(select(Assignment.assignee)).all()
    assert Counter(assigned) == {A: 1, B: 3}
    # Closing A's lead frees a place.
    state = db.scalars(select(LeadState).where(LeadState.assignee == A)).one()
    state.status = "closed"
    db.flush()
    picked = {pick_owner(db.connection(), owner="q", workspace=ws, now=NOW).assignee for _ in range(2)}
    assert A in picked


def test_fallback_then_manager_then_review(db: Session, cobalt: Workspace) -> None:
    queues = {
        "q": QueueConfig(members=[QueueMember(email=A)], fallback="other", manager=BOSS),
        "other": QueueConfig(members=[QueueMember(email=B)]),
        "review": QueueConfig(members=[QueueMember(email=C)]),
    }
    ws = with_queues(cobalt, queues, away=away_now(A))
    pick = pick_owner(db.connection(), owner="q", workspace=ws, now=NOW)
    assert (pick.assignee, pick.queue) == (B, "other")
    assert "out of office" in pick.reason and "fallback queue other" in pick.reason

    ws = with_queues(cobalt, queues, away=away_now(A, B))
    assert pick_owner(db.connection(), owner="q", workspace=ws, now=NOW).assignee == BOSS

    ws = with_queues(cobalt, queues, away=away_now(A, B, BOSS))
    assert pick_owner(db.connection(), owner="q", workspace=ws, now=NOW).assignee == C

    ws = with_queues(cobalt, queues, away=away_now(A, B, BOSS, C))
    last = pick_owner(db.connection(), owner="q", workspace=ws, now=NOW)
    assert last.assignee == C and last.reason.startswith("last resort")


def test_account_owner_wins_unless_away(db: Session, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {})
    assert pick_owner(db.connection(), owner=A, workspace=ws, now=NOW).reason == "account owner"
    ws = with_queues(cobalt, {}, away=away_now(A))
    pick = pick_owner(db.connection(), owner=A, workspace=ws, now=NOW)
    assert pick.assignee == B and pick.queue == "ae-na"  # Maya's team in owners.csv
    assert "account owner maya.chen@cobaltdata.com is out of office" in pick.reason


def test_a_queue_without_config_is_the_owners_team(db: Session, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {})
    picks = {pick_owner(db.connection(), owner="ae-emea", workspace=ws, now=NOW).assignee for _ in range(4)}
    assert picks == {"lukas.weber@cobaltdata.com", "sofia.rossi@cobaltdata.com"}


def test_the_example_workspace_always_finds_someone(db: Session, cobalt: Workspace) -> None:
    for owner in sorted(cobalt.queues()):
        assert "@" in pick_owner(db.connection(), owner=owner, workspace=cobalt, now=NOW).assignee


@pytest.mark.slow
def test_two_workers_at_once_never_pick_from_the_same_position(committed_engine: Engine, cobalt: Workspace) -> None:
    ws = with_queues(cobalt, {"q": QueueConfig(members=[QueueMember(email=A), QueueMember(email=B)])})
    picks: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(40):
                with committed_engine.begin() as conn:
                    pick = pick_owner(conn, owner="q", workspace=ws, now=NOW)
                with lock:
                    picks.append(pick.assignee)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Counter(picks) == {A: 40, B: 40}
