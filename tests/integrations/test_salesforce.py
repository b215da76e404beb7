"""SalesforceSink against the Salesforce stand-in: failures, duplicates, token refresh, Lead mode, SOQL escaping."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from leadrelay.errors import IntegrationError
from leadrelay.integrations.salesforce import SalesforceSettings, SalesforceSink, soql_contains, soql_quote, task_token
from leadrelay.standins import salesforce as standin
from tests.integrations.test_crm_contract import OWNER, make_lead

pytestmark = pytest.mark.integration  # a real HTTP server on loopback


@pytest.fixture
def app() -> FastAPI:
    app = standin.make_app(timeout_s=5.0)
    standin.add_user(app, OWNER)
    return app


def make_sink(base_url: str, http: httpx.Client, **settings: Any) -> SalesforceSink:
    values: dict[str, Any] = {"instance_url": base_url, "access_token": SecretStr("salesforce-standin-token"),
                              "token_url": f"{base_url}/services/oauth2/token", "timeout_s": 2.0, **settings}
    return SalesforceSink(SalesforceSettings(**values), http)


def oauth(base_url: str, http: httpx.Client, **settings: Any) -> SalesforceSink:
    return make_sink(base_url, http, refresh_token=SecretStr("salesforce-standin-refresh"),
                     client_id="standin-client", client_secret=SecretStr("standin-secret"), **settings)


def leads(app: FastAPI) -> list[dict[str, Any]]:
    return list(app.state.records["Lead"].values())


def test_a_lead_is_written_as_a_lead_with_company_and_a_task(app: FastAPI, base_url: str,
                                                             http: httpx.Client) -> None:
    ref = make_sink(base_url, http).upsert_lead(make_lead())
    assert sorted(ref.created) == ["contact", "task"]  # a Lead carries its company; no Account
    assert ref.company_id is None
    lead = app.state.records["Lead"][ref.contact_id]
    assert (lead["Email"], lead["LastName"], lead["Company"], lead["Title"], lead["Description"]) == (
        "ana.ruiz1@initech.example", "Ruiz", "Initech", "VP Data", "SOC 2 reporting")
    assert lead["OwnerId"] in app.state.users
    assert ref.task_id is not None
    task = app.state.records["Task"][ref.task_id]
    assert task["WhoId"] == ref.contact_id
    assert task_token(make_lead().key) in task["Subject"]
    assert "WhatId" not in task


def test_required_lead_fields_get_placeholders(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    ref = make_sink(base_url, http).upsert_lead(make_lead(last_name=None, company=None, domain=None,
                                                          email="kim@mail.example"))
    lead = app.state.records["Lead"][ref.contact_id]
    assert (lead["LastName"], lead["Company"]) == ("kim", "[not provided]")


def test_a_second_write_updates_the_lead_and_keeps_one_task(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = make_sink(base_url, http)
    first = sink.upsert_lead(make_lead())
    second = sink.upsert_lead(make_lead(fields={"role": "CDO"}))
    assert second.created == ()
    assert second.contact_id == first.contact_id
    assert (len(leads(app)), len(app.state.records["Task"])) == (1, 1)
    assert app.state.records["Lead"][first.contact_id]["Title"] == "CDO"


def test_duplicates_detected_updates_the_matched_record(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.records["Lead"]["00Q000000000099AAA"] = {"Id": "00Q000000000099AAA", "Email": "ana.ruiz1@initech.example",
                                                       "LastName": "R.", "Company": "Initech", "CreatedDate": ""}
    app.state.hidden.add("00Q000000000099AAA")  # the query misses it; the duplicate rule still matches it
    ref = make_sink(base_url, http).upsert_lead(make_lead())
    assert ref.contact_id == "00Q000000000099AAA"
    assert "contact" not in ref.created
    assert len(leads(app)) == 1
    assert app.state.records["Lead"]["00Q000000000099AAA"]["LastName"] == "Ruiz"


def test_a_timeout_is_retryable_and_the_retry_creates_nothing_twice(app: FastAPI, base_url: str,
                                                                    http: httpx.Client) -> None:
    sink = make_sink(base_url, http, timeout_s=0.3)
    app.state.faults = [None, None, "timeout"]  # user, lead query, then the create lands but its answer is late
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert caught.value.retryable is True
    assert len(leads(app)) == 1
    app.state.faults = [None, None, None, "timeout"]  # lead query, patch, task query, then the task create lands late
    with pytest.raises(IntegrationError):
        sink.upsert_lead(make_lead())
    ref = sink.upsert_lead(make_lead())
    assert ref.created == ()
    assert (len(leads(app)), len(app.state.records["Task"])) == (1, 1)


def test_a_429_is_retryable_after_retry_after(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.retry_after_s = 30
    app.state.faults = ["429"]
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code, caught.value.retry_after_s) == (True, 429, 30.0)


def test_request_limit_exceeded_is_retryable(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    app.state.faults = ["403-limit"]
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (True, 403)
    assert "REQUEST_LIMIT_EXCEEDED" in str(caught.value)


def test_a_500_is_retryable_and_a_later_write_completes(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = make_sink(base_url, http)
    app.state.faults = [None, None, None, "500"]  # user, query, create, then the task query
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (True, 500)
    assert "UNKNOWN_EXCEPTION" in str(caught.value)
    ref = sink.upsert_lead(make_lead())
    assert ref.created == ("task",)


def test_a_malformed_body_is_not_retryable_and_names_the_endpoint(app: FastAPI, base_url: str,
                                                                  http: httpx.Client) -> None:
    app.state.faults = ["malformed"]
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert caught.value.retryable is False
    assert "GET /query: malformed response" in str(caught.value)


def test_an_invalid_field_is_not_retryable(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = SalesforceSink(SalesforceSettings(instance_url=base_url, access_token=SecretStr("salesforce-standin-token")),
                          http, {"use_case": "Use_Case__c"})
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (False, 400)
    assert "POST /sobjects/Lead/: 400 INVALID_FIELD" in str(caught.value)


def test_an_invalid_session_is_refreshed_once_and_retried(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = oauth(base_url, http)
    standin.expire_tokens(app)
    ref = sink.upsert_lead(make_lead())
    assert ref.task_id is not None
    assert sink.access_token in app.state.tokens
    assert app.state.requests.count(("POST", "/services/oauth2/token")) == 1


def test_a_session_expiring_mid_write_is_refreshed(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = oauth(base_url, http)
    app.state.faults = [None, None, "401"]
    assert sink.upsert_lead(make_lead()).task_id is not None
    assert app.state.requests.count(("POST", "/services/oauth2/token")) == 1


def test_a_refused_refresh_is_not_retryable(app: FastAPI, base_url: str, http: httpx.Client) -> None:
    sink = make_sink(base_url, http, refresh_token=SecretStr("revoked"), client_id="standin-client")
    standin.expire_tokens(app)
    with pytest.raises(IntegrationError) as caught:
        sink.upsert_lead(make_lead())
    assert caught.value.retryable is False
    assert "invalid_grant" in str(caught.value)


def test_an_invalid_session_without_refresh_credentials_is_not_retryable(app: FastAPI, base_url: str,
                                                                         http: httpx.Client) -> None:
    standin.expire_tokens(app)
    with pytest.raises(IntegrationError) as caught:
        make_sink(base_url, http).upsert_lead(make_lead())
    assert (caught.value.retryable, caught.value.status_code) == (False, 401)
    assert "INVALID_SESSION_ID" in str(caught.value)


def test_an_account_is_matched_by_website_host_not_by_substring(app: FastAPI, base_url: str,
                                                                http: httpx.Client) -> None:
    app.state.records["Account"]["001000000000001AAA"] = {"Id": "001000000000001AAA", "Name": "Not Initech",
                                                          "Website": "https://notinitech.example",
                                                          "CreatedDate": "1"}
    app.state.records["Account"]["001000000000002AAA"] = {"Id": "001000000000002AAA", "Name": "Initech",
                                                          "Website": "http://www.initech.example/en/",
                                                          "CreatedDate": "2"}
    ref = make_sink(base_url, http, object="Contact").upsert_lead(make_lead())
    assert ref.company_id == "001000000000002AAA"
    assert app.state.records["Contact"][ref.contact_id]["AccountId"] == "001000000000002AAA"
    assert app.state.records["Task"][ref.task_id]["WhatId"] == "001000000000002AAA"


def test_quotes_and_wildcards_in_an_email_cannot_break_or_widen_a_query(app: FastAPI, base_url: str,
                                                                        http: httpx.Client) -> None:
    sink = make_sink(base_url, http)
    sink.upsert_lead(make_lead(email="o'brien@initech.example", key="k1"))
    ref = sink.upsert_lead(make_lead(email="o'brien@initech.example", key="k1"))
    assert ref.created == ()
    other = sink.upsert_lead(make_lead(email="o_brien@initech.example", key="k2"))
    assert "contact" in other.created  # _ is not a wildcard here
    assert len(leads(app)) == 2


def test_soql_literals_escape_quotes_backslashes_and_wildcards() -> None:
    assert soql_quote("o'brien\\x\n") == "'o\\'brien\\\\x\\n'"
    assert soql_contains("50%_off") == "'%50\\%\\_off%'"
    parsed = standin.parse_soql(f"SELECT Id FROM Lead WHERE Email = {soql_quote(chr(39) + ' OR Id != null')} LIMIT 1")
    assert parsed["where"] == [("Email", "=", "' OR Id != null")]
    with pytest.raises(standin.SoqlError):
        standin.parse_soql("SELECT Id FROM Lead WHERE Email = 'o'brien'")


def test_the_stand_in_answers_401_for_an_unknown_session_and_404_for_an_unknown_record(base_url: str,
                                                                                       http: httpx.Client) -> None:
    unknown = http.get(f"{base_url}/services/data/v60.0/query", params={"q": "SELECT Id FROM Lead"},
                       headers={"Authorization": "Bearer nope"})
    assert (unknown.status_code, unknown.json()[0]["errorCode"]) == (401, "INVALID_SESSION_ID")
    missing = http.patch(f"{base_url}/services/data/v60.0/sobjects/Lead/00Q000000000404AAA", json={"Title": "x"},
                         headers={"Authorization": "Bearer salesforce-standin-token"})
    assert (missing.status_code, missing.json()[0]["errorCode"]) == (404, "NOT_FOUND")
