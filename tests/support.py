"""Helpers shared by the test packages: a free port, a recording queue, an app served on loopback."""

from __future__ import annotations

import socket

from huey import MemoryHuey

from leadrelay.standins import serve_on_loopback

__all__ = ["RecordingHuey", "free_port", "serve_on_loopback"]


class RecordingHuey(MemoryHuey):  # type: ignore[misc]
    """An in-memory queue nobody consumes; the tests read what was handed over."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
