"""Fill a database with the example workspace's events, run through the real pipeline (screenshots, tests, demo),
and a team acting on them (touches, review verdicts, outcomes), so the pages and the dashboard have realistic data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, select

from leadrelay import labels, outcomes
from leadrelay.actions import touches
from leadrelay.config import Settings
from leadrelay.jobs.tasks import JobContext, qualify_stored_events
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import DecisionRow, LeadRow, LeadState, utcnow

__all__ = ["SOURCE_OF_CHANNEL", "TeamActivity", "arrival_times", "busiest_rep", "example_payloads", "load_events",
           "simulate_team", "sources_of"]

_LABEL_KEYS = ("gold", "notes")
SOURCE_OF_CHANNEL = {"web_form": "website", "demo_request": "website", "email": "sales-inbox",
                     "linkedin": "linkedin", "support_ticket": "zendesk", "chat": "website"}
_TOUCH_DELAYS_MIN = (7, 25, 48, 95, 190)  # how long people took to pick a lead up, fast to slow


def example_payloads(paths: Iterable[Path]) -> list[str]:
    """The events of JSONL files as JSON texts, with any gold labels removed."""
    payloads: list[str] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            for key in _LABEL_KEYS:
                data.pop(key, None)
            payloads.append(json.dumps(data, ensure_ascii=False))
    return payloads


def load_events(settings: Settings, engine: Engine, payloads: Sequence[str], *, source: str = "website",
                received_at: Sequence[datetime] | None = None, sources: Sequence[str] | None = None) -> list[int]:
    """Store the payloads through intake and qualify them with the workspace's pipeline; returns the event ids.

    `received_at` and `sources` (one per payload) stamp when and where each arrived, e.g. to spread a demo over
    several days and channels; otherwise each arrives now from `source`.
    """
    event_ids: list[int] = []
    with session_scope(make_session_factory(engine)) as db:
        for i, raw in enumerate(payloads):
            result = repo.intake_event(db, source=sources[i] if sources else source, raw=raw, strict=False,
                                       window_s=settings.idempotency_window_s,
                                       now=received_at[i] if received_at else None)
            if not result.duplicate:
                event_ids.append(result.event_id)
    context = JobContext(settings, engine=engine)
    qualify_stored_events(context, event_ids)
    return event_ids


def arrival_times(count: int, *, now: datetime, days: float = 10.0, live: int = 0,
                  live_span: timedelta = timedelta(hours=1)) -> list[datetime]:
    """When each of `count` events arrived, oldest first: the last `live` over the last `live_span`, the rest
    spread over the `days` before that (a few minutes' deterministic jitter, so they do not look machine-made)."""
    live = max(0, min(live, count))
    history = count - live
    times: list[datetime] = []
    history_end = now - live_span if live else now
    gap = timedelta(days=days) / max(history, 1)
    for i in range(history):
        jitter = timedelta(minutes=(17 * i) % 41) if gap > timedelta(minutes=45) else timedelta(0)
        times.append(history_end - gap * (history - i) + jitter)
    live_gap = live_span / max(live, 1)
    times.extend(now - live_gap * (live - i) + live_gap / 2 for i in range(live))
    return times


def sources_of(payloads: Sequence[str]) -> list[str]:
    """The source each payload came from, by its channel (a web form from the website, an email from the inbox)."""
    return [SOURCE_OF_CHANNEL.get(str(json.loads(p).get("channel", "")), "website") for p in payloads]


def busiest_rep(engine: Engine) -> str | None:
    """The person with the most leads assigned (a rep whose "My leads" page has something on it)."""
    with engine.connect() as conn:
        row = conn.execute(select(LeadState.assignee, func.count()).where(LeadState.assignee.like("%@%"))
                           .group_by(LeadState.assignee).order_by(func.count().desc(), LeadState.assignee)).first()
    return str(row[0]) if row is not None else None


@dataclass
class TeamActivity:
    """What `simulate_team` did: touches, review verdicts (labels) and outcomes recorded."""

    touches: int = 0
    labels: int = 0
    outcomes: int = 0


def simulate_team(engine: Engine, *, reviewer: str, keep_open_for: str | None = None, seed: int = 0,
                  now: datetime | None = None) -> TeamActivity:
    """A sales team acting on the stored decisions, deterministically: claims and replies at realistic delays,
    a reviewer's verdicts (one a correction), and meetings and opportunities on some sales leads. Commits.

    Leads waiting for review stay untouched (the review queue shows what a person would find); about every
    fourth routed lead waits too, and half of `keep_open_for`'s, so "My leads" has open ones. A touch that
    would lie after `now` is left out (the lead just arrived). `seed` rotates who is fast and who is slow.
    """
    now = now or utcnow()
    activity = TeamActivity()
    with session_scope(make_session_factory(engine)) as db:
        states = db.scalars(select(LeadState).join(LeadRow, LeadRow.id == LeadState.lead_id).where(
            LeadState.assignee.like("%@%"), LeadRow.action != "review").order_by(LeadState.lead_id)).all()
        conn = db.connection()
        for n, state in enumerate(states):
            i = n + seed
            if i % 4 == 3 or state.first_event_at is None or (state.assignee == keep_open_for and i % 2 == 0):
                continue
            at = state.first_event_at + timedelta(minutes=_TOUCH_DELAYS_MIN[i % len(_TOUCH_DELAYS_MIN)])
            if at > now:
                continue
            touches.record_touch(conn, lead_id=state.lead_id, source=("slack", "ui", "crm")[i % 3],
                                 kind="claim" if i % 3 == 0 else "reply", by=state.assignee, at=at)
            activity.touches += 1
        # The reviewer went through part of the queue and spot-checked automatic decisions: one type was wrong.
        reviews = db.scalars(select(DecisionRow).where(DecisionRow.action == "review")
                             .order_by(DecisionRow.id)).all()
        if reviews:
            labels.accept(db, decision_id=reviews[0].id, by=reviewer)
            activity.labels += 1
        checked = db.scalars(select(DecisionRow).where(DecisionRow.action.in_(("route", "reply")))
                             .order_by(DecisionRow.id).limit(6)).all()
        for decision in checked[:-1]:
            labels.accept(db, decision_id=decision.id, by=reviewer)
            activity.labels += 1
        if checked:
            wrong = checked[-1]
            labels.correct(db, decision_id=wrong.id, field="type", by=reviewer,
                           value="partnership" if wrong.type != "partnership" else "sales")
            activity.labels += 1
        # The CRM reported meetings on the first sales leads, and opportunities on half of them.
        routed = db.scalars(select(DecisionRow).where(DecisionRow.action.in_(("escalate", "route")),
                                                      DecisionRow.type == "sales").order_by(DecisionRow.id)).all()
        for i, decision in enumerate(routed[:6]):
            if decision.lead_id is None:
                continue
            outcomes.record_outcome(db, lead_id=decision.lead_id, kind="meeting_booked", by="crm", source="crm")
            activity.outcomes += 1
            if i % 2 == 0:
                outcomes.record_outcome(db, lead_id=decision.lead_id, kind="opportunity", amount=24000.0 + 6000 * i,
                                        by="crm", source="crm")
                activity.outcomes += 1
    return activity
