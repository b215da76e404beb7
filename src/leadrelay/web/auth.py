"""People who sign in to the web app: password hashing, users, signed session cookies and CSRF tokens.

Passwords are hashed with the standard library's scrypt (``hashlib.scrypt``, n=2**14, r=8, p=1, a
16-byte salt): memory-hard, no extra dependency, and the parameters are stored with each hash so they
can be raised later. Sessions live in a cookie signed with itsdangerous (HttpOnly, SameSite=Lax, Secure
when the request came over https); the cookie carries the user's id and the session's CSRF token, which
every form posts back (and HTMX sends as the ``X-CSRF-Token`` header).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leadrelay.config import Settings
from leadrelay.store.tables import USER_ROLES, User

__all__ = [
    "COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_MAX_AGE_S",
    "SessionData",
    "create_user",
    "ensure_first_admin",
    "find_user",
    "hash_password",
    "list_users",
    "session_secret",
    "set_password",
    "sign_in",
    "verify_password",
]

COOKIE = "leadrelay_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SESSION_MAX_AGE_S = 7 * 24 * 3600
SECRET_ENV = "LEADRELAY_SESSION_SECRET"
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_MIN_PASSWORD = 10


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=128 * r * n * 2)


def hash_password(password: str) -> str:
    """An scrypt hash of `password` with a fresh salt, as ``scrypt$n$r$p$salt$hash``."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches the stored hash (compared in constant time)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def _check_password(password: str) -> None:
    if len(password) < _MIN_PASSWORD:
        raise ValueError(f"a password has at least {_MIN_PASSWORD} characters")


def new_password() -> str:
    """A random password a person can type: 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def find_user(db: Session, *, email: str) -> User | None:
    """The user with this email (case-insensitive), or None."""
    return db.scalars(select(User).where(User.email == email.strip().lower())).first()


def list_users(db: Session) -> list[User]:
    """Every user, admins first, then by email."""
    return list(db.scalars(select(User).order_by(User.role, User.email)).all())


def create_user(db: Session, *, email: str, role: str, name: str = "", password: str | None = None) -> tuple[User, str]:
    """Create a user and return it with its password (a random one when none is given). Does not commit.

    Raises:
        ValueError: the email, role or password is not acceptable, or the email is taken.
    """
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise ValueError(f"{email!r} is not an email address")
    if role not in USER_ROLES:
        raise ValueError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    if find_user(db, email=email) is not None:
        raise ValueError(f"a user {email} already exists")
    password = password if password is not None else new_password()
    _check_password(password)
    user = User(email=email, role=role, name=name.strip(), password_hash=hash_password(password))
    db.add(user)
    db.flush()
    return user, password


def set_password(db: Session, *, user: User, password: str) -> None:
    """Give `user` a new password. Does not commit."""
    _check_password(password)
    user.password_hash = hash_password(password)
    db.flush()


def sign_in(db: Session, *, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (the same work is done for unknown emails)."""
    user = find_user(db, email=email)
    if user is None:
        verify_password(password, _DUMMY_HASH)  # spend the same time: timing must not reveal who exists
        return None
    if not verify_password(password, user.password_hash) or user.disabled_at is not None:
        return None
    return user


_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def ensure_first_admin(db: Session) -> tuple[str, str] | None:
    """On first run (no user at all), create an admin with a random password and commit.

    Returns:
        (email, password) of the new admin to print once, or None when users already exist.
    """
    if db.scalar(select(func.count()).select_from(User)):
        return None
    _, password = create_user(db, email="admin@leadrelay.local", role="admin", name="Admin")
    db.commit()
    return "admin@leadrelay.local", password


def session_secret(settings: Settings) -> str:
    """The key sessions are signed with: $LEADRELAY_SESSION_SECRET, else a random key kept in the data dir."""
    from_env = os.environ.get(SECRET_ENV, "").strip()
    if from_env:
        return from_env
    path = Path(settings.data_dir) / "session_secret"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    settings.ensure_data_dir()
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret)
    return secret


@dataclass(frozen=True)
class SessionData:
    """What the session cookie holds: the signed-in user (None before sign-in) and the CSRF token."""

    user_id: int | None
    csrf: str

    @classmethod
    def fresh(cls, user_id: int | None = None) -> SessionData:
        """A new session with a new CSRF token."""
        return cls(user_id=user_id, csrf=secrets.token_urlsafe(32))


class SessionCodec:
    """Signs sessions into cookie values and reads them back (expired or tampered cookies read as None)."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt="leadrelay.web.session")

    def dumps(self, session: SessionData) -> str:
        """The signed cookie value of `session`."""
        return self._serializer.dumps({"uid": session.user_id, "csrf": session.csrf})

    def loads(self, value: str | None) -> SessionData | None:
        """The session in a cookie value, or None when absent, expired or not signed by us."""
        if not value:
            return None
        try:
            data: Any = self._serializer.loads(value, max_age=SESSION_MAX_AGE_S)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("csrf"), str):
            return None
        uid = data.get("uid")
        return SessionData(user_id=uid if isinstance(uid, int) else None, csrf=data["csrf"])

