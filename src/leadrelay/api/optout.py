"""Opt-out from email: the link in every reply (``/unsubscribe/{token}``) and RFC 8058 one-click unsubscribe.

``GET`` shows a small page with a button and changes nothing, because mail scanners fetch links; ``POST``
(the button, or a mail client's one-click ``List-Unsubscribe=One-Click``) records the opt-out, which cancels
the lead's unsent emails and its follow-up sequence. The token is HMAC-signed
(`leadrelay.integrations.email.unsubscribe_token`), so nobody can opt out someone else.
"""

from __future__ import annotations

import html
import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from leadrelay.actions import touches
from leadrelay.api.deps import Services, get_services, read_body
from leadrelay.integrations.email import read_unsubscribe_token

__all__ = ["router"]

log = logging.getLogger(__name__)

router = APIRouter(tags=["opt-out"])

_MAX_BODY_BYTES = 4_096
_ONE_CLICK = b"List-Unsubscribe=One-Click"
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}}
button{{font-size:1rem;padding:.5rem 1.2rem;cursor:pointer}}</style></head>
<body><h1>{title}</h1>{body}</body></html>
"""


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(title=html.escape(title), body=body), status_code=status,
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _not_valid() -> HTMLResponse:
    return _page("Link not valid", "<p>This unsubscribe link is not valid. If you keep getting email you did not "
                                   "want, reply to it and ask us to stop.</p>", 404)


def _secret(services: Services) -> SecretStr | None:
    secret: SecretStr | None = services.settings.unsubscribe_secret
    return secret


def _lead_of(services: Services, token: str) -> int | None:
    secret = _secret(services)
    return None if secret is None else read_unsubscribe_token(secret, token)


@router.get("/unsubscribe/{token}", response_class=HTMLResponse, include_in_schema=False)
def confirm_page(token: str, services: Annotated[Services, Depends(get_services)]) -> HTMLResponse:
    """A page asking to confirm; a GET never opts out (link scanners fetch every link)."""
    if _lead_of(services, token) is None:
        return _not_valid()
    action = html.escape(f"/unsubscribe/{token}", quote=True)
    return _page("Unsubscribe", f'<p>Stop all email from us about your enquiry?</p><form method="post" '
                                f'action="{action}"><button type="submit">Unsubscribe</button></form>')


def _opt_out(services: Services, lead_id: int, source: str) -> bool:
    try:
        with services.engine.begin() as conn:
            touches.opt_out(conn, lead_id=lead_id, by=None, source=source)
    except touches.LeadNotFound:
        return False
    return True


@router.post("/unsubscribe/{token}", response_class=HTMLResponse, include_in_schema=False)
async def unsubscribe(token: str, request: Request,
                      services: Annotated[Services, Depends(get_services)]) -> HTMLResponse:
    """Opt the lead out: the confirm page's button, or a mail client's RFC 8058 one-click POST."""
    lead_id = _lead_of(services, token)
    if lead_id is None:
        return _not_valid()
    body = await read_body(request, _MAX_BODY_BYTES)
    source = "list_unsubscribe" if _ONE_CLICK in body else "unsubscribe_page"
    if not await run_in_threadpool(_opt_out, services, lead_id, source):
        return _not_valid()
    log.info("lead opted out", extra={"lead_id": lead_id, "source": source})
    return _page("You are unsubscribed", "<p>You will get no more email from us about your enquiry.</p>")
