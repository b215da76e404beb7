"""Slack's interactive callbacks against a real server on 127.0.0.1: signed claims and reassignments, refusals."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, insert, select

from leadrelay.api.app import create_app
from leadrelay.config import Settings
from leadrelay.integrations.base import LeadAlert
from leadrelay.integrations.slack import (
    CLAIM_ACTION,
    OPEN_ACTION,
    REASSIGN_ACTION,
    SlackNotifier,
    SlackSettings,
    alert_blocks,
    sign_slack_request,
)
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.standins.slack import click
from leadrelay.standins.slack import make_app as make_slack_standin
from leadrelay.store.tables import Assignment, LeadRow, LeadState, Touch
from tests.support import RecordingHuey, serve_on_loopback

SECRET = "slack-signing-secret-for-tests"
_clicks = itertools.count(1)


@dataclass
class Servers:
    url: str
    slack: FastAPI
    slack_url: str


def _app(tmp: Any, engine: Engine, slack: SlackSettings | None) -> FastAPI:
    settings = Settings(data_dir=tmp, slack=slack)
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=engine))
    return create_app(settings, engine=engine, queue=queue, migrate=False)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, engine: Engine) -> Iterator[Servers]:
    standin = make_slack_standin()
    slack = SlackSettings(webhook_url="https://hooks.slack.com/services/T/B/X", signing_secret=SECRET,
                          user_emails={"U0MAYA": "maya@cobalt.example", "U0LI": "li@cobalt.example"},
                          response_url_hosts=("127.0.0.1",))
    with serve_on_loopback(standin) as slack_url, \
            serve_on_loopback(_app(tmp_path_factory.mktemp("slack"), engine, slack)) as url:
        yield Servers(url=url, slack=standin, slack_url=slack_url)


@pytest.fixture
def servers_clean(servers: Servers, committed_engine: Engine) -> Servers:
    servers.slack.state.responses.clear()
    return servers


@pytest.fixture
def client(servers: Servers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=servers.url, timeout=10) as client:
        yield client


def add_lead(engine: Engine, email: str = "ana@initech.example") -> int:
    with engine.begin() as conn:
        return int(conn.execute(insert(LeadRow).values(email=email, name="Ana Ruiz").returning(LeadRow.id))
                   .scalar_one())


def alert_message(lead_id: int, **overrides: Any) -> dict[str, Any]:
    alert = LeadAlert(key=f"slack:lead:{lead_id}", lead_id=lead_id, title="Enterprise demo request: Ana Ruiz",
                      reasons=("1,200 people",), lead_url=f"https://leadrelay.example/leads/{lead_id}", **overrides)
    return {"type": "message", "ts": "1700000000.000100", "text": alert.title, "blocks": alert_blocks(alert)}


def block_actions(servers: Servers, lead_id: int, action: dict[str, Any], *, user: str = "U0MAYA") -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "maya", "name": "maya", "team_id": "T0COBALT"},
        "team": {"id": "T0COBALT", "domain": "cobalt"},
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0ALERTS"},
        "channel": {"id": "C0ALERTS", "name": "sales-alerts"},
        "message": alert_message(lead_id),
        "response_url": f"{servers.slack_url}/actions/T0COBALT/{lead_id}/abcd",  # one per lead: tests stay apart
        "trigger_id": f"1234.5678.{next(_clicks)}",  # every click differs, as Slack's do
        "actions": [{"block_id": f"lead:{lead_id}", "action_ts": f"{time.time():.6f}", **action}],
    }


def claim_action(lead_id: int) -> dict[str, Any]:
    return {"action_id": CLAIM_ACTION, "type": "button", "value": str(lead_id), "text": {"type": "plain_text",
                                                                                        "text": "Claim"}}


def signed(payload: dict[str, Any], *, secret: str = SECRET, timestamp: int | None = None
           ) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"payload": json.dumps(payload)}).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return body, {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
                  "X-Slack-Signature": sign_slack_request(secret, ts, body)}


def wait_for_update(servers: Servers, lead_id: int, count: int = 1) -> list[dict[str, Any]]:
    """The message updates sent for this lead's alert (another test's late update does not count)."""
    def mine() -> list[dict[str, Any]]:
        return [r for r in servers.slack.state.responses if r["path"] == f"T0COBALT/{lead_id}/abcd"]

    deadline = time.monotonic() + 10
    while len(mine()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return mine()


def touches_of(engine: Engine, lead_id: int) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        return [(row.source, row.kind, row.by) for row in conn.execute(
            select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.id))]


def state_of(engine: Engine, lead_id: int) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(LeadState).where(LeadState.lead_id == lead_id)).first()


def test_a_signed_claim_is_recorded_as_the_first_touch(servers_clean: Servers, committed_engine: Engine,
                                                       client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)))

    response = client.post("/slack/interactions", content=body, headers=headers)

    assert response.status_code == 200
    assert touches_of(committed_engine, lead_id) == [("slack", "claim", "maya@cobalt.example")]
    state = state_of(committed_engine, lead_id)
    assert state.first_touch_at is not None and state.assignee == "maya@cobalt.example" and state.status == "touched"
    [update] = wait_for_update(servers_clean, lead_id)
    assert update["path"] == f"T0COBALT/{lead_id}/abcd" and update["body"]["replace_original"] is True
    status = update["body"]["blocks"][-1]
    assert status["block_id"] == "leadrelay_status"
    assert status["elements"][0]["text"] == ":white_check_mark: Claimed by <@U0MAYA> (first touch)"
    assert any(block["type"] == "actions" for block in update["body"]["blocks"])  # reassign stays possible


def test_a_second_claim_is_not_a_first_touch(servers_clean: Servers, committed_engine: Engine,
                                             client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)))
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    first_touch_at = state_of(committed_engine, lead_id).first_touch_at

    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id), user="U0NEW"))
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200

    assert touches_of(committed_engine, lead_id) == [("slack", "claim", "maya@cobalt.example"),
                                                     ("slack", "claim", "slack:U0NEW")]
    state = state_of(committed_engine, lead_id)
    assert state.first_touch_at == first_touch_at and state.assignee == "slack:U0NEW"
    updates = wait_for_update(servers_clean, lead_id, 2)
    assert {update["body"]["blocks"][-1]["elements"][0]["text"] for update in updates} == {
        ":white_check_mark: Claimed by <@U0MAYA> (first touch)", ":white_check_mark: Claimed by <@U0NEW>"}


def test_reassign_from_the_owner_menu(servers_clean: Servers, committed_engine: Engine,
                                      client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    option = {"text": {"type": "plain_text", "text": "li@cobalt.example"},
              "value": json.dumps({"lead_id": lead_id, "assignee": "li@cobalt.example"})}
    action = {"action_id": REASSIGN_ACTION, "type": "static_select", "selected_option": option}
    body, headers = signed(block_actions(servers_clean, lead_id, action))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200

    with committed_engine.connect() as conn:
        [assignment] = conn.execute(select(Assignment).where(Assignment.lead_id == lead_id)).all()
    assert assignment.assignee == "li@cobalt.example" and assignment.by == "maya@cobalt.example"
    assert "reassigned in Slack" in assignment.reason
    assert state_of(committed_engine, lead_id).assignee == "li@cobalt.example"
    assert touches_of(committed_engine, lead_id) == []  # handing a lead on is not touching it
    [update] = wait_for_update(servers_clean, lead_id)
    assert "Reassigned to li@cobalt.example by <@U0MAYA>" in update["body"]["blocks"][-1]["elements"][0]["text"]


def test_reassign_to_a_slack_user(servers_clean: Servers, committed_engine: Engine, client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    action = {"action_id": REASSIGN_ACTION, "type": "users_select", "selected_user": "U0LI"}
    body, headers = signed(block_actions(servers_clean, lead_id, action))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    assert state_of(committed_engine, lead_id).assignee == "li@cobalt.example"


def test_the_open_link_button_is_acknowledged_and_changes_nothing(servers_clean: Servers, committed_engine: Engine,
                                                                  client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    action = {"action_id": OPEN_ACTION, "type": "button", "value": str(lead_id)}
    body, headers = signed(block_actions(servers_clean, lead_id, action))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    assert touches_of(committed_engine, lead_id) == [] and state_of(committed_engine, lead_id) is None


def test_a_claim_of_a_lead_that_does_not_exist_says_so(servers_clean: Servers, committed_engine: Engine,
                                                       client: httpx.Client) -> None:
    body, headers = signed(block_actions(servers_clean, 999_999, claim_action(999_999)))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    [update] = wait_for_update(servers_clean, 999_999)
    assert "Lead 999999 no longer exists" in update["body"]["blocks"][-1]["elements"][0]["text"]


def _refused(client: httpx.Client, body: bytes, headers: dict[str, str]) -> None:
    response = client.post("/slack/interactions", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_bad_signature_is_401_and_records_nothing(servers_clean: Servers, committed_engine: Engine,
                                                    client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)), secret="not-the-secret")
    _refused(client, body, headers)

    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)))
    _refused(client, body.replace(b"U0MAYA", b"U0EVIL"), headers)  # tampered after signing

    assert touches_of(committed_engine, lead_id) == []


def test_missing_signature_headers_are_401(servers_clean: Servers, committed_engine: Engine,
                                           client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)))
    _refused(client, body, {"Content-Type": headers["Content-Type"]})
    _refused(client, body, {k: v for k, v in headers.items() if k != "X-Slack-Signature"})
    _refused(client, body, {k: v for k, v in headers.items() if k != "X-Slack-Request-Timestamp"})
    assert touches_of(committed_engine, lead_id) == []


def test_an_old_signed_request_is_401(servers_clean: Servers, committed_engine: Engine,
                                      client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)),
                           timestamp=int(time.time()) - 600)
    _refused(client, body, headers)
    assert touches_of(committed_engine, lead_id) == []


def test_a_replayed_request_is_401(servers_clean: Servers, committed_engine: Engine, client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    body, headers = signed(block_actions(servers_clean, lead_id, claim_action(lead_id)))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    _refused(client, body, headers)
    assert len(touches_of(committed_engine, lead_id)) == 1


def test_other_interaction_types_are_acknowledged(servers_clean: Servers, committed_engine: Engine,
                                                  client: httpx.Client) -> None:
    body, headers = signed({"type": "view_submission", "user": {"id": "U0MAYA"}})
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200


def test_a_signed_body_that_is_not_a_payload_form_is_400(servers_clean: Servers, committed_engine: Engine,
                                                         client: httpx.Client) -> None:
    body = b"payload=%7Bnot-json"
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
               "X-Slack-Signature": sign_slack_request(SECRET, ts, body)}
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 400


def test_an_update_url_outside_the_allowed_hosts_is_not_called(servers_clean: Servers, committed_engine: Engine,
                                                               client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    payload = block_actions(servers_clean, lead_id, claim_action(lead_id))
    payload["response_url"] = payload["response_url"].replace("127.0.0.1", "localhost")
    body, headers = signed(payload)

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    assert touches_of(committed_engine, lead_id) == [("slack", "claim", "maya@cobalt.example")]
    # Another test's update may still be on its way (they run after the answer): only this lead's count.
    time.sleep(0.3)
    assert wait_for_update(servers_clean, lead_id, 0) == []


def test_callbacks_are_404_when_slack_is_not_configured(tmp_path_factory: pytest.TempPathFactory,
                                                        engine: Engine) -> None:
    with serve_on_loopback(_app(tmp_path_factory.mktemp("noslack"), engine, None)) as url:
        body, headers = signed({"type": "block_actions"})
        response = httpx.post(f"{url}/slack/interactions", content=body, headers=headers, timeout=10)
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["256974087132521821110272", "-1", "1.5", "", "٣"])
def test_a_claim_with_a_value_that_is_no_lead_id_changes_nothing(servers_clean: Servers, committed_engine: Engine,
                                                                 client: httpx.Client, value: str) -> None:
    action = {"action_id": CLAIM_ACTION, "type": "button", "value": value}
    body, headers = signed(block_actions(servers_clean, 1, action))

    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    with committed_engine.connect() as conn:
        assert conn.execute(select(Touch)).first() is None


def test_alert_then_click_end_to_end(servers_clean: Servers, committed_engine: Engine, client: httpx.Client) -> None:
    lead_id = add_lead(committed_engine)
    servers_clean.slack.state.messages.clear()
    with httpx.Client() as http:
        notifier = SlackNotifier(SlackSettings(mode="bot", bot_token="xoxb-standin", channel="C0ALERTS",
                                               api_base=f"{servers_clean.slack_url}/api/"), http)
        notifier.alert(LeadAlert(key="slack:e2e", lead_id=lead_id, title="Enterprise demo request: Ana Ruiz",
                                 reasons=("1,200 people",), lead_url=f"https://leadrelay.example/leads/{lead_id}",
                                 reassign_to=("li@cobalt.example",)))
    [posted] = servers_clean.slack.state.messages

    body, headers = click(posted, action_id=CLAIM_ACTION, user_id="U0MAYA", signing_secret=SECRET,
                          response_url=f"{servers_clean.slack_url}/actions/T0COBALT/{lead_id}/abcd")
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200
    selected = json.dumps({"lead_id": lead_id, "assignee": "li@cobalt.example"})
    body, headers = click(posted, action_id=REASSIGN_ACTION, user_id="U0MAYA", signing_secret=SECRET,
                          response_url=f"{servers_clean.slack_url}/actions/T0COBALT/{lead_id}/abcd", selected=selected)
    assert client.post("/slack/interactions", content=body, headers=headers).status_code == 200

    assert touches_of(committed_engine, lead_id) == [("slack", "claim", "maya@cobalt.example")]
    state = state_of(committed_engine, lead_id)
    assert state.first_touch_at is not None and state.assignee == "li@cobalt.example"
    assert len(wait_for_update(servers_clean, lead_id, 2)) == 2
