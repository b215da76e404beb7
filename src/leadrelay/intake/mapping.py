"""Turn what each intake channel receives into a LeadBench event payload plus its idempotency key.

Pure functions, no I/O: HTML form posts (through the workspace's field mapping), raw RFC 822 messages,
the Mailgun and SendGrid inbound-email webhooks and Zendesk ticket webhooks. Signature checks for the
providers live here too, so the HTTP layer only reads the request and answers.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesHeaderParser, HeaderParser
from email.policy import compat32
from typing import Any

from leadrelay.errors import EventError, LeadRelayError
from leadrelay.workspace import FormConfig

__all__ = [
    "IntakePayload",
    "ReplayGuard",
    "SignatureError",
    "email_payload",
    "form_payload",
    "mailgun_payload",
    "message_id_of",
    "rebuild_email",
    "sendgrid_payload",
    "verify_mailgun",
    "verify_zendesk",
    "zendesk_payload",
]

# A message needs at least one of these headers to count as RFC 822 rather than arbitrary text.
_MESSAGE_HEADERS = frozenset({"from", "sender", "to", "subject", "message-id", "date", "received",
                              "return-path"})
# Headers that describe the original MIME structure; a rebuilt message replaces them with its own.
_MIME_HEADERS = frozenset({"content-type", "content-transfer-encoding", "mime-version", "content-length"})
_FOLD = re.compile(r"[ \t]*\r?\n[ \t]*")  # a line break left inside a header value would end the header
_EVENT_TARGETS = ("from_email", "from_name", "subject", "body")
# Common field names understood without a mapping (only when the form maps nothing to the same key).
_DEFAULT_TARGETS = {"email": "from_email", "e-mail": "from_email", "your-email": "from_email",
                    "name": "from_name", "your-name": "from_name", "subject": "subject", "message": "body",
                    "your-message": "body", "comments": "body"}
_MAX_FIELDS = 200
_MAX_ID_CHARS = 200
_ZENDESK_CORE = frozenset({"id", "subject", "title", "description", "latest_comment", "requester",
                           "requester_name", "requester_email", "tags", "custom_fields", "created_at",
                           "updated_at", "url"})

_headers_from_bytes = BytesHeaderParser(policy=compat32)
_headers_from_text = HeaderParser(policy=compat32)


class SignatureError(LeadRelayError):
    """A webhook's signature (or its timestamp or token) does not prove it came from the provider."""


@dataclass(frozen=True)
class IntakePayload:
    """An event payload ready for `accept_event`, with the key that makes retries land on one event."""

    event: dict[str, Any]
    idempotency_key: str

    def to_json(self) -> str:
        """The payload as the JSON text stored verbatim."""
        return json.dumps(self.event, ensure_ascii=False, separators=(",", ":"))


def _now_iso(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


# --- raw email --------------------------------------------------------------------------------------------


def _decode_raw(raw: bytes) -> str:
    # 8-bit bodies may be in any charset; latin-1 maps each byte to one character, so nothing is lost and
    # the email parser, which re-encodes a str message byte for byte, still applies the declared charset.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def message_id_of(headers: Mapping[str, Any] | Any) -> str | None:
    """The Message-ID of parsed headers without its angle brackets, or None when absent or blank."""
    value = headers.get("Message-ID")
    if value is None:
        return None
    text = str(value).strip().strip("<>").strip()
    return text[:_MAX_ID_CHARS] or None


def email_payload(raw: bytes | str, *, now: datetime | None = None) -> IntakePayload:
    """An `email` event carrying the whole message; idempotent by Message-ID, else by the exact bytes.

    Raises:
        EventError: the input is empty or has no recognizable RFC 822 header.
    """
    if isinstance(raw, bytes):
        headers = _headers_from_bytes.parsebytes(raw, headersonly=True)
        text = _decode_raw(raw)
    else:
        headers = _headers_from_text.parsestr(raw, headersonly=True)
        text = raw
    if not text.strip():
        raise EventError("the message is empty")
    if not any(name.lower() in _MESSAGE_HEADERS for name in headers.keys()):  # noqa: SIM118 (Message.keys)
        raise EventError("not an RFC 822 message: no From, To, Subject, Date or Message-ID header before the "
                         "first blank line")
    message_id = message_id_of(headers)
    key = f"message-id:{message_id}" if message_id else f"sha256:{_digest(text)}"
    event = {"id": f"email-{_digest(key)[:20]}", "channel": "email", "received_at": _now_iso(now),
             "raw_email": text}
    return IntakePayload(event=event, idempotency_key=key)


def _header_value(value: Any) -> str:
    return _FOLD.sub(" ", str(value)).strip()


def rebuild_email(headers: Sequence[tuple[str, str]], text: str | None, html: str | None = None) -> str:
    """An RFC 822 message from a provider's parsed parts: the original headers over a new UTF-8 body.

    The original MIME headers are dropped because the body is no longer the original MIME tree.
    """
    lines = [f"{name.strip()}: {_header_value(value)}" for name, value in headers
             if name.strip() and name.strip().lower() not in _MIME_HEADERS and ":" not in name]
    subtype = "plain" if text or not html else "html"
    lines += ["MIME-Version: 1.0", f"Content-Type: text/{subtype}; charset=utf-8",
              "Content-Transfer-Encoding: 8bit"]
    return "\n".join(lines) + "\n\n" + ((text if subtype == "plain" else html) or "")


def _structured_email(sender: str | None, subject: str | None, body: str | None, *,
                      now: datetime | None) -> IntakePayload:
    name, address = email.utils.parseaddr(sender or "")
    event: dict[str, Any] = {"channel": "email", "received_at": _now_iso(now)}
    if address:
        event["from_email"] = address
    if name:
        event["from_name"] = name
    if subject and subject.strip():
        event["subject"] = subject.strip()
    if body and body.strip():
        event["body"] = body
    if "subject" not in event and "body" not in event:
        raise EventError("the message has no raw MIME, headers, subject or text")
    key = "content:" + _digest(_canonical({k: v for k, v in event.items() if k != "received_at"}))
    event["id"] = f"email-{_digest(key)[:20]}"
    return IntakePayload(event=event, idempotency_key=key)


# --- HTML forms -------------------------------------------------------------------------------------------


def form_payload(form_id: str, config: FormConfig, items: Iterable[tuple[str, str]], *,
                 now: datetime | None = None) -> IntakePayload:
    """The event for one form post: mapped fields become event keys, the rest stay in `fields`.

    A repeated identical post (a double click, a browser retry) gets the same key, so it is stored once.

    Raises:
        EventError: too many fields, or nothing worth storing (no sender, text or field).
    """
    explicit_targets = set(config.fields.values())
    event: dict[str, Any] = {"channel": config.channel}
    fields: dict[str, str] = {}
    count = 0
    for name, raw_value in items:
        count += 1
        if count > _MAX_FIELDS:
            raise EventError(f"the form has more than {_MAX_FIELDS} fields")
        if name == config.secret_field:
            continue  # the form's key authenticates the post; it is not part of the lead
        value = raw_value.strip()
        if not value:
            continue
        target = config.fields.get(name)
        if target is None:
            default = _DEFAULT_TARGETS.get(name.lower())
            target = default if default and default not in explicit_targets else None
        if target == "ignore":
            continue
        if target in _EVENT_TARGETS:
            if target not in event:
                event[target] = value
            elif target == "body":  # several text areas mapped to the body read as paragraphs
                event[target] += "\n\n" + value
            else:
                fields.setdefault(name, value)  # a second address or name is kept, not dropped
            continue
        key = target.removeprefix("fields.") if target else name
        fields[key] = f"{fields[key]}, {value}" if key in fields else value  # checkboxes repeat a name
    if fields:
        event["fields"] = fields
    if not (event.keys() & {"from_email", "from_name", "subject", "body", "fields"}):
        raise EventError("the form post has no filled-in fields")
    key = f"form:{form_id}:" + _digest(_canonical(event))
    event["id"] = f"form-{form_id}-{_digest(key)[:16]}"
    event["received_at"] = _now_iso(now)
    return IntakePayload(event=event, idempotency_key=key)


# --- Mailgun ----------------------------------------------------------------------------------------------


class ReplayGuard:
    """Remembers webhook tokens until they expire, so a captured signed request cannot be replayed.

    In-process only: with several API processes a replay could reach another one, where the event's
    Message-ID still makes it a duplicate rather than a new lead.
    """

    def __init__(self, *, max_entries: int = 100_000) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()
        self._max = max_entries

    def first_use(self, token: str, *, expires_at: float, now: float) -> bool:
        """Record `token`; False when it was already used and has not expired."""
        with self._lock:
            if len(self._seen) >= self._max:
                self._seen = {t: at for t, at in self._seen.items() if at > now}
            seen_until = self._seen.get(token)
            if seen_until is not None and seen_until > now:
                return False
            self._seen[token] = expires_at
            return True


def verify_mailgun(signing_key: str, fields: Mapping[str, str], *, guard: ReplayGuard, max_age_s: int,
                   now: float | None = None) -> None:
    """Check a Mailgun webhook: HMAC-SHA256 of timestamp + token, a recent timestamp, an unused token.

    Raises:
        SignatureError: saying which check failed.
    """
    timestamp, token, signature = (fields.get("timestamp", ""), fields.get("token", ""),
                                   fields.get("signature", ""))
    if not (timestamp and token and signature):
        raise SignatureError("missing timestamp, token or signature")
    if not timestamp.isdigit():
        raise SignatureError("the timestamp is not a number of seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > max_age_s:
        raise SignatureError(f"the timestamp is more than {max_age_s}s away from now")
    expected = hmac.new(signing_key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureError("the signature does not match the signing key")
    if not guard.first_use(token, expires_at=int(timestamp) + max_age_s + 1, now=now):
        raise SignatureError("the token was already used")


def _header_pairs(raw: str) -> list[tuple[str, str]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EventError(f"message-headers is not JSON: {exc.msg}") from exc
    if not isinstance(data, list) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in data):
        raise EventError("message-headers must be a JSON list of [name, value] pairs")
    return [(str(name), str(value)) for name, value in data]


def mailgun_payload(fields: Mapping[str, str], *, now: datetime | None = None) -> IntakePayload:
    """The email event for a Mailgun route post: raw MIME (``body-mime``) or the parsed fields.

    Raises:
        EventError: the post has no usable message.
    """
    mime = fields.get("body-mime")
    if mime and mime.strip():
        return email_payload(mime, now=now)
    text, html = fields.get("body-plain"), fields.get("body-html")
    if fields.get("message-headers"):
        return email_payload(rebuild_email(_header_pairs(fields["message-headers"]), text, html), now=now)
    return _structured_email(fields.get("from") or fields.get("sender"), fields.get("subject"), text or html,
                             now=now)


# --- SendGrid ---------------------------------------------------------------------------------------------


def sendgrid_payload(fields: Mapping[str, str], *, now: datetime | None = None) -> IntakePayload:
    """The email event for a SendGrid Inbound Parse post: ``email`` (raw mode) or the parsed fields.

    Raises:
        EventError: the post has no usable message.
    """
    raw = fields.get("email")
    if raw and raw.strip():
        return email_payload(raw, now=now)
    text, html = fields.get("text"), fields.get("html")
    if fields.get("headers", "").strip():
        parsed = _headers_from_text.parsestr(fields["headers"].strip() + "\n\n", headersonly=True)
        return email_payload(rebuild_email(list(parsed.items()), text, html), now=now)
    return _structured_email(fields.get("from"), fields.get("subject"), text or html, now=now)


# --- Zendesk ----------------------------------------------------------------------------------------------


def _zendesk_time(value: str) -> float:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise SignatureError("the signature timestamp is not ISO 8601 or epoch seconds") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def verify_zendesk(secret: str, body: bytes, *, signature: str | None, timestamp: str | None, max_age_s: int,
                   now: float | None = None) -> None:
    """Check ``X-Zendesk-Webhook-Signature`` = base64(HMAC-SHA256(timestamp + body)) and the timestamp's age.

    Raises:
        SignatureError: saying which check failed.
    """
    if not signature or not timestamp:
        raise SignatureError("missing X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp")
    now = time.time() if now is None else now
    if abs(now - _zendesk_time(timestamp)) > max_age_s:
        raise SignatureError(f"the signature timestamp is more than {max_age_s}s away from now")
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    if not hmac.compare_digest(base64.b64encode(digest).decode(), signature.strip()):
        raise SignatureError("the signature does not match the signing secret")


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


def _tags(value: Any) -> str | None:
    if isinstance(value, list):
        tags = [str(t).strip() for t in value if str(t).strip()]
    elif isinstance(value, str):  # the {{ticket.tags}} placeholder renders as space-separated words
        tags = value.replace(",", " ").split()
    else:
        return None
    return ", ".join(tags) or None


def zendesk_payload(data: Any, *, now: datetime | None = None) -> IntakePayload:
    """The support_ticket event for a Zendesk webhook body (a trigger's JSON or an event subscription).

    Accepts ``{"ticket": {...}}``, ``{"detail": {...}}`` (event subscriptions) or the ticket object itself,
    with id, subject, description, requester {name, email} (or requester_name/requester_email) and tags.

    Raises:
        EventError: not an object, or no ticket id.
    """
    if not isinstance(data, dict):
        raise EventError("the Zendesk body must be a JSON object")
    ticket = data.get("ticket") if isinstance(data.get("ticket"), dict) else data.get("detail")
    if not isinstance(ticket, dict):
        ticket = data
    ticket_id = _text(ticket.get("id"))
    if not ticket_id:
        raise EventError("the Zendesk ticket has no id (map {{ticket.id}} into the webhook body)")
    found = ticket.get("requester")
    requester: dict[str, Any] = found if isinstance(found, dict) else {}
    comment = ticket.get("latest_comment")
    description = _text(ticket.get("description")) or _text(comment.get("body") if isinstance(comment, dict)
                                                            else comment)
    event: dict[str, Any] = {"id": f"zendesk-{ticket_id}"[:_MAX_ID_CHARS], "channel": "support_ticket"}
    for key, value in (("from_email", _text(requester.get("email")) or _text(ticket.get("requester_email"))),
                       ("from_name", _text(requester.get("name")) or _text(ticket.get("requester_name"))),
                       ("subject", _text(ticket.get("subject")) or _text(ticket.get("title"))),
                       ("body", description)):
        if value:
            event[key] = value
    fields = {"ticket_id": ticket_id}
    tags = _tags(ticket.get("tags"))
    if tags:
        fields["tags"] = tags
    for name, value in ticket.items():
        text = _text(value)
        if name not in _ZENDESK_CORE and text:
            fields[str(name)] = text
    for custom in ticket.get("custom_fields") or []:
        if isinstance(custom, dict) and _text(custom.get("id")) and _text(custom.get("value")):
            fields[f"custom_{_text(custom.get('id'))}"] = str(_text(custom.get("value")))
    organization = ticket.get("organization")
    if isinstance(organization, dict) and _text(organization.get("name")):
        fields.setdefault("company", str(_text(organization.get("name"))))
    event["fields"] = fields
    # The same ticket with new text (an update trigger) is a new event; a retry of the same body is not.
    key = f"zendesk:{ticket_id}:" + _digest(_canonical(event))
    event["received_at"] = _now_iso(now)
    return IntakePayload(event=event, idempotency_key=key)
