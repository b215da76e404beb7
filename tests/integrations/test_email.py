"""SmtpMailer against a real SMTP server on 127.0.0.1; reply templates; unsubscribe tokens."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leadrelay.errors import ConfigError, IntegrationError
from leadrelay.integrations.base import Mailer, OutboundEmail
from leadrelay.integrations.email import (
    SITUATIONS,
    SmtpMailer,
    SmtpSettings,
    build_message,
    message_id_for,
    read_unsubscribe_token,
    render_reply,
    unsubscribe_token,
    unsubscribe_url,
)
from leadrelay.standins.smtp import SmtpStandin
from tests.support import free_port

SECRET = "unsubscribe-test-secret"


@pytest.fixture(scope="module")
def server() -> Iterator[SmtpStandin]:
    with SmtpStandin(users={"relay": "s3cret"}) as standin:
        yield standin


@pytest.fixture
def smtp(server: SmtpStandin) -> Iterator[SmtpStandin]:
    server.messages.clear()
    server.faults.clear()
    yield server
    server.faults.clear()


def mailer(server: SmtpStandin, **overrides: Any) -> SmtpMailer:
    values: dict[str, Any] = {"host": server.host, "port": server.port, "security": "none", "timeout_s": 5.0}
    values.update(overrides)
    return SmtpMailer(SmtpSettings(**values))


def reply(**overrides: Any) -> OutboundEmail:
    values: dict[str, Any] = {
        "key": "email:weak_fit:decision:42", "to": "Ana Ruiz <ana@initech.example>", "subject": "Re: Pricing",
        "text": "Hi Ana,\n\nThanks for writing.\n", "from_address": "Maya Chen <maya@cobalt.example>",
        "reply_to": "sales@cobalt.example", "in_reply_to": "<CAF+x1@mail.initech.example>",
        "references": ("<root-1@mail.initech.example>",),
        "list_unsubscribe": "https://leadrelay.example/unsubscribe/7.abc",
    }
    values.update(overrides)
    return OutboundEmail(**values)


def test_mailer_satisfies_the_protocol(server: SmtpStandin) -> None:
    sender: Mailer = mailer(server)
    assert sender.slug == "smtp"


def test_sends_with_threading_and_unsubscribe_headers(smtp: SmtpStandin) -> None:
    sent = mailer(smtp).send(reply())

    [received] = smtp.messages
    message = received.message
    assert received.mail_from == "maya@cobalt.example" and received.rcpt_tos == ("ana@initech.example",)
    assert message["Message-ID"] == sent.message_id == message_id_for("email:weak_fit:decision:42", "cobalt.example")
    assert message["In-Reply-To"] == "<CAF+x1@mail.initech.example>"
    assert message["References"] == "<root-1@mail.initech.example> <CAF+x1@mail.initech.example>"
    assert message["List-Unsubscribe"] == "<https://leadrelay.example/unsubscribe/7.abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["From"] == "Maya Chen <maya@cobalt.example>" and message["Reply-To"] == "sales@cobalt.example"
    assert message["Subject"] == "Re: Pricing" and message["Auto-Submitted"] == "auto-replied"
    assert message.get_content().replace("\r\n", "\n") == "Hi Ana,\n\nThanks for writing.\n"


def test_the_same_key_gives_the_same_message_id_so_a_resend_is_recognisable(smtp: SmtpStandin) -> None:
    first = mailer(smtp).send(reply())
    again = mailer(smtp).send(reply(text="re-sent after a crash"))
    other = mailer(smtp).send(reply(key="email:weak_fit:decision:43"))

    assert first.message_id == again.message_id != other.message_id
    assert [m.message["Message-ID"] for m in smtp.messages] == [first.message_id] * 2 + [other.message_id]


def test_message_id_domain_can_be_set(smtp: SmtpStandin) -> None:
    sent = mailer(smtp, message_id_domain="mail.cobalt.example").send(reply())
    assert sent.message_id.endswith("@mail.cobalt.example>")


def test_unicode_names_and_body_survive(smtp: SmtpStandin) -> None:
    mailer(smtp).send(reply(to="José Müller <jose@initech.example>", subject="Re: Preise für Ihr Team – Ärger?",
                            text="Grüße aus Zürich 😀\n"))

    message = smtp.messages[0].message
    assert message["To"].addresses[0].display_name == "José Müller"
    assert message["Subject"] == "Re: Preise für Ihr Team – Ärger?"
    assert message.get_content().replace("\r\n", "\n") == "Grüße aus Zürich 😀\n"


@pytest.mark.parametrize("subject", ["Hello\r\nBcc: victim@evil.example", "Hello\nBcc: victim@evil.example",
                                     "Hello\rBcc: victim@evil.example", "Hello\x00\r\n\r\nInjected body"])
def test_cr_lf_in_the_subject_cannot_add_headers(smtp: SmtpStandin, subject: str) -> None:
    mailer(smtp).send(reply(subject=subject))

    [received] = smtp.messages
    assert received.rcpt_tos == ("ana@initech.example",)
    assert received.message["Bcc"] is None
    assert "\r" not in received.message["Subject"] and "\n" not in received.message["Subject"]
    header_block = received.raw.split(b"\r\n\r\n", 1)[0]
    assert not any(line.startswith((b"Bcc:", b"Injected")) for line in header_block.split(b"\r\n"))


@pytest.mark.parametrize("to", [
    "Ana\r\nBcc: victim@evil.example <ana@initech.example>",
    "ana@initech.example\r\nBcc: victim@evil.example",
    "ana@initech.example, victim@evil.example",
    "Ana <ana@initech.example>; victim@evil.example",
    "not an address",
    "",
])
def test_a_bad_or_injected_recipient_is_refused_and_nothing_sent(smtp: SmtpStandin, to: str) -> None:
    with pytest.raises(IntegrationError) as caught:
        mailer(smtp).send(reply(to=to))

    assert caught.value.retryable is False
    assert smtp.messages == []


def test_a_display_name_with_quotes_and_a_comma_is_one_address(smtp: SmtpStandin) -> None:
    mailer(smtp).send(reply(to='"Ruiz, Ana" <ana@initech.example>'))
    assert smtp.messages[0].rcpt_tos == ("ana@initech.example",)


def test_invalid_threading_ids_are_dropped_not_sent_raw() -> None:
    message = build_message(reply(in_reply_to="<x@y>\r\nBcc: victim@evil.example", references=("junk", "<ok@z>")))

    assert message["In-Reply-To"] is None
    assert message["References"] == "<ok@z>"


def test_list_unsubscribe_must_be_a_url() -> None:
    with pytest.raises(IntegrationError):
        build_message(reply(list_unsubscribe="https://x.example/u>\r\nBcc: victim@evil.example"))
    mailto = build_message(reply(list_unsubscribe="mailto:unsubscribe@cobalt.example"))
    assert mailto["List-Unsubscribe"] == "<mailto:unsubscribe@cobalt.example>"
    assert mailto["List-Unsubscribe-Post"] is None  # RFC 8058 one-click is for https URIs only


def test_login_is_used_when_configured(smtp: SmtpStandin) -> None:
    mailer(smtp, username="relay", password="s3cret").send(reply())
    assert len(smtp.messages) == 1


def test_a_refused_login_is_not_retryable(smtp: SmtpStandin) -> None:
    with pytest.raises(IntegrationError) as caught:
        mailer(smtp, username="relay", password="wrong").send(reply())
    assert caught.value.retryable is False and caught.value.status_code == 535
    assert smtp.messages == []


@pytest.mark.parametrize(("fault", "code", "retryable"), [
    ("451 4.3.0 Try again later", 451, True),
    ("421 4.7.0 Too many connections", 421, True),
    ("554 5.7.1 Message rejected as spam", 554, False),
    ("rcpt:550 5.1.1 No such user", 550, False),
    ("rcpt:452 4.2.2 Mailbox full", 452, True),
])
def test_smtp_answers_4xx_are_retryable_and_5xx_are_not(smtp: SmtpStandin, fault: str, code: int,
                                                        retryable: bool) -> None:
    smtp.faults.append(fault)

    with pytest.raises(IntegrationError) as caught:
        mailer(smtp).send(reply())

    assert caught.value.retryable is retryable and caught.value.status_code == code
    assert smtp.messages == []
    mailer(smtp).send(reply())  # the fault was one answer only
    assert len(smtp.messages) == 1


def test_no_server_is_retryable() -> None:
    with pytest.raises(IntegrationError) as caught:
        SmtpMailer(SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout_s=2)).send(reply())
    assert caught.value.retryable is True


def test_starttls_against_a_server_without_it_is_not_retryable(smtp: SmtpStandin) -> None:
    with pytest.raises(IntegrationError) as caught:
        mailer(smtp, security="starttls").send(reply())
    assert caught.value.retryable is False and "STARTTLS" in str(caught.value)


def test_password_is_not_shown() -> None:
    assert "s3cret" not in repr(SmtpSettings(username="relay", password="s3cret"))


# --- Templates -------------------------------------------------------------------------------------------

LEAD_CONTEXT: dict[str, Any] = {"first_name": "Ana", "our_company": "Cobalt Data", "sender_name": "Maya Chen",
                                "original_subject": "Pricing for 5 seats",
                                "self_serve_url": "https://cobalt.example/start",
                                "unsubscribe_url": "https://leadrelay.example/unsubscribe/7.abc"}


@pytest.mark.parametrize("situation", ["weak_fit", "student", "insufficient_info", "follow_up_1", "follow_up_2"])
def test_every_lead_template_renders_a_reply_with_the_opt_out_link(situation: str) -> None:
    subject, text = render_reply(situation, LEAD_CONTEXT)

    assert subject == "Re: Pricing for 5 seats"
    assert text.startswith("Hi Ana,\n") and "Maya Chen" in text
    assert "https://leadrelay.example/unsubscribe/7.abc" in text
    assert "{{" not in text and "{%" not in text


def test_templates_say_what_each_situation_needs() -> None:
    _, weak_fit = render_reply("weak_fit", LEAD_CONTEXT)
    _, student = render_reply("student", LEAD_CONTEXT)
    _, unclear = render_reply("insufficient_info", {**LEAD_CONTEXT, "first_name": None})

    assert "https://cobalt.example/start" in weak_fit and "self-serve" in weak_fit
    assert "student" in student
    assert unclear.startswith("Hi there,\n") and "?" in unclear


def test_reminder_template_for_owners() -> None:
    subject, text = render_reply("reminder_owner", {"lead_name": "Ana Ruiz", "lead_company": "Initech",
                                                    "lead_url": "https://leadrelay.example/leads/7",
                                                    "due_at": "2026-11-29 12:15 UTC", "owner_name": "Maya",
                                                    "next_step": "reassign it within the enterprise queue"})

    assert subject == "Reminder: Ana Ruiz (Initech) is waiting for a first touch"
    assert "https://leadrelay.example/leads/7" in text and "2026-11-29 12:15 UTC" in text
    assert "reassign it within the enterprise queue" in text


def test_a_missing_value_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(ConfigError, match="our_company"):
        render_reply("weak_fit", {"first_name": "Ana", "sender_name": "Maya"})


def test_an_unknown_situation_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="weak_fit"):
        render_reply("wek_fit", LEAD_CONTEXT)
    assert set(SITUATIONS) >= {"weak_fit", "student", "insufficient_info"}


def test_lead_data_in_the_subject_cannot_break_the_subject_line() -> None:
    subject, _ = render_reply("weak_fit", {**LEAD_CONTEXT, "original_subject": "Hi\r\nBcc: victim@evil.example"})
    assert subject == "Re: Hi Bcc: victim@evil.example"


def test_lead_data_is_not_run_as_a_template() -> None:
    _, text = render_reply("weak_fit", {**LEAD_CONTEXT, "first_name": "{{ 7 * 7 }}"})
    assert "Hi {{ 7 * 7 }}," in text


def test_the_workspace_can_override_one_template(tmp_path: Path) -> None:
    (tmp_path / "student.txt.j2").write_text("Subject: Hola {{ first_name }}\n\nCustom body for {{ our_company }}.\n")

    subject, text = render_reply("student", LEAD_CONTEXT, tmp_path)
    other_subject, _ = render_reply("weak_fit", LEAD_CONTEXT, tmp_path)

    assert (subject, text) == ("Hola Ana", "Custom body for Cobalt Data.\n")
    assert other_subject == "Re: Pricing for 5 seats"  # not overridden: the shipped template


def test_a_template_without_a_subject_line_is_refused(tmp_path: Path) -> None:
    (tmp_path / "student.txt.j2").write_text("Hello {{ first_name }}\n")
    with pytest.raises(ConfigError, match="Subject"):
        render_reply("student", LEAD_CONTEXT, tmp_path)


def test_a_broken_template_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "student.txt.j2").write_text("Subject: x\n\n{% if %}\n")
    with pytest.raises(ConfigError, match="broken"):
        render_reply("student", LEAD_CONTEXT, tmp_path)


def test_templates_ship_inside_the_package() -> None:
    from importlib.resources import files

    shipped = files("leadrelay") / "integrations" / "templates" / "email"
    assert {f"{situation}.txt.j2" for situation in SITUATIONS} <= {entry.name for entry in shipped.iterdir()}


# --- Unsubscribe tokens ----------------------------------------------------------------------------------


def test_unsubscribe_token_round_trip() -> None:
    token = unsubscribe_token(SECRET, 7)

    assert token.startswith("7.")
    assert read_unsubscribe_token(SECRET, token) == 7
    assert unsubscribe_url("https://leadrelay.example/", SECRET, 7) == f"https://leadrelay.example/unsubscribe/{token}"


@pytest.mark.parametrize("token", ["", "7", "7.", "x.abc", "-7.abc", "8." + "A" * 24, "7.A", "７.abc",
                                   "99999999999999999999.abc"])
def test_forged_or_malformed_tokens_are_refused(token: str) -> None:
    assert read_unsubscribe_token(SECRET, token) is None


def test_a_token_is_bound_to_its_lead_and_secret() -> None:
    token = unsubscribe_token(SECRET, 7)
    signature = token.split(".", 1)[1]

    assert read_unsubscribe_token(SECRET, f"8.{signature}") is None
    assert read_unsubscribe_token("another-secret", token) is None


def test_an_empty_secret_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        unsubscribe_token("", 7)
