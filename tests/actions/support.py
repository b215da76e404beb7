"""Helpers for the action tests: store an event and its decision, as the job does, and plan its actions."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from leadrelay.actions.plan import plan_actions
from leadrelay.pipeline.records import Decision, Evidence, Fields
from leadrelay.store import repo
from leadrelay.workspace import Workspace

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def decision(action: str = "escalate", *, owner: str | None = "ae-na", type: str = "sales", fit: str | None = "strong",
             urgency: str = "high", duplicate_of: str | None = None, external_id: str = "ev-1") -> Decision:
    return Decision.model_validate({
        "id": external_id, "type": type, "urgency": urgency, "fit": fit, "action": action, "owner": owner,
        "confidence": 0.95, "duplicate_of": duplicate_of, "workspace_version": "test",
        "fields": Fields(company="Harborline Foods", role="Head of Data", team_size=350, country="US",
                         source="demo_request", use_case="CDC into Snowflake"),
        "reasons": (Evidence(kind="rule", step="route", detail="strong fit, high urgency"),)})


def store_decided(conn: Connection, workspace: Workspace, the_decision: Decision, *,
                  sender: str = "marta@harborlinefoods.com", name: str = "Marta Kowalczyk",
                  extra: dict[str, Any] | None = None, now: datetime = NOW) -> tuple[int, int, list[int]]:
    """(lead id, decision id, planned action ids) for one stored, decided, planned event."""
    payload = {"id": the_decision.id, "channel": "demo_request", "from_email": sender, "from_name": name,
               "subject": "Demo request", "body": "We need CDC into Snowflake.", **(extra or {})}
    stored = repo.intake_event(conn, source="test", raw=json.dumps(payload), window_s=60, now=now)
    saved = repo.save_decision(conn, event_id=stored.event_id, decision=the_decision, pipeline_version="test",
                               sender_email=sender, sender_name=name)
    assert saved is not None and saved.lead_id is not None
    planned = plan_actions(conn, decision_id=saved.id, lead_id=saved.lead_id, event_id=stored.event_id,
                           decision=the_decision, workspace=workspace, now=now)
    return saved.lead_id, saved.id, planned
