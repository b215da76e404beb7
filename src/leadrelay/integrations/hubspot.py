"""HubSpot CRM sink: a thin httpx client for the few CRM v3/v4 endpoints LeadRelay uses.

Per lead: search the contact by email (create it, or PATCH it; a 409 "Contact already exists. Existing ID: N"
becomes a PATCH of N), search the company by domain (create it if absent), associate them with the v4 default
association, and create the owner's task once: the task body carries a token made from the action key, and the
tasks are searched for that token before a task is created.

Errors become `IntegrationError`: 429 (with Retry-After, or HubSpot's rate-limit policy), 5xx, timeouts and
connection failures are retryable; a 401 refreshes the OAuth token once and retries; 400, other 4xx and malformed
bodies are not retryable and name the endpoint.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel, SecretStr

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmRef, map_fields
from leadrelay.integrations.http import BearerApi, retry_after_s

__all__ = ["DEFAULT_FIELD_MAPPING", "HubSpotSettings", "HubSpotSink", "task_token"]

log = logging.getLogger(__name__)

SLUG = "hubspot"

# Our field names -> HubSpot default contact properties. A workspace may override or extend this (custom
# properties must exist in the portal first); a field without a mapping is not written.
DEFAULT_FIELD_MAPPING: dict[str, str] = {
    "company": "company",
    "role": "jobtitle",
    "country": "country",
    "use_case": "message",
}

# Association type ids HubSpot defines for a task (engagement) to a contact and to a company.
TASK_TO_CONTACT = 204
TASK_TO_COMPANY = 192

# Seconds to wait when a 429 carries no Retry-After, by HubSpot's rate-limit policy name.
_POLICY_WAIT_S = {"SECONDLY": 1.0, "TEN_SECONDLY_ROLLING": 10.0, "MINUTELY": 60.0, "DAILY": 3600.0}
_EXISTING_ID = re.compile(r"Existing ID:\s*(\d+)")


class HubSpotSettings(BaseModel):
    """How to reach one HubSpot portal: a private-app token, or OAuth tokens that can be refreshed."""

    base_url: str = "https://api.hubapi.com"
    access_token: SecretStr
    refresh_token: SecretStr | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    timeout_s: float | None = None  # None: the http client's own timeout (the outbox's action_timeout_s)
    portal_id: str | None = None  # for links to records in the HubSpot app


def task_token(key: str) -> str:
    """The search token standing for an action key in a task body (letters and digits only, one search token)."""
    return "lrkey" + hashlib.sha256(key.encode()).hexdigest()[:24]


class HubSpotSink(BearerApi):
    """Writes leads to HubSpot as contacts, companies and owner tasks.

    Args:
        settings: portal URL, tokens and timeout.
        http: the client to send requests with (tests point it at a stand-in).
        field_mapping: overrides of `DEFAULT_FIELD_MAPPING`; an empty property name drops a field.
    """

    slug = SLUG

    def __init__(self, settings: HubSpotSettings, http: httpx.Client, field_mapping: dict[str, str] | None = None
                 ) -> None:
        super().__init__(http, access_token=settings.access_token.get_secret_value(),
                         refresh_token=settings.refresh_token.get_secret_value() if settings.refresh_token else None,
                         timeout_s=settings.timeout_s)
        self._settings = settings
        self._mapping = {**DEFAULT_FIELD_MAPPING, **(field_mapping or {})}
        self._owner_ids: dict[str, str | None] = {}

    def mapped_properties(self, fields: dict[str, str]) -> dict[str, str]:
        """Our fields as HubSpot properties by the field mapping; unmapped fields and empty values are dropped."""
        return map_fields(fields, self._mapping, keep_unmapped=False)

    def upsert_lead(self, lead: CrmLead) -> CrmRef:
        """Search before create, upsert contact and company, associate them, create the owner's task once.

        Raises:
            IntegrationError: HubSpot refused or failed; `retryable` says whether to try again.
        """
        if not lead.email:
            raise IntegrationError(f"lead {lead.lead_id} has no email to match a contact on", slug=SLUG,
                                   retryable=False)
        created: list[str] = []
        owner_id = self._owner_id(lead.owner_email) if lead.owner_email else None
        contact_id, contact_created = self._upsert_contact(lead, owner_id)
        if contact_created:
            created.append("contact")
        company_id = None
        if lead.domain:
            company_id, company_created = self._upsert_company(lead)
            if company_created:
                created.append("company")
            self._request("PUT", f"/crm/v4/objects/contact/{contact_id}/associations/default/company/{company_id}")
        task_id = None
        if lead.task_subject:
            task_id, task_created = self._ensure_task(lead, contact_id, company_id, owner_id)
            if task_created:
                created.append("task")
        log.info("hubspot lead written", extra={"lead_id": lead.lead_id, "contact_id": contact_id,
                                                "created": created})
        url = None
        if self._settings.portal_id:
            url = f"https://app.hubspot.com/contacts/{self._settings.portal_id}/record/0-1/{contact_id}"
        return CrmRef(system=SLUG, contact_id=contact_id, company_id=company_id, task_id=task_id,
                      created=tuple(created), url=url)

    # -- objects -------------------------------------------------------------------------------------

    def _upsert_contact(self, lead: CrmLead, owner_id: str | None) -> tuple[str, bool]:
        assert lead.email is not None
        email = lead.email.strip().lower()
        properties = self.mapped_properties(lead.fields)
        if lead.company and self._mapping.get("company"):
            properties.setdefault(self._mapping["company"], lead.company)
        if lead.first_name:
            properties["firstname"] = lead.first_name
        if lead.last_name:
            properties["lastname"] = lead.last_name
        found = self._search_one("contacts", "email", "EQ", email)
        if found is not None:
            self._patch("contacts", found, properties)
            return found, False
        create = {**properties, "email": email}
        if owner_id:
            create["hubspot_owner_id"] = owner_id
        path = "/crm/v3/objects/contacts"
        response = self._request("POST", path, json={"properties": create}, allow=(409,))
        if response.status_code == 409:
            # Created between our search and our create (HubSpot's search index lags a few seconds).
            message = str(_json(response, path).get("message", ""))
            match = _EXISTING_ID.search(message)
            if not match:
                raise IntegrationError(f"POST {path}: 409 without an existing id: {message[:200]}", slug=SLUG,
                                       retryable=False, status_code=409)
            self._patch("contacts", match.group(1), properties)
            return match.group(1), False
        return _object_id(response, path), True

    def _upsert_company(self, lead: CrmLead) -> tuple[str, bool]:
        assert lead.domain is not None
        domain = lead.domain.strip().lower()
        found = self._search_one("companies", "domain", "EQ", domain)
        if found is not None:
            return found, False
        path = "/crm/v3/objects/companies"
        response = self._request("POST", path, json={"properties": {"domain": domain,
                                                                    "name": lead.company or domain}})
        return _object_id(response, path), True

    def _ensure_task(self, lead: CrmLead, contact_id: str, company_id: str | None, owner_id: str | None
                     ) -> tuple[str, bool]:
        token = task_token(lead.key)
        found = self._search_one("tasks", "hs_task_body", "CONTAINS_TOKEN", token)
        if found is not None:
            return found, False
        body = (lead.task_body or "").rstrip()
        properties = {
            "hs_timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "hs_task_subject": lead.task_subject or "",
            "hs_task_body": f"{body}\n\n(LeadRelay {token})".lstrip(),
            "hs_task_status": "NOT_STARTED",
            "hs_task_priority": "HIGH",
            "hs_task_type": "TODO",
        }
        if owner_id:
            properties["hubspot_owner_id"] = owner_id
        associations = [{"to": {"id": contact_id},
                         "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_CONTACT}]}]
        if company_id:
            associations.append({"to": {"id": company_id}, "types": [
                {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_COMPANY}]})
        path = "/crm/v3/objects/tasks"
        response = self._request("POST", path, json={"properties": properties, "associations": associations})
        return _object_id(response, path), True

    def _owner_id(self, email: str) -> str | None:
        email = email.strip().lower()
        if email not in self._owner_ids:
            path = "/crm/v3/owners/"
            response = self._request("GET", path, params={"email": email, "limit": 1})
            results = _json(response, path).get("results")
            if not isinstance(results, list):
                raise _malformed("GET", path, "no results list")
            self._owner_ids[email] = str(results[0]["id"]) if results and results[0].get("id") else None
        return self._owner_ids[email]

    def _search_one(self, object_: str, prop: str, operator: str, value: str) -> str | None:
        path = f"/crm/v3/objects/{object_}/search"
        body = {"filterGroups": [{"filters": [{"propertyName": prop, "operator": operator, "value": value}]}],
                "properties": [prop], "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                "limit": 1}
        data = _json(self._request("POST", path, json=body), path)
        results = data.get("results")
        if not isinstance(results, list) or "total" not in data:
            raise _malformed("POST", path, "no total/results")
        if not results:
            return None
        object_id = results[0].get("id") if isinstance(results[0], dict) else None
        if not object_id:
            raise _malformed("POST", path, "a result without an id")
        return str(object_id)

    def _patch(self, object_: str, object_id: str, properties: dict[str, str]) -> None:
        if properties:
            self._request("PATCH", f"/crm/v3/objects/{object_}/{object_id}", json={"properties": properties})

    # -- transport -----------------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self._settings.base_url.rstrip("/") + path

    def _error(self, method: str, path: str, response: httpx.Response) -> IntegrationError:
        return _error(method, path, response)

    def _can_refresh(self) -> bool:
        return bool(self._refresh_token and self._settings.client_id and self._settings.client_secret)

    def _refresh(self, *, used_token: str) -> None:
        with self._token_lock:
            if self._access_token != used_token:
                return  # another thread refreshed already
            assert self._refresh_token and self._settings.client_secret
            path = "/oauth/v1/token"
            form = {"grant_type": "refresh_token", "client_id": self._settings.client_id or "",
                    "client_secret": self._settings.client_secret.get_secret_value(),
                    "refresh_token": self._refresh_token}
            try:
                response = self._http.post(self._settings.base_url.rstrip("/") + path, data=form,
                                           timeout=self._timeout())
            except httpx.TimeoutException as exc:
                raise IntegrationError(f"POST {path} timed out", slug=SLUG, retryable=True) from exc
            except httpx.TransportError as exc:
                raise IntegrationError(f"POST {path} failed: {exc}", slug=SLUG, retryable=True) from exc
            if not response.is_success:
                error = _error("POST", path, response)
                raise IntegrationError(f"token refresh refused: {error}", slug=SLUG, retryable=error.retryable,
                                       status_code=response.status_code, retry_after_s=error.retry_after_s)
            data = _json(response, path)
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise _malformed("POST", path, "no access_token")
            self._access_token = token
            if isinstance(data.get("refresh_token"), str):
                self._refresh_token = data["refresh_token"]
            log.info("hubspot token refreshed")


def _json(response: httpx.Response, path: str) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        raise _malformed(response.request.method, path, "not JSON", response.status_code) from None
    if not isinstance(data, dict):
        raise _malformed(response.request.method, path, "not a JSON object", response.status_code)
    return data


def _object_id(response: httpx.Response, path: str) -> str:
    object_id = _json(response, path).get("id")
    if not object_id:
        raise _malformed(response.request.method, path, "no id", response.status_code)
    return str(object_id)


def _malformed(method: str, path: str, what: str, status: int | None = None) -> IntegrationError:
    return IntegrationError(f"{method} {path}: malformed response ({what})", slug=SLUG, retryable=False,
                            status_code=status)


def _error(method: str, path: str, response: httpx.Response) -> IntegrationError:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = str(body.get("message") or response.text[:200] or response.reason_phrase)
    category = body.get("category") or body.get("errorType")
    where = f"{method} {path}: {status}" + (f" {category}" if category else "")
    if status == 429:
        wait = retry_after_s(response.headers)
        if wait is None:
            wait = _POLICY_WAIT_S.get(str(body.get("policyName", "")).upper(), 10.0)
        return IntegrationError(f"{where} rate limited: {detail}", slug=SLUG, retryable=True, status_code=status,
                                retry_after_s=wait)
    if status >= 500:
        return IntegrationError(f"{where}: {detail}", slug=SLUG, retryable=True, status_code=status)
    if status == 401:
        return IntegrationError(f"{where}: token rejected (refresh not possible or did not help): {detail}",
                                slug=SLUG, retryable=False, status_code=status)
    return IntegrationError(f"{where}: {detail}", slug=SLUG, retryable=False, status_code=status)
