"""Intake channels beyond the JSON API: HTML forms, email (upload, SMTP, IMAP, Mailgun, SendGrid), Zendesk.

Every channel builds a LeadBench event and stores it through `leadrelay.api.events.accept_event`, so
durability and idempotency are the same everywhere. See docs/channels.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadrelay.api.deps import Services
    from leadrelay.config import Settings

__all__ = ["build_services"]


def build_services(settings: Settings) -> Services:
    """What `accept_event` needs outside the API process: a migrated database and the job queue."""
    from leadrelay.api.deps import Services
    from leadrelay.jobs.queue import JobQueue
    from leadrelay.jobs.tasks import JobContext
    from leadrelay.store.db import make_engine, make_session_factory, upgrade

    settings.ensure_data_dir()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    return Services(settings=settings, engine=engine, sessions=make_session_factory(engine),
                    queue=JobQueue(settings, context=JobContext(settings, engine=engine)))
