"""`leadrelay imap-poll` against a real dovecot on 127.0.0.1 (messages delivered with imaplib APPEND)."""

from __future__ import annotations

import imaplib
import re
import uuid
from pathlib import Path

import pytest
import typer
from pydantic import SecretStr
from sqlalchemy import Engine
from typer.testing import CliRunner

from leadrelay.config import Settings
from leadrelay.errors import ConfigError
from leadrelay.intake import imap
from leadrelay.intake.imap import REJECTED_KEYWORD, ImapError, connect, poll_mailbox, poll_once, register
from tests.intake.conftest import Dovecot, Intake, make_intake
from tests.support import free_port

pytestmark = pytest.mark.integration


@pytest.fixture
def mailbox(dovecot: Dovecot) -> str:
    """A fresh folder per test, so tests do not see each other's messages."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    with _client(dovecot) as client:
        assert client.create(name)[0] == "OK"
    return name


@pytest.fixture
def intake(settings: Settings, engine: Engine, dovecot: Dovecot, mailbox: str) -> Intake:
    imap_settings = settings.model_copy(
        update={
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_security": "none",
            "imap_user": dovecot.user,
            "imap_password": SecretStr(dovecot.password),
            "imap_mailbox": mailbox,
        }
    )
    return make_intake(imap_settings, engine)


class _client:
    """A logged-in imaplib client as a context manager."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.conn = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
        self.conn.login(dovecot.user, dovecot.password)

    def __enter__(self) -> imaplib.IMAP4:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.logout()


def _deliver(dovecot: Dovecot, mailbox: str, *messages: bytes) -> None:
    with _client(dovecot) as client:
        for raw in messages:
            assert client.append(mailbox, None, None, raw)[0] == "OK"


def _flags(dovecot: Dovecot, mailbox: str) -> list[str]:
    with _client(dovecot) as client:
        _, count = client.select(mailbox, readonly=True)
        if count[0] == b"0":
            return []
        _, data = client.fetch("1:*", "(FLAGS)")
    return [
        re.search(rb"FLAGS \(([^)]*)\)", line).group(1).decode()  # type: ignore[union-attr]
        for line in data
        if isinstance(line, bytes)
    ]


def _raw(tag: str, *, body: str = "Looking for a data pipeline for 120 staff.") -> bytes:
    return (
        f"From: Noor Haddad <noor@{tag}.example>\r\nTo: sales@cobalt.example\r\nSubject: Pipeline {tag}\r\n"
        f"Message-ID: <{tag}@noor.example>\r\n\r\n{body}\r\n"
    ).encode()


def test_unseen_messages_are_stored_then_flagged_seen(intake: Intake, dovecot: Dovecot, mailbox: str) -> None:
    a, b = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    _deliver(dovecot, mailbox, _raw(a), b"no headers at all, just text", _raw(b))
    result = poll_once(intake.services)
    assert (result.stored, result.duplicates, result.rejected) == (2, 0, 1)
    flags = _flags(dovecot, mailbox)
    assert "\\Seen" in flags[0] and "\\Seen" in flags[2]
    assert REJECTED_KEYWORD in flags[1] and "\\Seen" not in flags[1]  # left for a person, never dropped
    stored = [intake.payload(event_id) for event_id in intake.queued]
    assert sorted(p["raw_email"].split("Subject: ")[1].split("\r\n")[0] for p in stored) == sorted(
        [f"Pipeline {a}", f"Pipeline {b}"]
    )
    assert intake.row(intake.queued[0]).source == "imap"
    assert poll_once(intake.services).seen == 0  # nothing unseen is left to fetch


def test_a_failed_store_leaves_the_message_unseen(
    intake: Intake, dovecot: Dovecot, mailbox: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = uuid.uuid4().hex[:8]
    _deliver(dovecot, mailbox, _raw(tag))

    def database_down(*args: object, **kwargs: object) -> None:
        raise ConnectionError("database is down")

    with monkeypatch.context() as patch:
        patch.setattr(imap, "store_email", database_down)
        with pytest.raises(ImapError, match="database is down"):
            poll_once(intake.services)
    assert "\\Seen" not in _flags(dovecot, mailbox)[0]
    assert poll_once(intake.services).stored == 1
    assert "\\Seen" in _flags(dovecot, mailbox)[0]


def test_a_message_stored_but_not_flagged_is_a_duplicate_next_time(
    intake: Intake, dovecot: Dovecot, mailbox: str
) -> None:
    tag = uuid.uuid4().hex[:8]
    imap.store_email(intake.services, _raw(tag), source="imap")  # as if the process died before flagging
    _deliver(dovecot, mailbox, _raw(tag))
    result = poll_once(intake.services)
    assert (result.stored, result.duplicates) == (0, 1)
    assert len(intake.queued) == 1 and "\\Seen" in _flags(dovecot, mailbox)[0]


def test_stored_messages_can_be_moved_and_batches_are_capped(
    intake: Intake, dovecot: Dovecot, mailbox: str
) -> None:
    done = f"{mailbox}-done"
    _deliver(dovecot, mailbox, *(_raw(uuid.uuid4().hex[:8]) for _ in range(3)))
    conn = connect(intake.services.settings)
    try:
        assert conn.create(done)[0] == "OK"
        first = poll_mailbox(intake.services, conn, mailbox=mailbox, move_to=done, batch=2)
        second = poll_mailbox(intake.services, conn, mailbox=mailbox, move_to=done, batch=2)
    finally:
        conn.logout()
    assert (first.stored, second.stored) == (2, 1)
    assert _flags(dovecot, mailbox) == []
    assert [("\\Seen" in f) for f in _flags(dovecot, done)] == [True, True, True]


def test_the_imap_poll_command_polls_once(
    dovecot: Dovecot,
    mailbox: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forms_workspace: Path,
    engine: Engine,
) -> None:
    # `engine` groups this test with the database-parametrized ones, so it runs before the failed login.
    _deliver(dovecot, mailbox, _raw(uuid.uuid4().hex[:8]))
    for key, value in {
        "DATA_DIR": str(tmp_path),
        "WORKSPACE": str(forms_workspace),
        "IMAP_PASSWORD": "imap-pass",
        "DATABASE_URL": "",
    }.items():
        monkeypatch.setenv(f"LEADRELAY_{key}", value)
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # two commands, so the command name is part of the command line
    args = [
        "imap-poll",
        "--once",
        "--host",
        "127.0.0.1",
        "--port",
        str(dovecot.port),
        "--security",
        "none",
        "--user",
        dovecot.user,
        "--mailbox",
        mailbox,
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "stored 1 messages, skipped 0 repeats, refused 0" in result.output
    assert (tmp_path / "leadrelay.db").exists()
    bad = CliRunner().invoke(app, [*args[:-2], "--security", "tls"])
    assert bad.exit_code != 0 and isinstance(bad.exception, ConfigError)


def test_login_failures_and_missing_settings_are_clear(intake: Intake, dovecot: Dovecot) -> None:
    # Last in this file: dovecot delays the next login from an address after a failed one.
    settings = intake.services.settings
    with pytest.raises(ConfigError, match="IMAP_USER"):
        connect(settings.model_copy(update={"imap_user": None}))
    with pytest.raises(ImapError, match="SELECT"):
        poll_once(
            make_intake(
                settings.model_copy(update={"imap_mailbox": "no-such-box"}), intake.services.engine
            ).services
        )
    with pytest.raises(ImapError, match="cannot connect"):
        connect(settings.model_copy(update={"imap_port": free_port()}))
    with pytest.raises(ImapError, match="cannot log in"):
        connect(settings.model_copy(update={"imap_password": SecretStr("wrong")}))
