"""Slack alerts for escalated leads (incoming webhook or bot token) and the check of Slack's request signatures.

The alert is a Block Kit message: a header, the lead's fields, the reasons, a button linking to the lead, a
"Claim" button and a "Reassign" control, each carrying the lead id, answered by ``POST /slack/interactions``
(`leadrelay.api.slack`). Lead data is escaped for mrkdwn, so a lead cannot post links or ``<!channel>``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import LeadAlert, NoticeRef
from leadrelay.integrations.http import retry_after_s

__all__ = [
    "CLAIM_ACTION",
    "REASSIGN_ACTION",
    "SlackNotifier",
    "SlackSettings",
    "alert_blocks",
    "escape_mrkdwn",
    "sign_slack_request",
    "verify_slack_signature",
]

log = logging.getLogger(__name__)

SLUG = "slack"
CLAIM_ACTION = "leadrelay_claim"
REASSIGN_ACTION = "leadrelay_reassign"
OPEN_ACTION = "leadrelay_open"

# chat.postMessage answers HTTP 200 with {"ok": false, "error": ...}; these errors are worth another try.
_RETRYABLE_ERRORS = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
                               "request_timeout", "team_added_to_org"})
# Block Kit limits (characters): header text 150, section text 3000, a field 2000, button text 75.
_HEADER_MAX = 150
_SECTION_MAX = 3000
_FIELD_MAX = 2000
_MAX_FIELDS = 10
_FIELD_ORDER = ("company", "role", "country", "team_size", "use_case", "source", "type", "urgency", "fit", "action",
                "confidence", "email")


class SlackSettings(BaseModel):
    """How alerts reach Slack: an incoming-webhook URL, or a bot token and a channel; the app's signing secret."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Literal["webhook", "bot"] = "webhook"
    webhook_url: str | None = None
    bot_token: SecretStr | None = None
    channel: str | None = None  # bot mode: a channel id (C0123...) or #name the bot is a member of
    api_base: str = "https://slack.com/api/"
    signing_secret: SecretStr | None = None  # checks interactive callbacks; None turns /slack/interactions off
    signature_max_age_s: int = Field(default=300, ge=1)
    timeout_s: float = Field(default=10.0, gt=0)
    # Slack user id -> owner email, so a claim in Slack is recorded under the owner's email (else "slack:U...").
    user_emails: dict[str, str] = Field(default_factory=dict)
    # Hosts a callback's response_url may point at (the message update is posted there).
    response_url_hosts: tuple[str, ...] = ("hooks.slack.com",)

    @model_validator(mode="after")
    def _mode_has_what_it_needs(self) -> SlackSettings:
        if self.mode == "webhook" and not self.webhook_url:
            raise ValueError("Slack webhook mode needs webhook_url (https://hooks.slack.com/services/...)")
        if self.mode == "bot" and (self.bot_token is None or not self.channel):
            raise ValueError("Slack bot mode needs bot_token (xoxb-...) and channel")
        return self

    @property
    def post_message_url(self) -> str:
        """The chat.postMessage endpoint under `api_base`."""
        return self.api_base.rstrip("/") + "/chat.postMessage"


def escape_mrkdwn(text: str) -> str:
    """Escape Slack's control characters (&, <, >) so text cannot form links, mentions or ``<!here>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    # plain_text is never parsed for links or mentions; only the length needs care.
    return {"type": "plain_text", "text": _cut(" ".join(text.split()) or "-", limit), "emoji": False}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def alert_blocks(alert: LeadAlert) -> list[dict[str, Any]]:
    """The Block Kit blocks of an alert: header, fields, reasons, and the open / claim / reassign controls."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(alert.title, _HEADER_MAX)}]
    fields: list[dict[str, Any]] = []
    extras = [name for name in alert.fields if name not in _FIELD_ORDER]
    for name in (*_FIELD_ORDER, *sorted(extras)):
        value = alert.fields.get(name)
        if value is None or str(value).strip() == "" or len(fields) >= _MAX_FIELDS:
            continue
        label = name.replace("_", " ").capitalize()
        fields.append(_mrkdwn(_cut(f"*{escape_mrkdwn(label)}*\n{escape_mrkdwn(str(value))}", _FIELD_MAX)))
    if fields:
        blocks.append({"type": "section", "fields": fields})
    context = [f"Urgency: *{escape_mrkdwn(alert.urgency)}*" if alert.urgency else "",
               f"Queue: {escape_mrkdwn(alert.queue)}" if alert.queue else "",
               f"Owner: {escape_mrkdwn(alert.owner_email)}" if alert.owner_email else ""]
    if any(context):
        blocks.append({"type": "context", "elements": [_mrkdwn(" · ".join(part for part in context if part))]})
    if alert.reasons:
        reasons = "\n".join(f"• {escape_mrkdwn(reason)}" for reason in alert.reasons)
        blocks.append({"type": "section", "text": _mrkdwn(_cut(f"*Why*\n{reasons}", _SECTION_MAX))})
    lead_id = str(alert.lead_id)
    elements: list[dict[str, Any]] = [
        {"type": "button", "action_id": OPEN_ACTION, "text": _plain("Open lead", 75), "url": alert.lead_url,
         "value": lead_id},
        {"type": "button", "action_id": CLAIM_ACTION, "text": _plain("Claim", 75), "style": "primary",
         "value": lead_id},
    ]
    if alert.reassign_to:
        options = [{"text": _plain(email, 75), "value": json.dumps({"lead_id": alert.lead_id, "assignee": email})}
                   for email in alert.reassign_to[:100]]
        elements.append({"type": "static_select", "action_id": REASSIGN_ACTION,
                         "placeholder": _plain("Reassign to…", 150), "options": options})
    else:  # pick any member of the Slack workspace; the user id maps to an owner email (SlackSettings.user_emails)
        elements.append({"type": "users_select", "action_id": REASSIGN_ACTION,
                         "placeholder": _plain("Reassign to…", 150)})
    blocks.append({"type": "actions", "block_id": f"lead:{lead_id}", "elements": elements})
    return blocks


def _fallback_text(alert: LeadAlert) -> str:
    # The notification text (also mrkdwn-parsed by Slack), shown where blocks are not.
    return _cut(escape_mrkdwn(f"{alert.title} — {alert.lead_url}"), _SECTION_MAX)


class SlackNotifier:
    """Posts lead alerts to Slack through an incoming webhook or ``chat.postMessage`` with a bot token."""

    slug = SLUG

    def __init__(self, settings: SlackSettings, http: httpx.Client) -> None:
        self._settings = settings
        self._http = http

    def alert(self, alert: LeadAlert) -> NoticeRef:
        """Post the alert once.

        Args:
            alert: the escalated lead, its reasons and link.
        Returns:
            The channel (and, in bot mode, the message ts) the alert was posted to.
        Raises:
            IntegrationError: Slack refused or failed; ``retryable`` for 429/ratelimited, 5xx and timeouts.
        """
        message: dict[str, Any] = {"text": _fallback_text(alert), "blocks": alert_blocks(alert),
                                   "unfurl_links": False, "unfurl_media": False}
        if self._settings.mode == "bot":
            return self._post_message(alert, message)
        return self._post_webhook(message)

    def _send(self, url: str, message: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return self._http.post(url, json=message, headers=headers, timeout=self._settings.timeout_s)
        except httpx.TimeoutException as exc:
            raise IntegrationError(f"timed out after {self._settings.timeout_s}s", slug=SLUG, retryable=True) from exc
        except httpx.TransportError as exc:
            raise IntegrationError(f"cannot reach Slack: {type(exc).__name__}", slug=SLUG, retryable=True) from exc

    def _raise_for_http(self, response: httpx.Response, endpoint: str) -> None:
        status = response.status_code
        if status == 429:
            raise IntegrationError(f"{endpoint}: rate limited (429)", slug=SLUG, retryable=True, status_code=429,
                                   retry_after_s=retry_after_s(response.headers))
        if status >= 500:
            raise IntegrationError(f"{endpoint}: Slack answered {status}", slug=SLUG, retryable=True,
                                   status_code=status)
        if status != 200:
            reason = _cut(response.text.strip(), 200) or response.reason_phrase
            raise IntegrationError(f"{endpoint}: Slack refused the message ({status} {reason})", slug=SLUG,
                                   retryable=False, status_code=status)

    def _post_webhook(self, message: dict[str, Any]) -> NoticeRef:
        response = self._send(str(self._settings.webhook_url), message)
        self._raise_for_http(response, "incoming webhook")
        body = response.text.strip()
        if body != "ok":  # Slack's webhook answers the plain text "ok"; anything else is not Slack
            raise IntegrationError(f"incoming webhook: unexpected answer {_cut(body, 100)!r}", slug=SLUG,
                                   retryable=False, status_code=response.status_code)
        return NoticeRef(system=SLUG, channel=self._settings.channel)

    def _post_message(self, alert: LeadAlert, message: dict[str, Any]) -> NoticeRef:
        token = self._settings.bot_token.get_secret_value() if self._settings.bot_token else ""
        message = {"channel": self._settings.channel, **message,
                   # Slack message metadata: which action posted this, for people and for later lookups.
                   "metadata": {"event_type": "leadrelay_lead_alert",
                                "event_payload": {"key": alert.key, "lead_id": alert.lead_id}}}
        response = self._send(self._settings.post_message_url, message,
                              headers={"Authorization": f"Bearer {token}"})
        self._raise_for_http(response, "chat.postMessage")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
            raise IntegrationError("chat.postMessage: the answer is not Slack's JSON", slug=SLUG, retryable=False,
                                   status_code=response.status_code)
        if not body["ok"]:
            error = str(body.get("error") or "unknown_error")
            retryable = error in _RETRYABLE_ERRORS
            raise IntegrationError(f"chat.postMessage: {error}", slug=SLUG, retryable=retryable,
                                   status_code=response.status_code,
                                   retry_after_s=retry_after_s(response.headers) if retryable else None)
        channel = body.get("channel")
        ts = body.get("ts")
        log.info("slack alert posted", extra={"lead_id": alert.lead_id, "channel": channel, "ts": ts})
        return NoticeRef(system=SLUG, channel=str(channel) if channel else self._settings.channel,
                         ts=str(ts) if ts else None)


def sign_slack_request(secret: str | SecretStr, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature of a request: ``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    key = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(key.encode("utf-8"), base, hashlib.sha256).hexdigest()


def verify_slack_signature(secret: str | SecretStr, timestamp: str | None, body: bytes, signature: str | None,
                           now: float, max_age_s: int = 300) -> bool:
    """True when `signature` (X-Slack-Signature) signs `body` at `timestamp` (X-Slack-Request-Timestamp),
    and the timestamp is within `max_age_s` of `now` (older requests may be replays)."""
    if not timestamp or not signature or not timestamp.isascii() or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > max_age_s:
        return False
    expected = sign_slack_request(secret, timestamp, body)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))
