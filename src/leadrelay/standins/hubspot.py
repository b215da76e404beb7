"""A local stand-in for HubSpot: the CRM v3/v4 and OAuth endpoints `HubSpotSink` calls, records kept in memory.

Endpoints, with HubSpot's documented status codes and bodies:
``POST /crm/v3/objects/{contacts|companies|tasks}`` (201; 409 "Contact already exists. Existing ID: N" for a
contact's email; 400 VALIDATION_ERROR for an unknown property), ``PATCH /crm/v3/objects/{type}/{id}`` (200; 404),
``GET /crm/v3/objects/{type}/{id}``, ``POST /crm/v3/objects/{type}/search`` (``total``/``results``/``paging``;
operators EQ, NEQ, CONTAINS_TOKEN, HAS_PROPERTY), ``PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{id}``,
``GET /crm/v3/owners/?email=``, and ``POST /oauth/v1/token`` (grant_type=refresh_token). A missing, unknown or
expired bearer token gets 401.

State for assertions: ``app.state.records[object_type][id]`` (``{"id", "properties", "createdAt", ...}``),
``app.state.associations`` (a set of ``(from_type, from_id, to_type, to_id, type_id)``), ``app.state.requests``
(``(method, path)`` of every call), ``app.state.owners``, ``app.state.tokens``; ids put in
``app.state.unindexed`` are left out of search results, as HubSpot's search index lags writes by seconds.

Faults: append to ``app.state.faults`` one answer per coming API request (``None`` or ``"ok"``: a normal one),
from ``"500"`` (or any 5xx code),
``"429"`` (with ``Retry-After: app.state.retry_after_s``), ``"429-policy"`` (no Retry-After, HubSpot's
``policyName`` body only), ``"timeout"`` (the request IS carried out, then the answer is held back until the
client gives up or ``app.state.timeout_s`` passes), ``"malformed"`` (a 200 whose body is not JSON; nothing done)
and ``"401"`` (the current access tokens expire first).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

__all__ = ["FAULTS", "KNOWN_PROPERTIES", "add_owner", "expire_tokens", "make_app"]

FAULTS = ("500", "429", "429-policy", "timeout", "malformed", "401")

KNOWN_PROPERTIES: dict[str, set[str]] = {
    "contacts": {"email", "firstname", "lastname", "company", "jobtitle", "country", "city", "phone", "website",
                 "message", "numemployees", "industry", "lifecyclestage", "hs_lead_status", "hubspot_owner_id"},
    "companies": {"name", "domain", "website", "industry", "country", "city", "numberofemployees",
                  "hubspot_owner_id"},
    "tasks": {"hs_timestamp", "hs_task_subject", "hs_task_body", "hs_task_status", "hs_task_priority",
              "hs_task_type", "hubspot_owner_id"},
}
_TYPE_IDS = {"contacts": "0-1", "companies": "0-2", "tasks": "0-27"}
_ALIASES = {"contact": "contacts", "contacts": "contacts", "0-1": "contacts", "company": "companies",
            "companies": "companies", "0-2": "companies", "task": "tasks", "tasks": "tasks", "0-27": "tasks"}
_DEFAULT_ASSOCIATION = {("contacts", "companies"): 279, ("companies", "contacts"): 280,
                        ("tasks", "contacts"): 204, ("contacts", "tasks"): 203,
                        ("tasks", "companies"): 192, ("companies", "tasks"): 191}
_TOKEN = re.compile(r"[a-z0-9]+")


def make_app(*, access_token: str = "hubspot-standin-token", refresh_token: str = "hubspot-standin-refresh",
             client_id: str = "standin-client", client_secret: str = "standin-secret",
             extra_properties: dict[str, Iterable[str]] | None = None, retry_after_s: int = 1,
             timeout_s: float = 3.0) -> FastAPI:
    """A HubSpot stand-in accepting `access_token` and refreshing with `refresh_token` for `client_id`/secret.

    `extra_properties` adds custom properties per object type (e.g. ``{"contacts": ["leadrelay_use_case"]}``).
    """
    app = FastAPI(title="HubSpot stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.records = {"contacts": {}, "companies": {}, "tasks": {}}
    app.state.associations = set()
    app.state.owners = {}
    app.state.tokens = {access_token}
    app.state.expired_tokens = set()
    app.state.refresh_tokens = {refresh_token}
    app.state.client = (client_id, client_secret)
    app.state.requests = []
    app.state.faults = []
    app.state.unindexed = set()  # record ids search does not see yet (HubSpot's search index lags writes)
    app.state.retry_after_s = retry_after_s
    app.state.timeout_s = timeout_s
    app.state.properties = {kind: set(names) for kind, names in KNOWN_PROPERTIES.items()}
    for kind, names in (extra_properties or {}).items():
        app.state.properties[kind].update(names)
    lock = threading.Lock()
    ids = itertools.count(1001)

    def error(status: int, message: str, category: str, **extra: Any) -> JSONResponse:
        return JSONResponse({"status": "error", "message": message, "correlationId": str(uuid.uuid4()),
                             "category": category, **extra}, status_code=status)

    def now() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def authorized(request: Request) -> Response | None:
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if token in app.state.tokens:
            return None
        if token in app.state.expired_tokens:
            return error(401, "The OAuth token used to make this call expired 1 second(s) ago.",
                         "EXPIRED_AUTHENTICATION")
        return error(401, "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
                     "INVALID_AUTHENTICATION")

    async def guarded(request: Request, handle: Any) -> Response:
        """Record the call, apply the next fault, check the token, then run `handle`."""
        with lock:
            app.state.requests.append((request.method, request.url.path))
            fault = app.state.faults.pop(0) if app.state.faults else None
        if fault == "401":
            expire_tokens(app)
        elif fault == "malformed":
            return PlainTextResponse('{"id": "12", "properties": ', status_code=200, media_type="application/json")
        elif fault == "429":
            return JSONResponse({"status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                                 "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                                 "policyName": "TEN_SECONDLY_ROLLING"},
                                status_code=429, headers={"Retry-After": str(app.state.retry_after_s)})
        elif fault == "429-policy":
            return JSONResponse({"status": "error", "message": "You have reached your secondly limit.",
                                 "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                                 "policyName": "SECONDLY"}, status_code=429)
        elif fault is not None and fault.isdigit():
            return error(int(fault), "internal error", "INTERNAL_ERROR")
        refused = authorized(request)
        if refused is not None:
            return refused
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return error(400, "Invalid input JSON on line 1", "VALIDATION_ERROR")
        with lock:
            response: Response = handle(body)
        if fault == "timeout":
            await _hold_back(request, app.state.timeout_s)
        return response

    def invalid_properties(kind: str, properties: Any) -> Response | None:
        if not isinstance(properties, dict):
            return error(400, "Invalid input JSON: properties must be an object", "VALIDATION_ERROR")
        unknown = sorted(set(properties) - app.state.properties[kind])
        if unknown:
            details = [{"isValid": False, "message": f'Property "{name}" does not exist',
                        "error": "PROPERTY_DOESNT_EXIST", "name": name} for name in unknown]
            return error(400, f"Property values were not valid: {json.dumps(details)}", "VALIDATION_ERROR")
        return None

    def view(kind: str, record: dict[str, Any], wanted: Iterable[str] | None = None) -> dict[str, Any]:
        props = record["properties"]
        shown = {"hs_object_id": record["id"], "createdate": record["createdAt"],
                 "lastmodifieddate": record["updatedAt"]}
        for name in wanted if wanted is not None else props:
            shown[name] = props.get(name)
        return {"id": record["id"], "properties": shown, "createdAt": record["createdAt"],
                "updatedAt": record["updatedAt"], "archived": False}

    def find_contact(email: str) -> dict[str, Any] | None:
        record: dict[str, Any]
        for record in app.state.records["contacts"].values():
            if str(record["properties"].get("email") or "").lower() == email.lower():
                return record
        return None

    @app.post("/oauth/v1/token")
    async def token(request: Request) -> Response:
        """The refresh-token grant: a new access token, the old ones expire."""
        form = await request.form()
        with lock:
            app.state.requests.append((request.method, request.url.path))
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in app.state.refresh_tokens:
            return JSONResponse({"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"},
                                status_code=400)
        if (form.get("client_id"), form.get("client_secret")) != app.state.client:
            return JSONResponse({"status": "BAD_CLIENT_ID", "message": "missing or unknown client id"},
                                status_code=400)
        new_token = "hs-" + secrets.token_hex(8)
        expire_tokens(app)
        app.state.tokens.add(new_token)
        return JSONResponse({"token_type": "bearer", "refresh_token": form.get("refresh_token"),
                             "access_token": new_token, "expires_in": 1800})

    @app.get("/crm/v3/owners/")
    @app.get("/crm/v3/owners")
    async def owners(request: Request) -> Response:
        """Owners, filtered by ``email``."""
        email = (request.query_params.get("email") or "").lower()

        def handle(_body: Any) -> Response:
            found = [owner for owner in app.state.owners.values() if not email or owner["email"] == email]
            return JSONResponse({"results": found})
        return await guarded(request, handle)

    @app.post("/crm/v3/objects/{kind}/search")
    async def search(kind: str, request: Request) -> Response:
        """Search one object type with filter groups (OR of ANDs); sorted by id; paged by ``after``."""
        def handle(body: Any) -> Response:
            if kind not in app.state.records:
                return error(404, f"Unable to infer object type from: {kind}", "OBJECT_NOT_FOUND")
            if not isinstance(body, dict):
                return error(400, "Invalid input JSON", "VALIDATION_ERROR")
            groups = body.get("filterGroups") or []
            visible = [record for record in app.state.records[kind].values()
                       if record["id"] not in app.state.unindexed]
            matches = [record for record in visible
                       if not groups or any(_matches(record, group.get("filters") or []) for group in groups)]
            matches.sort(key=lambda record: int(record["id"]))
            after = int(body.get("after") or 0)
            limit = int(body.get("limit") or 10)
            page = matches[after:after + limit]
            answer: dict[str, Any] = {"total": len(matches),
                                      "results": [view(kind, record, body.get("properties")) for record in page]}
            if after + limit < len(matches):
                answer["paging"] = {"next": {"after": str(after + limit)}}
            return JSONResponse(answer)
        return await guarded(request, handle)

    @app.post("/crm/v3/objects/{kind}")
    async def create(kind: str, request: Request) -> Response:
        """Create a record: 201, or 409 for a contact whose email exists."""
        def handle(body: Any) -> Response:
            if kind not in app.state.records:
                return error(404, f"Unable to infer object type from: {kind}", "OBJECT_NOT_FOUND")
            properties = body.get("properties") if isinstance(body, dict) else None
            refused = invalid_properties(kind, properties)
            if refused is not None:
                return refused
            assert isinstance(properties, dict)
            if kind == "contacts" and properties.get("email"):
                existing = find_contact(str(properties["email"]))
                if existing is not None:
                    return error(409, f"Contact already exists. Existing ID: {existing['id']}", "CONFLICT")
            associations = body.get("associations") or []
            for association in associations:
                target = str((association.get("to") or {}).get("id", ""))
                if not any(target in records for records in app.state.records.values()):
                    return error(400, f"No object with id {target} to associate with", "VALIDATION_ERROR")
            record_id = str(next(ids))
            stamp = now()
            record = {"id": record_id, "properties": {k: None if v is None else str(v) for k, v in properties.items()},
                      "createdAt": stamp, "updatedAt": stamp, "archived": False}
            app.state.records[kind][record_id] = record
            for association in associations:
                target = str(association["to"]["id"])
                to_kind = next(k for k, records in app.state.records.items() if target in records)
                for spec in association.get("types") or []:
                    app.state.associations.add((kind, record_id, to_kind, target, int(spec["associationTypeId"])))
            return JSONResponse(view(kind, record), status_code=201)
        return await guarded(request, handle)

    @app.get("/crm/v3/objects/{kind}/{record_id}")
    async def read(kind: str, record_id: str, request: Request) -> Response:
        """Read one record: 200 or 404."""
        def handle(_body: Any) -> Response:
            record = app.state.records.get(kind, {}).get(record_id)
            if record is None:
                return error(404, f"resource not found: {record_id}", "OBJECT_NOT_FOUND")
            return JSONResponse(view(kind, record))
        return await guarded(request, handle)

    @app.patch("/crm/v3/objects/{kind}/{record_id}")
    async def update(kind: str, record_id: str, request: Request) -> Response:
        """Update a record's properties: 200 or 404."""
        def handle(body: Any) -> Response:
            record = app.state.records.get(kind, {}).get(record_id)
            if record is None:
                return error(404, f"resource not found: {record_id}", "OBJECT_NOT_FOUND")
            properties = body.get("properties") if isinstance(body, dict) else None
            refused = invalid_properties(kind, properties)
            if refused is not None:
                return refused
            assert isinstance(properties, dict)
            if kind == "contacts" and properties.get("email"):
                existing = find_contact(str(properties["email"]))
                if existing is not None and existing["id"] != record_id:
                    return error(409, f"Contact already exists. Existing ID: {existing['id']}", "CONFLICT")
            record["properties"].update({k: None if v is None else str(v) for k, v in properties.items()})
            record["updatedAt"] = now()
            return JSONResponse(view(kind, record))
        return await guarded(request, handle)

    @app.put("/crm/v4/objects/{from_kind}/{from_id}/associations/default/{to_kind}/{to_id}")
    async def associate(from_kind: str, from_id: str, to_kind: str, to_id: str, request: Request) -> Response:
        """The default (unlabelled) association between two records, both directions."""
        def handle(_body: Any) -> Response:
            source, target = _ALIASES.get(from_kind), _ALIASES.get(to_kind)
            if source is None or target is None or (source, target) not in _DEFAULT_ASSOCIATION:
                return error(400, f"no default association from {from_kind} to {to_kind}", "VALIDATION_ERROR")
            if from_id not in app.state.records[source] or to_id not in app.state.records[target]:
                return error(404, "One or more objects of the association do not exist", "OBJECT_NOT_FOUND")
            app.state.associations.add((source, from_id, target, to_id, _DEFAULT_ASSOCIATION[(source, target)]))
            app.state.associations.add((target, to_id, source, from_id, _DEFAULT_ASSOCIATION[(target, source)]))
            stamp = now()
            return JSONResponse({"status": "COMPLETE", "results": [
                {"fromObjectTypeId": _TYPE_IDS[source], "fromObjectId": int(from_id),
                 "toObjectTypeId": _TYPE_IDS[target], "toObjectId": int(to_id), "labels": []},
                {"fromObjectTypeId": _TYPE_IDS[target], "fromObjectId": int(to_id),
                 "toObjectTypeId": _TYPE_IDS[source], "toObjectId": int(from_id), "labels": []},
            ], "startedAt": stamp, "completedAt": stamp})
        return await guarded(request, handle)

    return app


def add_owner(app: FastAPI, email: str, *, first_name: str = "", last_name: str = "") -> str:
    """Add a HubSpot user (owner) to the stand-in; returns its owner id."""
    owner_id = str(len(app.state.owners) + 501)
    app.state.owners[owner_id] = {"id": owner_id, "email": email.lower(), "type": "PERSON",
                                  "firstName": first_name, "lastName": last_name, "userId": int(owner_id) * 7,
                                  "archived": False}
    return owner_id


def expire_tokens(app: FastAPI) -> None:
    """Make every access token the stand-in accepts expired (the next call with one gets 401)."""
    app.state.expired_tokens |= app.state.tokens
    app.state.tokens = set()


def _matches(record: dict[str, Any], filters: list[dict[str, Any]]) -> bool:
    props = record["properties"] | {"hs_object_id": record["id"]}
    for spec in filters:
        value = props.get(spec.get("propertyName"))
        operator = spec.get("operator")
        wanted = str(spec.get("value", "")).lower()
        if operator == "EQ" and (value is None or str(value).lower() != wanted):
            return False
        if operator == "NEQ" and value is not None and str(value).lower() == wanted:
            return False
        if operator == "HAS_PROPERTY" and value in (None, ""):
            return False
        if operator == "CONTAINS_TOKEN" and wanted not in _TOKEN.findall(str(value or "").lower()):
            return False
        if operator not in ("EQ", "NEQ", "HAS_PROPERTY", "CONTAINS_TOKEN"):
            return False
    return True


async def _hold_back(request: Request, seconds: float) -> None:
    """Wait until the client disconnects or `seconds` pass (a reply that arrives too late)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.02)
