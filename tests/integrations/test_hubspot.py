"""HubSpotSink against the HubSpot stand-in: the failures (timeout, 409, 429, 5xx, malformed, 400, 401)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from leadrelay.errors import IntegrationError
from leadrelay.integrations.hubspot import HubSpotSettings, HubSpotSink, task_token
from leadrelay.standins import hubspot as standin
from tests.integrations.test_crm_contract import OWNER, make_lead
from tests.support import free_port

pytestmark = pytest.mark.integration  # a real HTTP server on loopback


@pytest.fixture
def app() -> FastAPI:
    app = standin.make_app(timeout_s=5.0)
    standin.add_owner(app, OWNER)
    return app


def make_sink(base_url: str, http: httpx.Client, **settings: Any) -> HubSpotSink:
    values: dict[str, Any] = {"base_url": base_url, "access_token": SecretStr("hubspot-standin-token"),
                              "timeout_s": 2.0, **settings}
    return HubSpotSink(HubSpotSettings(**values), http)


def oauth(base_url: str, http: httpx.Client, **settings: Any) -> HubSpotSink:
    return make_sink(base_url, http, refresh_token=SecretStr("hubspot-standin-refresh"), client_id="standin-client",
                     client_secret=SecretStr("standin-secret"), **settings)


def contacts(app: FastAPI) -> list[dict[str, Any]]:
    return list(app.state.records["contacts"].values())


def test_a_timeout_is_retryable_and_the_retry_creates_nothing_twice(app: FastAPI, base_url: str,
                                                                    http: httpx.Client) -> None:
    sink = make_sink(base_url, http, timeout_s=0.3)
    app.state.faults = ["timeout"]  # the owner lookup: answered too late
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert caught.value.retryable is True
    assert "timed out" in str(caught.value)
    app.state.faults = [None, None, "timeout"]  # owner, search, then the contact create lands but its answer is late
    with pytest.raises(IntegrationError):
        sink.upsert_lead(make_lead())
    assert len(contacts(app)) == 1
    ref = sink.upsert_lead(make_lead())
    assert "contact" not in ref.created
    assert len(contacts(app)) == 1
    assert len(app.state.records["tasks"]) == 1


def test_without_a_timeout_setting_the_client_timeout_counts(app: FastAPI, base_url: str) -> None:
    app.state.faults = ["timeout"]
    with httpx.Client(timeout=0.3) as http:
        sink = HubSpotSink(HubSpotSettings(base_url=base_url, access_token=SecretStr("hubspot-standin-token")), http)
        with pytest.raises(IntegrationError) as caught:
            sink.upsert_lead(make_lead())
    assert caught.value.retryable is True


def test_a_409_on_create_updates_the_existing_contact(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.records["contacts"]["77"] = {"id": "77", "properties": {"email": "ana.ruiz1@initech.example"},
                                           "createdAt": "", "updatedAt": "", "archived": False}
    app.state.unindexed.add("77")  # just created elsewhere: search does not see it yet, create gets 409
    ref = make_sink(base_url, http).upsert_lead(make_lead())
    assert ref.contact_id == "77"
    assert "contact" not in ref.created
    assert len(contacts(app)) == 1
    assert app.state.records["contacts"]["77"]["properties"]["jobtitle"] == "VP Data"
    assert ("PATCH", "/crm/v3/objects/contacts/77") in app.state.requests


def test_a_429_is_retryable_after_retry_after(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.retry_after_s = 7
    app.state.faults = ["429"]
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code, caught.value.retry_after_s) == (True, 429, 7.0)


def test_a_429_without_retry_after_waits_by_hubspot_policy(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.faults = ["429-policy"]  # policyName SECONDLY
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.retry_after_s) == (True, 1.0)


@pytest.mark.parametrize("status", ["500", "502", "503"])
def test_a_5xx_is_retryable_and_a_later_write_completes(app: FastAPI, base_url: str, http: httpx.Client,
                                                        status: str) -> None:
    sink = make_sink(base_url, http)
    app.state.faults = [None, None, None, status]  # owner, contact search, contact create, then the company search
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (True, int(status))
    assert "/crm/v3/objects/companies/search" in str(caught.value)
    ref = sink.upsert_lead(make_lead())
    assert ref.created == ("company", "task")
    assert (len(contacts(app)), len(app.state.records["companies"]), len(app.state.records["tasks"])) == (1, 1, 1)


def test_a_malformed_body_is_not_retryable_and_names_the_endpoint(app: FastAPI, base_url: str,
                                                                  http: httpx.Client) -> None:
    app.state.faults = [None, "malformed"]  # the contact search answers half a JSON document
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert caught.value.retryable is False
    assert "POST /crm/v3/objects/contacts/search: malformed response" in str(caught.value)


def test_a_400_is_not_retryable_and_says_why(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = HubSpotSink(HubSpotSettings(base_url=base_url, access_token=SecretStr("hubspot-standin-token")), http,
                       {"use_case": "no_such_property"})
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (False, 400)
    assert "POST /crm/v3/objects/contacts: 400 VALIDATION_ERROR" in str(caught.value)
    assert "no_such_property" in str(caught.value)
    assert contacts(app) == []


def test_an_expired_token_is_refreshed_once_and_the_call_retried(app: FastAPI, base_url: str,
                                                                 http: httpx.Client) -> None:
    sink = oauth(base_url, http)
    standin.expire_tokens(app)
    ref = sink.upsert_lead(make_lead())
    assert sorted(ref.created) == ["company", "contact", "task"]
    assert sink.access_token != "hubspot-standin-token"
    assert sink.access_token in app.state.tokens
    assert app.state.requests.count(("POST", "/oauth/v1/token")) == 1


def test_a_token_expiring_mid_write_is_refreshed(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = oauth(base_url, http)
    app.state.faults = [None, None, "401"]
    ref = sink.upsert_lead(make_lead())
    assert ref.task_id is not None
    assert app.state.requests.count(("POST", "/oauth/v1/token")) == 1


def test_a_refused_refresh_is_not_retryable(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = make_sink(base_url, http, refresh_token=SecretStr("revoked"), client_id="standin-client",
                     client_secret=SecretStr("standin-secret"))
    standin.expire_tokens(app)
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert caught.value.retryable is False
    assert "token refresh refused" in str(caught.value)


def test_a_401_without_refresh_credentials_is_not_retryable(app: FastAPI, base_url: str,
                                                           http: httpx.Client) -> None:
    standin.expire_tokens(app)
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (False, 401)
    assert ("POST", "/oauth/v1/token") not in app.state.requests


def test_a_refused_connection_is_retryable(http: httpx.Client) -> None:
    with pytest.raises(IntegrationError) as caught:
        make_sink(f"http://127.0.0.1:{free_port()}", http).upsert_lead(make_lead())
    assert caught.value.retryable is True


def test_the_task_carries_the_key_token_and_both_associations(app: FastAPI, base_url: str,
                                                              http: httpx.Client) -> None:
    ref = make_sink(base_url, http).upsert_lead(make_lead())
    assert ref.task_id is not None
    task = app.state.records["tasks"][ref.task_id]
    assert task_token(make_lead().key) in task["properties"]["hs_task_body"]
    assert task["properties"]["hs_task_status"] == "NOT_STARTED"
    assert task["properties"]["hubspot_owner_id"] in app.state.owners
    assert ("tasks", ref.task_id, "contacts", ref.contact_id, 204) in app.state.associations
    assert ("tasks", ref.task_id, "companies", ref.company_id, 192) in app.state.associations
    assert ("contacts", ref.contact_id, "companies", ref.company_id, 279) in app.state.associations


def test_an_unknown_owner_leaves_the_task_unassigned(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    ref = make_sink(base_url, http).upsert_lead(make_lead(owner_email="nobody@cobalt.example"))
    assert ref.task_id is not None
    assert "hubspot_owner_id" not in app.state.records["tasks"][ref.task_id]["properties"]


def test_search_pages_and_counts(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    for n in range(3):
        app.state.records["companies"][str(n + 1)] = {"id": str(n + 1), "properties": {"domain": "a.example"},
                                                      "createdAt": "", "updatedAt": "", "archived": False}
    body = {"filterGroups": [{"filters": [{"propertyName": "domain", "operator": "EQ", "value": "a.example"}]}],
            "limit": 2}
    answer = http.post(f"{base_url}/crm/v3/objects/companies/search", json=body,
                       headers={"Authorization": "Bearer hubspot-standin-token"}).json()
    assert answer["total"] == 3
    assert [r["id"] for r in answer["results"]] == ["1", "2"]
    assert answer["paging"] == {"next": {"after": "2"}}


def test_the_stand_in_answers_401_for_an_unknown_token_and_404_for_an_unknown_record(base_url: str,
                                                                                     http: httpx.Client) -> None:
    unknown = http.post(f"{base_url}/crm/v3/objects/contacts", json={"properties": {"email": "a@b.example"}},
                        headers={"Authorization": "Bearer nope"})
    assert (unknown.status_code, unknown.json()["category"]) == (401, "INVALID_AUTHENTICATION")
    missing = http.patch(f"{base_url}/crm/v3/objects/contacts/424242", json={"properties": {"firstname": "A"}},
                         headers={"Authorization": "Bearer hubspot-standin-token"})
    assert (missing.status_code, missing.json()["category"]) == (404, "OBJECT_NOT_FOUND")
