"""Fixtures for the intake channels: a workspace with forms, the services, a real uvicorn server, dovecot."""

from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from leadrelay.api.app import create_app
from leadrelay.api.deps import Services
from leadrelay.config import Settings
from leadrelay.jobs.queue import JobQueue
from leadrelay.jobs.tasks import JobContext
from leadrelay.store import repo
from leadrelay.store.db import make_session_factory, session_scope
from leadrelay.store.tables import EventRow
from tests.store.support import committed_engine, database_url, db, engine  # noqa: F401
from tests.support import RecordingHuey, free_port, serve_on_loopback

COBALT = Path(__file__).resolve().parents[2] / "examples" / "cobalt"
MAX_BODY = 16_384
EMAIL_MAX = 65_536
MAILGUN_KEY = "mg-signing-key-for-tests"
SENDGRID_SECRET = "sg-path-secret-for-tests"
ZENDESK_SECRET = "zd-signing-secret-for-tests"
FORMS_YAML = """
forms:
  contact:
    channel: web_form
    fields: {your-email: from_email, your-name: from_name, msg: body, org: fields.company, csrf: ignore}
  demo:
    channel: demo_request
    redirect: "https://www.example.com/thanks"
    secret: "form-key-1"
  partner:
    allowed_origins: ["https://www.example.com"]
"""
DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)




@pytest.fixture(scope="session")
def forms_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace plus a forms: section."""
    root = tmp_path_factory.mktemp("workspace") / "cobalt"
    shutil.copytree(COBALT, root)
    with (root / "workspace.yaml").open("a", encoding="utf-8") as handle:
        handle.write(FORMS_YAML)
    return root


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, forms_workspace: Path) -> Settings:
    """Intake settings with every channel switched on and small limits."""
    return Settings(
        data_dir=tmp_path_factory.mktemp("data"),
        workspace=forms_workspace,
        max_body_bytes=MAX_BODY,
        email_max_bytes=EMAIL_MAX,
        rate_limit_per_min=1_000,
        idempotency_window_s=600,
        mailgun_signing_key=SecretStr(MAILGUN_KEY),
        sendgrid_secret=SecretStr(SENDGRID_SECRET),
        smtp_domains=["cobalt.example"],
    )


@dataclass
class Intake:
    """The services a channel stores through, and what it handed to the queue."""

    services: Services
    queued: list[int]

    def payload(self, event_id: int) -> dict[str, Any]:
        """The stored payload of an event, as JSON."""
        with self.services.sessions() as session:
            row = repo.get_event(session, event_id=event_id)
            assert row is not None
            return dict(json.loads(row.payload))

    def row(self, event_id: int) -> EventRow:
        """The stored event row."""
        with self.services.sessions() as session:
            row = repo.get_event(session, event_id=event_id)
            assert row is not None
            session.expunge(row)
            return row

    def token(self, source: str) -> str:
        """A new API token for `source`."""
        with session_scope(make_session_factory(self.services.engine)) as session:
            return repo.create_token(session, source=source)


def make_intake(settings: Settings, db_engine: Engine) -> Intake:
    """Services on the test database with a recording queue."""
    queued: list[int] = []
    queue = JobQueue(settings, huey=RecordingHuey(), context=JobContext(settings, engine=db_engine))
    queue.enqueue_qualify = queued.append  # type: ignore[method-assign]
    services = Services(
        settings=settings, engine=db_engine, sessions=make_session_factory(db_engine), queue=queue
    )
    return Intake(services=services, queued=queued)


@dataclass
class Server:
    """A running API server and its services."""

    url: str
    intake: Intake


@pytest.fixture(scope="module")
def server(settings: Settings, engine: Engine) -> Iterator[Server]:  # noqa: F811
    """The API with the intake channels on a real uvicorn server on 127.0.0.1."""
    intake = make_intake(settings, engine)
    app = create_app(settings, engine=engine, queue=intake.services.queue, migrate=False)
    app.state.services = intake.services  # one services object, so tests can swap its rate limiter
    with serve_on_loopback(app) as url:
        yield Server(url=url, intake=intake)


# --- dovecot ----------------------------------------------------------------------------------------------


@dataclass
class Dovecot:
    """A dovecot IMAP server on loopback with one user."""

    port: int
    user: str
    password: str
    root: Path


_DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def _wait_for_imap(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot exited: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {port}")


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """Dovecot with a generated config in a temp dir; skipped only when the binary is absent."""
    if DOVECOT is None:
        pytest.skip("dovecot is not installed: run scripts/ci-services.sh (apt-get install dovecot-imapd)")
    # Dovecot's login and mail processes drop root; as root they run as the packaged users, which need
    # to traverse the directory, so it lives in a world-readable temp dir rather than pytest's 0700 one.
    root = Path(tempfile.mkdtemp(prefix="leadrelay-dovecot-"))
    root.chmod(0o755)
    if os.getuid() == 0:
        internal = pwd.getpwnam("dovecot")
        login_user, internal_user, internal_group = "dovenull", "dovecot", "dovecot"
        uid, gid = internal.pw_uid, internal.pw_gid
    else:
        me = pwd.getpwuid(os.getuid())
        login_user = internal_user = me.pw_name
        internal_group = grp.getgrgid(os.getgid()).gr_name
        uid, gid = me.pw_uid, me.pw_gid
    (root / "mail").mkdir()
    os.chown(root / "mail", uid, gid)
    (root / "users").write_text("lead:{PLAIN}imap-pass::::::\n")
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(
        _DOVECOT_CONF.format(
            root=root,
            port=port,
            uid=uid,
            gid=gid,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=internal_group,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_imap(port, process, root / "dovecot.log")
        yield Dovecot(port=port, user="lead", password="imap-pass", root=root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)
