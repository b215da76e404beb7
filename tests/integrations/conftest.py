"""Fixtures the adapter tests share: an HTTP client, and the module's `app` stand-in served on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from tests.support import serve_on_loopback


@pytest.fixture
def base_url(app: FastAPI) -> Iterator[str]:
    """The URL of the test module's `app` fixture (a stand-in), served on 127.0.0.1."""
    with serve_on_loopback(app) as url:
        yield url


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client
