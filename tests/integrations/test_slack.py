"""SlackNotifier against the Slack stand-in on 127.0.0.1 (both modes, every failure), and Slack's request signing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import LeadAlert, Notifier
from leadrelay.integrations.slack import (
    CLAIM_ACTION,
    REASSIGN_ACTION,
    SlackNotifier,
    SlackSettings,
    alert_blocks,
    escape_mrkdwn,
    sign_slack_request,
    verify_slack_signature,
)
from leadrelay.standins.slack import make_app
from tests.support import serve_on_loopback

TOKEN = "xoxb-standin"


@pytest.fixture(scope="module")
def standin() -> Iterator[tuple[FastAPI, str]]:
    app = make_app(tokens=[TOKEN], channels=["C0ALERTS"], retry_after_s=7, timeout_s=2.0)
    with serve_on_loopback(app) as url:
        yield app, url


@pytest.fixture
def slack(standin: tuple[FastAPI, str]) -> Iterator[FastAPI]:
    app, _ = standin
    app.state.messages.clear()
    app.state.faults.clear()
    yield app
    app.state.faults.clear()


def bot(url: str, http: httpx.Client, *, token: str = TOKEN, channel: str = "C0ALERTS",
        timeout_s: float = 5.0) -> SlackNotifier:
    settings = SlackSettings(mode="bot", bot_token=token, channel=channel, api_base=f"{url}/api/",
                             timeout_s=timeout_s)
    return SlackNotifier(settings, http)


def webhook(url: str, http: httpx.Client) -> SlackNotifier:
    return SlackNotifier(SlackSettings(webhook_url=f"{url}/services/T000/B000/XXXX", channel="#sales"), http)


def make_alert(**overrides: Any) -> LeadAlert:
    values: dict[str, Any] = {
        "key": "slack:decision:42", "lead_id": 7, "title": "Enterprise demo request: Ana Ruiz, Initech",
        "reasons": ("1,200 people (CRM)", "asks for SSO and a security review"),
        "lead_url": "https://leadrelay.example/leads/7", "owner_email": "maya@cobalt.example", "queue": "enterprise",
        "urgency": "high", "fields": {"company": "Initech", "country": "ES", "team_size": "1200"},
    }
    values.update(overrides)
    return LeadAlert(**values)


def actions_block(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return next(block for block in blocks if block["type"] == "actions")


def test_notifier_satisfies_the_protocol(http: httpx.Client) -> None:
    notifier: Notifier = SlackNotifier(SlackSettings(webhook_url="https://hooks.slack.com/services/x"), http)
    assert notifier.slug == "slack"


def test_webhook_mode_posts_block_kit_with_reasons_link_and_buttons(slack: FastAPI, standin: tuple[FastAPI, str],
                                                                    http: httpx.Client) -> None:
    ref = webhook(standin[1], http).alert(make_alert())

    assert ref.system == "slack" and ref.channel == "#sales" and ref.ts is None
    [message] = slack.state.messages
    assert message["via"] == "webhook" and message["hook"] == "T000/B000/XXXX"
    blocks = message["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "emoji": False,
                                                     "text": "Enterprise demo request: Ana Ruiz, Initech"}}
    fields = next(block for block in blocks if block.get("fields"))["fields"]
    assert {"type": "mrkdwn", "text": "*Company*\nInitech"} in fields
    assert {"type": "mrkdwn", "text": "*Team size*\n1200"} in fields
    reasons = next(block for block in blocks if block["type"] == "section" and "Why" in block.get("text", {})
                   .get("text", ""))
    assert reasons["text"]["text"] == "*Why*\n• 1,200 people (CRM)\n• asks for SSO and a security review"
    actions = actions_block(blocks)
    assert actions["block_id"] == "lead:7"
    link, claim, reassign = actions["elements"]
    assert link["url"] == "https://leadrelay.example/leads/7"
    assert claim["action_id"] == CLAIM_ACTION and claim["value"] == "7" and claim["text"]["text"] == "Claim"
    assert reassign["action_id"] == REASSIGN_ACTION and reassign["type"] == "users_select"
    assert "Ana Ruiz" in message["text"]


def test_reassign_menu_offers_the_given_owners_with_the_lead_id() -> None:
    blocks = alert_blocks(make_alert(reassign_to=("li@cobalt.example", "sam@cobalt.example")))

    reassign = actions_block(blocks)["elements"][2]
    assert reassign["type"] == "static_select"
    values = [json.loads(option["value"]) for option in reassign["options"]]
    assert values == [{"lead_id": 7, "assignee": "li@cobalt.example"}, {"lead_id": 7, "assignee": "sam@cobalt.example"}]


def test_lead_data_cannot_inject_links_or_mentions(slack: FastAPI, standin: tuple[FastAPI, str],
                                                   http: httpx.Client) -> None:
    hostile = "<https://evil.example|Click to verify> <!channel> <@U0BOSS> & co"
    webhook(standin[1], http).alert(make_alert(
        title=f"Demo request: {hostile}", reasons=(f"said {hostile}",), fields={"company": hostile}))

    [message] = slack.state.messages
    mrkdwn_texts = [message["text"]]
    for block in message["blocks"]:
        mrkdwn_texts += [item["text"] for item in block.get("fields", []) + block.get("elements", [])
                         if item.get("type") == "mrkdwn"]
        if block.get("text", {}).get("type") == "mrkdwn":
            mrkdwn_texts.append(block["text"]["text"])
    joined = "\n".join(mrkdwn_texts)
    assert "<!channel>" not in joined and "<https://evil" not in joined and "<@U0BOSS>" not in joined
    assert "&lt;!channel&gt;" in joined and "&amp; co" in joined
    assert escape_mrkdwn("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_long_values_are_cut_to_block_kit_limits(slack: FastAPI, standin: tuple[FastAPI, str],
                                                 http: httpx.Client) -> None:
    blocks = alert_blocks(make_alert(title="x" * 400, reasons=("r" * 5000,), fields={"use_case": "u" * 5000}))

    assert len(blocks[0]["text"]["text"]) == 150
    assert all(len(field["text"]) <= 2000 for block in blocks for field in block.get("fields", []))
    assert all(len(block["text"]["text"]) <= 3000 for block in blocks if block["type"] == "section"
               and "text" in block)


def test_bot_mode_calls_chat_post_message_with_the_token(slack: FastAPI, standin: tuple[FastAPI, str],
                                                         http: httpx.Client) -> None:
    ref = bot(standin[1], http).alert(make_alert())

    [message] = slack.state.messages
    assert message["via"] == "bot" and message["channel"] == "C0ALERTS"
    assert ref.system == "slack" and ref.channel == "C0ALERTS" and ref.ts == message["ts"]
    assert message["metadata"] == {"event_type": "leadrelay_lead_alert",
                                   "event_payload": {"key": "slack:decision:42", "lead_id": 7}}


@pytest.mark.parametrize(("token", "channel", "error"), [
    ("xoxb-revoked", "C0ALERTS", "invalid_auth"),
    (TOKEN, "C0NOWHERE", "channel_not_found"),
])
def test_bot_mode_refusals_are_not_retryable(slack: FastAPI, standin: tuple[FastAPI, str], http: httpx.Client,
                                             token: str, channel: str, error: str) -> None:
    with pytest.raises(IntegrationError) as caught:
        bot(standin[1], http, token=token, channel=channel).alert(make_alert())

    assert caught.value.retryable is False and error in str(caught.value) and caught.value.slug == "slack"
    assert slack.state.messages == []


@pytest.mark.parametrize("fault", ["429", "ratelimited"])
def test_rate_limits_are_retryable_with_retry_after(slack: FastAPI, standin: tuple[FastAPI, str],
                                                    http: httpx.Client, fault: str) -> None:
    slack.state.faults.append(fault)

    with pytest.raises(IntegrationError) as caught:
        bot(standin[1], http).alert(make_alert())

    assert caught.value.retryable is True and caught.value.retry_after_s == 7.0
    bot(standin[1], http).alert(make_alert())  # the next attempt goes through
    assert len(slack.state.messages) == 1


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_server_errors_are_retryable(slack: FastAPI, standin: tuple[FastAPI, str], http: httpx.Client,
                                     mode: str) -> None:
    slack.state.faults.append("500")
    notifier = bot(standin[1], http) if mode == "bot" else webhook(standin[1], http)

    with pytest.raises(IntegrationError) as caught:
        notifier.alert(make_alert())

    assert caught.value.retryable is True and caught.value.status_code == 500


@pytest.mark.parametrize("mode", ["bot", "webhook"])
def test_malformed_answers_are_not_retryable(slack: FastAPI, standin: tuple[FastAPI, str], http: httpx.Client,
                                             mode: str) -> None:
    slack.state.faults.append("malformed")
    notifier = bot(standin[1], http) if mode == "bot" else webhook(standin[1], http)

    with pytest.raises(IntegrationError) as caught:
        notifier.alert(make_alert())

    assert caught.value.retryable is False


def test_a_slow_slack_is_a_retryable_timeout(slack: FastAPI, standin: tuple[FastAPI, str],
                                             http: httpx.Client) -> None:
    slack.state.faults.append("timeout")

    with pytest.raises(IntegrationError) as caught:
        bot(standin[1], http, timeout_s=0.2).alert(make_alert())

    assert caught.value.retryable is True and "timed out" in str(caught.value)


def test_an_unreachable_slack_is_retryable(http: httpx.Client) -> None:
    from tests.support import free_port

    notifier = SlackNotifier(SlackSettings(webhook_url=f"http://127.0.0.1:{free_port()}/services/x"), http)
    with pytest.raises(IntegrationError) as caught:
        notifier.alert(make_alert())
    assert caught.value.retryable is True


@pytest.mark.parametrize(("status", "body"), [(400, "invalid_payload"), (403, "action_prohibited"),
                                              (404, "no_service"), (410, "channel_is_archived")])
def test_webhook_refusals_are_not_retryable(status: int, body: str) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body))
    with httpx.Client(transport=transport) as http:
        notifier = SlackNotifier(SlackSettings(webhook_url="https://hooks.slack.com/services/T/B/X"), http)
        with pytest.raises(IntegrationError) as caught:
            notifier.alert(make_alert())
    assert caught.value.retryable is False and caught.value.status_code == status and body in str(caught.value)


def test_settings_need_what_the_mode_uses() -> None:
    with pytest.raises(ValidationError, match="webhook_url"):
        SlackSettings(mode="webhook")
    with pytest.raises(ValidationError, match="bot_token"):
        SlackSettings(mode="bot", channel="C1")
    assert "xoxb-secret" not in repr(SlackSettings(mode="bot", bot_token="xoxb-secret", channel="C1"))


# --- Request signing ---------------------------------------------------------------------------------------

SLACK_DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_DOC_TIMESTAMP = "1531420618"
SLACK_DOC_BODY = (b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                  b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                  b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlg"
                  b"cZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
SLACK_DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_signature_matches_slacks_documented_example() -> None:
    assert sign_slack_request(SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY) == SLACK_DOC_SIGNATURE
    assert verify_slack_signature(SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, SLACK_DOC_SIGNATURE,
                                  now=1531420618 + 10)


@pytest.mark.parametrize(("secret", "timestamp", "body", "signature", "now"), [
    ("another-secret", SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618),
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY + b"&x=1", SLACK_DOC_SIGNATURE, 1531420618),
    (SLACK_DOC_SECRET, "1531420619", SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618),
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618 + 301),  # too old
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618 - 301),  # future
    (SLACK_DOC_SECRET, None, SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618),
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, None, 1531420618),
    (SLACK_DOC_SECRET, "15314206l8", SLACK_DOC_BODY, SLACK_DOC_SIGNATURE, 1531420618),
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, "v0=" + "0" * 64, 1531420618),
    (SLACK_DOC_SECRET, SLACK_DOC_TIMESTAMP, SLACK_DOC_BODY, "v1=ü", 1531420618),
])
def test_bad_signatures_are_refused(secret: str, timestamp: str | None, body: bytes, signature: str | None,
                                    now: float) -> None:
    assert verify_slack_signature(secret, timestamp, body, signature, now) is False
