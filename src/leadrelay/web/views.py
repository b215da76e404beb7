"""The web pages: sign-in, inbox, review queue, lead page, my leads, dashboard, settings, users.

Views stay thin: read the request, call a query or a service function (labels, touches, monitor), build one
context dict and render it (HTML, or JSON with ``?format=json``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy import select, update

from leadrelay.pipeline.records import ACTIONS, TYPES
from leadrelay.store.tables import USER_ROLES, Action, DecisionRow, LeadRow, User, utcnow
from leadrelay.web import auth, charts, queries
from leadrelay.web.deps import (
    Account,
    Admin,
    Csrf,
    CurrentUser,
    Visitor,
    WebDb,
    WebError,
    WebRoute,
    get_visitor,
    is_htmx,
    redirect,
    render,
)

__all__ = ["router"]

router = APIRouter(route_class=WebRoute, include_in_schema=False)

CORRECTABLE = ("type", "action", "owner", "fields.company", "fields.role", "fields.use_case", "fields.team_size",
               "fields.country")


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no //host) is a place to return to after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# --- sign-in ---------------------------------------------------------------------------------------


@router.get("/signin")
def signin_page(request: Request, db: WebDb, next: str | None = None) -> Response:
    """The sign-in form."""
    get_visitor(request, db)
    return render(request, "signin.html", {"next": _safe_next(next), "error": None, "email": ""})


@router.post("/signin")
def signin(request: Request, db: WebDb, visitor: Csrf, email: Annotated[str, Form()] = "",
           password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
    """Check the credentials; on success start a new session (a new CSRF token too)."""
    user = auth.sign_in(db, email=email, password=password)
    if user is None:
        return render(request, "signin.html", {"next": _safe_next(next), "email": email,
                                               "error": "That email and password do not match an active account."},
                      status=400)
    visitor.session = auth.SessionData.fresh(user.id)
    visitor.user = Account.of(user)
    visitor.set_cookie = True
    return redirect(request, _safe_next(next))


@router.post("/signout")
def signout(request: Request, visitor: Csrf) -> Response:
    """End the session."""
    visitor.session = auth.SessionData.fresh()
    visitor.user = None
    visitor.set_cookie = True
    return redirect(request, "/signin")


@router.get("/")
def home(request: Request, visitor: CurrentUser) -> Response:
    """Admins start at the inbox, reps at their leads."""
    return redirect(request, "/inbox" if visitor.is_admin else "/my")


# --- inbox -----------------------------------------------------------------------------------------


@router.get("/inbox")
def inbox_page(request: Request, db: WebDb, visitor: Admin, page: int = 1) -> Response:
    """Every lead, newest first, with filters and search; HTMX asks for the rows only."""
    filters = queries.InboxFilters.of(dict(request.query_params))
    rows, more = queries.inbox(db, filters, page=page)
    context = {"rows": rows, "filters": dict(filters), "options": queries.filter_options(db), "page": page,
               "more": more, "next_query": urlencode({**filters, "page": page + 1}),
               "prev_query": urlencode({**filters, "page": page - 1})}
    return render(request, "_lead_rows.html" if is_htmx(request) else "inbox.html", context)


# --- review queue ----------------------------------------------------------------------------------


def _owner_choices(request: Request) -> list[str]:
    workspace = request.app.state.web_workspace()
    if workspace is None:
        return []
    owners = [o.email for o in workspace.owners]
    teams = sorted({o.team for o in workspace.owners if o.team})
    routing = workspace.config.routing
    named = {routing.sales.fallback_owner, routing.sales.weak_fit.owner, routing.sales.unknown_fit.owner,
             workspace.config.review.owner, *(t.owner for t in routing.types.values())}
    return sorted(teams) + sorted(n for n in named if n and n not in teams) + owners


@router.get("/review")
def review_page(request: Request, db: WebDb, visitor: CurrentUser) -> Response:
    """The cases the system left to a person: most valuable and oldest first, each with its evidence."""
    items = queries.review_queue(db)
    return render(request, "review.html", {"items": items, "types": TYPES, "actions": ACTIONS,
                                           "owners": _owner_choices(request), "correctable": CORRECTABLE})


_MAX_ID = 2**31 - 1  # larger ids exist nowhere, and would make the database driver raise


def _decision(db: WebDb, decision_id: int) -> DecisionRow:
    decision = db.get(DecisionRow, decision_id) if 1 <= decision_id <= _MAX_ID else None
    if decision is None:
        raise WebError(404, f"There is no decision {decision_id}.")
    return decision


def _review_done(request: Request, db: WebDb, decision: DecisionRow, message: str) -> Response:
    if is_htmx(request):
        item = queries.review_item(db, decision)
        return render(request, "_review_card.html", {"item": item, "done": message, "types": TYPES,
                                                      "actions": ACTIONS, "owners": _owner_choices(request),
                                                      "correctable": CORRECTABLE})
    return redirect(request, "/review")


@router.post("/review/{decision_id}/accept")
def review_accept(request: Request, decision_id: int, db: WebDb, visitor: Csrf) -> Response:
    """The decision is right as it stands: stored as a label with who and when."""
    from leadrelay import labels

    me = _signed_in(visitor)
    decision = _decision(db, decision_id)
    labels.accept(db, decision_id=decision.id, by=me.email)
    db.commit()
    return _review_done(request, db, decision, "Accepted")


@router.post("/review/{decision_id}/correct")
def review_correct(request: Request, decision_id: int, db: WebDb, visitor: Csrf,
                   field: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "") -> Response:
    """One field of the decision was wrong: stored as a label (predicted, corrected, who, when)."""
    from leadrelay import labels
    from leadrelay.labels import LabelError

    me = _signed_in(visitor)
    decision = _decision(db, decision_id)
    if field not in CORRECTABLE:
        raise WebError(400, f"{field!r} cannot be corrected here; choose one of {', '.join(CORRECTABLE)}.")
    try:
        labels.correct(db, decision_id=decision.id, field=field, value=value.strip() or None,
                       by=me.email)
    except LabelError as exc:
        raise WebError(400, str(exc)) from None
    db.commit()
    return _review_done(request, db, decision, f"Corrected {field.replace('fields.', '')}")


CLARIFY = "insufficient_info"  # the email template that asks the sender for what is missing


@router.post("/review/{decision_id}/clarify")
def review_clarify(request: Request, decision_id: int, db: WebDb, visitor: Csrf) -> Response:
    """Ask the sender for what is missing: the decision's draft reply is released, or a reply is queued.

    The email is an action in the outbox (kind ``email``, template ``insufficient_info``) that the worker sends.
    """
    from leadrelay import labels
    from leadrelay.actions import plan

    me = _signed_in(visitor)
    decision = _decision(db, decision_id)
    lead = db.get(LeadRow, decision.lead_id) if decision.lead_id else None
    if lead is None or not lead.email:
        raise WebError(400, "This lead has no email address to reply to.")
    key = f"email:{CLARIFY}:decision:{decision.id}"
    now = utcnow()
    existing = db.scalars(select(Action).where(Action.key == key)).first()
    if existing is None:
        facts = plan._event_facts(db.connection(), decision.event_id)
        first_name = (lead.name or "").split()[0] if lead.name else None
        db.add(Action(key=key, lead_id=lead.id, decision_id=decision.id, kind="email", target="smtp",
                      state="pending", next_attempt_at=now, created_at=now, updated_at=now,
                      payload={"situation": CLARIFY, "to": lead.email, "first_name": first_name,
                               "original_subject": facts.get("subject"), "use_case": (decision.fields or {}).get(
                                   "use_case"), "in_reply_to": facts.get("message_id"),
                               "references": facts.get("references", []), "sequence_step": 0,
                               "requested_by": me.email}))
    elif existing.state == "draft":
        existing.state, existing.next_attempt_at, existing.updated_at = "pending", now, now
    labels.accept(db, decision_id=decision.id, by=me.email)
    db.commit()
    return _review_done(request, db, decision, "Clarifying reply queued")


def _signed_in(visitor: Visitor) -> Account:
    if visitor.user is None:
        raise WebError(403, "Sign in first.")
    return visitor.user


# --- lead page -------------------------------------------------------------------------------------


@router.get("/leads/{lead_id}")
def lead_view(request: Request, lead_id: int, db: WebDb, visitor: CurrentUser) -> Response:
    """One lead: fields and their sources, the timeline, CRM links, and what a person can do."""
    page = queries.lead_page(db, lead_id=lead_id) if 1 <= lead_id <= _MAX_ID else None
    if page is None:
        raise WebError(404, f"There is no lead {lead_id}.")
    return render(request, "lead.html", {**page, "owners": _owner_choices(request)})


def _touch_conn(db: WebDb, lead_id: int) -> Any:
    if not 1 <= lead_id <= _MAX_ID or db.get(LeadRow, lead_id) is None:
        raise WebError(404, f"There is no lead {lead_id}.")
    return db.connection()


@router.post("/leads/{lead_id}/claim")
def lead_claim(request: Request, lead_id: int, db: WebDb, visitor: Csrf) -> Response:
    """The signed-in person takes the lead; the claim counts as its first touch when it is one."""
    from leadrelay.actions import touches

    me = _signed_in(visitor)
    touches.claim(_touch_conn(db, lead_id), lead_id=lead_id, by=me.email, source="ui")
    db.commit()
    return redirect(request, f"/leads/{lead_id}")


@router.post("/leads/{lead_id}/touch")
def lead_touch(request: Request, lead_id: int, db: WebDb, visitor: Csrf,
               note: Annotated[str, Form()] = "") -> Response:
    """Record that the signed-in person acted on the lead (a call, an email sent outside LeadRelay)."""
    from leadrelay.actions import touches

    me = _signed_in(visitor)
    touches.record_touch(_touch_conn(db, lead_id), lead_id=lead_id, source="ui", kind="touch",
                         by=me.email,
                         detail={"note": note.strip()[:500]} if note.strip() else None)
    db.commit()
    return redirect(request, f"/leads/{lead_id}")


@router.post("/leads/{lead_id}/reassign")
def lead_reassign(request: Request, lead_id: int, db: WebDb, visitor: Csrf,
                  assignee: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "") -> Response:
    """Give the lead to someone else, with a reason."""
    from leadrelay.actions import touches

    me = _signed_in(visitor)
    if not assignee.strip():
        raise WebError(400, "Choose who should get the lead.")
    touches.reassign(_touch_conn(db, lead_id), lead_id=lead_id, assignee=assignee.strip().lower(),
                     by=me.email, reason=reason.strip() or "reassigned in the web app")
    db.commit()
    return redirect(request, f"/leads/{lead_id}")


# --- my leads --------------------------------------------------------------------------------------


@router.get("/my")
def my_leads_page(request: Request, db: WebDb, visitor: CurrentUser) -> Response:
    """The signed-in person's open leads with their SLA clocks, most urgent first."""
    email = _signed_in(visitor).email
    return render(request, "my_leads.html", {"rows": queries.my_leads(db, assignee=email), "me": email})


# --- dashboard -------------------------------------------------------------------------------------


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise WebError(400, f"{value!r} is not a date; use YYYY-MM-DD.") from None


@router.get("/dashboard")
def dashboard_page(request: Request, db: WebDb, visitor: CurrentUser,
                   since: Annotated[str | None, Query()] = None, until: Annotated[str | None, Query()] = None,
                   source: Annotated[str | None, Query()] = None) -> Response:
    """The figures that tell whether LeadRelay helps, as charts, for a date range and a source."""
    from leadrelay import monitor

    first = _day(since) or (utcnow() - timedelta(days=13)).date()
    last = _day(until) or utcnow().date()
    if last < first:
        raise WebError(400, "The end of the range is before its start.")
    figures = monitor.dashboard(db, since=datetime.combine(first, time(), UTC),
                                until=datetime.combine(last + timedelta(days=1), time(), UTC), source=source or None)
    # The monitor's sources are where leads came from (web_form, email, referral, ...), as it reports them.
    everything = figures if not source else monitor.dashboard(db, since=figures.since, until=figures.until)
    sources = sorted({item.source for item in everything.by_source} | ({source} if source else set()))
    context = {"figures": figures, "since": first.isoformat(), "until": last.isoformat(), "source": source or "",
               "sources": sources, **_dashboard_charts(figures, first, last)}
    if request.query_params.get("format") == "json":
        return render(request, "dashboard.html", {"figures": figures.to_dict()})
    return render(request, "dashboard.html", context)


def _dashboard_charts(figures: Any, first: date, last: date) -> dict[str, Any]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    volume: dict[str, dict[date, float]] = {}
    for item in figures.volume_by_day:
        volume.setdefault(item.source, {})[item.day] = float(item.events)
    volume_svg, legend = charts.day_columns(days, volume)
    response = {item.day: item.median_first_response_s for item in figures.first_response_by_day}
    first_response_svg = charts.day_line([(d, response.get(d)) for d in days], fmt=charts.duration)
    accuracy_svg = charts.hbars([("type (overall)", figures.accuracy)] +
                                [(name, value) for name, value in figures.field_accuracy.items() if name != "type"],
                                fmt=charts.percent, max_value=1.0, color=charts.PALETTE[1])
    completion_svg = charts.hbars(list(figures.field_completion.items()), fmt=charts.percent, max_value=1.0,
                                  color=charts.PALETTE[5])
    errors = [e for e in figures.errors_by_type if e.false_positives or e.false_negatives or e.reviewed]
    fp_svg = charts.hbars([(e.type, float(e.false_positives)) for e in errors], fmt=lambda v: f"{v:.0f}",
                          color=charts.PALETTE[3])
    fn_svg = charts.hbars([(e.type, float(e.false_negatives)) for e in errors], fmt=lambda v: f"{v:.0f}",
                          color=charts.PALETTE[4])
    leads_svg = charts.hbars([(s.source, float(s.leads)) for s in figures.by_source], fmt=lambda v: f"{v:.0f}")
    meetings_svg = charts.hbars([(s.source, s.meeting_rate) for s in figures.by_source], fmt=charts.percent,
                                max_value=1.0, color=charts.PALETTE[2])
    return {"volume_svg": volume_svg, "volume_legend": legend, "first_response_svg": first_response_svg,
            "accuracy_svg": accuracy_svg, "completion_svg": completion_svg, "fp_svg": fp_svg, "fn_svg": fn_svg,
            "leads_svg": leads_svg, "meetings_svg": meetings_svg}


# --- settings and users ----------------------------------------------------------------------------


@router.get("/settings")
def settings_page(request: Request, visitor: Admin) -> Response:
    """The workspace as loaded, or the validation errors that stop it from loading, shown plainly."""
    from leadrelay.errors import LeadRelayError
    from leadrelay.workspace import load_workspace

    settings = request.app.state.services.settings
    try:
        workspace = load_workspace(settings.workspace)
    except LeadRelayError as exc:
        return render(request, "settings.html", {"path": str(settings.workspace), "error": str(exc),
                                                 "config": None, "owners": [], "counts": {}})
    counts = {"CRM accounts": len(workspace.accounts), "CRM contacts": len(workspace.contacts),
              "owners": len(workspace.owners)}
    return render(request, "settings.html", {
        "path": str(workspace.path), "error": None, "config": workspace.config.model_dump(mode="json"),
        "version": workspace.version, "owners": [o.__dict__ for o in workspace.owners], "counts": counts})


def _users_context(db: WebDb, **extra: Any) -> dict[str, Any]:
    users = [{"id": u.id, "email": u.email, "name": u.name, "role": u.role, "created_at": u.created_at,
              "disabled": u.disabled_at is not None} for u in auth.list_users(db)]
    return {"users": users, "roles": USER_ROLES, "created": None, "error": None, **extra}


@router.get("/users")
def users_page(request: Request, db: WebDb, visitor: Admin) -> Response:
    """Everyone who can sign in, and a form to add someone."""
    return render(request, "users.html", _users_context(db))


@router.post("/users")
def users_create(request: Request, db: WebDb, visitor: Csrf, email: Annotated[str, Form()] = "",
                 name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "rep") -> Response:
    """Add a user with a random password, shown once."""
    if not visitor.is_admin:
        raise WebError(403, "Only admins add users.")
    try:
        user, password = auth.create_user(db, email=email, role=role, name=name)
    except ValueError as exc:
        return render(request, "users.html", _users_context(db, error=str(exc)), status=400)
    db.commit()
    return render(request, "users.html", _users_context(db, created={"email": user.email, "password": password}))


@router.post("/users/{user_id}/disable")
def users_disable(request: Request, user_id: int, db: WebDb, visitor: Csrf) -> Response:
    """Stop a user from signing in (their sessions end at once)."""
    if not visitor.is_admin:
        raise WebError(403, "Only admins disable users.")
    if visitor.user is not None and visitor.user.id == user_id:
        raise WebError(400, "You cannot disable your own account.")
    if not 1 <= user_id <= _MAX_ID:
        raise WebError(404, f"There is no user {user_id}.")
    db.execute(update(User).where(User.id == user_id, User.disabled_at.is_(None)).values(disabled_at=utcnow()))
    db.commit()
    return redirect(request, "/users")
