"""Passwords, users, the first admin and signed sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from leadrelay.config import Settings
from leadrelay.web.auth import (
    SessionCodec,
    SessionData,
    create_user,
    ensure_first_admin,
    hash_password,
    session_secret,
    sign_in,
    verify_password,
)


def test_password_hash_is_salted_scrypt_and_verifies() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first.startswith("scrypt$16384$8$1$")
    assert first != second  # a fresh salt each time
    assert verify_password("correct horse battery", first)
    assert not verify_password("correct horse batterY", first)
    assert not verify_password("anything", "md5$abc")
    assert not verify_password("anything", "not a hash")


def test_create_user_checks_email_role_password_and_duplicates(db: Session) -> None:
    user, password = create_user(db, email=" Rita@Cobaltdata.com ", role="rep")
    assert user.email == "rita@cobaltdata.com" and len(password) >= 16
    assert user.password_hash != password and verify_password(password, user.password_hash)
    with pytest.raises(ValueError, match="already exists"):
        create_user(db, email="rita@cobaltdata.com", role="admin")
    with pytest.raises(ValueError, match="role"):
        create_user(db, email="x@cobaltdata.com", role="owner")
    with pytest.raises(ValueError, match="not an email"):
        create_user(db, email="nobody", role="rep")
    with pytest.raises(ValueError, match="at least"):
        create_user(db, email="y@cobaltdata.com", role="rep", password="short")


def test_sign_in_needs_the_right_password_and_an_active_account(db: Session) -> None:
    user, _ = create_user(db, email="sam@cobaltdata.com", role="rep", password="a-good-password")
    assert sign_in(db, email="SAM@cobaltdata.com", password="a-good-password") is user
    assert sign_in(db, email="sam@cobaltdata.com", password="a-bad-password") is None
    assert sign_in(db, email="nobody@cobaltdata.com", password="a-good-password") is None
    from leadrelay.store.tables import utcnow

    user.disabled_at = utcnow()
    assert sign_in(db, email="sam@cobaltdata.com", password="a-good-password") is None


def test_first_admin_is_created_once_with_a_random_password(db: Session) -> None:
    credentials = ensure_first_admin(db)
    assert credentials is not None
    email, password = credentials
    user = sign_in(db, email=email, password=password)
    assert user is not None and user.role == "admin"
    assert ensure_first_admin(db) is None


def test_session_cookie_is_signed_and_tampering_is_refused() -> None:
    codec = SessionCodec("k" * 40)
    value = codec.dumps(SessionData(user_id=7, csrf="token"))
    assert codec.loads(value) == SessionData(user_id=7, csrf="token")
    assert codec.loads(value[:-2] + ("AA" if not value.endswith("AA") else "BB")) is None
    assert SessionCodec("other-secret" * 4).loads(value) is None
    assert codec.loads("") is None and codec.loads("garbage") is None


def test_session_secret_is_kept_in_the_data_dir_unless_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEADRELAY_SESSION_SECRET", raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    secret = session_secret(settings)
    assert len(secret) >= 40 and session_secret(settings) == secret
    assert (tmp_path / "data" / "session_secret").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("LEADRELAY_SESSION_SECRET", "from-the-environment")
    assert session_secret(settings) == "from-the-environment"
