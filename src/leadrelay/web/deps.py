"""What the web views need per request: the visitor (session and user), CSRF checks, templates, rendering.

The session cookie is written by `WebRoute` after the view ran, so views never handle cookies themselves.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from markupsafe import Markup, escape

from leadrelay.api.deps import DbSession
from leadrelay.store.tables import User, utcnow
from leadrelay.web import charts
from leadrelay.web.auth import COOKIE, CSRF_FIELD, CSRF_HEADER, SESSION_MAX_AGE_S, SessionCodec, SessionData

__all__ = ["TEMPLATES", "Account", "Visitor", "WebDb", "WebError", "WebRoute", "check_csrf", "get_visitor", "redirect",
           "render", "require_admin", "require_user"]

TEMPLATES = Path(__file__).with_name("templates")


class WebError(Exception):
    """A page the web app answers on purpose with a status: 403, 404, 400 (shown as an HTML page)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInRequired(Exception):
    """The page needs a signed-in user; the visitor is sent to the sign-in page."""


@dataclass(frozen=True)
class Account:
    """The signed-in user as the pages see them (plain values: they outlive the request's DB session)."""

    id: int
    email: str
    name: str
    role: str

    @classmethod
    def of(cls, user: User) -> Account:
        """The account of a user row."""
        return cls(id=user.id, email=user.email, name=user.name, role=user.role)


@dataclass
class Visitor:
    """Who is asking: their session (possibly fresh, to be set as a cookie) and the signed-in user."""

    session: SessionData
    user: Account | None
    set_cookie: bool = False
    secure: bool = False

    @property
    def is_admin(self) -> bool:
        """True for a signed-in admin."""
        return self.user is not None and self.user.role == "admin"


def _humanize(value: Any) -> str:
    return str(value).replace("_", " ") if value is not None else ""


def _when(value: datetime | None) -> str:
    return value.strftime("%d %b %Y, %H:%M UTC") if value else "—"


def _ago(value: datetime | None) -> str:
    if value is None:
        return "—"
    seconds = (utcnow() - value).total_seconds()
    if seconds < 0:
        return "in " + charts.duration(-seconds)
    if seconds < 45:
        return "just now"
    return charts.duration(seconds) + " ago"


def _highlight(text: str | None, reasons: list[dict[str, Any]], limit: int = 1200) -> Markup:
    """The text, cut to `limit` characters and escaped, with the quoted spans of `reasons` marked."""
    text = text or ""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    escaped = str(escape(cut))
    spans = sorted({str(escape(r["span"])) for r in reasons if r.get("span") and len(str(r["span"])) >= 3},
                   key=len, reverse=True)
    if not spans:
        return Markup(escaped)
    pattern = re.compile("|".join(re.escape(span) for span in spans))
    return Markup(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(highlight=_highlight, humanize=_humanize, when=_when, ago=_ago, percent=charts.percent,
                       duration=charts.duration)
    return env


ENV = _environment()


def codec(request: Request) -> SessionCodec:
    """The app's session codec (built by `mount_web`)."""
    value: SessionCodec = request.app.state.web_sessions
    return value


# A session for one page, the API's own: views commit what they write, the rest is rolled back.
WebDb = DbSession


def get_visitor(request: Request, db: WebDb) -> Visitor:
    """The visitor of this request; a new session (with a CSRF token) is started when there is none."""
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    session = codec(request).loads(request.cookies.get(COOKIE))
    if session is None:
        visitor = Visitor(session=SessionData.fresh(), user=None, set_cookie=True, secure=secure)
    else:
        user = db.get(User, session.user_id) if session.user_id is not None else None
        if user is not None and user.disabled_at is not None:
            user = None
        visitor = Visitor(session=session, user=Account.of(user) if user else None, secure=secure)
    request.state.visitor = visitor
    return visitor


def require_user(visitor: Annotated[Visitor, Depends(get_visitor)]) -> Visitor:
    """The visitor, who must be signed in.

    Raises:
        SignInRequired: nobody is signed in.
    """
    if visitor.user is None:
        raise SignInRequired()
    return visitor


def require_admin(visitor: Annotated[Visitor, Depends(require_user)]) -> Visitor:
    """The visitor, who must be a signed-in admin.

    Raises:
        WebError: 403 for a rep.
    """
    if not visitor.is_admin:
        raise WebError(403, "This page is for admins. Ask an admin of your workspace if you need it.")
    return visitor


async def check_csrf(request: Request, visitor: Annotated[Visitor, Depends(get_visitor)]) -> Visitor:
    """The visitor, after checking the request carries the session's CSRF token (form field or HTMX header).

    Raises:
        WebError: 403 when the token is missing or wrong.
    """
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if visitor.set_cookie or not sent or not hmac.compare_digest(sent, visitor.session.csrf):
        raise WebError(403, "This form has expired or did not come from this site. Reload the page and try again.")
    return visitor


CurrentUser = Annotated[Visitor, Depends(require_user)]
Admin = Annotated[Visitor, Depends(require_admin)]
Csrf = Annotated[Visitor, Depends(check_csrf)]


def is_htmx(request: Request) -> bool:
    """True when HTMX sent the request (it wants a fragment, not a page)."""
    return request.headers.get("hx-request") == "true"


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> Response:
    """The view's context as HTML through `template`, or as JSON with ``?format=json``."""
    if request.query_params.get("format") == "json":
        public = {k: v for k, v in context.items() if not isinstance(v, Markup | Callable)}
        return JSONResponse(jsonable_encoder(public, custom_encoder={Markup: str}), status_code=status)
    visitor: Visitor | None = getattr(request.state, "visitor", None)
    page = {"request": request, "visitor": visitor, "user": visitor.user if visitor else None,
            "csrf_token": visitor.session.csrf if visitor else "", "csrf_field": CSRF_FIELD, "csrf_header": CSRF_HEADER,
            "path": request.url.path, **context}
    return HTMLResponse(ENV.get_template(template).render(page), status_code=status)


def redirect(request: Request, url: str) -> Response:
    """Go to `url` after a form: 303 for a page, HX-Redirect for HTMX."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def sign_in_url(request: Request) -> str:
    """The sign-in page, returning here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/signin?next=" + quote(target, safe="")


class WebRoute(APIRoute):
    """A route that writes the visitor's session cookie after the view, when it is new or changed."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The handler, wrapped to set the session cookie on the response."""
        handler = super().get_route_handler()

        async def with_cookie(request: Request) -> Response:
            response = await handler(request)
            visitor: Visitor | None = getattr(request.state, "visitor", None)
            if visitor is not None and visitor.set_cookie:
                response.set_cookie(COOKIE, codec(request).dumps(visitor.session), max_age=SESSION_MAX_AGE_S,
                                    httponly=True, samesite="lax", secure=visitor.secure, path="/")
            return response

        return with_cookie
