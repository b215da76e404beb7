"""HTTP details the outside services share: how long a server asks us to wait, bearer tokens and transport errors."""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from leadrelay.errors import IntegrationError

__all__ = ["BearerApi", "retry_after_s"]


def retry_after_s(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait from Retry-After (seconds or an HTTP date) or OpenAI's retry-after-ms; None when absent.

    Header names are matched case-insensitively by httpx's headers; a plain dict must use lower case.
    """
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            seconds = float(millis) / 1000
        except ValueError:
            seconds = math.nan
        if math.isfinite(seconds):
            return max(0.0, seconds)
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    return max(0.0, seconds) if math.isfinite(seconds) else None


class BearerApi:
    """An HTTP API reached with a bearer token, refreshed once when the API answers 401.

    Subclasses say where a path lives (`_url`), what an error answer means (`_error`), and how to refresh
    the token (`_can_refresh`, `_refresh`); transport failures are retryable `IntegrationError`s.
    """

    slug: str

    def __init__(self, http: httpx.Client, *, access_token: str, refresh_token: str | None,
                 timeout_s: float | None) -> None:
        self._http = http
        self._access_token = access_token
        self._refresh_token = refresh_token
        self._timeout_s = timeout_s
        self._token_lock = threading.Lock()

    @property
    def access_token(self) -> str:
        """The access token in use (a refreshed one after a 401), for the caller to keep."""
        return self._access_token

    def _url(self, path: str) -> str:
        raise NotImplementedError

    def _error(self, method: str, path: str, response: httpx.Response) -> IntegrationError:
        raise NotImplementedError

    def _can_refresh(self) -> bool:
        return False

    def _refresh(self, *, used_token: str) -> None:
        raise NotImplementedError

    def _request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                 allow: tuple[int, ...] = ()) -> httpx.Response:
        refreshed = False
        while True:
            token = self._access_token
            response = self._send(method, path, json=json, params=params, token=token)
            if response.status_code == 401 and not refreshed and self._can_refresh():
                self._refresh(used_token=token)
                refreshed = True
                continue
            if response.is_success or response.status_code in allow:
                return response
            raise self._error(method, path, response)

    def _send(self, method: str, path: str, *, json: Any, params: dict[str, Any] | None, token: str
              ) -> httpx.Response:
        try:
            return self._http.request(method, self._url(path), json=json, params=params, timeout=self._timeout(),
                                      headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise IntegrationError(f"{method} {path} timed out", slug=self.slug, retryable=True) from exc
        except httpx.TransportError as exc:
            raise IntegrationError(f"{method} {path} failed: {type(exc).__name__}: {exc}", slug=self.slug,
                                   retryable=True) from exc

    def _timeout(self) -> httpx.Timeout:
        return self._http.timeout if self._timeout_s is None else httpx.Timeout(self._timeout_s)
