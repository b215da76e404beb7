"""The outbox runner: execute one planned action (CRM write, Slack alert, email, owner reminder) exactly once.

Each run claims its row with one guarded UPDATE (pending or retrying and due, or running for so long that
its worker is presumed dead -> running), commits, calls the adapter outside any transaction, and records
the outcome with another guarded UPDATE. Two workers never both run a claimed action; a worker killed
mid-call leaves the row ``running`` and the sweep runs it again after ``action_lost_after_s``. That second
run is safe because adapters are idempotent by the action's key (search before create, a task per key,
a Message-ID per key), which is what makes the effect exactly-once. What needs no outside call shares the
claim's transaction: an action that fails before its call (a missing setting) or is cancelled (an opted-out
lead) is closed in it, and the built-in CRM is written and the action recorded done in it.

Failures: an `IntegrationError` with ``retryable`` goes to ``retrying`` with exponential backoff (a
server's Retry-After wins when longer); not retryable, a missing setting, or the last attempt goes to
``dead`` with the error and a timeline entry, shown to people, who retry it with `retry_dead`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, Engine, and_, bindparam, insert, or_, select, update
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
from leadrelay.integrations.crm_builtin import BuiltinCrmSink
from leadrelay.store.tables import ACTION_TABLE as _ACTIONS
from leadrelay.store.tables import CRM_RECORD_TABLE as _CRM
from leadrelay.store.tables import LEAD_STATE_TABLE as _STATE
from leadrelay.store.tables import TIMELINE_TABLE as _TIMELINE
from leadrelay.store.tables import utcnow
from leadrelay.workspace import Workspace, load_workspace

__all__ = ["ActionContext", "close_without_calls", "due_actions", "release_draft", "retry_dead", "run_action",
           "run_actions", "run_due_actions"]

log = logging.getLogger(__name__)



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


# Built once: every action runs these. A due action is claimed by one UPDATE that returns its row; only
# when that finds nothing does a second look for a running one presumed lost.
_CLAIM_VALUES = {"state": "running", "attempts": _ACTIONS.c.attempts + 1, "updated_at": bindparam("new_updated_at")}
_CLAIM_DUE = update(_ACTIONS).where(
    _ACTIONS.c.id == bindparam("b_action_id"), _ACTIONS.c.state.in_(("pending", "retrying")),
    or_(_ACTIONS.c.next_attempt_at.is_(None), _ACTIONS.c.next_attempt_at <= bindparam("b_now"))
).values(**_CLAIM_VALUES).returning(*_ACTIONS.c)
_CLAIM_LOST = update(_ACTIONS).where(
    _ACTIONS.c.id == bindparam("b_action_id"), _ACTIONS.c.state == "running",
    _ACTIONS.c.updated_at < bindparam("b_lost_before")).values(**_CLAIM_VALUES).returning(*_ACTIONS.c)
_CLAIM_DUE_MANY = update(_ACTIONS).where(
    _ACTIONS.c.id.in_(bindparam("b_action_ids", expanding=True)), _ACTIONS.c.state.in_(("pending", "retrying")),
    or_(_ACTIONS.c.next_attempt_at.is_(None), _ACTIONS.c.next_attempt_at <= bindparam("b_now"))
).values(**_CLAIM_VALUES).returning(*_ACTIONS.c)
_CLAIM_LOST_MANY = update(_ACTIONS).where(
    _ACTIONS.c.id.in_(bindparam("b_action_ids", expanding=True)), _ACTIONS.c.state == "running",
    _ACTIONS.c.updated_at < bindparam("b_lost_before")).values(**_CLAIM_VALUES).returning(*_ACTIONS.c)
_CANCEL = update(_ACTIONS).where(_ACTIONS.c.id == bindparam("b_action_id"), _ACTIONS.c.state == "running").values(
    state="cancelled", last_error="the lead opted out", updated_at=bindparam("new_updated_at"))
_SELECT_OPTED_OUT = select(_STATE.c.opted_out_at).where(_STATE.c.lead_id == bindparam("b_lead_id"))
_INSERT_TIMELINE = insert(_TIMELINE)


def _claim(conn: Connection, action_id: int, now: datetime, lost_after_s: float) -> dict[str, Any] | None:
    """Take the action (-> running, one more attempt) if it is runnable now; its row, or None."""
    params = {"b_action_id": action_id, "b_now": now, "new_updated_at": now}
    row = conn.execute(_CLAIM_DUE, params).mappings().first()
    if row is None:
        row = conn.execute(_CLAIM_LOST, {**params, "b_lost_before": now - timedelta(seconds=lost_after_s)}
                           ).mappings().first()
        if row is None:
            return None
        conn.execute(_INSERT_TIMELINE, {"lead_id": row["lead_id"], "kind": "action_presumed_lost", "at": now,
                                        "detail": {"action_id": action_id, "key": row["key"]}})
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


@dataclass(frozen=True)
class _Prepared:
    """An action ready to go: `call` makes the outside call; `local` (the built-in CRM) writes inside a
    transaction of ours instead. Both return the result stored on the action."""

    call: Callable[[], dict[str, Any]]
    local: Callable[[Connection], dict[str, Any]] | None = None


def _crm_result(ref: CrmRef) -> dict[str, Any]:
    return {"system": ref.system, "contact_id": ref.contact_id, "company_id": ref.company_id,
            "task_id": ref.task_id, "created": list(ref.created), "url": ref.url}


def _prepare_crm(ctx: ActionContext, row: dict[str, Any]) -> _Prepared:
    p = _with_links(ctx, row)
    lead = CrmLead(key=row["key"], lead_id=row["lead_id"], email=p.get("email"), first_name=p.get("first_name"),
                   last_name=p.get("last_name"), company=p.get("company"), domain=p.get("domain"),
                   owner_email=p.get("owner_email"), task_subject=p.get("task_subject"),
                   task_body=p.get("task_body"), fields={k: str(v) for k, v in (p.get("fields") or {}).items()})
    sink = ctx.crm_sink(row["target"])

    def call() -> dict[str, Any]:
        return _crm_result(sink.upsert_lead(lead))

    if not isinstance(sink, BuiltinCrmSink) or sink.engine is not ctx.engine:
        return _Prepared(call=call)
    builtin = sink

    def write(conn: Connection) -> dict[str, Any]:
        return _crm_result(builtin.write(conn, lead))
    return _Prepared(call=call, local=write)


def _prepare_slack(ctx: ActionContext, row: dict[str, Any]) -> _Prepared:
    p = _with_links(ctx, row)
    alert = LeadAlert(key=row["key"], lead_id=row["lead_id"], title=p["title"], reasons=tuple(p.get("reasons", ())),
                      lead_url=p["lead_url"], owner_email=p.get("owner_email"), queue=p.get("queue"),
                      urgency=p.get("urgency"), fields={k: str(v) for k, v in (p.get("fields") or {}).items()},
                      reassign_to=tuple(p.get("reassign_to", ())))
    notifier = ctx.notifier(row["target"])

    def call() -> dict[str, Any]:
        ref = notifier.alert(alert)
        return {"system": ref.system, "channel": ref.channel, "ts": ref.ts}
    return _Prepared(call=call)


def _templates_dir(ctx: ActionContext) -> Path | None:
    folder = ctx.workspace.config.actions.email.templates
    return ctx.workspace.path / folder if folder else None


def _unsubscribe_url(ctx: ActionContext, lead_id: int) -> str | None:
    from leadrelay.integrations.email import unsubscribe_url

    secret = ctx.settings.unsubscribe_secret
    return unsubscribe_url(ctx.base_url(), secret, lead_id) if secret is not None else None


def _prepare_email(ctx: ActionContext, row: dict[str, Any]) -> _Prepared:
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
    mailer = ctx.mailer(row["target"])

    def call() -> dict[str, Any]:
        sent = mailer.send(outbound)
        return {"message_id": sent.message_id, "subject": subject}
    return _Prepared(call=call)


def _prepare_reminder(ctx: ActionContext, row: dict[str, Any]) -> _Prepared:
    """A reminder or escalation to an owner: a Slack alert when Slack is set up, else an email to them."""
    from leadrelay.integrations.email import render_reply

    p = _with_links(ctx, row)
    if row["target"] == "slack":
        notifier = ctx.notifier("slack")
        alert = LeadAlert(key=row["key"], lead_id=row["lead_id"], title=p["title"],
                          reasons=tuple(p.get("reasons", ())), lead_url=p["lead_url"], owner_email=p.get("to"),
                          queue=p.get("queue"), urgency=p.get("urgency"))

        def alert_owner() -> dict[str, Any]:
            ref = notifier.alert(alert)
            return {"system": ref.system, "channel": ref.channel, "ts": ref.ts}
        return _Prepared(call=alert_owner)
    context = {"lead_name": p.get("lead_name") or "A lead", "lead_company": p.get("lead_company"),
               "lead_url": p["lead_url"], "due_at": p.get("due_at"), "owner_name": p.get("owner_name"),
               "lead_title": p.get("title"), "next_step": p.get("next_step")}
    subject, text = render_reply("reminder_owner", context, _templates_dir(ctx))
    mailer = ctx.mailer(row["target"])
    outbound = OutboundEmail(key=row["key"], to=p["to"], subject=subject, text=text,
                             from_address=ctx.workspace.config.actions.email.from_address)

    def email_owner() -> dict[str, Any]:
        sent = mailer.send(outbound)
        return {"message_id": sent.message_id, "subject": subject}
    return _Prepared(call=email_owner)


# What each kind of action does before its outside call (build the request, find the adapter).
_PREPARERS: dict[str, Callable[[ActionContext, dict[str, Any]], _Prepared]] = {
    "crm": _prepare_crm, "slack": _prepare_slack, "email": _prepare_email, "reminder": _prepare_reminder}


def _prepare(ctx: ActionContext, row: dict[str, Any]) -> _Prepared:
    preparer = _PREPARERS.get(row["kind"])
    if preparer is None:
        raise ConfigError(f"no runner for action kind {row['kind']!r}")
    return preparer(ctx, row)


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


_FINISH = update(_ACTIONS).where(
    _ACTIONS.c.id == bindparam("b_action_id"), _ACTIONS.c.state == "running",
    _ACTIONS.c.attempts == bindparam("b_attempts")).values(
    state="done", result=bindparam("new_result"), done_at=bindparam("new_done_at"),
    updated_at=bindparam("new_done_at"), last_error=None)


def _finish(ctx: ActionContext, conn: Connection, row: dict[str, Any], result: dict[str, Any]) -> bool:
    """Record the action done (in `conn`'s transaction); False when another run took it over meanwhile."""
    now = ctx.clock()
    done = conn.execute(_FINISH, _done(row, result, now)).rowcount == 1
    if not done:
        return False  # presumed lost and taken over meanwhile: the other run records it
    _after_done(ctx, conn, row, result, now)
    conn.execute(_INSERT_TIMELINE, _done_entry(row, result, now))
    return True


def _done(row: dict[str, Any], result: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"b_action_id": row["id"], "b_attempts": row["attempts"], "new_result": result, "new_done_at": now}


def _after_done(ctx: ActionContext, conn: Connection, row: dict[str, Any], result: dict[str, Any],
                now: datetime) -> None:
    if row["kind"] == "crm":
        _record_crm(conn, row, result, now)
    if row["kind"] == "email" and row["lead_id"] is not None:
        record_touch(conn, lead_id=row["lead_id"], source="email", kind="reply",
                     by=ctx.workspace.config.actions.email.from_address,
                     detail={"action_id": row["id"], "situation": row["payload"].get("situation"),
                             "message_id": result.get("message_id")}, at=now)


def _done_entry(row: dict[str, Any], result: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {"lead_id": row["lead_id"], "kind": "action_done", "at": now, "detail": {
        "action_id": row["id"], "kind": row["kind"], "target": row["target"], "attempts": row["attempts"],
        "result": result}}


def _backoff_s(ctx: ActionContext, attempts: int, retry_after_s: float | None) -> float:
    s = ctx.settings
    delay = s.action_retry_delay_s * s.action_retry_backoff ** max(0, attempts - 1)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    return min(delay, s.action_max_delay_s)


_RECORD_FAILURE = update(_ACTIONS).where(
    _ACTIONS.c.id == bindparam("b_action_id"), _ACTIONS.c.state == "running",
    _ACTIONS.c.attempts == bindparam("b_attempts")).values(
    state=bindparam("new_state"), last_error=bindparam("new_last_error"), updated_at=bindparam("new_updated_at"),
    next_attempt_at=bindparam("new_next_attempt_at"))


def _failure(action_id: int, error: BaseException) -> tuple[bool, float | None]:
    """Whether a failure is worth retrying, and the wait the other side asked for."""
    if isinstance(error, IntegrationError):
        return error.retryable, error.retry_after_s
    if isinstance(error, ConfigError):  # an operator mistake: retrying before it is fixed cannot help
        return False, None
    # A bug or an unexpected failure: treated as retryable (see integrations.base).
    log.error("action raised", exc_info=error, extra={"action_id": action_id})
    return True, None


def _fail(ctx: ActionContext, conn: Connection, row: dict[str, Any], error: BaseException) -> tuple[str, str]:
    """Record a failed attempt (in `conn`'s transaction): retrying with backoff, or dead.

    Returns that outcome and the error message.
    """
    failure = _Failure.of(ctx, row, error)
    moved = conn.execute(_RECORD_FAILURE, failure.params).rowcount
    if moved and failure.entry is not None:
        conn.execute(_INSERT_TIMELINE, failure.entry)
    return failure.outcome, failure.message


@dataclass(frozen=True)
class _Failure:
    """A failed attempt: the action's new values, its timeline entry when it is dead, the outcome and error."""

    params: dict[str, Any]
    entry: dict[str, Any] | None
    outcome: str
    message: str

    @classmethod
    def of(cls, ctx: ActionContext, row: dict[str, Any], error: BaseException) -> _Failure:
        retryable, retry_after_s = _failure(row["id"], error)
        now = ctx.clock()
        message = f"{type(error).__name__}: {error}"[:4000]
        final = not retryable or row["attempts"] >= ctx.settings.action_attempts
        params = {"b_action_id": row["id"], "b_attempts": row["attempts"], "new_state": "dead" if final else "retrying",
                  "new_last_error": message, "new_updated_at": now,
                  "new_next_attempt_at": None if final else now + timedelta(
                      seconds=_backoff_s(ctx, row["attempts"], retry_after_s))}
        entry = {"lead_id": row["lead_id"], "kind": "action_dead", "at": now, "detail": {
            "action_id": row["id"], "kind": row["kind"], "target": row["target"], "attempts": row["attempts"],
            "error": message[:500]}} if final else None
        return cls(params=params, entry=entry, outcome="dead" if final else "retrying", message=message)


def _log_failure(row: dict[str, Any], outcome: str, message: str) -> str:
    if outcome == "dead":
        log.error("action dead", extra={"action_id": row["id"], "key": row["key"], "error": message})
    else:
        log.warning("action failed, will retry", extra={"action_id": row["id"], "key": row["key"], "error": message})
    return outcome


class _LocalWriteFailed(Exception):
    """The built-in CRM's write failed inside the claim's transaction (rolled back with it)."""


def run_action(ctx: ActionContext, action_id: int) -> str:
    """Run one action if it is due and nobody else runs it; returns done, retrying, dead, cancelled or skipped.

    The claim, and whatever needs no outside call, share one transaction: an action that cannot be sent
    (an opted-out lead, a missing setting) is claimed and closed at once, and a built-in CRM write is
    claimed, written and recorded done together. Anything else is claimed and committed before the call.
    """
    try:
        return _run(ctx, action_id, local=True)
    except _LocalWriteFailed:
        log.warning("built-in CRM write failed in the claim's transaction; running it on its own",
                    exc_info=True, extra={"action_id": action_id})
        return _run(ctx, action_id, local=False)


def _run(ctx: ActionContext, action_id: int, *, local: bool) -> str:
    prepared: _Prepared | None = None
    failed: tuple[str, str] | None = None  # (outcome, error) of a failure before any outside call
    with ctx.engine.begin() as conn:
        row = _claim(conn, action_id, ctx.clock(), ctx.settings.action_lost_after_s)
        if row is None:
            return "skipped"
        if row["kind"] == "email" and row["lead_id"] is not None and conn.execute(
                _SELECT_OPTED_OUT, {"b_lead_id": row["lead_id"]}).scalar() is not None:
            conn.execute(_CANCEL, {"b_action_id": action_id, "new_updated_at": ctx.clock()})
            return "cancelled"
        try:
            prepared = _prepare(ctx, row)
        except Exception as exc:
            failed = _fail(ctx, conn, row, exc)
        written = prepared is not None and local and prepared.local is not None
        if written:
            assert prepared is not None and prepared.local is not None
            try:
                result = prepared.local(conn)
            except Exception as exc:
                raise _LocalWriteFailed from exc
            _finish(ctx, conn, row, result)
    if written:
        log.info("action done", extra={"action_id": action_id, "key": row["key"]})
        return "done"
    if prepared is None:
        assert failed is not None
        return _log_failure(row, *failed)
    try:
        result = prepared.call()
    except Exception as exc:
        with ctx.engine.begin() as conn:
            failed = _fail(ctx, conn, row, exc)
        return _log_failure(row, *failed)
    with ctx.engine.begin() as conn:
        _finish(ctx, conn, row, result)
    log.info("action done", extra={"action_id": action_id, "key": row["key"]})
    return "done"


_SELECT_ACTIONS = select(_ACTIONS).where(_ACTIONS.c.id.in_(bindparam("b_action_ids", expanding=True)))
_CLAIMABLE = ("pending", "retrying", "running")


def run_actions(ctx: ActionContext, action_ids: Sequence[int]) -> dict[int, str]:
    """Run several actions as `run_action` would, in fewer transactions; returns each one's outcome."""
    outcomes = close_without_calls(ctx, action_ids)
    for action_id in action_ids:
        if action_id not in outcomes:
            outcomes[action_id] = run_action(ctx, action_id)
    return {action_id: outcomes[action_id] for action_id in action_ids}


def close_without_calls(ctx: ActionContext, action_ids: Sequence[int]) -> dict[int, str]:
    """Run, in one transaction, the actions that need no outside call; returns their outcomes.

    These are a built-in CRM write, an action that fails before its call (a missing setting) and one for an
    opted-out lead: each is claimed and closed as `run_action` would, with one statement per kind of write
    for them all. One that is not runnable (missing, a draft, done, or claimed by another run) is
    ``skipped``. The others are left out of the result, for `run_action` (each claimed and committed before
    its call). If the transaction fails, nothing of it is kept and the result is empty.
    """
    outcomes: dict[int, str] = {}
    after_commit: list[Callable[[], object]] = []
    try:
        with ctx.engine.begin() as conn:
            rows = {row["id"]: row for row in conn.execute(_SELECT_ACTIONS, {"b_action_ids": list(action_ids)})
                    .mappings()}
            steps: dict[int, _Prepared | BaseException | None] = {}  # None: cancel (the lead opted out)
            for action_id in action_ids:
                seen = rows.get(action_id)
                if seen is None or seen["state"] not in _CLAIMABLE:
                    outcomes[action_id] = "skipped"  # as its claim would find
                    continue
                step = _step_without_call(ctx, conn, dict(seen))
                if not isinstance(step, _Prepared) or step.local is not None:
                    steps[action_id] = step
            if steps:
                outcomes.update(_close(ctx, conn, steps, after_commit))
    except Exception:
        log.warning("running actions together failed; each runs on its own", exc_info=True,
                    extra={"actions": list(action_ids)})
        return {}
    for report in after_commit:
        report()
    return outcomes


def _step_without_call(ctx: ActionContext, conn: Connection, seen: dict[str, Any]) -> _Prepared | BaseException | None:
    """What an action needs, from its row as read before the claim (kind, target and payload do not change):
    None to be cancelled (an opted-out lead), the error it fails with before any call, or it prepared."""
    if seen["kind"] == "email" and seen["lead_id"] is not None and conn.execute(
            _SELECT_OPTED_OUT, {"b_lead_id": seen["lead_id"]}).scalar() is not None:
        return None
    try:
        return _prepare(ctx, seen)
    except Exception as exc:
        return exc


def _close(ctx: ActionContext, conn: Connection, steps: dict[int, _Prepared | BaseException | None],
           after_commit: list[Callable[[], object]]) -> dict[int, str]:
    """Claim the actions in `steps` and close each as its step says; returns their outcomes."""
    now = ctx.clock()
    params = {"b_action_ids": list(steps), "b_now": now, "new_updated_at": now}
    claimed = {row["id"]: dict(row) for row in conn.execute(_CLAIM_DUE_MANY, params).mappings()}
    lost: set[int] = set()
    if len(claimed) < len(steps):
        rest = {**params, "b_action_ids": [i for i in steps if i not in claimed],
                "b_lost_before": now - timedelta(seconds=ctx.settings.action_lost_after_s)}
        for taken_over in conn.execute(_CLAIM_LOST_MANY, rest).mappings():
            claimed[taken_over["id"]] = dict(taken_over)
            lost.add(taken_over["id"])
    outcomes: dict[int, str] = {}
    done: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    timeline: list[dict[str, Any]] = []  # in the order one action after the other would write them
    for action_id, step in steps.items():
        row = claimed.get(action_id)
        if row is None:
            outcomes[action_id] = "skipped"
            continue
        if action_id in lost:
            timeline.append({"lead_id": row["lead_id"], "kind": "action_presumed_lost", "at": now,
                             "detail": {"action_id": action_id, "key": row["key"]}})
        if step is None:
            conn.execute(_CANCEL, {"b_action_id": action_id, "new_updated_at": ctx.clock()})
            outcomes[action_id] = "cancelled"
        elif isinstance(step, BaseException):
            failure = _Failure.of(ctx, row, step)
            failed.append(failure.params)
            if failure.entry is not None:
                timeline.append(failure.entry)
            after_commit.append(partial(_log_failure, row, failure.outcome, failure.message))
            outcomes[action_id] = failure.outcome
        else:
            assert step.local is not None
            try:
                result = step.local(conn)
            except Exception as exc:
                raise _LocalWriteFailed from exc
            finished_at = ctx.clock()
            done.append(_done(row, result, finished_at))
            _after_done(ctx, conn, row, result, finished_at)
            timeline.append(_done_entry(row, result, finished_at))
            after_commit.append(partial(log.info, "action done", extra={"action_id": action_id, "key": row["key"]}))
            outcomes[action_id] = "done"
    for statement, rows in ((_FINISH, done), (_RECORD_FAILURE, failed), (_INSERT_TIMELINE, timeline)):
        if rows:
            conn.execute(statement, rows)
    return outcomes


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
