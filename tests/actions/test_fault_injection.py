"""Nothing is lost and nothing happens twice: a worker process is killed mid-stream while the CRM stand-ins fail
part of the time (500s, 429s, timeouts); after recovery every action completed exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from leadrelay.actions.outbox import ActionContext
from leadrelay.cli.demo import SimulatedClock, drain
from leadrelay.config import Settings
from leadrelay.integrations.email import SmtpSettings
from leadrelay.integrations.hubspot import HubSpotSettings
from leadrelay.integrations.salesforce import SalesforceSettings
from leadrelay.integrations.slack import SlackSettings
from leadrelay.jobs.tasks import JobContext, qualify_stored_event
from leadrelay.standins import hubspot as hubspot_standin
from leadrelay.standins import salesforce as salesforce_standin
from leadrelay.standins import serve_on_loopback
from leadrelay.standins import slack as slack_standin
from leadrelay.standins.smtp import SmtpStandin
from leadrelay.store import repo
from leadrelay.store.tables import Action, DecisionRow
from leadrelay.workspace import Workspace
from tests.conftest import COBALT, ROOT

pytestmark = [pytest.mark.slow, pytest.mark.integration]

HUBSPOT_FAULTS = ["ok", "500", "ok", "timeout", "ok", "ok", "429", "ok", "503", "ok", "timeout", "ok", "500"]
SALESFORCE_FAULTS = ["ok", "timeout", "ok", "500", "ok", "429", "ok", "ok", "timeout", "503", "ok", "500"]


def test_a_killed_worker_and_a_flaky_crm_lose_nothing_and_do_nothing_twice(
        tmp_path: Path, database_url: str, committed_engine: Engine, cobalt: Workspace) -> None:
    hubspot = hubspot_standin.make_app(extra_properties={"contacts": ["leadrelay_type", "leadrelay_urgency",
                                                                      "leadrelay_fit", "leadrelay_url"]},
                                       timeout_s=2.0)
    salesforce = salesforce_standin.make_app(extra_fields={"Lead": ["LeadRelay_Type__c", "LeadRelay_Urgency__c",
                                                                    "LeadRelay_URL__c"]}, timeout_s=2.0)
    slack = slack_standin.make_app()
    hubspot.state.faults.extend(HUBSPOT_FAULTS)
    salesforce.state.faults.extend(SALESFORCE_FAULTS)
    slack.state.faults.extend(["500"])
    with serve_on_loopback(hubspot) as hubspot_url, serve_on_loopback(salesforce) as salesforce_url, \
            serve_on_loopback(slack) as slack_url, SmtpStandin() as smtp:
        settings = Settings(
            data_dir=tmp_path, database_url=database_url, workspace=COBALT, action_retry_delay_s=0.2,
            action_retry_backoff=1.5, action_timeout_s=0.5, action_lost_after_s=300, action_attempts=20,
            hubspot=HubSpotSettings(base_url=hubspot_url, access_token="hubspot-standin-token"),  # type: ignore[arg-type]
            salesforce=SalesforceSettings(instance_url=salesforce_url,  # type: ignore[arg-type]
                                          access_token="salesforce-standin-token"),
            slack=SlackSettings(mode="webhook", webhook_url=f"{slack_url}/services/T1/B1/x"),
            smtp_out=SmtpSettings(host=smtp.host, port=smtp.port, security="none"))

        # The stream: stored and decided; each decision's actions are planned in its own transaction.
        jobs = JobContext(settings, engine=committed_engine)
        for line in (COBALT / "events.jsonl").read_text().splitlines():
            with committed_engine.begin() as conn:
                stored = repo.intake_event(conn, source="test", raw=line, window_s=600, strict=False)
            qualify_stored_event(jobs, stored.event_id)
        with committed_engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(Action)
                                 .where(Action.state.in_(("pending", "retrying")))).scalar_one()
        assert total >= 30

        # A worker process works through the outbox and is killed mid-stream (kill -9: no clean-up at all).
        env = {**os.environ, "LEADRELAY_DATABASE_URL": database_url, "LEADRELAY_WORKSPACE": str(COBALT),
               "LEADRELAY_DATA_DIR": str(tmp_path), "LEADRELAY_ACTION_RETRY_DELAY_S": "0.2",
               "LEADRELAY_ACTION_TIMEOUT_S": "0.5", "LEADRELAY_ACTION_ATTEMPTS": "20",
               "LEADRELAY_HUBSPOT__BASE_URL": hubspot_url, "LEADRELAY_HUBSPOT__ACCESS_TOKEN": "hubspot-standin-token",
               "LEADRELAY_SALESFORCE__INSTANCE_URL": salesforce_url,
               "LEADRELAY_SALESFORCE__ACCESS_TOKEN": "salesforce-standin-token",
               "LEADRELAY_SLACK__MODE": "webhook", "LEADRELAY_SLACK__WEBHOOK_URL": f"{slack_url}/services/T1/B1/x",
               "LEADRELAY_SMTP_OUT__HOST": smtp.host, "LEADRELAY_SMTP_OUT__PORT": str(smtp.port),
               "LEADRELAY_SMTP_OUT__SECURITY": "none"}
        worker = subprocess.Popen([sys.executable, "-m", "tests.actions.outbox_worker"], cwd=ROOT, env=env,
                                  stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        done = running = 0
        while time.monotonic() < deadline and worker.poll() is None:
            with committed_engine.connect() as conn:
                states = dict(conn.execute(select(Action.state, func.count()).group_by(Action.state)).all())
            done, running = states.get("done", 0), states.get("running", 0)
            if done >= total // 3 and running:
                break
            time.sleep(0.01)
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert worker.stderr is not None
        worker.stderr.close()
        assert 0 < done < total  # killed mid-stream, with an action in flight
        assert running >= 1

        # Recovery: another worker, later (the lost action is presumed dead after action_lost_after_s).
        clock = SimulatedClock()
        clock.offset = timedelta(seconds=settings.action_lost_after_s + 60)
        ctx = ActionContext(settings, engine=committed_engine, workspace=cobalt, clock=clock)
        try:
            drain(ctx, clock)
        finally:
            ctx.close()

        with committed_engine.connect() as conn:
            states = dict(conn.execute(select(Action.state, func.count()).group_by(Action.state)).all())
            actions = conn.execute(select(Action.kind, Action.target, Action.payload, Action.decision_id)).all()
            escalated = conn.execute(select(func.count()).select_from(DecisionRow).where(
                DecisionRow.action == "escalate", DecisionRow.duplicate_of.is_(None))).scalar_one()
        assert set(states) <= {"done", "draft"}, states
        assert states["done"] == total

        # Exactly once: one record per lead in each CRM, one task per decision, one alert per escalated lead.
        crm_leads = {(a.target, a.payload["email"]) for a in actions if a.kind == "crm"}
        hubspot_emails = Counter(r["properties"]["email"] for r in hubspot.state.records["contacts"].values())
        assert set(hubspot_emails) == {email for target, email in crm_leads if target == "hubspot"}
        assert max(hubspot_emails.values()) == 1
        salesforce_emails = Counter(r["Email"] for r in salesforce.state.records["Lead"].values())
        assert set(salesforce_emails) == {email for target, email in crm_leads if target == "salesforce"}
        assert max(salesforce_emails.values()) == 1
        tasks = Counter(a.target for a in actions if a.kind == "crm" and a.payload.get("task_subject"))
        assert len(hubspot.state.records["tasks"]) == tasks["hubspot"]
        assert len(salesforce.state.records["Task"]) == tasks["salesforce"]
        assert len(slack.state.messages) == escalated == sum(1 for a in actions if a.kind == "slack")
        sent_emails = [a for a in actions if a.kind == "email" and a.payload]
        assert len(smtp.messages) == len([a for a in sent_emails if a.target == "smtp"]) - states.get("draft", 0)
