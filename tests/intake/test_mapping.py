"""Conversions from channel inputs to LeadBench events, and the provider signature checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import pytest

from leadrelay.errors import EventError
from leadrelay.intake.mapping import (
    ReplayGuard,
    SignatureError,
    email_payload,
    form_payload,
    mailgun_payload,
    rebuild_email,
    sendgrid_payload,
    verify_mailgun,
    verify_zendesk,
    zendesk_payload,
)
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.mail import parse_raw_email
from leadrelay.workspace import FormConfig

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RAW = (
    b"From: Dana Whitfield <dana@harbor-logistics.example>\r\nTo: sales@cobalt.example\r\n"
    b"Subject: Pricing for 40 seats\r\nMessage-ID: <m-100@harbor-logistics.example>\r\n"
    b"Date: Mon, 02 Mar 2026 09:00:00 +0000\r\n\r\nHello, can we get a quote?\r\n"
)


def test_email_payload_keys_on_message_id_and_keeps_the_message_whole() -> None:
    payload = email_payload(RAW, now=NOW)
    assert payload.idempotency_key == "message-id:m-100@harbor-logistics.example"
    assert payload.event["channel"] == "email"
    assert payload.event["raw_email"] == RAW.decode()
    assert payload.event["received_at"] == "2026-03-02T09:30:00+00:00"
    assert payload.event["id"].startswith("email-") and len(payload.event["id"]) == 26
    assert email_payload(RAW.replace(b"quote", b"call")).event["id"] == payload.event["id"]  # same Message-ID
    assert parse_event(payload.event).raw_email == RAW.decode()


def test_email_payload_without_message_id_keys_on_the_bytes_and_keeps_8bit_text() -> None:
    raw = "From: ana@example.org\nSubject: Olá\n\nPreço, por favor".encode("latin-1")
    payload = email_payload(raw)
    assert payload.idempotency_key.startswith("sha256:")
    assert payload.event["raw_email"] == raw.decode("latin-1")  # not UTF-8: each byte kept as one char
    assert email_payload(raw).idempotency_key == payload.idempotency_key


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"just some words\nand more", "no From"),
        (b"X-Thing: 1\n\nbody", "no From"),
    ],
)
def test_email_payload_refuses_what_is_not_a_message(raw: bytes, message: str) -> None:
    with pytest.raises(EventError, match=message):
        email_payload(raw)


def test_rebuild_email_keeps_headers_and_replaces_the_mime_structure() -> None:
    raw = rebuild_email(
        [
            ("From", "Ana <ana@example.org>"),
            ("Subject", "Quote\r\n please"),
            ("Content-Type", "multipart/alternative; boundary=x"),
            ("Message-Id", "<a@b>"),
        ],
        "Hi — 50 seats",
        "<p>Hi</p>",
    )
    mail = parse_raw_email(raw)
    assert mail.sender_email == "ana@example.org"
    assert mail.subject == "Quote please"
    assert "Hi — 50 seats" in mail.text
    assert "boundary=x" not in raw
    html_only = rebuild_email([("From", "a@b.c")], None, "<p>Hello</p>")
    assert "Content-Type: text/html; charset=utf-8" in html_only and html_only.endswith("<p>Hello</p>")


CONTACT = FormConfig(
    fields={
        "your-email": "from_email",
        "your-name": "from_name",
        "msg": "body",
        "org": "fields.company",
        "csrf": "ignore",
    },
    secret="k",
    secret_field="_key",
)


def test_form_payload_maps_fields_and_keeps_the_rest() -> None:
    items = [
        ("your-email", " sam@mill.example "),
        ("your-name", "Sam Reyes"),
        ("msg", "Need ELT."),
        ("org", "Mill Works"),
        ("csrf", "t0k3n"),
        ("_key", "k"),
        ("interest", "ELT"),
        ("interest", "CDC"),
        ("phone", ""),
        ("subject", "Demo please"),
    ]
    payload = form_payload("contact", CONTACT, items, now=NOW)
    event = payload.event
    assert {k: event[k] for k in ("channel", "from_email", "from_name", "body", "subject")} == {
        "channel": "web_form",
        "from_email": "sam@mill.example",
        "from_name": "Sam Reyes",
        "body": "Need ELT.",
        "subject": "Demo please",
    }
    assert event["fields"] == {"company": "Mill Works", "interest": "ELT, CDC"}
    assert event["id"].startswith("form-contact-")
    assert payload.idempotency_key.startswith("form:contact:")
    again = form_payload("contact", CONTACT, items, now=datetime(2027, 1, 1, tzinfo=UTC))
    assert again.idempotency_key == payload.idempotency_key and again.event["id"] == event["id"]
    assert parse_event(event).fields == {"company": "Mill Works", "interest": "ELT, CDC"}


def test_form_payload_defaults_apply_only_when_nothing_is_mapped_to_that_key() -> None:
    plain = form_payload("f", FormConfig(), [("email", "a@b.example"), ("message", "hi"), ("name", "Al")])
    assert (plain.event["from_email"], plain.event["body"], plain.event["from_name"]) == (
        "a@b.example",
        "hi",
        "Al",
    )
    mapped = form_payload(
        "f",
        FormConfig(fields={"work_email": "from_email"}),
        [("email", "home@b.example"), ("work_email", "work@b.example")],
    )
    assert mapped.event["from_email"] == "work@b.example"
    assert mapped.event["fields"] == {"email": "home@b.example"}


def test_form_payload_refuses_an_empty_post_and_too_many_fields() -> None:
    with pytest.raises(EventError, match="no filled-in fields"):
        form_payload("f", CONTACT, [("_key", "k"), ("csrf", "x"), ("phone", "  ")])
    with pytest.raises(EventError, match="more than 200 fields"):
        form_payload("f", CONTACT, [(f"f{i}", "v") for i in range(201)])


def test_form_config_refuses_unknown_targets() -> None:
    with pytest.raises(ValueError, match="maps to 'emial'"):
        FormConfig(fields={"x": "emial"})


def _mailgun_signed(key: str, timestamp: int, token: str) -> dict[str, str]:
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": str(timestamp), "token": token, "signature": signature}


def test_verify_mailgun_accepts_a_fresh_signature_once() -> None:
    guard = ReplayGuard()
    now = time.time()
    fields = _mailgun_signed("key", int(now), "t" * 50)
    verify_mailgun("key", fields, guard=guard, max_age_s=300, now=now)
    with pytest.raises(SignatureError, match="already used"):
        verify_mailgun("key", fields, guard=guard, max_age_s=300, now=now + 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "missing"),
        ({"timestamp": "abc", "token": "t", "signature": "s"}, "not a number"),
        (_mailgun_signed("key", 1_000, "t"), "away from now"),
        (_mailgun_signed("other-key", int(time.time()), "t2"), "does not match"),
    ],
)
def test_verify_mailgun_refuses(fields: dict[str, str], message: str) -> None:
    with pytest.raises(SignatureError, match=message):
        verify_mailgun("key", fields, guard=ReplayGuard(), max_age_s=300)


def test_mailgun_payload_prefers_raw_mime_then_headers_then_fields() -> None:
    mime = mailgun_payload({"body-mime": RAW.decode(), "body-plain": "ignored"})
    assert mime.event["raw_email"] == RAW.decode()
    headers = json.dumps([["From", "Ann <ann@example.org>"], ["Subject", "Hello"], ["Message-Id", "<h-1@x>"]])
    parsed = mailgun_payload({"message-headers": headers, "body-plain": "Body text"})
    assert parsed.idempotency_key == "message-id:h-1@x"
    assert parse_raw_email(parsed.event["raw_email"]).text.strip() == "Body text"
    bare = mailgun_payload({"from": "Ann <ann@example.org>", "subject": "Hi", "body-plain": "Text"})
    assert {k: bare.event[k] for k in ("from_email", "from_name", "subject", "body")} == {
        "from_email": "ann@example.org",
        "from_name": "Ann",
        "subject": "Hi",
        "body": "Text",
    }
    with pytest.raises(EventError, match="list of"):
        mailgun_payload({"message-headers": '{"From": "x"}'})
    with pytest.raises(EventError, match="no raw MIME"):
        mailgun_payload({"from": "a@b.c"})


def test_sendgrid_payload_reads_raw_or_parsed_posts() -> None:
    assert (
        sendgrid_payload({"email": RAW.decode()}).idempotency_key
        == "message-id:m-100@harbor-logistics.example"
    )
    parsed = sendgrid_payload(
        {
            "headers": "From: Bo <bo@example.org>\nSubject: Trial\nMessage-ID: <s-1@x>\n",
            "text": "Can we trial it?",
            "from": "Bo <bo@example.org>",
        }
    )
    mail = parse_raw_email(parsed.event["raw_email"])
    assert (mail.sender_email, mail.subject, mail.text.strip()) == (
        "bo@example.org",
        "Trial",
        "Can we trial it?",
    )
    bare = sendgrid_payload({"from": "bo@example.org", "subject": "Trial", "html": "<p>Hi</p>"})
    assert bare.event["body"] == "<p>Hi</p>" and bare.event["from_email"] == "bo@example.org"


def test_verify_zendesk_checks_signature_and_age() -> None:
    body = b'{"ticket": {"id": 1}}'
    stamp = "2026-03-02T09:30:00Z"
    signature = base64.b64encode(hmac.new(b"sec", stamp.encode() + body, hashlib.sha256).digest()).decode()
    now = NOW.timestamp()
    verify_zendesk("sec", body, signature=signature, timestamp=stamp, max_age_s=300, now=now)
    with pytest.raises(SignatureError, match="does not match"):
        verify_zendesk("sec", body + b" ", signature=signature, timestamp=stamp, max_age_s=300, now=now)
    with pytest.raises(SignatureError, match="away from now"):
        verify_zendesk("sec", body, signature=signature, timestamp=stamp, max_age_s=300, now=now + 301)
    with pytest.raises(SignatureError, match="missing"):
        verify_zendesk("sec", body, signature=None, timestamp=stamp, max_age_s=300, now=now)
    with pytest.raises(SignatureError, match="ISO 8601"):
        verify_zendesk("sec", body, signature=signature, timestamp="yesterday", max_age_s=300, now=now)


def test_zendesk_payload_reads_a_trigger_body() -> None:
    data = {
        "ticket": {
            "id": 4711,
            "subject": "SSO broken",
            "description": "Login fails since Monday.",
            "requester": {"name": "Lee Park", "email": "lee@acme.example"},
            "tags": "sso urgent",
            "priority": "high",
            "via": {"channel": "web"},
            "organization": {"name": "Acme"},
            "custom_fields": [{"id": 360001, "value": "enterprise"}],
        }
    }
    payload = zendesk_payload(data, now=NOW)
    event = payload.event
    assert (
        event["id"],
        event["channel"],
        event["from_email"],
        event["from_name"],
        event["subject"],
        event["body"],
    ) == (
        "zendesk-4711",
        "support_ticket",
        "lee@acme.example",
        "Lee Park",
        "SSO broken",
        "Login fails since Monday.",
    )
    assert event["fields"] == {
        "ticket_id": "4711",
        "tags": "sso, urgent",
        "priority": "high",
        "custom_360001": "enterprise",
        "company": "Acme",
    }
    changed = zendesk_payload({"ticket": {**data["ticket"], "description": "Still broken."}})
    assert changed.idempotency_key != payload.idempotency_key and changed.event["id"] == "zendesk-4711"
    flat = zendesk_payload({"id": "9", "title": "Hi", "requester_email": "a@b.example", "tags": ["x", "y"]})
    assert (flat.event["subject"], flat.event["from_email"], flat.event["fields"]["tags"]) == (
        "Hi",
        "a@b.example",
        "x, y",
    )
    detail = zendesk_payload(
        {"type": "zen:event-type:ticket.created", "detail": {"id": "77", "subject": "S"}}
    )
    assert detail.event["id"] == "zendesk-77"


@pytest.mark.parametrize(("data", "message"), [([1], "JSON object"), ({"ticket": {"subject": "x"}}, "no id")])
def test_zendesk_payload_refuses(data: object, message: str) -> None:
    with pytest.raises(EventError, match=message):
        zendesk_payload(data)
