"""`leadrelay smtp`: an SMTP listener (aiosmtpd) that stores each accepted message as an email event.

Only recipients in the allowed domains are accepted (it never relays). The 250 reply to DATA is sent only
after the event is committed, so a sender whose connection drops before it sees 250 sends the message
again, and the Message-ID makes that retry a duplicate rather than a second lead.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from leadrelay.api.deps import Services
from leadrelay.api.events import accept_event
from leadrelay.config import Settings
from leadrelay.errors import ConfigError, EventError
from leadrelay.intake.mapping import email_payload
from leadrelay.store.repo import IntakeResult

__all__ = ["LeadMailHandler", "allowed_domains", "register", "smtp_command", "start_smtp", "store_email"]

log = logging.getLogger(__name__)


def store_email(services: Services, raw: bytes, *, source: str) -> IntakeResult:
    """Store one raw message as an email event (committed on return); a repeat returns the first event.

    Raises:
        EventError: the bytes are not an RFC 822 message.
    """
    payload = email_payload(raw)
    return accept_event(services, source=source, raw=payload.to_json(),
                        idempotency_key=payload.idempotency_key)


def allowed_domains(settings: Settings) -> frozenset[str]:
    """The recipient domains to accept: the configured ones, else the workspace company's domains."""
    if settings.smtp_domains:
        return frozenset(d.strip().lower().lstrip("@") for d in settings.smtp_domains if d.strip())
    from leadrelay.workspace import load_workspace

    return frozenset(load_workspace(settings.workspace).own_domains)


class LeadMailHandler:
    """aiosmtpd handler: refuse recipients outside the allowed domains, store each message before 250."""

    def __init__(self, store: Callable[[bytes], IntakeResult], domains: Iterable[str]) -> None:
        self._store = store
        self._domains = frozenset(d.lower() for d in domains)

    def accepts(self, address: str) -> bool:
        """Whether mail to `address` is ours: its domain or a subdomain is allowed."""
        domain = address.rpartition("@")[2].strip().rstrip(">").lower()
        return bool(domain) and any(domain == d or domain.endswith("." + d) for d in self._domains)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        """Accept a recipient in an allowed domain; 550 for anything else (no relaying)."""
        if not self.accepts(address):
            return "550 5.7.1 relaying denied: this server only accepts mail for its own domains"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Store the message, then answer 250; 554 when it is not RFC 822, 451 when storing failed."""
        raw = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
        try:
            result = await asyncio.get_running_loop().run_in_executor(None, self._store, data)
        except EventError as exc:
            return f"554 5.6.0 message refused: {str(exc)[:200]}"
        except Exception:  # the sender keeps the message and retries: a temporary failure loses nothing
            log.exception("could not store an SMTP message", extra={"peer": str(session.peer)})
            return "451 4.3.0 could not store the message; try again later"
        what = "already stored as" if result.duplicate else "stored as"
        return f"250 2.0.0 OK {what} event {result.event_id}"


def start_smtp(services: Services, *, host: str, port: int, domains: Iterable[str]) -> Controller:
    """Start the listener in a background thread and return its controller (call `.stop()` to end it)."""
    domains = frozenset(domains)
    if not domains:
        raise ConfigError("no recipient domains to accept mail for: set LEADRELAY_SMTP_DOMAINS")

    def store(raw: bytes) -> IntakeResult:
        return store_email(services, raw, source="smtp")

    # ready_timeout: the start-up self-check must not fail on a busy machine (the default is 5 s).
    controller = Controller(LeadMailHandler(store, domains), hostname=host, port=port, ready_timeout=30.0,
                            data_size_limit=services.settings.email_max_bytes, enable_SMTPUTF8=True,
                            server_hostname="leadrelay", ident="LeadRelay intake")
    controller.start()
    return controller


def smtp_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on (LEADRELAY_SMTP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LEADRELAY_SMTP_PORT).")] = None,
    domain: Annotated[list[str] | None, typer.Option(
        help="A recipient domain to accept; repeat for more (LEADRELAY_SMTP_DOMAINS, else the workspace's).")
    ] = None,
) -> None:
    """Receive email over SMTP and store each message as an email event."""
    from leadrelay.intake import build_services

    overrides: dict[str, Any] = {"smtp_host": host, "smtp_port": port, "smtp_domains": domain or None}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    services = build_services(settings)
    domains = allowed_domains(settings)
    controller = start_smtp(services, host=settings.smtp_host, port=settings.smtp_port, domains=domains)
    typer.echo(f"SMTP on {settings.smtp_host}:{settings.smtp_port} for {', '.join(sorted(domains))}")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):  # a timed wait lets the signal handlers run promptly
            pass
    finally:
        controller.stop()


def register(app: typer.Typer) -> None:
    """Add `leadrelay smtp` to the root command."""
    app.command("smtp")(smtp_command)
