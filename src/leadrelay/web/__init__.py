"""The web app for people: sign-in, inbox, review queue, lead pages, my leads, dashboard, settings, users.

`mount_web(app, settings)` adds it to the API application: pages at ``/``, static files at ``/static``;
the JSON API stays under ``/api``. Pages and roles: docs/web.md.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from leadrelay.config import Settings
from leadrelay.web.auth import SessionCodec, ensure_first_admin, session_secret
from leadrelay.web.deps import SignInRequired, WebError, is_htmx, redirect, render, sign_in_url

__all__ = ["STATIC", "ensure_first_admin", "mount_web"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")


class _WorkspaceCache:
    """The workspace for the pages' choices (owners, company name), loaded once; None when it does not load."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._loaded = False
        self._workspace: Any = None

    def __call__(self) -> Any:
        with self._lock:
            if not self._loaded:
                from leadrelay.errors import LeadRelayError
                from leadrelay.workspace import load_workspace

                try:
                    self._workspace = load_workspace(self._settings.workspace)
                except LeadRelayError:
                    log.warning("workspace does not load; the settings page shows why", exc_info=True)
                self._loaded = True
            return self._workspace


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Add the web pages, their static files and their error pages to `app`."""
    from leadrelay.web.views import router

    app.state.web_sessions = SessionCodec(session_secret(settings))
    app.state.web_workspace = _WorkspaceCache(settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        return redirect(request, sign_in_url(request))

    async def on_web_error(request: Request, exc: Exception) -> Response:
        status, message = (exc.status, exc.message) if isinstance(exc, WebError) else (500, "Something went wrong.")
        template = "_error.html" if is_htmx(request) else "error.html"
        return render(request, template, {"status": status, "message": message}, status=status)

    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(WebError, on_web_error)
