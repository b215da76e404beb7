"""Opt-out links and RFC 8058 one-click unsubscribe against a real server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, insert, select

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.integrations.base import OutboundEmail
from leadrelay.integrations.email import SmtpMailer, SmtpSettings, unsubscribe_token, unsubscribe_url
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.standins.smtp import SmtpStandin
from leadrelay.store.tables import Action, LeadRow, LeadState, TimelineEntry, Timer, utcnow
from tests.support import RecordingHuey, serve_on_loopback

SECRET = "opt-out-secret-for-tests"


def _app(tmp: Any, engine: Engine, secret: str | None) -> FastAPI:
    settings = Settings(data_dir=tmp, unsubscribe_secret=secret)
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=engine))
    return create_app(settings, engine=engine, queue=queue, migrate=False)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[str]:
    with serve_on_loopback(_app(tmp_path_factory.mktemp("optout"), engine, SECRET)) as url:
        yield url


@pytest.fixture
def client(server_url: str, committed_engine: Engine) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, timeout=10) as client:
        yield client


def add_lead(engine: Engine) -> int:
    """A lead with a reply waiting to be sent, a draft, a sent one, and a follow-up timer and an SLA timer."""
    with engine.begin() as conn:
        lead_id = int(conn.execute(insert(LeadRow).values(email="ana@initech.example", name="Ana Ruiz")
                                   .returning(LeadRow.id)).scalar_one())
        for state in ("pending", "draft", "done"):
            conn.execute(insert(Action).values(key=f"email:{state}:lead:{lead_id}", lead_id=lead_id, kind="email",
                                               target="smtp", state=state, payload={}, result={}))
        for kind in ("follow_up", "sla"):
            conn.execute(insert(Timer).values(key=f"{kind}:lead:{lead_id}", lead_id=lead_id, kind=kind, step=0,
                                              due_at=utcnow(), state="pending", detail={}))
    return lead_id


def opted_out_at(engine: Engine, lead_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(LeadState.opted_out_at).where(LeadState.lead_id == lead_id)).scalar()


def email_states(engine: Engine, lead_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        return {row.key.split(":")[1]: row.state for row in conn.execute(
            select(Action.key, Action.state).where(Action.lead_id == lead_id))}


def timer_states(engine: Engine, lead_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        return {row.kind: row.state for row in conn.execute(
            select(Timer.kind, Timer.state).where(Timer.lead_id == lead_id))}


def opt_out_sources(engine: Engine, lead_id: int) -> list[str]:
    with engine.connect() as conn:
        return [row.detail["source"] for row in conn.execute(
            select(TimelineEntry.detail).where(TimelineEntry.lead_id == lead_id, TimelineEntry.kind == "opted_out"))]


def test_the_link_shows_a_confirm_page_and_changes_nothing(client: httpx.Client, committed_engine: Engine) -> None:
    lead_id = add_lead(committed_engine)
    token = unsubscribe_token(SECRET, lead_id)

    response = client.get(f"/unsubscribe/{token}")

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert f'<form method="post" action="/unsubscribe/{token}">' in response.text
    assert opted_out_at(committed_engine, lead_id) is None
    assert email_states(committed_engine, lead_id)["pending"] == "pending"


def test_confirming_opts_out_and_cancels_unsent_email_and_follow_ups(client: httpx.Client,
                                                                     committed_engine: Engine) -> None:
    lead_id = add_lead(committed_engine)

    response = client.post(f"/unsubscribe/{unsubscribe_token(SECRET, lead_id)}")

    assert response.status_code == 200 and "You are unsubscribed" in response.text
    assert opted_out_at(committed_engine, lead_id) is not None
    assert email_states(committed_engine, lead_id) == {"pending": "cancelled", "draft": "cancelled", "done": "done"}
    assert timer_states(committed_engine, lead_id) == {"follow_up": "cancelled", "sla": "pending"}
    assert opt_out_sources(committed_engine, lead_id) == ["unsubscribe_page"]


def test_one_click_unsubscribe_rfc_8058(client: httpx.Client, committed_engine: Engine) -> None:
    lead_id = add_lead(committed_engine)

    response = client.post(f"/unsubscribe/{unsubscribe_token(SECRET, lead_id)}",
                           content=b"List-Unsubscribe=One-Click",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})

    assert response.status_code == 200
    assert opted_out_at(committed_engine, lead_id) is not None
    assert opt_out_sources(committed_engine, lead_id) == ["list_unsubscribe"]


def test_opting_out_twice_keeps_the_first_time(client: httpx.Client, committed_engine: Engine) -> None:
    lead_id = add_lead(committed_engine)
    url = f"/unsubscribe/{unsubscribe_token(SECRET, lead_id)}"
    assert client.post(url).status_code == 200
    first = opted_out_at(committed_engine, lead_id)

    assert client.post(url).status_code == 200
    assert opted_out_at(committed_engine, lead_id) == first


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_token_is_404_and_changes_nothing(client: httpx.Client, committed_engine: Engine,
                                                   method: str) -> None:
    lead_id = add_lead(committed_engine)
    forged = f"{lead_id}.{unsubscribe_token('guessed-secret', lead_id).split('.', 1)[1]}"

    response = client.request(method, f"/unsubscribe/{forged}")

    assert response.status_code == 404 and "not valid" in response.text
    assert opted_out_at(committed_engine, lead_id) is None


def test_a_token_for_a_lead_that_is_gone_is_404(client: httpx.Client, committed_engine: Engine) -> None:
    response = client.post(f"/unsubscribe/{unsubscribe_token(SECRET, 987_654)}")
    assert response.status_code == 404


def test_the_list_unsubscribe_header_of_a_sent_reply_works_end_to_end(server_url: str, client: httpx.Client,
                                                                      committed_engine: Engine) -> None:
    lead_id = add_lead(committed_engine)
    with SmtpStandin() as smtp:
        mailer = SmtpMailer(SmtpSettings(host=smtp.host, port=smtp.port, security="none"))
        mailer.send(OutboundEmail(key=f"email:weak_fit:lead:{lead_id}", to="ana@initech.example", subject="Re: hi",
                                  text="Hello", from_address="maya@cobalt.example",
                                  list_unsubscribe=unsubscribe_url(server_url, SECRET, lead_id)))
        header = smtp.messages[0].message["List-Unsubscribe"]

    # What a mail client does for one-click: POST the header's URI with the RFC 8058 body.
    response = httpx.post(header.strip().strip("<>"), content=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)

    assert response.status_code == 200
    assert opted_out_at(committed_engine, lead_id) is not None


def test_links_are_404_when_no_secret_is_set(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> None:
    with serve_on_loopback(_app(tmp_path_factory.mktemp("nosecret"), engine, None)) as url:
        response = httpx.get(f"{url}/unsubscribe/{unsubscribe_token(SECRET, 1)}", timeout=10)
    assert response.status_code == 404
