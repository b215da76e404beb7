"""A local SMTP server (aiosmtpd on 127.0.0.1) that keeps every message it accepts, for the demo and the tests.

``server.messages`` holds what arrived (envelope sender and recipients, the raw bytes and the parsed message).
Faults: append to ``server.faults`` one answer per coming message — an SMTP reply line such as
``"451 4.3.0 Try again later"`` (given at DATA) or ``"rcpt:550 5.1.1 No such user"`` (given at RCPT TO).
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

__all__ = ["ReceivedEmail", "SmtpStandin"]


@dataclass(frozen=True)
class ReceivedEmail:
    """One message the stand-in accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class _Handler:
    def __init__(self, standin: SmtpStandin) -> None:
        self._standin = standin

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        fault = self._standin._peek_fault()
        if fault is not None and fault.startswith("rcpt:"):
            self._standin._pop_fault()
            return fault[len("rcpt:"):]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self._standin._peek_fault()
        if fault is not None and not fault.startswith("rcpt:"):
            self._standin._pop_fault()
            return fault
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self._standin._keep(ReceivedEmail(mail_from=str(envelope.mail_from), rcpt_tos=tuple(envelope.rcpt_tos),
                                          raw=raw, message=parsed))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpStandin:
    """An SMTP server on 127.0.0.1 in a thread; use as a context manager or call `start` and `stop`.

    With `users` (name -> password) it offers AUTH PLAIN/LOGIN without TLS (loopback only) and checks a login.
    """

    def __init__(self, *, port: int | None = None, users: dict[str, str] | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or _free_port()
        self.messages: list[ReceivedEmail] = []
        self.faults: list[str] = []
        self._users = users
        self._lock = threading.Lock()
        options: dict[str, Any] = {}
        if users is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)

    def _authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                      auth_data: Any) -> AuthResult:
        users = self._users or {}
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password.decode("utf-8", "replace")
            if users.get(login) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def _keep(self, received: ReceivedEmail) -> None:
        with self._lock:
            self.messages.append(received)

    def _peek_fault(self) -> str | None:
        with self._lock:
            return self.faults[0] if self.faults else None

    def _pop_fault(self) -> None:
        with self._lock:
            if self.faults:
                self.faults.pop(0)

    def start(self) -> SmtpStandin:
        """Start serving; returns self."""
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._controller.stop()

    def __enter__(self) -> SmtpStandin:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
