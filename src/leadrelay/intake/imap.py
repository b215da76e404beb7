"""`leadrelay imap-poll`: fetch unseen messages from an IMAP mailbox and store each as an email event.

A message is fetched with ``BODY.PEEK[]`` (which leaves it unseen), stored and committed, and only then
flagged ``\\Seen`` (and moved, when a folder is configured). A crash in between leaves it unseen, so the next
poll fetches it again and its Message-ID makes it a duplicate, not a second lead. A message that is not an
RFC 822 message gets the keyword ``LeadRelayRejected`` and stays in the mailbox for a person to look at.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
import time
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import typer

from leadrelay.api.deps import Services
from leadrelay.config import Settings
from leadrelay.errors import ConfigError, EventError, LeadRelayError
from leadrelay.intake.smtp import store_email

__all__ = ["REJECTED_KEYWORD", "PollResult", "connect", "imap_poll_command", "poll_mailbox", "poll_once",
           "register"]

log = logging.getLogger(__name__)

REJECTED_KEYWORD = "LeadRelayRejected"
SOURCE = "imap"
_UIDS = re.compile(rb"\d+")


class ImapError(LeadRelayError):
    """The IMAP server refused a command or could not be reached."""


@dataclass(frozen=True)
class PollResult:
    """What one poll did: messages stored, repeats of stored ones, and refused (non-RFC 822) ones."""

    stored: int = 0
    duplicates: int = 0
    rejected: int = 0

    @property
    def seen(self) -> int:
        """Messages handled in this poll."""
        return self.stored + self.duplicates + self.rejected


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(reply: tuple[str, Any], what: str) -> list[Any]:
    status, data = reply
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace") if data else ""
        raise ImapError(f"IMAP {what} failed: {status} {detail}".strip())
    return list(data or [])


def connect(settings: Settings) -> imaplib.IMAP4:
    """Open and log in to the configured IMAP server (SSL, STARTTLS or plain, per `imap_security`).

    Raises:
        ConfigError: no user or password configured.
        ImapError: the server cannot be reached or refuses the login.
    """
    if not settings.imap_user or settings.imap_password is None:
        raise ConfigError("set LEADRELAY_IMAP_USER and LEADRELAY_IMAP_PASSWORD to poll a mailbox")
    security = settings.imap_security
    port = settings.imap_port or (993 if security == "ssl" else 143)
    where = f"{settings.imap_host}:{port}"
    try:
        conn: imaplib.IMAP4
        if security == "ssl":
            conn = imaplib.IMAP4_SSL(settings.imap_host, port, ssl_context=ssl.create_default_context(),
                                     timeout=settings.imap_timeout_s)
        else:
            conn = imaplib.IMAP4(settings.imap_host, port, timeout=settings.imap_timeout_s)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"cannot connect to {where}: {exc}") from exc
    try:
        if security == "starttls":
            _ok(conn.starttls(ssl.create_default_context()), "STARTTLS")
        _ok(conn.login(settings.imap_user, settings.imap_password.get_secret_value()), "LOGIN")
        # Servers announce MOVE and UIDPLUS only after login; imaplib keeps the greeting's list.
        listed = _ok(conn.capability(), "CAPABILITY")
        if listed and isinstance(listed[-1], bytes):
            conn.capabilities = tuple(listed[-1].decode("ascii", "replace").upper().split())
    except (OSError, imaplib.IMAP4.error, ImapError) as exc:
        with contextlib.suppress(OSError):
            conn.shutdown()  # close the socket; a refused login must not leak it
        raise ImapError(f"cannot log in to {where} as {settings.imap_user}: {exc}") from exc
    return conn


def _message_bytes(data: list[Any]) -> bytes | None:
    for part in data:  # [(b'1 (UID 7 BODY[] {123}', b'<message>'), b')']
        if isinstance(part, tuple) and len(part) == 2 and isinstance(part[1], bytes):
            return part[1]
    return None


def _mark_done(conn: imaplib.IMAP4, uid: str, move_to: str | None) -> None:
    _ok(conn.uid("STORE", uid, "+FLAGS", "(\\Seen)"), f"STORE \\Seen on {uid}")
    if not move_to:
        return
    if "MOVE" in conn.capabilities:
        _ok(conn.uid("MOVE", uid, _quote(move_to)), f"MOVE {uid}")
        return
    _ok(conn.uid("COPY", uid, _quote(move_to)), f"COPY {uid}")
    _ok(conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), f"STORE \\Deleted on {uid}")
    if "UIDPLUS" in conn.capabilities:  # expunge only this message, not others a person deleted
        _ok(conn.uid("EXPUNGE", uid), f"UID EXPUNGE {uid}")
    else:
        _ok(conn.expunge(), "EXPUNGE")


def poll_mailbox(services: Services, conn: imaplib.IMAP4, *, mailbox: str, move_to: str | None = None,
                 batch: int = 100) -> PollResult:
    """Store up to `batch` unseen messages of `mailbox`, flagging each only after its event is committed.

    Raises:
        ImapError: the server refused a command (messages already flagged stay stored and flagged).
    """
    _ok(conn.select(_quote(mailbox)), f"SELECT {mailbox}")
    found = _ok(conn.uid("SEARCH", "UNSEEN", "UNKEYWORD", REJECTED_KEYWORD), "SEARCH UNSEEN")
    uids = [m.decode() for line in found if isinstance(line, bytes) for m in _UIDS.findall(line)][:batch]
    stored = duplicates = rejected = 0
    for uid in uids:
        raw = _message_bytes(_ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"), f"FETCH {uid}"))
        if raw is None:
            continue  # expunged by someone else since the search
        try:
            result = store_email(services, raw, source=SOURCE)
        except EventError as exc:
            log.warning("IMAP message refused", extra={"uid": uid, "error": str(exc)})
            _ok(conn.uid("STORE", uid, "+FLAGS", f"({REJECTED_KEYWORD})"), f"STORE keyword on {uid}")
            rejected += 1
            continue
        _mark_done(conn, uid, move_to)
        duplicates += result.duplicate
        stored += not result.duplicate
    return PollResult(stored=stored, duplicates=duplicates, rejected=rejected)


def poll_once(services: Services) -> PollResult:
    """Connect, poll the configured mailbox once, and log out."""
    settings = services.settings
    conn = connect(settings)
    try:
        return poll_mailbox(services, conn, mailbox=settings.imap_mailbox, move_to=settings.imap_move_to,
                            batch=settings.imap_batch)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(f"IMAP poll of {settings.imap_mailbox} failed: {exc}") from exc
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):  # the connection may be gone already
            conn.logout()


def imap_poll_command(
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    host: Annotated[str | None, typer.Option(help="IMAP server (LEADRELAY_IMAP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LEADRELAY_IMAP_PORT; 993 or 143).")] = None,
    security: Annotated[str | None, typer.Option(help="ssl, starttls or none (LEADRELAY_IMAP_SECURITY).")
                        ] = None,
    user: Annotated[str | None, typer.Option(help="Login (LEADRELAY_IMAP_USER; the password only from "
                                                  "LEADRELAY_IMAP_PASSWORD).")] = None,
    mailbox: Annotated[str | None, typer.Option(help="Folder to poll (LEADRELAY_IMAP_MAILBOX).")] = None,
    move_to: Annotated[str | None, typer.Option(help="Move stored messages here (LEADRELAY_IMAP_MOVE_TO).")
                       ] = None,
    interval: Annotated[float | None, typer.Option(help="Seconds between polls "
                                                        "(LEADRELAY_IMAP_POLL_INTERVAL_S).")] = None,
) -> None:
    """Store unseen messages of an IMAP mailbox as email events, flagging each \\Seen once stored."""
    from leadrelay.intake import build_services

    security_value: Literal["ssl", "starttls", "none"] | None = None
    if security is not None:
        if security not in ("ssl", "starttls", "none"):
            raise ConfigError(f"--security must be ssl, starttls or none, not {security!r}")
        security_value = security  # type: ignore[assignment]
    overrides: dict[str, Any] = {"imap_host": host, "imap_port": port, "imap_security": security_value,
                                 "imap_user": user, "imap_mailbox": mailbox, "imap_move_to": move_to,
                                 "imap_poll_interval_s": interval}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    services = build_services(settings)
    while True:
        try:
            result = poll_once(services)
        except ImapError as exc:
            if once:
                raise
            log.warning("IMAP poll failed; trying again next interval", extra={"error": str(exc)})
        else:
            if once or result.seen:
                typer.echo(f"stored {result.stored} messages, skipped {result.duplicates} repeats, "
                           f"refused {result.rejected}")
            if once:
                return
            if result.seen == settings.imap_batch:
                continue  # a full batch: more may be waiting
        time.sleep(settings.imap_poll_interval_s)


def register(app: typer.Typer) -> None:
    """Add `leadrelay imap-poll` to the root command."""
    app.command("imap-poll")(imap_poll_command)
