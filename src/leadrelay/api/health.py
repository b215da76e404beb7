"""Liveness and readiness: is the process up, and can it reach its database and queue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from leadrelay import __version__
from leadrelay.api.deps import Services, get_services
from leadrelay.store.db import ping

__all__ = ["Health", "router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service's state; ``database`` and ``queue`` say ``ok`` or what failed."""

    status: str
    version: str
    database: str | None = None
    queue: str | None = None
    queued: int | None = None


@router.get("/healthz", response_model=Health, summary="Liveness")
def healthz() -> Health:
    """The process answers."""
    return Health(status="ok", version=__version__)


def _check(services: Services) -> Health:
    health = Health(status="ok", version=__version__, database="ok", queue="ok")
    try:
        ping(services.engine)
    except Exception as exc:
        health.status, health.database = "unavailable", type(exc).__name__
    try:
        health.queued = services.queue.pending()
    except Exception as exc:
        health.status, health.queue = "unavailable", type(exc).__name__
    return health


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}}, summary="Readiness")
async def readyz(response: Response, services: Annotated[Services, Depends(get_services)]) -> Health:
    """The database and the queue answer; 503 when either does not."""
    health = await run_in_threadpool(_check, services)
    if health.status != "ok":
        response.status_code = 503
    return health
