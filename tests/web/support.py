"""A seeded web site for the web tests: the example events through the real pipeline, an admin and a rep."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import EventRow, LeadState
from leadrelay.web.auth import create_user
from leadrelay.web.demo import example_payloads, load_events
from tests.conftest import COBALT
from tests.store.support import wipe
from tests.support import RecordingHuey

PASSWORD = "a-long-test-password"
ADMIN = "admin@cobaltdata.com"
SCRIPT_NAME = "<script>alert(1)</script>"
SCRIPT_EVENT = {"id": "xss-1", "channel": "web_form", "from_name": SCRIPT_NAME, "from_email": "mallory@evil.example",
                "subject": "<img src=x onerror=alert(2)>", "body": "Hi <b>there</b>, we need a data pipeline demo.",
                "fields": {"company": "<i>Evil</i> Corp"}}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Site:
    """The seeded app and who can sign in to it."""

    app: FastAPI
    engine: Engine
    settings: Settings
    rep: str
    leads: dict[str, int] = field(default_factory=dict)  # external event id -> lead id

    def client(self, *, https: bool = False) -> TestClient:
        """A fresh browser-like client (its own cookies)."""
        return TestClient(self.app, base_url="https://testserver" if https else "http://testserver",
                          follow_redirects=False)


def build_site(tmp: Path, engine: Engine) -> Site:
    """Wipe the database, run the example events (and the `<script>` one) through the pipeline, add two users."""
    wipe(engine)
    settings = Settings(data_dir=tmp, workspace=COBALT)
    payloads = [*example_payloads([COBALT / "events.jsonl", COBALT / "labelled.jsonl"]), json.dumps(SCRIPT_EVENT)]
    load_events(settings, engine, payloads)
    sessions = make_session_factory(engine)
    with session_scope(sessions) as db:
        assigned = db.scalars(select(LeadState.assignee).order_by(LeadState.lead_id)).all()
        assignees = [a for a in assigned if a and "@" in a]
        rep = assignees[0]
        create_user(db, email=ADMIN, role="admin", name="Ada Admin", password=PASSWORD)
        create_user(db, email=rep, role="rep", name="Rita Rep", password=PASSWORD)
        leads = {e.external_id: e.lead_id for e in db.scalars(select(EventRow)).all() if e.lead_id is not None}
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=engine))
    app = create_app(settings, engine=engine, queue=queue, migrate=False)
    return Site(app=app, engine=engine, settings=settings, rep=rep, leads=leads)


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = _CSRF.search(html)
    if match is None:
        raise AssertionError("no CSRF token on the page")
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign `client` in; returns the session's CSRF token."""
    token = csrf_of(client.get("/signin").text)
    response = client.post("/signin", data={"email": email, "password": password, "next": "/", "csrf_token": token})
    if response.status_code != 303:
        raise AssertionError(f"sign-in failed: {response.status_code}")
    return csrf_of(client.get("/review").text)

