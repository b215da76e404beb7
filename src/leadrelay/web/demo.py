"""Fill a database with the example workspace's events, run through the real pipeline (screenshots, tests, demo)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from leadrelay.config import Settings
from leadrelay.jobs.tasks import JobContext, qualify_stored_events
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope

__all__ = ["example_payloads", "load_events"]

_LABEL_KEYS = ("gold", "notes")


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
