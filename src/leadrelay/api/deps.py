"""Dependencies of the API routes: the services object, a DB session, the caller's source, rate limits."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from leadrelay.api.errors import ApiError
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.store import repo
from leadrelay.store.db import SessionFactory

__all__ = ["DbSession", "RateLimiter", "Services", "Source", "get_db", "get_services", "rate_limited_source",
           "read_body", "require_source"]

_bearer = HTTPBearer(auto_error=False, description="A per-source API token from `leadrelay tokens create SOURCE`.")


class RateLimiter:
    """A token bucket per source: `per_min` requests a minute, bursts up to the same number."""

    def __init__(self, per_min: int, *, clock: Callable[[], float] | None = None) -> None:
        self._rate = per_min / 60.0
        self._capacity = float(per_min)
        self._buckets: dict[str, tuple[float, float]] = {}  # source -> (tokens, at)
        self._lock = threading.Lock()
        self._clock = clock or time.monotonic

    def acquire(self, source: str) -> float:
        """Take one token for `source`: 0.0 when allowed, else the seconds to wait before retrying."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.get(source, (self._capacity, now))
            tokens = min(self._capacity, tokens + (now - at) * self._rate)
            if tokens >= 1.0:
                self._buckets[source] = (tokens - 1.0, now)
                return 0.0
            self._buckets[source] = (tokens, now)
            return (1.0 - tokens) / self._rate


@dataclass
class Services:
    """What routes need, built once by `create_app` and kept on ``app.state``."""

    settings: Settings
    engine: Engine
    sessions: SessionFactory
    queue: JobQueue
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.settings.rate_limit_per_min)


def get_services(request: Request) -> Services:
    """The app's services."""
    services: Services = request.app.state.services
    return services


def get_db(services: Annotated[Services, Depends(get_services)]) -> Iterator[Session]:
    """A session for one request; routes commit what they write, the rest is rolled back."""
    session = services.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


DbSession = Annotated[Session, Depends(get_db)]


def require_source(
    services: Annotated[Services, Depends(get_services)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The source whose token the request carries.

    Raises:
        ApiError: 401 when the token is missing or unknown.
    """
    if not services.settings.require_auth:
        return "anonymous"
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(401, "unauthorized", "send an API token: Authorization: Bearer <token>", headers=challenge)
    with services.sessions() as db:
        source = repo.authenticate(db, token=credentials.credentials)
        db.rollback()
    if source is None:
        raise ApiError(401, "unauthorized", "the API token is not valid", headers=challenge)
    return source


def rate_limited_source(
    services: Annotated[Services, Depends(get_services)],
    source: Annotated[str, Depends(require_source)],
) -> str:
    """The authenticated source, when it is within its rate limit.

    Raises:
        ApiError: 429 with Retry-After (whole seconds) when the source sent too much.
    """
    wait_s = services.limiter.acquire(source)
    if wait_s > 0:
        retry_after = max(1, math.ceil(wait_s))
        raise ApiError(429, "rate_limited", f"too many requests from source {source!r}; retry in {retry_after}s",
                       headers={"Retry-After": str(retry_after)})
    return source


Source = Annotated[str, Depends(require_source)]


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 past `limit` bytes whether or not Content-Length says so."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(400, "bad_request", "Content-Length is not a number")
        if int(declared) > limit:
            raise ApiError(413, "payload_too_large", f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # a chunked body has no Content-Length: count as it streams
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"the body is larger than the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
