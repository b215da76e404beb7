"""Salesforce CRM sink: a thin httpx client for the REST API's SOQL query and sObject endpoints.

Per lead: query the Lead (or Contact) by Email and PATCH it, or POST a new one (a DUPLICATES_DETECTED refusal
becomes a PATCH of the matched record); when writing Contacts, query the Account by Website/domain (create it if
absent) and set the Contact's AccountId; create the owner's Task once: its Subject carries a token made from the
action key, and Tasks are queried for that token before one is created.

Errors arrive as a JSON list of ``{"message", "errorCode"}``. INVALID_SESSION_ID (401) refreshes the OAuth token
once and retries; REQUEST_LIMIT_EXCEEDED (403), 429, 5xx, timeouts and connection failures are retryable; other
errors and malformed bodies are not, and name the endpoint.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, SecretStr

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmRef, map_fields
from leadrelay.integrations.http import BearerApi, retry_after_s

__all__ = ["DEFAULT_FIELD_MAPPING", "SalesforceSettings", "SalesforceSink", "soql_contains", "soql_quote", "task_token"]

log = logging.getLogger(__name__)

SLUG = "salesforce"

# Our field names -> standard fields, per object written. A workspace may override or extend a mapping
# (custom fields end in __c and must exist first); a field without a mapping is not written.
DEFAULT_FIELD_MAPPING: dict[str, dict[str, str]] = {
    "Lead": {"role": "Title", "country": "Country", "use_case": "Description", "source": "LeadSource"},
    "Contact": {"role": "Title", "country": "MailingCountry", "use_case": "Description", "source": "LeadSource"},
}
NOT_PROVIDED = "[not provided]"  # for the required Lead.Company / LastName when the lead did not say
_RETRYABLE_CODES = {"REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE", "UNABLE_TO_LOCK_ROW", "API_CURRENTLY_DISABLED"}
_SOQL_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
                 "\f": "\\f"}


class SalesforceSettings(BaseModel):
    """How to reach one Salesforce org: instance URL, API version, OAuth tokens, and the object leads become."""

    instance_url: str
    api_version: str = "v60.0"
    access_token: SecretStr
    refresh_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    token_url: str = "https://login.salesforce.com/services/oauth2/token"
    timeout_s: float | None = None  # None: the http client's own timeout (the outbox's action_timeout_s)
    object: Literal["Lead", "Contact"] = "Lead"


def soql_quote(value: str) -> str:
    """`value` as a quoted SOQL string literal, with quotes, backslashes and control characters escaped."""
    return "'" + "".join(_SOQL_ESCAPES.get(char, char) for char in value) + "'"


def soql_contains(value: str) -> str:
    """A quoted SOQL LIKE pattern matching text that contains `value` (its own % and _ match themselves)."""
    escapes = {**_SOQL_ESCAPES, "%": "\\%", "_": "\\_"}
    return "'%" + "".join(escapes.get(char, char) for char in value) + "%'"


def task_token(key: str) -> str:
    """The token standing for an action key in a Task subject."""
    return "LR-" + hashlib.sha256(key.encode()).hexdigest()[:16]


class SalesforceSink(BearerApi):
    """Writes leads to Salesforce as Leads (or Contacts with Accounts) and owner Tasks.

    Args:
        settings: org URL, API version, tokens, timeout and the object to write.
        http: the client to send requests with (tests point it at a stand-in).
        field_mapping: overrides of the object's `DEFAULT_FIELD_MAPPING`; an empty field name drops a field.
    """

    slug = SLUG

    def __init__(self, settings: SalesforceSettings, http: httpx.Client,
                 field_mapping: dict[str, str] | None = None) -> None:
        super().__init__(http, access_token=settings.access_token.get_secret_value(),
                         refresh_token=settings.refresh_token.get_secret_value() if settings.refresh_token else None,
                         timeout_s=settings.timeout_s)
        self._settings = settings
        self._object = settings.object
        self._mapping = {**DEFAULT_FIELD_MAPPING[settings.object], **(field_mapping or {})}
        self._instance_url = settings.instance_url.rstrip("/")
        self._user_ids: dict[str, str | None] = {}

    def mapped_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """Our fields as Salesforce fields by the field mapping; unmapped fields and empty values are dropped."""
        return map_fields(fields, self._mapping, keep_unmapped=False)

    def upsert_lead(self, lead: CrmLead) -> CrmRef:
        """Query before create, upsert the Lead/Contact (and Account), create the owner's Task once.

        Raises:
            IntegrationError: Salesforce refused or failed; `retryable` says whether to try again.
        """
        if not lead.email:
            raise IntegrationError(f"lead {lead.lead_id} has no email to match a {self._object} on", slug=SLUG,
                                   retryable=False)
        created: list[str] = []
        owner_id = self._user_id(lead.owner_email) if lead.owner_email else None
        account_id = None
        if self._object == "Contact" and lead.domain:
            account_id, account_created = self._upsert_account(lead)
            if account_created:
                created.append("company")
        person_id, person_created = self._upsert_person(lead, account_id, owner_id)
        if person_created:
            created.append("contact")
        task_id = None
        if lead.task_subject:
            task_id, task_created = self._ensure_task(lead, person_id, account_id, owner_id)
            if task_created:
                created.append("task")
        log.info("salesforce lead written", extra={"lead_id": lead.lead_id, "record_id": person_id,
                                                   "created": created})
        return CrmRef(system=SLUG, contact_id=person_id, company_id=account_id, task_id=task_id,
                      created=tuple(created), url=f"{self._instance_url}/lightning/r/{self._object}/{person_id}/view")

    # -- objects -------------------------------------------------------------------------------------

    def _upsert_person(self, lead: CrmLead, account_id: str | None, owner_id: str | None) -> tuple[str, bool]:
        assert lead.email is not None
        email = lead.email.strip().lower()
        values = self.mapped_fields(lead.fields)
        if lead.first_name:
            values["FirstName"] = lead.first_name
        if lead.last_name:
            values["LastName"] = lead.last_name
        if self._object == "Lead" and lead.company:
            values["Company"] = lead.company
        if account_id:
            values["AccountId"] = account_id
        rows = self._query(f"SELECT Id FROM {self._object} WHERE Email = {soql_quote(email)} "
                           "ORDER BY CreatedDate ASC LIMIT 1")
        if rows:
            record_id = _record_id(rows[0], "query")
            self._patch(self._object, record_id, values)
            return record_id, False
        create = {**values, "Email": email}
        create.setdefault("LastName", _last_name_from(email))
        if self._object == "Lead":
            create.setdefault("Company", NOT_PROVIDED)
        if owner_id:
            create["OwnerId"] = owner_id
        path = f"/sobjects/{self._object}/"
        response = self._request("POST", path, json=create, allow=(400,))
        if response.status_code == 400:
            duplicate = _duplicate_of(response)
            if duplicate is None:
                raise _error("POST", path, response)
            self._patch(self._object, duplicate, values)
            return duplicate, False
        return _created_id(response, path), True

    def _upsert_account(self, lead: CrmLead) -> tuple[str, bool]:
        assert lead.domain is not None
        domain = lead.domain.strip().lower()
        rows = self._query("SELECT Id, Website FROM Account WHERE Website LIKE "
                           f"{soql_contains(domain)} ORDER BY CreatedDate ASC LIMIT 50")
        for row in rows:
            if _website_host(str(row.get("Website") or "")) == domain:
                return _record_id(row, "query"), False
        path = "/sobjects/Account/"
        response = self._request("POST", path, json={"Name": lead.company or domain, "Website": domain})
        return _created_id(response, path), True

    def _ensure_task(self, lead: CrmLead, person_id: str, account_id: str | None, owner_id: str | None
                     ) -> tuple[str, bool]:
        token = task_token(lead.key)
        rows = self._query(f"SELECT Id FROM Task WHERE Subject LIKE {soql_contains(token)} "
                           "LIMIT 1")
        if rows:
            return _record_id(rows[0], "query"), False
        suffix = f" [{token}]"
        subject = (lead.task_subject or "")[: 255 - len(suffix)] + suffix
        task: dict[str, Any] = {
            "WhoId": person_id,
            "Subject": subject,
            "Description": f"{(lead.task_body or '').rstrip()}\n\nLeadRelay action {lead.key}".lstrip(),
            "Status": "Not Started",
            "Priority": "High",
            "ActivityDate": datetime.now(UTC).date().isoformat(),
        }
        if account_id:
            task["WhatId"] = account_id
        if owner_id:
            task["OwnerId"] = owner_id
        path = "/sobjects/Task/"
        return _created_id(self._request("POST", path, json=task), path), True

    def _user_id(self, email: str) -> str | None:
        email = email.strip().lower()
        if email not in self._user_ids:
            rows = self._query(f"SELECT Id FROM User WHERE Email = {soql_quote(email)} AND IsActive = true LIMIT 1")
            self._user_ids[email] = _record_id(rows[0], "query") if rows else None
        return self._user_ids[email]

    def _query(self, soql: str) -> list[dict[str, Any]]:
        path = "/query"
        data = _json(self._request("GET", path, params={"q": soql}), "GET", path)
        records = data.get("records")
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise _malformed("GET", path, "no records list")
        return records

    def _patch(self, object_: str, record_id: str, values: dict[str, Any]) -> None:
        if values:
            self._request("PATCH", f"/sobjects/{object_}/{record_id}", json=values)

    # -- transport -----------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return f"{self._instance_url}/services/data/{self._settings.api_version}{path}"

    def _error(self, method: str, path: str, response: httpx.Response) -> IntegrationError:
        return _error(method, path, response)

    def _can_refresh(self) -> bool:
        return bool(self._refresh_token and self._settings.client_id)

    def _refresh(self, *, used_token: str) -> None:
        with self._token_lock:
            if self._access_token != used_token:
                return  # another thread refreshed already
            assert self._refresh_token
            form = {"grant_type": "refresh_token", "client_id": self._settings.client_id or "",
                    "refresh_token": self._refresh_token}
            if self._settings.client_secret:
                form["client_secret"] = self._settings.client_secret.get_secret_value()
            where = "POST token_url"
            try:
                response = self._http.post(self._settings.token_url, data=form, timeout=self._timeout(),
                                           headers={"Accept": "application/json"})
            except httpx.TimeoutException as exc:
                raise IntegrationError(f"{where} timed out", slug=SLUG, retryable=True) from exc
            except httpx.TransportError as exc:
                raise IntegrationError(f"{where} failed: {exc}", slug=SLUG, retryable=True) from exc
            if not response.is_success:
                try:
                    body = response.json()
                except ValueError:
                    body = {}
                detail = (f"{body.get('error')}: {body.get('error_description')}" if isinstance(body, dict)
                          and body.get("error") else response.text[:200])
                raise IntegrationError(f"token refresh refused: {response.status_code} {detail}",
                                       slug=SLUG, retryable=response.status_code >= 500 or response.status_code == 429,
                                       status_code=response.status_code)
            data = _json(response, "POST", "token_url")
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise _malformed("POST", "token_url", "no access_token")
            self._access_token = token
            if isinstance(data.get("instance_url"), str) and data["instance_url"]:
                self._instance_url = data["instance_url"].rstrip("/")
            if isinstance(data.get("refresh_token"), str):
                self._refresh_token = data["refresh_token"]
            log.info("salesforce token refreshed")


def _last_name_from(email: str) -> str:
    local = email.split("@", 1)[0]
    return local or NOT_PROVIDED


def _website_host(website: str) -> str:
    website = website.strip().lower()
    host = urlsplit(website if "//" in website else "//" + website).hostname or ""
    return host.removeprefix("www.")


def _json(response: httpx.Response, method: str, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise _malformed(method, path, "not JSON", response.status_code) from None
    if not isinstance(data, dict):
        raise _malformed(method, path, "not a JSON object", response.status_code)
    return data


def _record_id(row: dict[str, Any], path: str) -> str:
    record_id = row.get("Id")
    if not isinstance(record_id, str) or not record_id:
        raise _malformed("GET", path, "a record without an Id")
    return record_id


def _created_id(response: httpx.Response, path: str) -> str:
    data = _json(response, "POST", path)
    record_id = data.get("id")
    if not isinstance(record_id, str) or not record_id or data.get("success") is False:
        raise _malformed("POST", path, "no id/success")
    return record_id


def _malformed(method: str, path: str, what: str, status: int | None = None) -> IntegrationError:
    return IntegrationError(f"{method} {path}: malformed response ({what})", slug=SLUG, retryable=False,
                            status_code=status)


def _errors(response: httpx.Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    if isinstance(body, dict):
        body = [body]
    return [item for item in body if isinstance(item, dict)] if isinstance(body, list) else []


def _duplicate_of(response: httpx.Response) -> str | None:
    """The id of the record a DUPLICATES_DETECTED refusal matched, if the body names one."""
    for item in _errors(response):
        if item.get("errorCode") != "DUPLICATES_DETECTED":
            continue
        for match in (item.get("duplicateResult") or {}).get("matchResults") or []:
            for record in match.get("matchRecords") or []:
                record_id = (record.get("record") or {}).get("Id")
                if isinstance(record_id, str) and record_id:
                    return record_id
    return None


def _error(method: str, path: str, response: httpx.Response) -> IntegrationError:
    status = response.status_code
    errors = _errors(response)
    codes = [str(item.get("errorCode", "")) for item in errors]
    detail = "; ".join(f"{item.get('errorCode')}: {item.get('message')}" for item in errors) or response.text[:200]
    where = f"{method} {path}: {status}"
    if status == 429 or any(code in _RETRYABLE_CODES for code in codes):
        return IntegrationError(f"{where} {detail}", slug=SLUG, retryable=True, status_code=status,
                                retry_after_s=retry_after_s(response.headers))
    if status >= 500:
        return IntegrationError(f"{where} {detail}", slug=SLUG, retryable=True, status_code=status)
    if status == 401:
        return IntegrationError(f"{where} session rejected (refresh not possible or did not help): {detail}",
                                slug=SLUG, retryable=False, status_code=status)
    return IntegrationError(f"{where} {detail}", slug=SLUG, retryable=False, status_code=status)
