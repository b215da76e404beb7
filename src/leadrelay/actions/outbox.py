"""The outbox runner: execute one planned action (CRM write, Slack alert, email, owner reminder) exactly once.

Each run claims its row with one guarded UPDATE (pending or retrying and due, or running for so long that
its worker is presumed dead -> running), commits, calls the adapter outside any transaction, and records
the outcome with another guarded UPDATE. Two workers never both run a claimed action; a worker killed
mid-call leaves the row ``running`` and the sweep runs it again after ``action_lost_after_s``. That second
run is safe because adapters are idempotent by the action's key (search before create, a task per key,
a Message-ID per key), which is what makes the effect exactly-once.

Failures: an `IntegrationError` with ``retryable`` goes to ``retrying`` with exponential backoff (a
server's Retry-After wins when longer); not retryable, a missing setting, or the last attempt goes to
``dead`` with the error and a timeline entry, shown to people, who retry it with `retry_dead`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import httpx
from sqlalchemy import Connection, Engine, Table, and_, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from leadrelay.actions.plan import lead_url
from leadrelay.actions.touches import record_touch
from leadrelay.config import Settings
from leadrelay.errors import ConfigError, IntegrationError
from leadrelay.integrations import registry
from leadrelay.integrations.base import (
    CrmLead,
    CrmRef,
    CrmSink,
    LeadAlert,
    Mailer,
    Notifier,
    OutboundEmail,
)
from leadrelay.store.tables import Action, CrmRecord, LeadState, TimelineEntry, utcnow
from leadrelay.workspace import Workspace, load_workspace

__all__ = ["ActionContext", "due_actions", "release_draft", "retry_dead", "run_action", "run_due_actions"]

log = logging.getLogger(__name__)

_ACTIONS = cast(Table, Action.__table__)
_CRM = cast(Table, CrmRecord.__table__)
_STATE = cast(Table, LeadState.__table__)
_TIMELINE = cast(Table, TimelineEntry.__table__)


class ActionContext:
    """What running actions needs in one process: settings, engine, workspace, an HTTP client and adapters.

    `crm_sinks`, `notifiers` and `mailers` put given adapters in place of the registry's (by slug), for
    tests and embedders; everything else is built from settings on first use and kept for the process.
    """

    def __init__(self, settings: Settings, *, engine: Engine, workspace: Workspace | None = None,
                 http: httpx.Client | None = None, crm_sinks: dict[str, CrmSink] | None = None,
                 notifiers: dict[str, Notifier] | None = None, mailers: dict[str, Mailer] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self._workspace = workspace
        self._http = http
        self._crm_sinks: dict[str, CrmSink] = dict(crm_sinks or {})
        self._notifiers: dict[str, Notifier] = dict(notifiers or {})
        self._mailers: dict[str, Mailer] = dict(mailers or {})
        self._lock = threading.Lock()

    @property
    def workspace(self) -> Workspace:
        """The configured workspace, loaded once."""
        if self._workspace is None:
            with self._lock:
                if self._workspace is None:
                    self._workspace = load_workspace(self.settings.workspace)
        return self._workspace

    @property
    def http(self) -> httpx.Client:
        """The HTTP client adapters send with."""
        if self._http is None:
            with self._lock:
                if self._http is None:
                    self._http = httpx.Client(timeout=self.settings.action_timeout_s)
        return self._http

    def crm_sink(self, slug: str) -> CrmSink:
        """The CRM sink for `slug`."""
        if slug not in self._crm_sinks:
            sink = registry.make_crm_sink(slug, self.settings, self.workspace, self.http, engine=self.engine)
            with self._lock:
                self._crm_sinks.setdefault(slug, sink)
        return self._crm_sinks[slug]

    def notifier(self, slug: str) -> Notifier:
        """The notifier for `slug`."""
        if slug not in self._notifiers:
            notifier = registry.make_notifier(slug, self.settings, self.workspace, self.http)
            with self._lock:
                self._notifiers.setdefault(slug, notifier)
        return self._notifiers[slug]

    def mailer(self, slug: str) -> Mailer:
        """The mailer for `slug`."""
        if slug not in self._mailers:
            mailer = registry.make_mailer(slug, self.settings, self.workspace)
            with self._lock:
                self._mailers.setdefault(slug, mailer)
        return self._mailers[slug]

    def has_notifier(self, slug: str) -> bool:
        """Whether `slug` can be used (given, or configured in settings)."""
        return slug in self._notifiers or (slug == "slack" and self.settings.slack is not None)

    def base_url(self) -> str:
        """Where people reach this service: settings' public_url, else the workspace's base_url."""
        return (self.settings.public_url or self.workspace.config.actions.base_url).rstrip("/")

    def close(self) -> None:
        """Close the HTTP client."""
        if self._http is not None:
            self._http.close()


# --- claiming ----------------------------------------------------------------------------------------


def _runnable(now: datetime, lost_before: datetime) -> Any:
    return or_(
        and_(_ACTIONS.c.state.in_(("pending", "retrying")),
             or_(_ACTIONS.c.next_attempt_at.is_(None), _ACTIONS.c.next_attempt_at <= now)),
        and_(_ACTIONS.c.state == "running", _ACTIONS.c.updated_at < lost_before))


def due_actions(conn: Connection, *, now: datetime, lost_after_s: float, limit: int = 500) -> list[int]:
    """Ids of actions to run now: pending or retrying and due, or running so long their worker is presumed lost."""
    lost_before = now - timedelta(seconds=lost_after_s)
    return [int(i) for i in conn.execute(select(_ACTIONS.c.id).where(_runnable(now, lost_before))
                                         .order_by(_ACTIONS.c.id).limit(limit)).scalars()]


def _claim(engine: Engine, action_id: int, now: datetime, lost_after_s: float) -> dict[str, Any] | None:
    lost_before = now - timedelta(seconds=lost_after_s)
    with engine.begin() as conn:
        before = conn.execute(select(_ACTIONS.c.state).where(_ACTIONS.c.id == action_id)).scalar()
        claimed = conn.execute(update(_ACTIONS).where(_ACTIONS.c.id == action_id, _runnable(now, lost_before))
                               .values(state="running", attempts=_ACTIONS.c.attempts + 1, updated_at=now)).rowcount
        if claimed != 1:
            return None
        row = conn.execute(select(_ACTIONS).where(_ACTIONS.c.id == action_id)).mappings().one()
        if before == "running":
            conn.execute(insert(_TIMELINE).values(lead_id=row["lead_id"], kind="action_presumed_lost", at=now,
                                                  detail={"action_id": action_id, "key": row["key"]}))
        return dict(row)


# --- doing -------------------------------------------------------------------------------------------


def _with_links(ctx: ActionContext, row: dict[str, Any]) -> dict[str, Any]:
    """The payload with lead links pointing where people reach this service now (settings' public_url).

    Planning wrote links from the workspace's base_url; a deployment names its own address in settings.
    """
    p = dict(row["payload"])
    if row.get("lead_id") is None:
        return p
    planned, link = lead_url(ctx.workspace, row["lead_id"]), f"{ctx.base_url()}/leads/{row['lead_id']}"
    if planned == link:
        return p
    for key in ("lead_url", "task_body"):
        if isinstance(p.get(key), str):
            p[key] = p[key].replace(planned, link)
    if isinstance(p.get("fields"), dict):
        p["fields"] = {k: v.replace(planned, link) if isinstance(v, str) else v for k, v in p["fields"].items()}
    return p


def _run_crm(ctx: ActionContext, row: dict[str, Any]) -> dict[str, Any]:
    p = _with_links(ctx, row)
    lead = CrmLead(key=row["key"], lead_id=row["lead_id"], email=p.get("email"), first_name=p.get("first_name"),
                   last_name=p.get("last_name"), company=p.get("company"), domain=p.get("domain"),
                   owner_email=p.get("owner_email"), task_subject=p.get("task_subject"),
                   task_body=p.get("task_body"), fields={k: str(v) for k, v in (p.get("fields") or {}).items()})
    ref = ctx.crm_sink(row["target"]).upsert_lead(lead)
    return {"system": ref.system, "contact_id": ref.contact_id, "company_id": ref.company_id,
            "task_id": ref.task_id, "created": list(ref.created), "url": ref.url}


def _run_slack(ctx: ActionContext, row: dict[str, Any]) -> dict[str, Any]:
    p = _with_links(ctx, row)
    alert = LeadAlert(key=row["key"], lead_id=row["lead_id"], title=p["title"], reasons=tuple(p.get("reasons", ())),
                      lead_url=p["lead_url"], owner_email=p.get("owner_email"), queue=p.get("queue"),
                      urgency=p.get("urgency"), fields={k: str(v) for k, v in (p.get("fields") or {}).items()},
                      reassign_to=tuple(p.get("reassign_to", ())))
    ref = ctx.notifier(row["target"]).alert(alert)
    return {"system": ref.system, "channel": ref.channel, "ts": ref.ts}


def _templates_dir(ctx: ActionContext) -> Path | None:
    folder = ctx.workspace.config.actions.email.templates
    return ctx.workspace.path / folder if folder else None


def _unsubscribe_url(ctx: ActionContext, lead_id: int) -> str | None:
    from leadrelay.integrations.email import unsubscribe_url

    secret = ctx.settings.unsubscribe_secret
    return unsubscribe_url(ctx.base_url(), secret, lead_id) if secret is not None else None


def _run_email(ctx: ActionContext, row: dict[str, Any]) -> dict[str, Any]:
    from leadrelay.integrations.email import render_reply

    p = row["payload"]
    settings = ctx.workspace.config.actions.email
    unsubscribe = _unsubscribe_url(ctx, row["lead_id"])
    context = {"first_name": p.get("first_name"), "our_company": ctx.workspace.config.company.name,
               "sender_name": settings.sender_name, "original_subject": p.get("original_subject"),
               "use_case": p.get("use_case"), "unsubscribe_url": unsubscribe, **settings.links}
    subject, text = render_reply(p["situation"], context, _templates_dir(ctx))
    references = tuple(p.get("references") or ())
    if p.get("in_reply_to") and p["in_reply_to"] not in references:
        references = (*references, p["in_reply_to"])
    outbound = OutboundEmail(key=row["key"], to=p["to"], subject=subject, text=text,
                             from_address=settings.from_address, reply_to=settings.reply_to,
                             in_reply_to=p.get("in_reply_to"), references=references,
                             list_unsubscribe=f"<{unsubscribe}>" if unsubscribe else None)
    sent = ctx.mailer(row["target"]).send(outbound)
    return {"message_id": sent.message_id, "subject": subject}


def _run_reminder(ctx: ActionContext, row: dict[str, Any]) -> dict[str, Any]:
    """A reminder or escalation to an owner: a Slack alert when Slack is set up, else an email to them."""
    from leadrelay.integrations.email import render_reply

    p = _with_links(ctx, row)
    if row["target"] == "slack":
        ref = ctx.notifier("slack").alert(LeadAlert(
            key=row["key"], lead_id=row["lead_id"], title=p["title"], reasons=tuple(p.get("reasons", ())),
            lead_url=p["lead_url"], owner_email=p.get("to"), queue=p.get("queue"), urgency=p.get("urgency")))
        return {"system": ref.system, "channel": ref.channel, "ts": ref.ts}
    context = {"lead_name": p.get("lead_name") or "A lead", "lead_company": p.get("lead_company"),
               "lead_url": p["lead_url"], "due_at": p.get("due_at"), "owner_name": p.get("owner_name"),
               "lead_title": p.get("title"), "next_step": p.get("next_step")}
    subject, text = render_reply("reminder_owner", context, _templates_dir(ctx))
    sent = ctx.mailer(row["target"]).send(OutboundEmail(
        key=row["key"], to=p["to"], subject=subject, text=text,
        from_address=ctx.workspace.config.actions.email.from_address))
    return {"message_id": sent.message_id, "subject": subject}


_RUNNERS: dict[str, Callable[[ActionContext, dict[str, Any]], dict[str, Any]]] = {
    "crm": _run_crm, "slack": _run_slack, "email": _run_email, "reminder": _run_reminder}


# --- recording -----------------------------------------------------------------------------------------


def _upsert_crm_record(conn: Connection, *, system: str, object_: str, match_key: str, external_id: str,
                       lead_id: int | None, now: datetime) -> None:
    values: dict[str, Any] = {"system": system, "object": object_, "match_key": match_key, "external_id": external_id,
              "lead_id": lead_id, "data": {}, "created_at": now, "updated_at": now}
    keys = ["system", "object", "match_key"]
    changes = {"external_id": external_id, "updated_at": now}
    if conn.dialect.name == "postgresql":
        pg = pg_insert(_CRM).values(values)
        conn.execute(pg.on_conflict_do_update(index_elements=keys, set_=changes))
    elif conn.dialect.name == "sqlite":
        lite = sqlite_insert(_CRM).values(values)
        conn.execute(lite.on_conflict_do_update(index_elements=keys, set_=changes))
    else:
        found = conn.execute(update(_CRM).where(_CRM.c.system == system, _CRM.c.object == object_,
                                                _CRM.c.match_key == match_key).values(**changes)).rowcount
        if not found:
            conn.execute(insert(_CRM).values(values))


def _record_crm(conn: Connection, row: dict[str, Any], result: dict[str, Any], now: datetime) -> None:
    system = result["system"]
    if system == "builtin":
        return  # the built-in CRM's rows are its records
    p = row["payload"]
    ref = CrmRef(system=system, contact_id=result["contact_id"], company_id=result.get("company_id"),
                 task_id=result.get("task_id"))
    if p.get("email"):
        _upsert_crm_record(conn, system=system, object_="contact", match_key=p["email"], external_id=ref.contact_id,
                           lead_id=row["lead_id"], now=now)
    if p.get("domain") and ref.company_id:
        _upsert_crm_record(conn, system=system, object_="company", match_key=p["domain"],
                           external_id=ref.company_id, lead_id=row["lead_id"], now=now)
    if ref.task_id:
        _upsert_crm_record(conn, system=system, object_="task", match_key=row["key"], external_id=ref.task_id,
                           lead_id=row["lead_id"], now=now)


def _finish(ctx: ActionContext, row: dict[str, Any], result: dict[str, Any]) -> bool:
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        done = conn.execute(update(_ACTIONS).where(
            _ACTIONS.c.id == row["id"], _ACTIONS.c.state == "running", _ACTIONS.c.attempts == row["attempts"])
            .values(state="done", result=result, done_at=now, updated_at=now, last_error=None)).rowcount == 1
        if not done:
            return False  # presumed lost and taken over meanwhile: the other run records it
        if row["kind"] == "crm":
            _record_crm(conn, row, result, now)
        if row["kind"] == "email" and row["lead_id"] is not None:
            record_touch(conn, lead_id=row["lead_id"], source="email", kind="reply",
                         by=ctx.workspace.config.actions.email.from_address,
                         detail={"action_id": row["id"], "situation": row["payload"].get("situation"),
                                 "message_id": result.get("message_id")}, at=now)
        conn.execute(insert(_TIMELINE).values(lead_id=row["lead_id"], kind="action_done", at=now, detail={
            "action_id": row["id"], "kind": row["kind"], "target": row["target"], "attempts": row["attempts"],
            "result": result}))
    return True


def _backoff_s(ctx: ActionContext, attempts: int, retry_after_s: float | None) -> float:
    s = ctx.settings
    delay = s.action_retry_delay_s * s.action_retry_backoff ** max(0, attempts - 1)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return min(delay, s.action_max_delay_s)


def _fail(ctx: ActionContext, row: dict[str, Any], error: BaseException, *, retryable: bool,
          retry_after_s: float | None = None) -> str:
    now = ctx.clock()
    message = f"{type(error).__name__}: {error}"[:4000]
    final = not retryable or row["attempts"] >= ctx.settings.action_attempts
    values: dict[str, Any] = {"last_error": message, "updated_at": now}
    if final:
        values.update(state="dead", next_attempt_at=None)
    else:
        values.update(state="retrying",
                      next_attempt_at=now + timedelta(seconds=_backoff_s(ctx, row["attempts"], retry_after_s)))
    with ctx.engine.begin() as conn:
        moved = conn.execute(update(_ACTIONS).where(
            _ACTIONS.c.id == row["id"], _ACTIONS.c.state == "running", _ACTIONS.c.attempts == row["attempts"])
            .values(**values)).rowcount
        if moved and final:
            conn.execute(insert(_TIMELINE).values(lead_id=row["lead_id"], kind="action_dead", at=now, detail={
                "action_id": row["id"], "kind": row["kind"], "target": row["target"], "attempts": row["attempts"],
                "error": message[:500]}))
    if final:
        log.error("action dead", extra={"action_id": row["id"], "key": row["key"], "error": message})
        return "dead"
    log.warning("action failed, will retry", extra={"action_id": row["id"], "key": row["key"], "error": message})
    return "retrying"


def _opted_out(ctx: ActionContext, lead_id: int | None) -> bool:
    if lead_id is None:
        return False
    with ctx.engine.connect() as conn:
        return conn.execute(select(_STATE.c.opted_out_at).where(_STATE.c.lead_id == lead_id)).scalar() is not None


def run_action(ctx: ActionContext, action_id: int) -> str:
    """Run one action if it is due and nobody else runs it; returns done, retrying, dead, cancelled or skipped."""
    row = _claim(ctx.engine, action_id, ctx.clock(), ctx.settings.action_lost_after_s)
    if row is None:
        return "skipped"
    if row["kind"] == "email" and _opted_out(ctx, row["lead_id"]):
        with ctx.engine.begin() as conn:
            conn.execute(update(_ACTIONS).where(_ACTIONS.c.id == action_id, _ACTIONS.c.state == "running").values(
                state="cancelled", last_error="the lead opted out", updated_at=ctx.clock()))
        return "cancelled"
    runner = _RUNNERS.get(row["kind"])
    try:
        if runner is None:
            raise ConfigError(f"no runner for action kind {row['kind']!r}")
        result = runner(ctx, row)
    except IntegrationError as exc:
        return _fail(ctx, row, exc, retryable=exc.retryable, retry_after_s=exc.retry_after_s)
    except ConfigError as exc:  # an operator mistake: retrying before it is fixed cannot help
        return _fail(ctx, row, exc, retryable=False)
    except Exception as exc:  # a bug or an unexpected failure: treated as retryable (see integrations.base)
        log.exception("action raised", extra={"action_id": action_id})
        return _fail(ctx, row, exc, retryable=True)
    _finish(ctx, row, result)
    log.info("action done", extra={"action_id": action_id, "key": row["key"]})
    return "done"


def run_due_actions(ctx: ActionContext, *, limit: int = 500) -> dict[str, int]:
    """Run every action due now in this thread (the demo, tests, and a worker's sweep); counts per outcome."""
    with ctx.engine.connect() as conn:
        ids = due_actions(conn, now=ctx.clock(), lost_after_s=ctx.settings.action_lost_after_s, limit=limit)
    counts: dict[str, int] = {}
    for action_id in ids:
        outcome = run_action(ctx, action_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def enqueue_due(ctx: ActionContext, enqueue: Callable[[int], None], *, limit: int = 500) -> Sequence[int]:
    """Hand every due action to `enqueue` (a queue task per action); returns their ids."""
    with ctx.engine.connect() as conn:
        ids = due_actions(conn, now=ctx.clock(), lost_after_s=ctx.settings.action_lost_after_s, limit=limit)
    for action_id in ids:
        enqueue(action_id)
    return ids


# --- people ----------------------------------------------------------------------------------------------


def retry_dead(conn: Connection, *, action_id: int, by: str | None = None) -> bool:
    """Give a dead action a fresh set of attempts, due now; False when it is not dead."""
    now = utcnow()
    moved = conn.execute(update(_ACTIONS).where(_ACTIONS.c.id == action_id, _ACTIONS.c.state == "dead").values(
        state="pending", attempts=0, next_attempt_at=now, updated_at=now)).rowcount == 1
    if moved:
        lead_id = conn.execute(select(_ACTIONS.c.lead_id).where(_ACTIONS.c.id == action_id)).scalar()
        conn.execute(insert(_TIMELINE).values(lead_id=lead_id, kind="action_retried", at=now,
                                              detail={"action_id": action_id, "by": by}))
    return moved


def release_draft(conn: Connection, *, action_id: int, by: str | None = None) -> bool:
    """A person approves a drafted email: it is sent by the outbox; False when it is not a draft."""
    now = utcnow()
    moved = conn.execute(update(_ACTIONS).where(_ACTIONS.c.id == action_id, _ACTIONS.c.state == "draft").values(
        state="pending", next_attempt_at=now, updated_at=now)).rowcount == 1
    if moved:
        lead_id = conn.execute(select(_ACTIONS.c.lead_id).where(_ACTIONS.c.id == action_id)).scalar()
        conn.execute(insert(_TIMELINE).values(lead_id=lead_id, kind="draft_released", at=now,
                                              detail={"action_id": action_id, "by": by}))
    return moved
