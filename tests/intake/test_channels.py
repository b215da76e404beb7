"""The HTTP intake channels against a real uvicorn server on 127.0.0.1, posted with httpx."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from pydantic import SecretStr

from leadrelay.api.deps import RateLimiter
from leadrelay.pipeline.mail import parse_raw_email
from tests.intake.conftest import EMAIL_MAX, MAILGUN_KEY, MAX_BODY, SENDGRID_SECRET, ZENDESK_SECRET, Server


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def _raw(
    tag: str, *, message_id: bool = True, body: str = "We need CDC from Postgres for 80 people."
) -> bytes:
    head = (
        f"From: Rui Costa <rui@{tag}.example>\r\nTo: sales@cobalt.example\r\nSubject: Evaluation {tag}\r\n"
        "Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n"
    )
    if message_id:
        head += f"Message-ID: <{tag}@mail.example>\r\n"
    return (head + "\r\n" + body + "\r\n").encode()


def _error(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


# --- forms ------------------------------------------------------------------------------------------------


def test_a_urlencoded_form_post_becomes_a_mapped_event(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    form = {
        "your-email": f"sam@{tag}.example",
        "your-name": "Sam Reyes",
        "msg": "Need ELT from NetSuite.",
        "org": "Mill Works",
        "csrf": "abc",
        "country": "DE",
    }
    response = client.post("/intake/forms/contact", data=form)
    assert response.status_code == 202
    body = response.json()
    assert body["duplicate"] is False and body["event_id"] in server.intake.queued
    stored = server.intake.payload(body["event_id"])
    assert {k: stored[k] for k in ("channel", "from_email", "from_name", "body", "fields")} == {
        "channel": "web_form",
        "from_email": f"sam@{tag}.example",
        "from_name": "Sam Reyes",
        "body": "Need ELT from NetSuite.",
        "fields": {"company": "Mill Works", "country": "DE"},
    }
    assert server.intake.row(body["event_id"]).source == "form:contact"
    again = client.post("/intake/forms/contact", data=form)  # a double click
    assert again.status_code == 200 and again.json() == {**body, "duplicate": True}


def test_a_multipart_form_post_with_a_key_redirects(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    response = client.post(
        "/intake/forms/demo",
        data={
            "email": f"li@{tag}.example",
            "message": "Demo next week?",
            "_secret": "form-key-1",
            "company": "Orbit",
        },
        files={"deck": ("deck.pdf", b"%PDF-1.4 ...", "application/pdf")},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "https://www.example.com/thanks"
    event_id = server.intake.queued[-1]
    stored = server.intake.payload(event_id)
    assert stored["channel"] == "demo_request" and stored["from_email"] == f"li@{tag}.example"
    assert stored["fields"] == {"company": "Orbit", "deck": "deck.pdf"}  # the key is not stored
    assert "_secret" not in json.dumps(stored)


def test_a_form_key_and_origin_are_enforced(client: httpx.Client) -> None:
    wrong = client.post("/intake/forms/demo", data={"email": "a@b.example", "_secret": "nope"})
    assert _error(wrong) == (403, "forbidden") and "_secret" in wrong.json()["error"]["message"]
    missing = client.post("/intake/forms/demo", data={"email": "a@b.example"})
    assert missing.status_code == 403
    foreign = client.post(
        "/intake/forms/partner", data={"email": "a@b.example"}, headers={"Origin": "https://evil.example"}
    )
    assert _error(foreign) == (403, "forbidden") and "evil.example" in foreign.json()["error"]["message"]
    no_origin = client.post("/intake/forms/partner", data={"email": "a@b.example"})
    assert no_origin.status_code == 403
    by_referer = client.post(
        "/intake/forms/partner",
        data={"email": f"p@{uuid.uuid4().hex[:6]}.example"},
        headers={"Referer": "https://www.example.com/partners?x=1"},
    )
    assert by_referer.status_code == 202
    by_origin = client.post(
        "/intake/forms/partner",
        data={"email": f"p@{uuid.uuid4().hex[:6]}.example"},
        headers={"Origin": "https://WWW.example.com"},
    )
    assert by_origin.status_code == 202


@pytest.mark.parametrize(
    ("path", "kwargs", "status", "code"),
    [
        ("/intake/forms/nosuch", {"data": {"email": "a@b.example"}}, 404, "not_found"),
        ("/intake/forms/bad$id", {"data": {"email": "a@b.example"}}, 404, "not_found"),
        ("/intake/forms/contact", {"json": {"email": "a@b.example"}}, 415, "unsupported_media_type"),
        ("/intake/forms/contact", {"data": {"csrf": "x", "phone": ""}}, 422, "invalid_event"),
        ("/intake/forms/contact", {"data": {"msg": "x" * (MAX_BODY + 10)}}, 413, "payload_too_large"),
        (
            "/intake/forms/contact",
            {
                "content": b"--x\r\nbroken\r\n\r\nv\r\n--x--\r\n",
                "headers": {"Content-Type": "multipart/form-data; boundary=x"},
            },
            400,
            "bad_request",
        ),
        (
            "/intake/forms/contact",
            {"content": b"abc", "headers": {"Content-Type": "multipart/form-data"}},
            400,
            "bad_request",
        ),
    ],
)
def test_bad_form_posts_get_a_clear_4xx(
    client: httpx.Client, path: str, kwargs: dict[str, object], status: int, code: str
) -> None:
    response = client.post(path, **kwargs)  # type: ignore[arg-type]
    assert _error(response) == (status, code)
    assert response.json()["error"]["message"]


def test_a_form_over_its_rate_limit_gets_429(server: Server, client: httpx.Client) -> None:
    services = server.intake.services
    kept = services.limiter
    services.limiter = RateLimiter(2)
    try:
        statuses = [
            client.post("/intake/forms/contact", data={"msg": f"hello {i} {uuid.uuid4().hex}"}).status_code
            for i in range(3)
        ]
        limited = client.post("/intake/forms/contact", data={"msg": "one more"})
    finally:
        services.limiter = kept
    assert statuses == [202, 202, 429]
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


# --- raw email upload -------------------------------------------------------------------------------------


def test_a_raw_email_upload_is_stored_once_per_message_id(server: Server, client: httpx.Client) -> None:
    token = server.intake.token("mailroom")
    tag = uuid.uuid4().hex[:8]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "message/rfc822"}
    first = client.post("/intake/email", content=_raw(tag), headers=headers)
    assert first.status_code == 202
    stored = server.intake.payload(first.json()["event_id"])
    assert stored["channel"] == "email" and stored["raw_email"] == _raw(tag).decode()
    row = server.intake.row(first.json()["event_id"])
    assert (row.source, row.sender_email) == ("mailroom", None)
    resent = client.post("/intake/email", content=_raw(tag, body="resent by a relay"), headers=headers)
    assert resent.status_code == 200 and resent.json()["event_id"] == first.json()["event_id"]
    no_id = client.post("/intake/email", content=_raw(tag + "n", message_id=False), headers=headers)
    no_id_again = client.post("/intake/email", content=_raw(tag + "n", message_id=False), headers=headers)
    assert (no_id.status_code, no_id_again.status_code) == (202, 200)


def test_bad_raw_email_uploads_get_a_clear_4xx(server: Server, client: httpx.Client) -> None:
    token = server.intake.token("mailroom")
    auth = {"Authorization": f"Bearer {token}"}
    assert (
        client.post(
            "/intake/email", content=_raw("x"), headers={"Content-Type": "message/rfc822"}
        ).status_code
        == 401
    )
    wrong_type = client.post(
        "/intake/email", content=_raw("x"), headers={**auth, "Content-Type": "text/plain"}
    )
    assert _error(wrong_type) == (415, "unsupported_media_type")
    not_mail = client.post(
        "/intake/email", content=b"hello there", headers={**auth, "Content-Type": "message/rfc822"}
    )
    assert _error(not_mail) == (422, "invalid_event") and "RFC 822" in not_mail.json()["error"]["message"]
    huge = client.post(
        "/intake/email",
        content=_raw("big", body="x" * EMAIL_MAX),
        headers={**auth, "Content-Type": "message/rfc822"},
    )
    assert _error(huge) == (413, "payload_too_large")


# --- Mailgun ----------------------------------------------------------------------------------------------


def _mailgun_sig(
    timestamp: int | None = None, token: str | None = None, key: str = MAILGUN_KEY
) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    token = token or uuid.uuid4().hex + uuid.uuid4().hex[:18]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": str(timestamp), "token": token, "signature": signature}


def test_mailgun_store_and_notify_with_body_mime(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    fields = {
        **_mailgun_sig(),
        "recipient": "sales@cobalt.example",
        "sender": f"rui@{tag}.example",
        "from": f"Rui Costa <rui@{tag}.example>",
        "subject": f"Evaluation {tag}",
        "body-mime": _raw(tag).decode(),
    }
    response = client.post("/intake/mailgun/mime", files={k: (None, v) for k, v in fields.items()})
    assert response.status_code == 200 and response.json()["duplicate"] is False
    stored = server.intake.payload(response.json()["event_id"])
    assert stored["raw_email"] == _raw(tag).decode()
    assert server.intake.row(response.json()["event_id"]).source == "mailgun"
    replay = client.post("/intake/mailgun", files={k: (None, v) for k, v in fields.items()})
    assert _error(replay) == (401, "unauthorized") and "already used" in replay.json()["error"]["message"]
    retry = client.post("/intake/mailgun", data={**fields, **_mailgun_sig()})  # Mailgun re-signs its retries
    assert retry.status_code == 200 and retry.json()["event_id"] == response.json()["event_id"]


def test_mailgun_parsed_post_rebuilds_the_message(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    headers = [
        ["Received", "by mx.example"],
        ["From", f"Ana <ana@{tag}.example>"],
        ["Subject", "Warehouse sync"],
        ["Message-Id", f"<{tag}@ana.example>"],
        ["Content-Type", "multipart/alternative; boundary=b1"],
    ]
    fields = {
        **_mailgun_sig(),
        "from": f"Ana <ana@{tag}.example>",
        "subject": "Warehouse sync",
        "body-plain": "Hi,\nwe run 12 warehouses.\n\n> earlier mail",
        "stripped-text": "Hi",
        "message-headers": json.dumps(headers),
    }
    response = client.post(
        "/intake/mailgun", data=fields, files={"attachment-1": ("po.pdf", b"%PDF", "application/pdf")}
    )
    assert response.status_code == 200
    mail = parse_raw_email(server.intake.payload(response.json()["event_id"])["raw_email"])
    assert (mail.sender_email, mail.subject) == (f"ana@{tag}.example", "Warehouse sync")
    assert "we run 12 warehouses" in mail.text


@pytest.mark.parametrize(
    ("fields", "status", "code", "message"),
    [
        ({"subject": "x"}, 401, "unauthorized", "missing"),
        (
            {**_mailgun_sig(timestamp=int(time.time()) - 3600), "subject": "x"},
            401,
            "unauthorized",
            "away from now",
        ),
        ({**_mailgun_sig(key="wrong"), "subject": "x"}, 401, "unauthorized", "does not match"),
        # Signed when the test runs: a token signed once at collection would be a replay the second time.
        ({"from": "a@b.example", "sign": "now"}, 406, "not_acceptable", "no usable message"),
    ],
)
def test_mailgun_refuses_bad_posts(
    client: httpx.Client, fields: dict[str, str], status: int, code: str, message: str
) -> None:
    fields = dict(fields)  # the parameters are shared by the SQLite and PostgreSQL runs
    if fields.pop("sign", None):
        fields = {**_mailgun_sig(), **fields}
    response = client.post("/intake/mailgun", data=fields)
    assert _error(response) == (status, code) and message in response.json()["error"]["message"]


def test_mailgun_content_type_and_size(client: httpx.Client) -> None:
    assert client.post("/intake/mailgun", json=_mailgun_sig()).status_code == 415
    big = client.post("/intake/mailgun", data={**_mailgun_sig(), "body-plain": "x" * EMAIL_MAX})
    assert big.status_code == 413


def test_provider_channels_are_off_until_configured(server: Server, client: httpx.Client) -> None:
    settings = server.intake.services.settings
    key, secret = settings.mailgun_signing_key, settings.sendgrid_secret
    settings.mailgun_signing_key = settings.sendgrid_secret = None
    try:
        mailgun = client.post("/intake/mailgun", data=_mailgun_sig())
        sendgrid = client.post(f"/intake/sendgrid/{SENDGRID_SECRET}", files={"email": (None, "x")})
    finally:
        settings.mailgun_signing_key, settings.sendgrid_secret = key, secret
    assert (
        _error(mailgun) == (404, "not_configured")
        and "LEADRELAY_MAILGUN" in mailgun.json()["error"]["message"]
    )
    assert _error(sendgrid) == (404, "not_configured")


# --- SendGrid ---------------------------------------------------------------------------------------------


def test_sendgrid_raw_post_with_the_path_secret(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    fields = {
        "email": _raw(tag).decode(),
        "to": "sales@cobalt.example",
        "from": f"rui@{tag}.example",
        "envelope": json.dumps({"to": ["sales@cobalt.example"], "from": f"rui@{tag}.example"}),
        "spam_score": "0.1",
        "charsets": json.dumps({"to": "UTF-8", "from": "UTF-8"}),
    }
    response = client.post(
        f"/intake/sendgrid/{SENDGRID_SECRET}", files={k: (None, v) for k, v in fields.items()}
    )
    assert response.status_code == 200
    assert server.intake.payload(response.json()["event_id"])["raw_email"] == _raw(tag).decode()
    assert server.intake.row(response.json()["event_id"]).source == "sendgrid"


def test_sendgrid_parsed_post_with_basic_auth(server: Server, client: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    fields = {
        "headers": f"From: Bo <bo@{tag}.example>\nTo: sales@cobalt.example\nSubject: Trial\n"
        f"Message-ID: <{tag}@bo.example>\n",
        "text": "Can we trial the Postgres connector?",
        "html": "<p>Can we trial</p>",
        "from": f"Bo <bo@{tag}.example>",
        "subject": "Trial",
    }
    response = client.post(
        "/intake/sendgrid",
        files={k: (None, v) for k, v in fields.items()},
        auth=("sendgrid", SENDGRID_SECRET),
    )
    assert response.status_code == 200
    mail = parse_raw_email(server.intake.payload(response.json()["event_id"])["raw_email"])
    assert (mail.sender_email, mail.subject) == (f"bo@{tag}.example", "Trial")
    assert "trial the Postgres connector" in mail.text


def test_sendgrid_refuses_wrong_secrets(client: httpx.Client) -> None:
    fields = {"email": (None, _raw("s").decode())}
    wrong_path = client.post("/intake/sendgrid/guess", files=fields)
    assert _error(wrong_path) == (403, "forbidden")
    no_auth = client.post("/intake/sendgrid", files=fields)
    assert _error(no_auth) == (401, "unauthorized") and no_auth.headers["www-authenticate"].startswith(
        "Basic"
    )
    wrong_auth = client.post("/intake/sendgrid", files=fields, auth=("sendgrid", "guess"))
    assert wrong_auth.status_code == 401
    garbage = client.post("/intake/sendgrid", files=fields, headers={"Authorization": "Basic ***"})
    assert garbage.status_code == 401
    empty = client.post(f"/intake/sendgrid/{SENDGRID_SECRET}", files={"to": (None, "sales@cobalt.example")})
    assert _error(empty) == (422, "invalid_event")


# --- Zendesk ----------------------------------------------------------------------------------------------


def _ticket(ticket_id: str) -> dict[str, object]:
    return {
        "ticket": {
            "id": ticket_id,
            "subject": "Sync job fails",
            "description": "Since the update our Salesforce sync fails.",
            "requester": {"name": "Lee Park", "email": f"lee@{ticket_id}.example"},
            "tags": "sync salesforce",
        }
    }


def test_zendesk_with_a_bearer_token(server: Server, client: httpx.Client) -> None:
    token = server.intake.token("zendesk-prod")
    ticket_id = uuid.uuid4().hex[:8]
    response = client.post(
        "/intake/zendesk", json=_ticket(ticket_id), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 202
    stored = server.intake.payload(response.json()["event_id"])
    assert (stored["id"], stored["channel"], stored["from_email"]) == (
        f"zendesk-{ticket_id}",
        "support_ticket",
        f"lee@{ticket_id}.example",
    )
    assert stored["fields"] == {"ticket_id": ticket_id, "tags": "sync, salesforce"}
    assert server.intake.row(response.json()["event_id"]).source == "zendesk-prod"
    assert client.post("/intake/zendesk", json=_ticket(ticket_id)).status_code == 401
    again = client.post(
        "/intake/zendesk", json=_ticket(ticket_id), headers={"Authorization": f"Bearer {token}"}
    )
    assert again.status_code == 200


def test_zendesk_with_a_signature(server: Server, client: httpx.Client) -> None:
    settings = server.intake.services.settings
    settings.zendesk_signing_secret = SecretStr(ZENDESK_SECRET)
    try:
        body = json.dumps(_ticket(uuid.uuid4().hex[:8])).encode()
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        digest = hmac.new(ZENDESK_SECRET.encode(), stamp.encode() + body, hashlib.sha256).digest()
        headers = {
            "Content-Type": "application/json",
            "X-Zendesk-Webhook-Signature": base64.b64encode(digest).decode(),
            "X-Zendesk-Webhook-Signature-Timestamp": stamp,
        }
        signed = client.post("/intake/zendesk", content=body, headers=headers)
        tampered = client.post("/intake/zendesk", content=body.replace(b"Sync", b"Sink"), headers=headers)
        unsigned = client.post("/intake/zendesk", content=body, headers={"Content-Type": "application/json"})
    finally:
        settings.zendesk_signing_secret = None
    assert signed.status_code == 202
    assert server.intake.row(signed.json()["event_id"]).source == "zendesk"
    assert (
        _error(tampered) == (401, "unauthorized") and "does not match" in tampered.json()["error"]["message"]
    )
    assert _error(unsigned) == (401, "unauthorized")


def test_zendesk_bad_bodies(server: Server, client: httpx.Client) -> None:
    auth = {"Authorization": f"Bearer {server.intake.token('zendesk-prod')}"}
    assert _error(client.post("/intake/zendesk", data={"a": "b"}, headers=auth)) == (
        415,
        "unsupported_media_type",
    )
    not_json = client.post(
        "/intake/zendesk", content=b"{nope", headers={**auth, "Content-Type": "application/json"}
    )
    assert _error(not_json) == (400, "malformed")
    no_id = client.post("/intake/zendesk", json={"ticket": {"subject": "x"}}, headers=auth)
    assert _error(no_id) == (422, "invalid_event") and "no id" in no_id.json()["error"]["message"]
    big = client.post(
        "/intake/zendesk", json={"ticket": {"id": 1, "description": "x" * MAX_BODY}}, headers=auth
    )
    assert _error(big) == (413, "payload_too_large")


def test_the_channels_are_in_the_openapi_schema(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/intake/forms/{form_id}",
        "/intake/email",
        "/intake/mailgun",
        "/intake/sendgrid",
        "/intake/sendgrid/{secret}",
        "/intake/zendesk",
    } <= set(paths)
    assert "message/rfc822" in paths["/intake/email"]["post"]["requestBody"]["content"]
