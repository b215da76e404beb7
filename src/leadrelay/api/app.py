"""The API application: `create_app(settings)` wires storage, the queue, the routers and error handling."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from leadrelay import __version__
from leadrelay.api import actions as action_routes
from leadrelay.api import channels, events, health, leads
from leadrelay.api import metrics as metrics_routes
from leadrelay.api import optout as optout_routes
from leadrelay.api import outcomes as outcomes_routes
from leadrelay.api import slack as slack_routes
from leadrelay.api.deps import Services
from leadrelay.api.errors import RequestIdMiddleware, install_error_handlers
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store.db import make_engine, make_session_factory, upgrade
from leadrelay.web import mount_web

__all__ = ["create_app"]


def create_app(settings: Settings, *, engine: Engine | None = None, queue: JobQueue | None = None,
               migrate: bool = True) -> FastAPI:
    """The FastAPI app for `settings`; the schema is brought up to date unless `migrate` is False."""
    settings.ensure_data_dir()
    engine = engine if engine is not None else make_engine(settings.db_url)
    if migrate:
        upgrade(engine)
    if queue is None:
        queue = JobQueue(settings, context=JobContext(settings, engine=engine))
    app = FastAPI(
        title="LeadRelay",
        version=__version__,
        description="Inbound event intake, qualification and routing. Authenticate with a per-source token: "
                    "`Authorization: Bearer <token>` (`leadrelay tokens create SOURCE`).",
    )
    app.state.services = Services(settings=settings, engine=engine, sessions=make_session_factory(engine),
                                  queue=queue)
    app.state.queue = queue
    install_error_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(health.router)
    app.include_router(events.router)
    app.include_router(leads.router)
    app.include_router(action_routes.router)
    app.include_router(outcomes_routes.router)
    app.include_router(metrics_routes.router)
    app.include_router(channels.router)
    app.include_router(slack_routes.router)
    app.include_router(optout_routes.router)
    mount_web(app, settings)  # the web pages at /, after the API routes
    return app
