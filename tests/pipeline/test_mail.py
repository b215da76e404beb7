from __future__ import annotations

import pytest

from leadrelay.pipeline.mail import decode_bytes, flip_name, html_to_text, parse_raw_email


@pytest.mark.parametrize(("data", "charset", "text"), [
    ("Grüße".encode("iso-8859-1"), "iso-8859-1", "Grüße"),
    ("“quoted” €5".encode("cp1252"), "iso-8859-1", "“quoted” €5"),  # mislabelled windows-1252
    ("Grüße".encode(), "iso-8859-1", "Grüße"),  # mislabelled UTF-8
    ("データ".encode("iso-2022-jp"), "iso-2022-jp", "データ"),
    ("データ".encode("shift_jis"), "shift_jis", "データ"),
    ("olá".encode(), "x-unknown", "olá"),
    (b"caf\xe9", None, "café"),
    (b"abc", "rot13", "abc"),  # not a text codec
])
def test_decode_bytes(data: bytes, charset: str | None, text: str) -> None:
    assert decode_bytes(data, charset) == text


@pytest.mark.parametrize(("raw", "name"), [
    ("Castellano, Renee", "Renee Castellano"), ("VP, Data", "VP, Data"), ("Acme, Inc.", "Acme, Inc."),
    ('"Ana Lima"', "Ana Lima"), ("", None), (None, None),
])
def test_flip_name(raw: str | None, name: str | None) -> None:
    assert flip_name(raw) == name


def test_html_to_text_drops_style_and_keeps_links() -> None:
    text, links = html_to_text(
        "<style>.x{}</style><p>Hi&nbsp;there</p><blockquote>old</blockquote>"
        "<ul><li>one</li><li>two</li></ul><a href='https://a.example/x'>a</a><a href='mailto:x@y'>m</a>"
    )
    assert text == "Hi there\n\n> old\n\n- one\n- two\n\nam"  # inline links run together, as in a browser
    assert links == ["https://a.example/x"]


def test_encoded_word_headers_and_recipients() -> None:
    parts = parse_raw_email(
        "From: =?utf-8?q?Jos=C3=A9_P=C3=A9rez?= <JOSE@Example.es>\n"
        "To: a@x.example, \"B\" <b@x.example>\nCc: c@x.example\n"
        "Subject: =?iso-8859-1?Q?Informaci=F3n?=\nIn-Reply-To: <1@x>\n\nHola"
    )
    assert (parts.sender_name, parts.sender_email, parts.subject) == ("José Pérez", "jose@example.es", "Información")
    assert parts.recipients == ("a@x.example", "b@x.example", "c@x.example")
    assert parts.in_reply_to
    assert parts.text == "Hola"


def test_quoted_printable_and_base64_parts() -> None:
    raw = (
        "From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=XX\n\n"
        "--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
        "Gr=C3=BC=C3=9Fe aus K=C3=B6ln, a long line that is soft=\n-wrapped\n"
        "--XX\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        "PHA+PGEgaHJlZj0iaHR0cHM6Ly9rb2xuLmV4YW1wbGUiPmxpbms8L2E+PC9wPg==\n--XX--\n"
    )
    parts = parse_raw_email(raw)
    assert parts.text == "Grüße aus Köln, a long line that is soft-wrapped"
    assert parts.links == ["https://koln.example"]


def test_plain_stub_falls_back_to_html() -> None:
    raw = (
        "From: a@b.example\nContent-Type: multipart/alternative; boundary=XX\n\n--XX\n"
        "Content-Type: text/plain\n\nView in browser\n--XX\nContent-Type: text/html\n\n"
        "<p>We want a managed pipeline for our Snowflake warehouse, please call us.</p>\n--XX--\n"
    )
    assert parse_raw_email(raw).text == "We want a managed pipeline for our Snowflake warehouse, please call us."


def test_attached_message_is_read() -> None:
    raw = (
        "From: a@b.example\nSubject: Fwd: hi\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
        "Content-Type: text/plain\n\nsee below\n--XX\nContent-Type: message/rfc822\n\n"
        "From: Zoe <zoe@c.example>\nSubject: hi\n\ninner text\n--XX--\n"
    )
    parts = parse_raw_email(raw)
    assert parts.attachments == ["forwarded-message.eml"]
    assert parts.attached[0].sender_email == "zoe@c.example"
    assert parts.attached[0].text == "inner text"


def test_received_spf_failure() -> None:
    parts = parse_raw_email("Received-SPF: fail (x)\nAuthentication-Results: mx; dkim=pass; dmarc=permerror\n\nhi")
    assert parts.auth_failures == ["dmarc=permerror", "spf=fail"]
