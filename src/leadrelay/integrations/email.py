"""Replies to leads over SMTP: templates per situation, threading headers, opt-out links, no header injection.

`render_reply` renders a Jinja2 template (``templates/email/<situation>.txt.j2``; a workspace may override any of
them) into a subject and a text body. `SmtpMailer` sends an `OutboundEmail` with smtplib: the Message-ID is
derived from the action's key, so a resend after a crash carries the same id and is recognisable; In-Reply-To
and References thread it under the lead's message; List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post
(RFC 8058 one-click) point at ``/unsubscribe/{token}``. Lead data never becomes a header: CR, LF and other
control characters are removed, addresses are parsed strictly, and the message policy refuses any that remain.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import smtplib
import ssl
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from leadrelay.errors import ConfigError, IntegrationError
from leadrelay.integrations.base import OutboundEmail, SentEmail

__all__ = [
    "SITUATIONS",
    "SmtpMailer",
    "SmtpSettings",
    "build_message",
    "clean_header_text",
    "message_id_for",
    "read_unsubscribe_token",
    "render_reply",
    "unsubscribe_token",
    "unsubscribe_url",
]

log = logging.getLogger(__name__)

SLUG = "smtp"
TEMPLATES_DIR = Path(__file__).parent / "templates" / "email"
# Replies to leads, and the owner reminder; each is a template `<situation>.txt.j2`.
SITUATIONS = ("weak_fit", "student", "insufficient_info", "reminder_owner", "follow_up_1", "follow_up_2")

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
_ADDR_SPEC = re.compile(r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_MSG_ID = re.compile(r"^<[^<>\s]+@[^<>\s]+>$")
_URL = re.compile(r"^(https?://|mailto:)[^\s<>\"]+$")
_SUBJECT_LINE = re.compile(r"^Subject:[ \t]*(.*)$")
_SUBJECT_MAX = 250


class SmtpSettings(BaseModel):
    """How replies leave: the SMTP server, its security and login, and the sender."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"  # ssl: implicit TLS (port 465)
    username: str | None = None
    password: SecretStr | None = None
    timeout_s: float = Field(default=30.0, gt=0)
    from_address: str = "LeadRelay <leadrelay@localhost>"  # the default sender when the action names none
    envelope_from: str | None = None  # MAIL FROM (bounces); None: the From address
    message_id_domain: str | None = None  # right side of Message-IDs; None: the From address's domain
    local_hostname: str | None = None  # EHLO name; None: this machine's FQDN


def clean_header_text(text: str, *, limit: int = _SUBJECT_MAX) -> str:
    """Text safe for a header: control characters (CR, LF, NUL, ...) become spaces, runs of space one, cut."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _refuse(message: str) -> IntegrationError:
    return IntegrationError(message, slug=SLUG, retryable=False)


def _address(value: str, what: str) -> Address:
    """One mailbox from `value` ("Name <a@b>" or "a@b"); anything else (two addresses, CR/LF) is refused."""
    if _CONTROL.search(value):
        raise _refuse(f"{what} address contains control characters")
    if any(sep in _QUOTED.sub("", value) for sep in ",;"):  # a list of addresses, not one
        raise _refuse(f"{what} address {clean_header_text(value, limit=80)!r} is not one email address")
    name, addr = parseaddr(value)
    if not addr or not _ADDR_SPEC.match(addr):
        raise _refuse(f"{what} address {clean_header_text(value, limit=80)!r} is not one email address")
    local, _, domain = addr.rpartition("@")
    try:
        return Address(display_name=clean_header_text(name, limit=120), username=local, domain=domain)
    except (ValueError, IndexError) as exc:
        raise _refuse(f"{what} address {clean_header_text(value, limit=80)!r} is not valid: {exc}") from exc


def _msg_id(value: str) -> str | None:
    value = value.strip()
    if not value.startswith("<"):
        value = f"<{value}>"
    return value if _MSG_ID.match(value) else None


def message_id_for(key: str, domain: str) -> str:
    """The Message-ID of the email sent for action `key`: the same key always gives the same id."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<leadrelay.{digest}@{domain}>"


def build_message(email: OutboundEmail, *, message_id_domain: str | None = None) -> EmailMessage:
    """The RFC 5322 message for `email`, with every header checked; raises `IntegrationError` (not retryable)."""
    sender = _address(email.from_address, "From")
    recipient = _address(email.to, "To")
    message = EmailMessage(policy=SMTP_POLICY)  # refuses CR/LF in header values, folds long headers
    message["From"] = sender
    message["To"] = recipient
    if email.reply_to:
        message["Reply-To"] = _address(email.reply_to, "Reply-To")
    message["Subject"] = clean_header_text(email.subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(email.key, message_id_domain or sender.domain)
    parent = _msg_id(email.in_reply_to) if email.in_reply_to else None
    references = [ref for ref in (_msg_id(r) for r in email.references) if ref]
    if parent:
        message["In-Reply-To"] = parent
        if parent not in references:
            references.append(parent)  # RFC 5322: the parent's References, then the parent's Message-ID
    if references:
        message["References"] = " ".join(dict.fromkeys(references))
    if email.list_unsubscribe:
        link = email.list_unsubscribe.strip().strip("<>")
        if not _URL.match(link) or _CONTROL.search(link):
            raise _refuse("List-Unsubscribe is not an http(s) or mailto URL")
        message["List-Unsubscribe"] = f"<{link}>"
        if link.startswith("https://"):  # RFC 8058 one-click needs an https URI
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # RFC 3834: a machine-sent reply; autoresponders must not answer it (no reply loops with out-of-office mail).
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(email.text.replace("\r\n", "\n"))
    return message


def _smtp_code_error(code: int, what: str, detail: bytes | str) -> IntegrationError:
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    retryable = 400 <= code < 500
    return IntegrationError(f"{what}: {code} {clean_header_text(text, limit=200)}", slug=SLUG, retryable=retryable,
                            status_code=code)


class SmtpMailer:
    """Sends replies through an SMTP server (STARTTLS, implicit TLS or plain, optional login)."""

    slug = SLUG

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    def send(self, email: OutboundEmail) -> SentEmail:
        """Hand the email to the SMTP server once.

        Args:
            email: the rendered reply; its key fixes the Message-ID.
        Returns:
            The Message-ID the server accepted.
        Raises:
            IntegrationError: ``retryable`` for 4xx answers, timeouts and lost connections; not for 5xx answers,
                a bad address, refused login or TLS failures.
        """
        settings = self._settings
        message = build_message(email, message_id_domain=settings.message_id_domain)
        recipient = message["To"].addresses[0].addr_spec
        envelope_from = (_address(settings.envelope_from, "envelope").addr_spec if settings.envelope_from
                         else message["From"].addresses[0].addr_spec)
        try:
            with self._connect() as smtp:
                smtp.send_message(message, from_addr=envelope_from, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, detail = next(iter(exc.recipients.values()), (550, b"recipient refused"))
            raise _smtp_code_error(code, "recipient refused", detail) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, authentication, ...
            raise _smtp_code_error(exc.smtp_code, type(exc).__name__, exc.smtp_error) from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise _refuse(f"the server does not support what was asked: {exc}") from exc
        except ssl.SSLError as exc:  # certificate or protocol mismatch: an operator must fix settings
            raise _refuse(f"TLS with {settings.host}:{settings.port} failed: {exc}") from exc
        except OSError as exc:  # timeouts, refused or lost connections (SMTPServerDisconnected is one too)
            raise IntegrationError(f"cannot reach {settings.host}:{settings.port}: {type(exc).__name__}: {exc}",
                                   slug=SLUG, retryable=True) from exc
        message_id = str(message["Message-ID"])
        log.info("email sent", extra={"message_id": message_id, "key": email.key})
        return SentEmail(message_id=message_id)

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        smtp: smtplib.SMTP
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, local_hostname=settings.local_hostname,
                                    timeout=settings.timeout_s, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, local_hostname=settings.local_hostname,
                                timeout=settings.timeout_s)
        try:
            smtp.ehlo()
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.username:
                password = settings.password.get_secret_value() if settings.password else ""
                smtp.login(settings.username, password)
        except BaseException:
            smtp.close()
            raise
        return smtp


# --- Templates -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _environment(templates_dir: Path | None) -> SandboxedEnvironment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES_DIR)))
    # Plain text: nothing to HTML-escape; StrictUndefined makes a missing value an error, not an empty string.
    # Every printed value stays on its line (finalize), so lead data cannot end the Subject line early.
    return SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=False,
                                undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                                trim_blocks=True, lstrip_blocks=True, finalize=_one_line)


def _one_line(value: Any) -> Any:
    return _CONTROL.sub(" ", value) if isinstance(value, str) else value


def render_reply(situation: str, context: dict[str, Any], templates_dir: Path | None = None) -> tuple[str, str]:
    """Render the template of `situation` into (subject, text).

    A template starts with a ``Subject: ...`` line and a blank line; the rest is the body. A template in
    `templates_dir` (the workspace's) wins over the shipped one of the same name. Printed values never span
    lines (control characters become spaces): loop over ``value.splitlines()`` to print lines.

    Raises:
        ConfigError: unknown situation, a template that is missing or broken, or a value it needs not given.
    """
    if situation not in SITUATIONS:
        raise ConfigError(f"no email template for situation {situation!r}; known: {', '.join(SITUATIONS)}")
    name = f"{situation}.txt.j2"
    directory = templates_dir.resolve() if templates_dir is not None else None
    try:
        rendered = _environment(directory).get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"email template {name} not found") from exc
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"email template {name}: {exc.message} (give it in the context)") from exc
    except jinja2.TemplateError as exc:
        raise ConfigError(f"email template {name} is broken: {exc}") from exc
    head, _, body = rendered.lstrip("\n").partition("\n")
    match = _SUBJECT_LINE.match(head)
    if match is None:
        raise ConfigError(f"email template {name} must start with a 'Subject: ...' line")
    subject = clean_header_text(match.group(1))
    if not subject:
        raise ConfigError(f"email template {name} rendered an empty subject")
    return subject, body.lstrip("\n").rstrip() + "\n"


# --- Opt-out -------------------------------------------------------------------------------------------------


def _signature(secret: str | SecretStr, lead_id: int) -> str:
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if not key:
        raise ConfigError("the unsubscribe secret is empty")
    mac = hmac.new(key.encode("utf-8"), f"unsubscribe:{lead_id}".encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode("ascii")  # 144 bits, no padding at 18 bytes


def unsubscribe_token(secret: str | SecretStr, lead_id: int) -> str:
    """A token naming `lead_id` that only the holder of `secret` can make: ``<lead_id>.<signature>``."""
    if lead_id < 0:
        raise ValueError("lead_id must not be negative")
    return f"{lead_id}.{_signature(secret, lead_id)}"


def read_unsubscribe_token(secret: str | SecretStr, token: str) -> int | None:
    """The lead id in `token` when its signature is right, else None."""
    lead_part, dot, signature = token.partition(".")
    if not dot or not lead_part.isascii() or not lead_part.isdigit() or len(lead_part) > 18:
        return None
    lead_id = int(lead_part)
    expected = _signature(secret, lead_id)
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return None
    return lead_id


def unsubscribe_url(base_url: str, secret: str | SecretStr, lead_id: int) -> str:
    """The opt-out link for a lead under the service's public `base_url` (``/unsubscribe/{token}``)."""
    return f"{base_url.rstrip('/')}/unsubscribe/{unsubscribe_token(secret, lead_id)}"
