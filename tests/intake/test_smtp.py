"""`leadrelay smtp`: aiosmtpd on 127.0.0.1, driven by smtplib."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import typer
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, text

from leadrelay.config import Settings
from leadrelay.errors import ConfigError
from leadrelay.intake.smtp import LeadMailHandler, allowed_domains, register, start_smtp
from leadrelay.store.db import make_engine
from tests.intake.conftest import EMAIL_MAX, Intake, make_intake
from tests.support import free_port


@pytest.fixture(scope="module")
def intake(settings: Settings, engine: Engine) -> Intake:
    return make_intake(settings, engine)


@pytest.fixture(scope="module")
def smtp_port(intake: Intake) -> Iterator[int]:
    port = free_port()
    controller = start_smtp(intake.services, host="127.0.0.1", port=port, domains={"cobalt.example"})
    yield port
    controller.stop()


def _message(tag: str, *, body: str = "We are 200 people and need CDC into Snowflake.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Mia Lund <mia@{tag}.example>"
    message["To"] = "sales@cobalt.example"
    message["Subject"] = "Évaluation"
    message["Message-ID"] = f"<{tag}@mia.example>"
    message.set_content(body)
    return message


def _stored_id(reply: bytes) -> int:
    return int(reply.decode().rsplit(" ", 1)[1])


def test_a_message_is_stored_before_250(intake: Intake, smtp_port: int) -> None:
    tag = uuid.uuid4().hex[:8]
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.ehlo()
        assert client.has_extn("size") and int(client.esmtp_features["size"]) == EMAIL_MAX
        client.mail(f"mia@{tag}.example")
        assert client.rcpt("sales@cobalt.example")[0] == 250
        code, reply = client.data(_message(tag).as_bytes())
    assert code == 250 and b"stored as event" in reply
    event_id = _stored_id(reply)
    assert event_id in intake.queued
    stored = intake.payload(event_id)
    assert stored["channel"] == "email" and f"Message-ID: <{tag}@mia.example>" in stored["raw_email"]
    assert intake.row(event_id).source == "smtp"
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:  # a retry after a lost 250
        client.sendmail(f"mia@{tag}.example", ["sales@eu.cobalt.example"], _message(tag).as_bytes())
        assert client.noop()[0] == 250


def test_a_retry_answers_250_with_the_first_event(smtp_port: int) -> None:
    tag = uuid.uuid4().hex[:8]
    replies = []
    for _ in range(2):
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
            client.ehlo()
            client.mail(f"mia@{tag}.example")
            client.rcpt("sales@cobalt.example")
            replies.append(client.data(_message(tag).as_bytes()))
    assert [code for code, _ in replies] == [250, 250]
    assert b"already stored as" in replies[1][1] and _stored_id(replies[0][1]) == _stored_id(replies[1][1])


def test_other_domains_are_refused(smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("mia@elsewhere.example")
        code, reply = client.rcpt("someone@gmail.example")
        assert code == 550 and b"relaying denied" in reply
        assert client.rcpt("sales@notcobalt.example")[0] == 550
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("mia@elsewhere.example", ["x@gmail.example"], _message("z").as_bytes())


def test_too_large_and_unreadable_messages_are_refused(smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.ehlo()
        with pytest.raises(smtplib.SMTPSenderRefused) as too_big:  # smtplib checks SIZE in MAIL FROM
            client.sendmail(
                "mia@a.example",
                ["sales@cobalt.example"],
                _message("big", body="x" * (EMAIL_MAX + 10)).as_bytes(),
            )
        assert too_big.value.smtp_code == 552
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("mia@a.example")
        client.rcpt("sales@cobalt.example")
        code, reply = client.data(b"just words, no headers")
    assert code == 554 and b"RFC 822" in reply


def test_a_storage_failure_is_a_temporary_451(settings: Settings) -> None:
    def broken(raw: bytes) -> object:
        raise RuntimeError("database is down")

    port = free_port()
    controller = Controller(LeadMailHandler(broken, {"cobalt.example"}), hostname="127.0.0.1", port=port)  # type: ignore[arg-type]
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo()
            client.mail("mia@a.example")
            client.rcpt("sales@cobalt.example")
            code, reply = client.data(_message("down").as_bytes())
    finally:
        controller.stop()
    assert code == 451 and b"try again" in reply


def test_allowed_domains_come_from_settings_or_the_workspace(settings: Settings) -> None:
    assert allowed_domains(settings) == frozenset({"cobalt.example"})
    from_workspace = allowed_domains(settings.model_copy(update={"smtp_domains": []}))
    assert from_workspace and all("." in d for d in from_workspace)
    handler = LeadMailHandler(lambda raw: None, {"cobalt.example"})  # type: ignore[arg-type, return-value]
    assert handler.accepts("a@cobalt.example") and handler.accepts("<a@EU.Cobalt.example>")
    assert not handler.accepts("a@xcobalt.example") and not handler.accepts("nobody")


def test_start_smtp_needs_domains_and_register_adds_the_command(intake: Intake) -> None:
    with pytest.raises(ConfigError, match="SMTP_DOMAINS"):
        start_smtp(intake.services, host="127.0.0.1", port=free_port(), domains=set())
    app = typer.Typer()
    register(app)
    assert [c.name for c in app.registered_commands] == ["smtp"]


@pytest.mark.integration
def test_the_smtp_command_serves_until_terminated(tmp_path: Path, forms_workspace: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "LEADRELAY_DATA_DIR": str(tmp_path),
        "LEADRELAY_WORKSPACE": str(forms_workspace),
        "LEADRELAY_SMTP_DOMAINS": '["cobalt.example"]',
    }
    env.pop("LEADRELAY_DATABASE_URL", None)
    script = (
        "import typer; from leadrelay.intake.smtp import register; app = typer.Typer(); register(app); "
        "app.command('noop')(lambda: None); app()"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, "smtp", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client = smtplib.SMTP("127.0.0.1", port, timeout=10)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    stderr = process.communicate()[1]
                    raise AssertionError(f"leadrelay smtp did not start: {stderr!r}") from None
                time.sleep(0.1)
        with client:
            assert client.send_message(_message(uuid.uuid4().hex[:8])) == {}
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert b"SMTP on 127.0.0.1:" in out and b"cobalt.example" in out
    engine = make_engine(f"sqlite:///{tmp_path / 'leadrelay.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("select count(*) from events where source = 'smtp'")).scalar() == 1
    finally:
        engine.dispose()
