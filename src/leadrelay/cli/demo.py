"""`leadrelay demo`: the whole path from inbound events to CRM records, Slack alerts, emails and SLA timers,
against local stand-ins for HubSpot, Salesforce, Slack and an SMTP server (nothing leaves the machine).

It stores the example stream, qualifies each event (which plans its actions in the same transaction),
runs the outbox until it drains — on a simulated clock, so retries and SLA steps happen without waiting —
and prints what happened. ``--faults`` makes the CRM stand-ins fail part of the time to show retries.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy import Engine, func, select

from leadrelay.actions.outbox import ActionContext, run_due_actions
from leadrelay.actions.timers import sweep_timers
from leadrelay.actions.touches import claim
from leadrelay.config import Settings
from leadrelay.store import repo
from leadrelay.store.db import make_engine, upgrade
from leadrelay.store.tables import (
    Action,
    Assignment,
    CrmRecord,
    DecisionRow,
    EventRow,
    LeadRow,
    LeadState,
    Timer,
    Touch,
    utcnow,
)
from leadrelay.workspace import load_workspace, parse_duration

__all__ = ["DemoReport", "demo_command", "run_demo", "serve_app"]

_HUBSPOT_TOKEN = "hubspot-standin-token"
_SALESFORCE_TOKEN = "salesforce-standin-token"
_SLACK_HOOK = "/services/T0DEMO/B0DEMO/demo"


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free port of 127.0.0.1 in a thread; yields its base URL."""
    import socket

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("a stand-in did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class SimulatedClock:
    """A clock that starts now and moves only forward, when told (retries and SLAs without waiting)."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance_to(self, moment: datetime) -> None:
        """Move forward to `moment` (never back)."""
        self.offset = max(self.offset, moment - utcnow() + timedelta(seconds=1))


@dataclass
class DemoReport:
    """What the demo did, for printing and for tests."""

    decisions: list[dict[str, Any]] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)  # "kind/target/state" -> count
    hubspot: dict[str, int] = field(default_factory=dict)
    salesforce: dict[str, int] = field(default_factory=dict)
    builtin: dict[str, int] = field(default_factory=dict)
    slack: list[str] = field(default_factory=list)
    emails: list[tuple[str, str]] = field(default_factory=list)
    drafts: list[tuple[str, str]] = field(default_factory=list)
    timers: list[tuple[str, str, str]] = field(default_factory=list)
    dead: list[tuple[str, str]] = field(default_factory=list)
    touches: list[tuple[str, str, str]] = field(default_factory=list)  # lead, by/source, time since first event


def drain(ctx: ActionContext, clock: SimulatedClock, *, rounds: int = 200) -> None:
    """Run due actions until none is left; jump the clock to the next retry when only retries wait."""
    for _ in range(rounds):
        if run_due_actions(ctx):
            continue
        with ctx.engine.connect() as conn:
            next_retry = conn.execute(select(func.min(Action.next_attempt_at)).where(
                Action.state == "retrying")).scalar()
        if next_retry is None:
            return
        clock.advance_to(next_retry)


def _stand_ins(stack: ExitStack, workspace_owners: list[str], faults: bool) -> dict[str, Any]:
    from leadrelay.standins import hubspot as hubspot_standin
    from leadrelay.standins import salesforce as salesforce_standin
    from leadrelay.standins import slack as slack_standin
    from leadrelay.standins.smtp import SmtpStandin

    hubspot = hubspot_standin.make_app(access_token=_HUBSPOT_TOKEN, extra_properties={
        "contacts": ["leadrelay_type", "leadrelay_urgency", "leadrelay_fit", "leadrelay_url"]}, timeout_s=1.0)
    salesforce = salesforce_standin.make_app(access_token=_SALESFORCE_TOKEN, extra_fields={
        "Lead": ["LeadRelay_Type__c", "LeadRelay_Urgency__c", "LeadRelay_URL__c"]}, timeout_s=1.0)
    for email in workspace_owners:
        hubspot_standin.add_owner(hubspot, email)
        salesforce_standin.add_user(salesforce, email)
    slack = slack_standin.make_app()
    if faults:
        hubspot.state.faults.extend(["500", "429", "timeout", "500"])
        salesforce.state.faults.extend(["500", "timeout", "429"])
        slack.state.faults.extend(["500"])
    smtp = stack.enter_context(SmtpStandin())
    return {"hubspot": hubspot, "salesforce": salesforce, "slack": slack, "smtp": smtp,
            "hubspot_url": stack.enter_context(serve_app(hubspot)),
            "salesforce_url": stack.enter_context(serve_app(salesforce)),
            "slack_url": stack.enter_context(serve_app(slack))}


def _settings(data_dir: Path, workspace: Path, s: dict[str, Any]) -> Settings:
    from leadrelay.integrations.email import SmtpSettings
    from leadrelay.integrations.hubspot import HubSpotSettings
    from leadrelay.integrations.salesforce import SalesforceSettings
    from leadrelay.integrations.slack import SlackSettings

    return Settings(
        data_dir=data_dir, workspace=workspace, action_retry_delay_s=5, action_timeout_s=2.0,
        hubspot=HubSpotSettings(base_url=s["hubspot_url"], access_token=_HUBSPOT_TOKEN),
        salesforce=SalesforceSettings(instance_url=s["salesforce_url"], access_token=_SALESFORCE_TOKEN,
                                      token_url=f"{s['salesforce_url']}/services/oauth2/token"),
        slack=SlackSettings(mode="webhook", webhook_url=f"{s['slack_url']}{_SLACK_HOOK}"),
        smtp_out=SmtpSettings(host=s["smtp"].host, port=s["smtp"].port, security="none"),
        unsubscribe_secret="demo-unsubscribe-secret")


def _qualify(settings: Settings, engine: Engine, lines: list[str]) -> None:
    from leadrelay.jobs.tasks import JobContext, qualify_stored_event

    jobs = JobContext(settings, engine=engine)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        with engine.begin() as conn:
            stored = repo.intake_event(conn, source="demo", raw=line, window_s=settings.idempotency_window_s,
                                       strict=False)
        if not stored.duplicate:
            qualify_stored_event(jobs, stored.event_id)
        elif number:
            continue


def _claim_first_escalation(engine: Engine) -> None:
    """Its assignee claims the first escalated lead, as the Slack button does: a first touch that ends its SLA."""
    with engine.begin() as conn:
        row = conn.execute(select(LeadState.lead_id, LeadState.assignee).where(LeadState.high_intent.is_(True),
                                                                             LeadState.assignee.is_not(None))
                           .order_by(LeadState.lead_id).limit(1)).first()
        if row is not None:
            claim(conn, lead_id=row.lead_id, by=row.assignee, source="slack")


def _report(engine: Engine, stand_ins: dict[str, Any]) -> DemoReport:
    report = DemoReport()
    with engine.connect() as conn:
        rows = conn.execute(select(EventRow.external_id, DecisionRow.action, DecisionRow.owner, DecisionRow.lead_id,
                                   DecisionRow.duplicate_of)
                            .join(DecisionRow, DecisionRow.event_id == EventRow.id).order_by(EventRow.id)).all()
        for external_id, action, owner, lead_id, duplicate_of in rows:
            assignee = conn.execute(select(Assignment.assignee, Assignment.reason).where(
                Assignment.lead_id == lead_id).order_by(Assignment.id.desc()).limit(1)).first() if lead_id else None
            name = conn.execute(select(LeadRow.name, LeadRow.email).where(LeadRow.id == lead_id)).first() \
                if lead_id else None
            report.decisions.append({"event": external_id, "action": action, "owner": owner,
                                     "lead": (name.name or name.email) if name else None,
                                     "assignee": assignee.assignee if assignee else None,
                                     "reason": assignee.reason if assignee else None, "duplicate_of": duplicate_of})
        for kind, target, state, count in conn.execute(select(Action.kind, Action.target, Action.state, func.count())
                                                       .group_by(Action.kind, Action.target, Action.state)):
            report.actions[f"{kind}/{target}/{state}"] = int(count)
        for obj, count in conn.execute(select(CrmRecord.object, func.count()).where(CrmRecord.system == "builtin")
                                       .group_by(CrmRecord.object)):
            report.builtin[obj] = int(count)
        for key, payload in conn.execute(select(Action.key, Action.payload).where(Action.state == "draft")):
            report.drafts.append((payload.get("to", ""), payload.get("situation", key)))
        for kind, due_at, state, detail in conn.execute(select(Timer.kind, Timer.due_at, Timer.state, Timer.detail)
                                                        .order_by(Timer.due_at)):
            what = (detail or {}).get("do") or kind
            report.timers.append((f"{kind}:{what}", state, due_at.strftime("%Y-%m-%d %H:%M")))
        for name, by, source, first_event_at, touched_at in conn.execute(
                select(LeadRow.name, Touch.by, Touch.source, LeadState.first_event_at, Touch.at)
                .join(Touch, Touch.lead_id == LeadRow.id).join(LeadState, LeadState.lead_id == LeadRow.id)
                .order_by(Touch.id)):
            report.touches.append((name or "-", f"{by} via {source}", str(touched_at - first_event_at).split(".")[0]
                                   if first_event_at else "?"))
        for key, error in conn.execute(select(Action.key, Action.last_error).where(Action.state == "dead")):
            report.dead.append((key, error or ""))
    report.hubspot = {kind: len(records) for kind, records in stand_ins["hubspot"].state.records.items()}
    report.salesforce = {kind: len(records) for kind, records in stand_ins["salesforce"].state.records.items()
                         if records}
    report.slack = [_slack_text(m) for m in stand_ins["slack"].state.messages]
    report.emails = [(str(m.message["To"]), str(m.message["Subject"])) for m in stand_ins["smtp"].messages]
    return report


def _slack_text(message: dict[str, Any]) -> str:
    for block in message.get("blocks") or []:
        if block.get("type") == "header":
            return str(block["text"]["text"])
    return str(message.get("text") or "")[:100]


def run_demo(workspace: Path, events: Path, *, data_dir: Path, faults: bool = False,
             advance: timedelta = timedelta(minutes=20)) -> DemoReport:
    """Run the example stream end to end against the stand-ins; returns what happened."""
    ws = load_workspace(workspace)
    lines = events.read_text(encoding="utf-8").splitlines()
    with ExitStack() as stack:
        stand_ins = _stand_ins(stack, [o.email for o in ws.owners], faults)
        settings = _settings(data_dir, workspace, stand_ins)
        engine = make_engine(settings.db_url)
        stack.callback(engine.dispose)
        upgrade(engine)
        _qualify(settings, engine, lines)
        clock = SimulatedClock()
        ctx = ActionContext(settings, engine=engine, workspace=ws, clock=clock)
        stack.callback(ctx.close)
        drain(ctx, clock)
        _claim_first_escalation(engine)
        if advance > timedelta(0):  # nobody touched the leads: the SLA steps come due
            clock.offset += advance
            for _ in range(20):  # a fired step may schedule the next one, already due
                if not sweep_timers(ctx):
                    break
                drain(ctx, clock)
        return _report(engine, stand_ins)


def _print(report: DemoReport, advance: timedelta) -> None:
    echo = typer.echo
    echo("Decisions and owners")
    for d in report.decisions:
        dup = f" (duplicate of {d['duplicate_of']})" if d["duplicate_of"] else ""
        who = f" -> {d['assignee']} [{d['reason']}]" if d["assignee"] else ""
        echo(f"  {d['event']:<8} {d['action']:<9} {d['owner'] or '-':<13} {d['lead'] or '-'}{who}{dup}")
    echo("\nOutbox actions (kind/target/state: count)")
    for key, count in sorted(report.actions.items()):
        echo(f"  {key}: {count}")
    echo(f"\nBuilt-in CRM records: {report.builtin}")
    echo(f"HubSpot stand-in records: {report.hubspot}")
    echo(f"Salesforce stand-in records: {report.salesforce}")
    echo(f"\nSlack messages ({len(report.slack)}):")
    for text in report.slack:
        echo(f"  {text}")
    echo(f"\nEmails sent ({len(report.emails)}):")
    for to, subject in report.emails:
        echo(f"  to {to}: {subject}")
    echo(f"\nDrafts kept for a person ({len(report.drafts)}):")
    for to, situation in report.drafts:
        echo(f"  to {to or '-'}: {situation}")
    echo(f"\nTimers (the clock then moved on {advance}; only the first escalated lead was claimed):")
    for what, state, due in report.timers:
        echo(f"  {what:<22} {state:<10} due {due}")
    echo(f"\nTouches ({len(report.touches)}; the first one is the lead's first-response time):")
    for lead, by, after in report.touches:
        echo(f"  {lead}: {by}, {after} after the lead's message")
    if report.dead:
        echo(f"\nDead actions ({len(report.dead)}), shown to people and retried by hand:")
        for key, error in report.dead:
            echo(f"  {key}: {error[:120]}")


def demo_command(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The workspace directory.")] = Path(
        "examples/cobalt"),
    events: Annotated[Path | None, typer.Option(help="Events, one JSON a line (default: the workspace's "
                                                     "events.jsonl).")] = None,
    faults: Annotated[bool, typer.Option(help="Make the stand-ins fail part of the time (500, 429, timeouts).")
                      ] = False,
    advance: Annotated[str, typer.Option(help="Then move the clock on by this much (SLA steps fire).")] = "20m",
    data_dir: Annotated[Path | None, typer.Option(help="Keep the database here (default: a temp dir).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Run the example stream end to end against local stand-ins for HubSpot, Salesforce, Slack and SMTP."""
    events_path = events or workspace / "events.jsonl"
    step = parse_duration(advance)
    with tempfile.TemporaryDirectory(prefix="leadrelay-demo-") as tmp:
        report = run_demo(workspace, events_path, data_dir=data_dir or Path(tmp), faults=faults, advance=step)
    if as_json:
        typer.echo(json.dumps(report.__dict__, indent=2, default=str))
    else:
        _print(report, step)
