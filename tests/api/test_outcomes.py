"""Outcomes and review labels through the API, on a real server on 127.0.0.1 with a real database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine, select

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.monitor import dashboard
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import LeadRow, TimelineEntry
from tests.history import DAY1, END, History, build_history
from tests.store.support import wipe
from tests.support import RecordingHuey, serve_on_loopback


@dataclass
class Server:
    url: str
    engine: Engine
    token: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[Server]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("outcomes"))
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=engine))
    app = create_app(settings, engine=engine, queue=queue, migrate=False)
    wipe(engine)
    with session_scope(make_session_factory(engine)) as db:
        token = repo.create_token(db, source="crm-sync")
    with serve_on_loopback(app) as url:
        yield Server(url=url, engine=engine, token=token)
    wipe(engine)


@pytest.fixture
def history(server: Server) -> Iterator[History]:
    with session_scope(make_session_factory(server.engine)) as db:
        built = build_history(db)
    yield built
    with server.engine.begin() as conn:  # keep the token, drop the rest
        for table in ("labels", "outcomes", "timeline", "actions", "timers", "touches", "assignments",
                      "lead_state", "decisions", "events", "leads"):
            conn.exec_driver_sql(f"DELETE FROM {table}")


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10,
                      headers={"Authorization": f"Bearer {server.token}"}) as client:
        yield client


def test_record_and_list_outcomes(server: Server, client: httpx.Client, history: History) -> None:
    lead_id = history.leads["D"]
    first = client.post(f"/api/leads/{lead_id}/outcomes", json={"kind": "meeting_booked", "note": "Tue 10:00"})
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["kind"], body["lead_id"], body["by"], body["source"], body["note"]) == (
        "meeting_booked", lead_id, "crm-sync", "api", "Tue 10:00")
    won = client.post(f"/api/leads/{lead_id}/outcomes",
                      json={"kind": "won", "amount": 48000, "at": "2024-03-20T12:00:00"})
    assert won.status_code == 201 and won.json()["at"].startswith("2024-03-20T12:00:00")
    listed = client.get(f"/api/leads/{lead_id}/outcomes").json()["items"]
    # Oldest first: the win was back-dated to March 2024, the meeting is now.
    assert [(o["kind"], o["amount"]) for o in listed] == [("won", 48000.0), ("meeting_booked", None)]
    with session_scope(make_session_factory(server.engine)) as db:
        kinds = db.scalars(select(TimelineEntry.detail).where(TimelineEntry.lead_id == lead_id,
                                                              TimelineEntry.kind == "outcome")).all()
        assert sorted(k["kind"] for k in kinds) == ["meeting_booked", "won"]
        # Conversion by source now counts D (an email lead) as booked and won.
        email = next(s for s in dashboard(db, since=DAY1, until=END).by_source if s.source == "email")
        assert (email.meetings_booked, email.won, email.won_amount) == (1, 1, 48000.0)


@pytest.mark.parametrize(("body", "where"), [
    ({"kind": "signed"}, "body.kind"),
    ({"kind": "won", "amount": -5}, "body.amount"),
    ({"kind": "won", "colour": "red"}, "body.colour"),
    ({}, "body.kind"),
])
def test_bad_outcomes_are_422(client: httpx.Client, history: History, body: dict[str, object], where: str) -> None:
    response = client.post(f"/api/leads/{history.leads['A']}/outcomes", json=body)
    assert response.status_code == 422
    assert where in [d["loc"] for d in response.json()["error"]["details"]]


def test_unknown_lead_is_404(client: httpx.Client, history: History) -> None:
    assert client.post("/api/leads/999999/outcomes", json={"kind": "won"}).status_code == 404
    assert client.post(f"/api/leads/{2**40}/outcomes", json={"kind": "won"}).status_code == 422  # no such id
    response = client.get("/api/leads/999999/outcomes")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_outcomes_need_a_token(server: Server, history: History) -> None:
    response = httpx.post(f"{server.url}/api/leads/{history.leads['A']}/outcomes", json={"kind": "won"})
    assert response.status_code == 401


def test_accept_and_correct_through_the_api(server: Server, client: httpx.Client, history: History) -> None:
    d7 = history.decisions["d7"]
    accepted = client.post(f"/api/decisions/{d7}/labels", json={"verdict": "accept"})
    assert accepted.status_code == 201, accepted.text
    assert (accepted.json()["field"], accepted.json()["by"]) == ("*", "api:crm-sync")
    corrected = client.post(f"/api/decisions/{d7}/labels",
                            json={"verdict": "correct", "field": "type", "value": "sales", "by": "rita@x.example"})
    assert corrected.status_code == 201, corrected.text
    assert {k: corrected.json()[k] for k in ("field", "predicted", "corrected", "by")} == {
        "field": "type", "predicted": "partnership", "corrected": "sales", "by": "rita@x.example"}
    listed = client.get(f"/api/decisions/{d7}/labels").json()["items"]
    assert [label["field"] for label in listed] == ["*", "type"]
    with session_scope(make_session_factory(server.engine)) as db:
        lead = db.get(LeadRow, history.leads["F"])
        assert lead is not None and lead.type == "sales"


@pytest.mark.parametrize(("body", "status", "text"), [
    ({"verdict": "correct", "field": "type", "value": "hot"}, 422, "type must be one of"),
    ({"verdict": "correct", "value": "sales"}, 422, "names the field"),
    ({"verdict": "accept", "field": "type"}, 422, "takes no field"),
    ({"verdict": "maybe"}, 422, "body.verdict"),
])
def test_bad_labels_are_refused(client: httpx.Client, history: History, body: dict[str, object], status: int,
                                text: str) -> None:
    response = client.post(f"/api/decisions/{history.decisions['d2']}/labels", json=body)
    assert response.status_code == status
    assert text in response.text


def test_labels_of_an_unknown_decision_are_404(client: httpx.Client, history: History) -> None:
    response = client.post("/api/decisions/999999/labels", json={"verdict": "accept"})
    assert response.status_code == 404 and "no decision 999999" in response.json()["error"]["message"]
