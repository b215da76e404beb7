"""`leadrelay demo`: the whole path from inbound events to CRM records, Slack alerts, emails and SLA timers,
against local stand-ins for HubSpot, Salesforce, Slack and an SMTP server (nothing leaves the machine).

It stores the example stream, qualifies each event (which plans its actions in the same transaction),
runs the outbox until it drains — on a simulated clock, so retries and SLA steps happen without waiting —
and prints what happened. ``--faults`` makes the CRM stand-ins fail part of the time to show retries.
"""

from __future__ import annotations

import json
import logging
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from sqlalchemy import Engine, func, select

from leadrelay.actions.outbox import ActionContext, run_due_actions
from leadrelay.actions.timers import sweep_timers
from leadrelay.actions.touches import claim
from leadrelay.config import Settings
from leadrelay.standins import serve_on_loopback
from leadrelay.store import repo
from leadrelay.store.db import make_engine, upgrade
from leadrelay.store.tables import (
    Action,
    Assignment,
    CrmRecord,
    DecisionRow,
    EventRow,
    Label,
    LeadRow,
    LeadState,
    Outcome,
    Timer,
    Touch,
    utcnow,
)
from leadrelay.workspace import Workspace, load_workspace, parse_duration

__all__ = ["DemoAccess", "DemoEnvironment", "DemoReport", "demo_access", "demo_command", "demo_environment",
           "play_stream", "run_demo", "serve_demo"]

log = logging.getLogger(__name__)

_HUBSPOT_TOKEN = "hubspot-standin-token"
_SALESFORCE_TOKEN = "salesforce-standin-token"
_SLACK_HOOK = "/services/T0DEMO/B0DEMO/demo"
_REVIEWER = "admin@cobaltdata.com"  # who gave the simulated review verdicts


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
    labels: dict[str, int] = field(default_factory=dict)  # review verdicts: "accepted" / "corrected" -> count
    outcomes: dict[str, int] = field(default_factory=dict)  # meeting_booked, opportunity, ... -> count


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
            "hubspot_url": stack.enter_context(serve_on_loopback(hubspot)),
            "salesforce_url": stack.enter_context(serve_on_loopback(salesforce)),
            "slack_url": stack.enter_context(serve_on_loopback(slack))}


def _settings(data_dir: Path, workspace: Path, s: dict[str, Any], public_url: str | None = None) -> Settings:
    from leadrelay.integrations.email import SmtpSettings
    from leadrelay.integrations.hubspot import HubSpotSettings
    from leadrelay.integrations.salesforce import SalesforceSettings
    from leadrelay.integrations.slack import SlackSettings

    return Settings(
        data_dir=data_dir, workspace=workspace, action_retry_delay_s=5, action_timeout_s=2.0, public_url=public_url,
        hubspot=HubSpotSettings(base_url=s["hubspot_url"], access_token=_HUBSPOT_TOKEN),
        salesforce=SalesforceSettings(instance_url=s["salesforce_url"], access_token=_SALESFORCE_TOKEN,
                                      token_url=f"{s['salesforce_url']}/services/oauth2/token"),
        slack=SlackSettings(mode="webhook", webhook_url=f"{s['slack_url']}{_SLACK_HOOK}"),
        smtp_out=SmtpSettings(host=s["smtp"].host, port=s["smtp"].port, security="none"),
        unsubscribe_secret="demo-unsubscribe-secret")


@dataclass
class DemoEnvironment:
    """The stand-ins running, the settings pointing at them, and the demo's database."""

    settings: Settings
    engine: Engine
    workspace: Workspace
    stand_ins: dict[str, Any]


@contextmanager
def demo_environment(workspace: Path, *, data_dir: Path, faults: bool = False,
                     public_url: str | None = None) -> Iterator[DemoEnvironment]:
    """Start the stand-ins and an up-to-date database in `data_dir`; stops them on exit."""
    ws = load_workspace(workspace)
    with ExitStack() as stack:
        stand_ins = _stand_ins(stack, [o.email for o in ws.owners], faults)
        settings = _settings(data_dir, workspace, stand_ins, public_url)
        engine = make_engine(settings.db_url)
        stack.callback(engine.dispose)
        upgrade(engine)
        yield DemoEnvironment(settings=settings, engine=engine, workspace=ws, stand_ins=stand_ins)


def _qualify(settings: Settings, engine: Engine, payloads: list[str], received: list[datetime] | None,
             sources: list[str]) -> None:
    from leadrelay.jobs.tasks import JobContext, qualify_stored_event

    jobs = JobContext(settings, engine=engine)
    for i, raw in enumerate(payloads):
        with engine.begin() as conn:
            stored = repo.intake_event(conn, source=sources[i], raw=raw, window_s=settings.idempotency_window_s,
                                       strict=False, now=received[i] if received else None)
        if not stored.duplicate:
            qualify_stored_event(jobs, stored.event_id)


def _claim_first_escalation(engine: Engine, *, since: datetime | None = None) -> None:
    """Its assignee claims the first escalated lead nobody touched yet (of those that arrived `since`), as the Slack
    button does: a first touch that ends its SLA."""
    with engine.begin() as conn:
        rows = conn.execute(select(LeadState.lead_id, LeadState.assignee, LeadState.first_event_at).where(
            LeadState.high_intent.is_(True), LeadState.assignee.is_not(None), LeadState.first_touch_at.is_(None))
            .order_by(LeadState.lead_id)).all()
        for row in rows:
            if since is None or (row.first_event_at is not None and row.first_event_at >= since):
                claim(conn, lead_id=row.lead_id, by=row.assignee, source="slack")
                return


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
        for lead_name, by, source, first_event_at, touched_at in conn.execute(
                select(LeadRow.name, Touch.by, Touch.source, LeadState.first_event_at, Touch.at)
                .join(Touch, Touch.lead_id == LeadRow.id).join(LeadState, LeadState.lead_id == LeadRow.id)
                .order_by(Touch.id)):
            after = str(touched_at - first_event_at).split(".")[0] if first_event_at else "?"
            report.touches.append((lead_name or "-", f"{by} via {source}", after))
        for key, error in conn.execute(select(Action.key, Action.last_error).where(Action.state == "dead")):
            report.dead.append((key, error or ""))
        for (label_field,) in conn.execute(select(Label.field)):
            verdict = "accepted" if label_field == "*" else "corrected"
            report.labels[verdict] = report.labels.get(verdict, 0) + 1
        for kind, count in conn.execute(select(Outcome.kind, func.count()).group_by(Outcome.kind)):
            report.outcomes[kind] = int(count)
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


def play_stream(env: DemoEnvironment, events: Path, *, history: Sequence[Path] = (), days: float = 10.0,
                team: bool = True, advance: timedelta = timedelta(minutes=20)) -> DemoReport:
    """Send the stream through intake and the pipeline, drain the outbox, let the team act, move the clock on.

    `history` (labels stripped) arrives spread over the `days` before the last hour and `events` over the last
    hour, each from the source of its channel; `team` adds the simulated team's touches, verdicts and outcomes.
    """
    from leadrelay.web.demo import arrival_times, busiest_rep, example_payloads, simulate_team, sources_of

    engine = env.engine
    live = example_payloads([events])
    payloads = example_payloads(history) + live
    now = utcnow()
    received = arrival_times(len(payloads), now=now, days=days, live=len(live))
    _qualify(env.settings, engine, payloads, received, sources_of(payloads))
    clock = SimulatedClock()
    ctx = ActionContext(env.settings, engine=engine, workspace=env.workspace, clock=clock)
    try:
        drain(ctx, clock)
        live_from = received[len(payloads) - len(live)] if live else now
        if team:  # the team worked through the earlier days; the last hour's leads are still the demo's to show
            simulate_team(engine, reviewer=_REVIEWER, keep_open_for=busiest_rep(engine), now=live_from)
        _claim_first_escalation(engine, since=live_from)
        if advance > timedelta(0):  # nobody touched the other leads: their SLA steps come due
            clock.offset += advance
            for _ in range(20):  # a fired step may schedule the next one, already due
                if not sweep_timers(ctx):
                    break
                drain(ctx, clock)
    finally:
        ctx.close()
    return _report(engine, env.stand_ins)


def run_demo(workspace: Path, events: Path, *, data_dir: Path, history: Sequence[Path] = (), faults: bool = False,
             team: bool = True, advance: timedelta = timedelta(minutes=20)) -> DemoReport:
    """Run the example stream end to end against the stand-ins; returns what happened."""
    with demo_environment(workspace, data_dir=data_dir, faults=faults) as env:
        return play_stream(env, events, history=history, team=team, advance=advance)


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
    echo(f"\nReview verdicts: {report.labels or 'none'}; outcomes from the CRM: {report.outcomes or 'none'}")
    echo(f"\nTimers (the clock then moved on {advance}; of the last hour's escalated leads only the first "
         "was claimed):")
    for what, state, due in report.timers:
        echo(f"  {what:<22} {state:<10} due {due}")
    echo(f"\nTouches ({len(report.touches)}; the first one is the lead's first-response time):")
    for lead, by, after in report.touches:
        echo(f"  {lead}: {by}, {after} after the lead's message")
    if report.dead:
        echo(f"\nDead actions ({len(report.dead)}), shown to people and retried by hand:")
        for key, error in report.dead:
            echo(f"  {key}: {error[:120]}")


class _OutboxLoop(threading.Thread):
    """Fires due timers and runs due actions every second, so what people do in the app goes out at once."""

    def __init__(self, ctx: ActionContext, interval_s: float = 1.0) -> None:
        super().__init__(name="leadrelay-demo-outbox", daemon=True)
        self._ctx = ctx
        self._interval_s = interval_s
        self._stop_flag = threading.Event()

    def run(self) -> None:
        """Sweep until stopped; an error is logged and the next round tries again."""
        while not self._stop_flag.wait(self._interval_s):
            try:
                sweep_timers(self._ctx)
                run_due_actions(self._ctx)
            except Exception:
                log.exception("demo outbox round failed")

    def stop(self) -> None:
        """Finish after the current round."""
        self._stop_flag.set()
        self.join(timeout=30)


@dataclass(frozen=True)
class DemoAccess:
    """How to get into the served demo: its URL, the people who can sign in, and an API token."""

    url: str
    admin: tuple[str, str] | None
    rep: tuple[str, str] | None
    token: str


def demo_access(engine: Engine, url: str) -> DemoAccess:
    """The first-run admin, a rep account for the busiest rep, and an API token for the website source."""
    from leadrelay.store.db import make_session_factory, session_scope
    from leadrelay.web.auth import create_user, ensure_first_admin, find_user
    from leadrelay.web.demo import busiest_rep

    sessions = make_session_factory(engine)
    with sessions() as db:
        admin = ensure_first_admin(db)
    rep_email = busiest_rep(engine)
    rep: tuple[str, str] | None = None
    with session_scope(sessions) as db:
        if rep_email is not None and find_user(db, email=rep_email) is None:
            _, password = create_user(db, email=rep_email, role="rep",
                                      name=rep_email.split("@")[0].replace(".", " ").title())
            rep = (rep_email, password)
        token = repo.create_token(db, source="website")
    return DemoAccess(url=url, admin=admin, rep=rep, token=token)


def _print_access(access: DemoAccess, data_dir: Path) -> None:
    echo = typer.echo
    sample = json.dumps({"id": "try-1", "channel": "web_form", "from_name": "Ana Lima",
                         "from_email": "ana.lima@example.org",
                         "body": "We need a demo for our 40-person data team next week.",
                         "fields": {"company": "Example Org", "country": "Brazil"}})
    echo(f"\nLeadRelay is running at {access.url}/ (data in {data_dir}; Ctrl-C stops it)")
    if access.admin is not None:
        echo(f"  sign in as admin: {access.admin[0]}  password: {access.admin[1]}")
    if access.rep is not None:
        echo(f"  sign in as rep:   {access.rep[0]}  password: {access.rep[1]}")
    echo("  send an event:")
    echo(f"    curl -X POST {access.url}/api/events -H 'Authorization: Bearer {access.token}' "
         f"-H 'Content-Type: application/json' -d '{sample}'")
    echo("Serving until Ctrl-C.")


def _check_port_free(port: int) -> None:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise typer.BadParameter(f"port {port} on 127.0.0.1 is in use ({exc.strerror}); pass --port",
                                     param_hint="--port") from None


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def serve_demo(env: DemoEnvironment, *, port: int, on_started: Callable[[DemoAccess], None]) -> None:
    """Serve the web app and API on 127.0.0.1:`port` with the demo's database, a queue consumer and an outbox
    loop in this process, until Ctrl-C; `on_started` gets the URL and credentials once the server answers."""
    import uvicorn

    from leadrelay.api.app import create_app
    from leadrelay.jobs.queue import JobQueue
    from leadrelay.jobs.tasks import JobContext
    from leadrelay.jobs.worker import EmbeddedConsumer

    settings, engine = env.settings, env.engine
    queue = JobQueue(settings, context=JobContext(settings, engine=engine))
    app = create_app(settings, engine=engine, queue=queue, migrate=False)
    consumer = EmbeddedConsumer(queue, threads=1, sweep_interval_s=settings.sweep_interval_s)
    outbox = _OutboxLoop(ActionContext(settings, engine=engine, workspace=env.workspace))
    access = demo_access(engine, f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))

    def _announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            on_started(access)

    if threading.current_thread() is threading.main_thread():
        # uvicorn raises the signal it stopped on again afterwards: SIGTERM then ends the process like Ctrl-C
        # (its temp dir removed, the stand-ins stopped) instead of killing it on the spot.
        signal.signal(signal.SIGTERM, _interrupt)
    consumer.start()
    outbox.start()
    threading.Thread(target=_announce, name="leadrelay-demo-announce", daemon=True).start()
    try:
        server.run()  # stops on Ctrl-C or SIGTERM, then raises the signal again
    except KeyboardInterrupt:
        pass
    finally:
        outbox.stop()
        consumer.stop()
    typer.echo("Stopped.")


def demo_command(
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The workspace directory.")] = Path(
        "examples/cobalt"),
    events: Annotated[Path | None, typer.Option(help="Events of the last hour, one JSON a line (default: the "
                                                     "workspace's events.jsonl).")] = None,
    history: Annotated[list[Path] | None, typer.Option(help="Earlier events, spread over the 10 days before, labels "
                                                            "stripped (default: the workspace's labelled.jsonl "
                                                            "unless --events is given; repeatable).")] = None,
    team: Annotated[bool, typer.Option("--team/--no-team", help="Simulate a team acting: claims and replies, "
                                                               "review verdicts, outcomes.")] = True,
    faults: Annotated[bool, typer.Option(help="Make the stand-ins fail part of the time (500, 429, timeouts).")
                      ] = False,
    advance: Annotated[str, typer.Option(help="Then move the clock on by this much (SLA steps fire).")] = "20m",
    serve: Annotated[bool, typer.Option("--serve", help="Then keep running: the web app and API on 127.0.0.1 with "
                                                        "the demo's data, stand-ins and a worker, until Ctrl-C.")
                     ] = False,
    port: Annotated[int, typer.Option(help="The port of --serve (0: any free port).", min=0, max=65535)] = 8000,
    data_dir: Annotated[Path | None, typer.Option(help="Keep the database here; an empty or new directory "
                                                       "(default: a fresh temp dir, removed on exit).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Run the example stream end to end against local stand-ins for HubSpot, Salesforce, Slack and SMTP.

    With --serve, then open the printed URL and sign in with the printed credentials.
    """
    events_path = events or workspace / "events.jsonl"
    if history is None:
        labelled = workspace / "labelled.jsonl"
        history = [labelled] if labelled.exists() and events is None else []
    step = parse_duration(advance)
    if data_dir is not None and data_dir.exists() and any(data_dir.iterdir()):
        raise typer.BadParameter(f"{data_dir} is not empty: the demo starts from a fresh database",
                                 param_hint="--data-dir")
    if serve:
        if port == 0:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = int(sock.getsockname()[1])
        _check_port_free(port)
    with tempfile.TemporaryDirectory(prefix="leadrelay-demo-") as tmp:
        where = data_dir or Path(tmp)
        url = f"http://127.0.0.1:{port}" if serve else None
        with demo_environment(workspace, data_dir=where, faults=faults, public_url=url) as env:
            report = play_stream(env, events_path, history=history, team=team, advance=step)
            if as_json:
                typer.echo(json.dumps(report.__dict__, indent=2, default=str))
            else:
                _print(report, step)
            if serve:
                serve_demo(env, port=port, on_started=lambda access: _print_access(access, where))
