"""A local stand-in for Salesforce: the REST endpoints `SalesforceSink` calls, records kept in memory.

Endpoints, with Salesforce's documented status codes and bodies (errors are a JSON list of
``{"message", "errorCode"}``): ``GET /services/data/vXX.X/query?q=`` (a SOQL subset: ``SELECT f, ... FROM Obj
[WHERE f = 'v' | f LIKE 'p' | f = true/false, joined by AND] [ORDER BY f [ASC|DESC]] [LIMIT n]``; anything else or
a badly escaped string is 400 MALFORMED_QUERY), ``POST .../sobjects/{Obj}/`` (201 ``{"id", "success", "errors"}``;
400 REQUIRED_FIELD_MISSING, INVALID_FIELD, or DUPLICATES_DETECTED for a Lead/Contact whose Email exists while
``app.state.duplicate_rule`` is on), ``PATCH .../sobjects/{Obj}/{id}`` (204; 404 NOT_FOUND),
``GET .../sobjects/{Obj}/{id}``, and ``POST /services/oauth2/token`` (grant_type=refresh_token). A missing,
unknown or expired session gets 401 INVALID_SESSION_ID.

State for assertions: ``app.state.records[Obj][Id]`` (field dicts with ``Id`` and ``CreatedDate``),
``app.state.requests`` (``(method, path)``), ``app.state.users``, ``app.state.tokens``; ids put in
``app.state.hidden`` are left out of query results (records the user may not see, which duplicate rules still
match).

Faults: append to ``app.state.faults`` one answer per coming API request (``None`` or ``"ok"``: a normal one),
from ``"500"`` (or any 5xx code),
``"429"`` (with ``Retry-After: app.state.retry_after_s``), ``"403-limit"`` (403 REQUEST_LIMIT_EXCEEDED),
``"timeout"`` (the request IS carried out, then the answer is held back until the client gives up or
``app.state.timeout_s`` passes), ``"malformed"`` (a 200 whose body is not JSON; nothing done) and ``"401"``
(the current sessions expire first).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

__all__ = ["FAULTS", "KNOWN_FIELDS", "SoqlError", "add_user", "expire_tokens", "make_app", "parse_soql"]

FAULTS = ("500", "429", "403-limit", "timeout", "malformed", "401")

KNOWN_FIELDS: dict[str, set[str]] = {
    "Lead": {"FirstName", "LastName", "Email", "Company", "Title", "Country", "Phone", "Website", "Description",
             "LeadSource", "Status", "Industry", "NumberOfEmployees", "OwnerId"},
    "Contact": {"FirstName", "LastName", "Email", "AccountId", "Title", "MailingCountry", "Phone", "Description",
                "LeadSource", "Department", "OwnerId"},
    "Account": {"Name", "Website", "Industry", "NumberOfEmployees", "BillingCountry", "OwnerId"},
    "Task": {"WhoId", "WhatId", "Subject", "Description", "Status", "Priority", "ActivityDate", "OwnerId"},
    "User": {"Email", "IsActive", "FirstName", "LastName"},
}
REQUIRED: dict[str, tuple[str, ...]] = {"Lead": ("LastName", "Company"), "Contact": ("LastName",),
                                        "Account": ("Name",), "Task": ()}
_PREFIX = {"Lead": "00Q", "Contact": "003", "Account": "001", "Task": "00T", "User": "005"}
_SELECT = re.compile(r"^\s*SELECT\s+(?P<fields>[\w\s,]+?)\s+FROM\s+(?P<object>\w+)(?P<rest>.*)$",
                     re.IGNORECASE | re.DOTALL)
_CONDITION = re.compile(r"\s*(?P<field>\w+)\s*(?P<op>=|!=|LIKE)\s*(?P<value>'(?:[^'\\]|\\.)*'|true|false|null)\s*",
                        re.IGNORECASE | re.DOTALL)
_ORDER = re.compile(r"\s*ORDER\s+BY\s+(?P<field>\w+)(?:\s+(?P<dir>ASC|DESC))?\s*", re.IGNORECASE)
_LIMIT = re.compile(r"\s*LIMIT\s+(?P<n>\d+)\s*$", re.IGNORECASE)
_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


class SoqlError(ValueError):
    """A query outside the stand-in's SOQL subset, or badly escaped."""


def make_app(*, access_token: str = "salesforce-standin-token", refresh_token: str = "salesforce-standin-refresh",
             client_id: str = "standin-client", client_secret: str = "standin-secret",
             extra_fields: dict[str, Iterable[str]] | None = None, retry_after_s: int = 1,
             timeout_s: float = 3.0) -> FastAPI:
    """A Salesforce stand-in accepting `access_token`, refreshing with `refresh_token` for `client_id`/secret.

    `extra_fields` adds custom fields per object (e.g. ``{"Contact": ["Use_Case__c"]}``).
    """
    app = FastAPI(title="Salesforce stand-in", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.records = {name: {} for name in KNOWN_FIELDS}
    app.state.users = app.state.records["User"]
    app.state.tokens = {access_token}
    app.state.refresh_tokens = {refresh_token}
    app.state.client = (client_id, client_secret)
    app.state.requests = []
    app.state.faults = []
    app.state.duplicate_rule = True
    app.state.hidden = set()  # record ids queries do not return (sharing rules) but duplicate rules still match
    app.state.retry_after_s = retry_after_s
    app.state.timeout_s = timeout_s
    app.state.fields = {name: set(fields) for name, fields in KNOWN_FIELDS.items()}
    for name, fields in (extra_fields or {}).items():
        app.state.fields[name].update(fields)
    lock = threading.Lock()
    counter = itertools.count(1)
    app.state.next_id = lambda obj: f"{_PREFIX[obj]}{next(counter):012d}AAA"

    def errors(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
        return JSONResponse([{"message": message, "errorCode": code, **extra}], status_code=status)

    async def guarded(request: Request, handle: Any) -> Response:
        """Record the call, apply the next fault, check the session, then run `handle`."""
        with lock:
            app.state.requests.append((request.method, request.url.path))
            fault = app.state.faults.pop(0) if app.state.faults else None
        if fault == "401":
            expire_tokens(app)
        elif fault == "malformed":
            return PlainTextResponse("<html><body>Service temporarily unavailable</body>", status_code=200,
                                     media_type="application/json")
        elif fault == "429":
            return JSONResponse([{"message": "Too many requests.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
                                status_code=429, headers={"Retry-After": str(app.state.retry_after_s)})
        elif fault == "403-limit":
            return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        elif fault is not None and fault.isdigit():
            return errors(int(fault), "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this "
                          "ErrorId if you contact support: 1234567890-12345 (-1234567890)")
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if token not in app.state.tokens:
            return errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return errors(400, "JSON_PARSER_ERROR", "Unexpected character: was expecting JSON")
        with lock:
            response: Response = handle(body)
        if fault == "timeout":
            await _hold_back(request, app.state.timeout_s)
        return response

    def attributes(obj: str, record_id: str, version: str) -> dict[str, str]:
        return {"type": obj, "url": f"/services/data/{version}/sobjects/{obj}/{record_id}"}

    def invalid(obj: str, values: Any) -> Response | None:
        if not isinstance(values, dict):
            return errors(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of SObject")
        for name in values:
            if name not in app.state.fields[obj]:
                return errors(400, "INVALID_FIELD", f"No such column '{name}' on sobject of type {obj}")
        return None

    @app.post("/services/oauth2/token")
    async def token(request: Request) -> Response:
        """The refresh-token flow: a new access token (the old ones expire) and the instance URL."""
        form = await request.form()
        with lock:
            app.state.requests.append((request.method, request.url.path))
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in app.state.refresh_tokens:
            return JSONResponse({"error": "invalid_grant", "error_description": "expired access/refresh token"},
                                status_code=400)
        if form.get("client_id") != app.state.client[0] or (
                form.get("client_secret") is not None and form.get("client_secret") != app.state.client[1]):
            return JSONResponse({"error": "invalid_client_id", "error_description": "client identifier invalid"},
                                status_code=400)
        new_token = "00D" + secrets.token_hex(12)
        expire_tokens(app)
        app.state.tokens.add(new_token)
        base = str(request.base_url).rstrip("/")
        return JSONResponse({"access_token": new_token, "instance_url": base, "id": f"{base}/id/00D/005",
                             "token_type": "Bearer", "issued_at": str(int(datetime.now(UTC).timestamp() * 1000)),
                             "signature": secrets.token_urlsafe(16), "scope": "api refresh_token"})

    @app.get("/services/data/{version}/query")
    @app.get("/services/data/{version}/query/")
    async def query(version: str, request: Request) -> Response:
        """Run a SOQL query from the stand-in's subset."""
        soql = request.query_params.get("q") or ""

        def handle(_body: Any) -> Response:
            try:
                parsed = parse_soql(soql)
            except SoqlError as exc:
                return errors(400, "MALFORMED_QUERY", str(exc))
            obj = parsed["object"]
            if obj not in app.state.records:
                return errors(400, "INVALID_TYPE", f"sObject type '{obj}' is not supported.")
            for name in [*parsed["fields"], *(c[0] for c in parsed["where"])]:
                if name != "Id" and name != "CreatedDate" and name not in app.state.fields[obj]:
                    return errors(400, "INVALID_FIELD", f"No such column '{name}' on entity '{obj}'.")
            rows = [record for record in app.state.records[obj].values() if record["Id"] not in app.state.hidden
                    and all(_condition(record, *condition) for condition in parsed["where"])]
            if parsed["order"]:
                field, descending = parsed["order"]
                rows.sort(key=lambda record: str(record.get(field) or ""), reverse=descending)
            if parsed["limit"] is not None:
                rows = rows[: parsed["limit"]]
            out = [{"attributes": attributes(obj, record["Id"], version),
                    **{name: record.get(name) for name in parsed["fields"]}} for record in rows]
            return JSONResponse({"totalSize": len(out), "done": True, "records": out})
        return await guarded(request, handle)

    @app.post("/services/data/{version}/sobjects/{obj}/")
    @app.post("/services/data/{version}/sobjects/{obj}")
    async def create(version: str, obj: str, request: Request) -> Response:
        """Create a record: 201, or 400 with REQUIRED_FIELD_MISSING, INVALID_FIELD or DUPLICATES_DETECTED."""
        def handle(body: Any) -> Response:
            if obj not in REQUIRED:
                return errors(404, "NOT_FOUND", "The requested resource does not exist")
            refused = invalid(obj, body)
            if refused is not None:
                return refused
            missing = [name for name in REQUIRED[obj] if not body.get(name)]
            if missing:
                return errors(400, "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{', '.join(missing)}]",
                              fields=missing)
            if obj in ("Lead", "Contact") and app.state.duplicate_rule and body.get("Email"):
                same = [record for record in app.state.records[obj].values()
                        if str(record.get("Email") or "").lower() == str(body["Email"]).lower()]
                if same:
                    return JSONResponse([_duplicate_error(obj, same[0]["Id"], version)], status_code=400)
            record_id = app.state.next_id(obj)
            app.state.records[obj][record_id] = {**body, "Id": record_id,
                                                 "CreatedDate": datetime.now(UTC).isoformat(timespec="microseconds")}
            return JSONResponse({"id": record_id, "success": True, "errors": []}, status_code=201)
        return await guarded(request, handle)

    @app.get("/services/data/{version}/sobjects/{obj}/{record_id}")
    async def read(version: str, obj: str, record_id: str, request: Request) -> Response:
        """Read one record: 200 or 404."""
        def handle(_body: Any) -> Response:
            record = app.state.records.get(obj, {}).get(record_id)
            if record is None:
                return errors(404, "NOT_FOUND", "The requested resource does not exist")
            return JSONResponse({"attributes": attributes(obj, record_id, version), **record})
        return await guarded(request, handle)

    @app.patch("/services/data/{version}/sobjects/{obj}/{record_id}")
    async def update(version: str, obj: str, record_id: str, request: Request) -> Response:
        """Update a record: 204 with no body, or 404 / 400."""
        def handle(body: Any) -> Response:
            record = app.state.records.get(obj, {}).get(record_id)
            if record is None:
                return errors(404, "NOT_FOUND", "The requested resource does not exist")
            refused = invalid(obj, body)
            if refused is not None:
                return refused
            record.update(body)
            return Response(status_code=204)
        return await guarded(request, handle)

    return app


def add_user(app: FastAPI, email: str, *, active: bool = True) -> str:
    """Add a Salesforce user (a possible owner) to the stand-in; returns its Id."""
    user_id = app.state.next_id("User")
    app.state.users[user_id] = {"Id": user_id, "Email": email.lower(), "IsActive": active, "CreatedDate": ""}
    return str(user_id)


def expire_tokens(app: FastAPI) -> None:
    """Make every session the stand-in accepts invalid (the next call with one gets 401 INVALID_SESSION_ID)."""
    app.state.tokens = set()


def parse_soql(soql: str) -> dict[str, Any]:
    """Parse the stand-in's SOQL subset into fields, object, where (field, op, value), order and limit.

    Raises:
        SoqlError: the query is outside the subset or a string literal is badly escaped.
    """
    match = _SELECT.match(soql)
    if not match:
        raise SoqlError(f"unexpected token in query: {soql[:80]!r}")
    fields = [name.strip() for name in match.group("fields").split(",")]
    if not all(re.fullmatch(r"\w+", name) for name in fields):
        raise SoqlError("bad field list")
    rest = match.group("rest")
    where: list[tuple[str, str, Any]] = []
    stripped = rest.lstrip()
    if stripped[:6].upper() == "WHERE ":
        rest = stripped[6:]
        while True:
            condition = _CONDITION.match(rest)
            if not condition:
                raise SoqlError(f"unexpected token near: {rest[:60]!r}")
            where.append((condition.group("field"), condition.group("op").upper(),
                          _literal(condition.group("value"))))
            rest = rest[condition.end():]
            if rest[:4].upper() == "AND ":
                rest = rest[4:]
                continue
            break
    order = None
    found = _ORDER.match(rest)
    if found:
        order = (found.group("field"), (found.group("dir") or "ASC").upper() == "DESC")
        rest = rest[found.end():]
    limit = None
    found = _LIMIT.match(rest)
    if found:
        limit = int(found.group("n"))
        rest = rest[found.end():]
    if rest.strip():
        raise SoqlError(f"unexpected token near: {rest.strip()[:60]!r}")
    return {"fields": fields, "object": match.group("object"), "where": where, "order": order, "limit": limit}


def _literal(token: str) -> Any:
    lowered = token.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    out: list[str] = []
    chars = iter(token[1:-1])
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        nxt = next(chars, "")
        if nxt in ("%", "_"):
            out.append("\\" + nxt)  # kept escaped: a literal % or _ inside a LIKE pattern
        elif nxt in _UNESCAPE:
            out.append(_UNESCAPE[nxt])
        else:
            raise SoqlError(f"invalid escape sequence \\{nxt} in string literal")
    return "".join(out)


def _condition(record: dict[str, Any], field: str, op: str, value: Any) -> bool:
    actual = record.get(field)
    if op == "LIKE":
        pattern = ""
        text = str(value)
        index = 0
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text):
                pattern += re.escape(text[index + 1])
                index += 2
                continue
            pattern += ".*" if char == "%" else "." if char == "_" else re.escape(char)
            index += 1
        return actual is not None and re.fullmatch(pattern, str(actual), re.IGNORECASE | re.DOTALL) is not None
    if isinstance(value, str):
        value = value.replace("\\%", "%").replace("\\_", "_")
        same = actual is not None and str(actual).lower() == value.lower()
    else:
        same = actual == value
    return same if op == "=" else not same


def _duplicate_error(obj: str, record_id: str, version: str) -> dict[str, Any]:
    return {
        "duplicateResult": {
            "allowSave": False,
            "duplicateRule": f"Standard_{obj}_Duplicate_Rule",
            "duplicateRuleEntityType": obj,
            "errorMessage": "You're creating a duplicate record. We recommend you use an existing record instead.",
            "matchResults": [{
                "entityType": obj, "errors": [], "matchEngine": "FuzzyMatchEngine",
                "matchRecords": [{"additionalInformation": [], "fieldDiffs": [], "matchConfidence": 100.0,
                                  "record": {"attributes": {"type": obj,
                                                            "url": f"/services/data/{version}/sobjects/{obj}/"
                                                                   f"{record_id}"},
                                             "Id": record_id}}],
                "rule": f"Standard_{obj}_Match_Rule_v1_0", "size": 1, "success": True,
            }],
        },
        "errorCode": "DUPLICATES_DETECTED",
        "message": "You're creating a duplicate record. We recommend you use an existing record instead.",
    }


async def _hold_back(request: Request, seconds: float) -> None:
    """Wait until the client disconnects or `seconds` pass (a reply that arrives too late)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if await request.is_disconnected():
            return
        await asyncio.sleep(0.02)
