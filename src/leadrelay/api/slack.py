"""Slack's interactive callbacks: the "Claim" button and the "Reassign" menu of a lead alert.

Slack posts ``application/x-www-form-urlencoded`` with one field, ``payload`` (JSON, type ``block_actions``),
signed with the app's signing secret (X-Slack-Signature, X-Slack-Request-Timestamp). A bad, missing or old
signature, or a signed request seen before, is a 401. A claim is the lead's first touch when nobody touched it
before. The route answers 200 at once; the message is then updated through the payload's ``response_url``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from leadrelay.actions import touches
from leadrelay.api.deps import Services, get_services, read_body
from leadrelay.api.errors import ApiError
from leadrelay.intake.mapping import ReplayGuard
from leadrelay.integrations.slack import (
    CLAIM_ACTION,
    REASSIGN_ACTION,
    SlackSettings,
    escape_mrkdwn,
    verify_slack_signature,
)

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(prefix="/slack", tags=["slack"])

_MAX_BODY_BYTES = 256_000  # a block_actions payload carries the whole message; Slack's are far smaller
_SLACK_ID = re.compile(r"^[A-Z0-9]{2,32}$")
_STATUS_BLOCK = "leadrelay_status"
_seen_signatures = ReplayGuard()  # per API process, like the Mailgun tokens


def _slack_settings(services: Services) -> tuple[SlackSettings, SecretStr]:
    slack: SlackSettings | None = services.settings.slack
    if slack is None or slack.signing_secret is None:
        raise ApiError(404, "not_configured", "Slack callbacks are off: set LEADRELAY_SLACK__SIGNING_SECRET")
    return slack, slack.signing_secret


def _person(slack: SlackSettings, user_id: str) -> str:
    """Who acted: the owner email mapped to the Slack user, else ``slack:<user id>``."""
    return slack.user_emails.get(user_id) or f"slack:{user_id}"


def _lead_id(value: object) -> int | None:
    """A lead id from a button value or option: a non-negative integer that fits a database column."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 2**63 else None
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _lead_of_block(block_id: str) -> int | None:
    prefix, _, value = block_id.partition(":")
    return _lead_id(value) if prefix == "lead" else None


def _do(services: Services, slack: SlackSettings, user_id: str, action: dict[str, Any]) -> str | None:
    """Carry out one block action; the status line to show in the message, or None for actions we ignore."""
    action_id = action.get("action_id")
    by = _person(slack, user_id)
    mention = f"<@{user_id}>"
    if action_id == CLAIM_ACTION:
        claimed = _lead_id(action.get("value"))
        if claimed is None:
            return None
        with services.engine.begin() as conn:
            first = touches.claim(conn, lead_id=claimed, by=by, source="slack")
        log.info("lead claimed in slack", extra={"lead_id": claimed, "by": by, "first_touch": first})
        return f":white_check_mark: Claimed by {mention}" + (" (first touch)" if first else "")
    if action_id == REASSIGN_ACTION:
        lead_id: int | None = _lead_of_block(str(action.get("block_id") or ""))
        assignee: str | None = None
        if action.get("type") == "static_select":
            try:
                choice = json.loads(str((action.get("selected_option") or {}).get("value") or ""))
            except ValueError:
                return None
            if isinstance(choice, dict):
                lead_id = _lead_id(choice.get("lead_id"))
                assignee = choice.get("assignee") if isinstance(choice.get("assignee"), str) else None
        elif action.get("type") == "users_select":
            selected = str(action.get("selected_user") or "")
            if _SLACK_ID.match(selected):
                assignee = _person(slack, selected)
        if lead_id is None or not assignee:
            return None
        with services.engine.begin() as conn:
            touches.reassign(conn, lead_id=lead_id, assignee=assignee, by=by, reason=f"reassigned in Slack by {by}")
        log.info("lead reassigned in slack", extra={"lead_id": lead_id, "by": by, "assignee": assignee})
        return f":arrow_right_hook: Reassigned to {escape_mrkdwn(assignee)} by {mention}"
    return None  # the "Open lead" link button, or something we do not know: acknowledged, nothing to do


def _updated_message(message: dict[str, Any], status: str) -> dict[str, Any]:
    blocks = [block for block in message.get("blocks") or [] if isinstance(block, dict)
              and block.get("block_id") != _STATUS_BLOCK]
    blocks.append({"type": "context", "block_id": _STATUS_BLOCK, "elements": [{"type": "mrkdwn", "text": status}]})
    return {"replace_original": True, "text": str(message.get("text") or status), "blocks": blocks}


def _post_update(url: str, body: dict[str, Any], timeout_s: float) -> None:
    try:
        with httpx.Client(timeout=timeout_s) as http:
            response = http.post(url, json=body)
        if response.status_code != 200:
            log.warning("slack response_url refused the update", extra={"status": response.status_code})
    except httpx.HTTPError as exc:
        log.warning("slack response_url unreachable", extra={"error": type(exc).__name__})


def _response_url_allowed(slack: SlackSettings, url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme in {"https", "http"} and host in slack.response_url_hosts


@router.post(
    "/interactions",
    status_code=200,
    responses={401: {"description": "The signature is missing, wrong, too old or was used before."},
               404: {"description": "Slack callbacks are not configured."}},
    summary="Slack interactivity request URL (block_actions: claim, reassign)",
)
async def post_interaction(request: Request, background: BackgroundTasks,
                           services: Annotated[Services, Depends(get_services)]) -> Response:
    """Check Slack's signature, claim or reassign the lead, answer 200 and update the message afterwards."""
    slack, secret = _slack_settings(services)
    body = await read_body(request, _MAX_BODY_BYTES)
    timestamp = request.headers.get("x-slack-request-timestamp")
    signature = request.headers.get("x-slack-signature")
    now = time.time()
    if timestamp is None or signature is None or not verify_slack_signature(
            secret, timestamp, body, signature, now, max_age_s=slack.signature_max_age_s):
        raise ApiError(401, "unauthorized", "the Slack signature is missing, wrong or too old")
    if not _seen_signatures.first_use(signature, expires_at=int(timestamp) + slack.signature_max_age_s + 1, now=now):
        raise ApiError(401, "unauthorized", "this signed request was already received")
    try:
        form = parse_qs(body.decode("utf-8"), strict_parsing=True)
        payload = json.loads(form["payload"][0])
    except (UnicodeDecodeError, ValueError, KeyError, IndexError) as exc:
        raise ApiError(400, "bad_request", "expected a form with a JSON `payload` field") from exc
    if not isinstance(payload, dict) or payload.get("type") != "block_actions":
        return Response(status_code=200)  # other interaction types: acknowledged, nothing to do
    user = payload.get("user")
    user_id = str(user.get("id") or "") if isinstance(user, dict) else ""
    actions = payload.get("actions")
    if not isinstance(actions, list):
        actions = []
    if not _SLACK_ID.match(user_id):
        raise ApiError(400, "bad_request", "the payload names no Slack user")
    statuses: list[str] = []
    for action in actions:
        if not isinstance(action, dict):
            continue
        try:
            status = await run_in_threadpool(_do, services, slack, user_id, action)
        except touches.LeadNotFound as exc:
            status = f":warning: Lead {exc.lead_id} no longer exists in LeadRelay"
        if status:
            statuses.append(status)
    response_url = payload.get("response_url")
    message = payload.get("message")
    if statuses and isinstance(response_url, str) and isinstance(message, dict):
        if _response_url_allowed(slack, response_url):
            background.add_task(_post_update, response_url, _updated_message(message, " · ".join(statuses)),
                                slack.timeout_s)
        else:
            log.warning("slack response_url host not allowed", extra={"host": urlsplit(response_url).hostname})
    return Response(status_code=200)
