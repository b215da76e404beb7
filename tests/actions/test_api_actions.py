"""The actions API on a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, update

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import Action
from leadrelay.workspace import Workspace
from tests.actions.support import decision, store_decided
from tests.conftest import COBALT
from tests.support import RecordingHuey, serve_on_loopback


@pytest.fixture
def client(tmp_path: Path, committed_engine: Engine) -> Iterator[httpx.Client]:
    settings = Settings(data_dir=tmp_path, workspace=COBALT)
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=committed_engine))
    app = create_app(settings, engine=committed_engine, queue=queue, migrate=False)
    with session_scope(make_session_factory(committed_engine)) as db:
        token = repo.create_token(db, source="crm-sync")
    with serve_on_loopback(app) as url, httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"},
                                                     timeout=10) as http:
        yield http


def test_a_lead_s_work_and_what_people_do_with_it(client: httpx.Client, committed_engine: Engine,
                                                  cobalt: Workspace) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, _ = store_decided(conn, cobalt, decision("escalate"))
    work = client.get(f"/api/leads/{lead_id}/work").json()
    assert [a["kind"] for a in work["actions"]] == ["crm", "crm", "crm", "slack"]
    assert work["timers"][0]["kind"] == "sla" and work["timers"][0]["state"] == "pending"
    assert work["assignments"][0]["queue"] == "ae-na"

    assert client.post(f"/api/leads/{lead_id}/claim", json={"by": "Maya.Chen@cobaltdata.com"}).json() == {
        "first_touch": True}
    assert client.post(f"/api/leads/{lead_id}/touch", json={"kind": "activity", "source": "crm"}).json() == {
        "first_touch": False}
    moved = client.post(f"/api/leads/{lead_id}/reassign", json={"assignee": "jordan.blake@cobaltdata.com",
                                                                "by": "maya.chen@cobaltdata.com",
                                                                "reason": "he knows them"})
    assert moved.status_code == 200
    work = client.get(f"/api/leads/{lead_id}/work").json()
    assert work["assignee"] == "jordan.blake@cobaltdata.com" and work["status"] == "touched"
    assert [t["kind"] for t in work["touches"]] == ["claim", "activity"]
    assert work["touches"][1]["by"] == "crm-sync"  # no `by`: the token's source
    assert work["timers"][0]["state"] == "cancelled"


def test_dead_letters_drafts_and_timers_for_people(client: httpx.Client, committed_engine: Engine,
                                                   cobalt: Workspace) -> None:
    with committed_engine.begin() as conn:
        lead_id, _, planned = store_decided(conn, cobalt, decision("review", owner="review", type="unknown",
                                                                   fit=None, urgency="normal"))
        conn.execute(update(Action).where(Action.id == planned[0]).values(state="dead", last_error="boom"))
    dead = client.get("/api/actions", params={"state": "dead"}).json()
    assert [a["id"] for a in dead] == [planned[0]]
    assert client.post(f"/api/actions/{planned[0]}/retry", json={"by": "ops@cobaltdata.com"}).json() == {
        "changed": True}
    assert client.post(f"/api/actions/{planned[0]}/retry", json={}).json() == {"changed": False}

    work = client.get(f"/api/leads/{lead_id}/work").json()
    [draft] = [a for a in work["actions"] if a["state"] == "draft"]
    assert client.post(f"/api/actions/{draft['id']}/send", json={}).json() == {"changed": True}
    timer_id = work["timers"][0]["id"]
    assert client.post(f"/api/timers/{timer_id}/cancel", json={}).json() == {"changed": True}


def test_unknown_ids_are_404_and_auth_is_required(client: httpx.Client) -> None:
    assert client.get("/api/leads/999999/work").status_code == 404
    assert client.post("/api/leads/999999/claim", json={"by": "x@cobaltdata.com"}).status_code == 404
    assert client.post("/api/actions/999999/retry", json={}).status_code == 404
    assert client.post("/api/timers/999999/cancel", json={}).status_code == 404
    assert client.get("/api/leads/1/work", headers={"Authorization": ""}).status_code == 401
    assert client.post("/api/leads/1/claim", json={"by": "x\r\nBcc: y"}).status_code == 422
