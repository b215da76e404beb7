"""Service commands: `serve`, `worker`, `db upgrade`, `show LEAD`, `import FILE`, `tokens create SOURCE`.

`register(app)` adds them to the root command; run this module directly for the same commands alone.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from leadrelay.config import Settings

__all__ = ["db_upgrade_command", "import_command", "register", "serve_command", "show_command",
           "tokens_create_command", "worker_command"]

log = logging.getLogger(__name__)


def _settings(**overrides: Any) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on (LEADRELAY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LEADRELAY_PORT).")] = None,
    consumer: Annotated[bool, typer.Option("--consumer/--no-consumer",
                                           help="Also run a queue consumer in this process.")] = True,
) -> None:
    """Serve the JSON API (and, by default, a queue consumer in the same process)."""
    from leadrelay.jobs.worker import run_serve

    run_serve(_settings(host=host, port=port, consume_in_serve=consumer))


def worker_command(
    threads: Annotated[int | None, typer.Option(help="Worker threads (LEADRELAY_WORKER_THREADS).")] = None,
) -> None:
    """Run queue consumers only (start several, on several machines with the Redis queue)."""
    from leadrelay.jobs.worker import run_worker
    from leadrelay.store.db import make_engine, upgrade

    settings = _settings(worker_threads=threads)
    upgrade(make_engine(settings.db_url))
    run_worker(settings)


def db_upgrade_command(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Bring the database schema up to date (Alembic migrations)."""
    from leadrelay.store.db import make_engine, upgrade

    settings = _settings()
    upgrade(make_engine(settings.db_url), revision)
    typer.echo(f"database at {revision}")


def tokens_create_command(source: Annotated[str, typer.Argument(help="The source the token sends for.")]) -> None:
    """Create an API token for SOURCE and print it once (only its hash is stored)."""
    from leadrelay.store import repo
    from leadrelay.store.db import make_engine, make_session_factory, session_scope, upgrade

    settings = _settings()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as db:
        token = repo.create_token(db, source=source)
    typer.echo(token)


def show_command(
    lead: Annotated[str, typer.Argument(help="A lead id or email address.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Print a lead and its timeline."""
    from rich.console import Console
    from rich.table import Table
    from sqlalchemy import select

    from leadrelay.errors import LeadRelayError
    from leadrelay.store import repo
    from leadrelay.store.db import make_engine, make_session_factory
    from leadrelay.store.tables import LeadRow

    settings = _settings()
    with make_session_factory(make_engine(settings.db_url))() as db:
        row = (repo.get_lead(db, lead_id=int(lead)) if lead.isdigit()
               else db.scalars(select(LeadRow).where(LeadRow.email == lead.strip().lower())).first())
        if row is None:
            raise LeadRelayError(f"no lead {lead!r}")
        timeline = list(repo.lead_timeline(db, lead_id=row.id))
    facts = {k: getattr(row, k) for k in ("id", "email", "name", "company", "role", "country", "account_id",
                                          "type", "action", "owner")}
    if as_json:
        out = {**facts, "timeline": [{"at": t.at.isoformat(), "kind": t.kind, "event_id": t.event_id,
                                      "detail": t.detail} for t in timeline]}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console()
    card = Table(show_header=False, title=f"Lead {row.id}")
    for key, value in facts.items():
        card.add_row(key, "-" if value is None else str(value))
    console.print(card)
    events = Table(title="Timeline")
    for column in ("at", "what", "event", "detail"):
        events.add_column(column)
    for entry in timeline:
        detail = ", ".join(f"{k}={v}" for k, v in (entry.detail or {}).items())
        events.add_row(entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.kind, str(entry.event_id or "-"), detail)
    console.print(events)


def _csv_payloads(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        for line_no, record in enumerate(csv.DictReader(handle), start=2):
            event: dict[str, Any] = {}
            form: dict[str, str] = {}
            for key, value in record.items():
                if key is None or value is None or value == "":
                    continue
                if key.startswith("fields."):  # a form field: fields.company, fields.country, ...
                    form[key.removeprefix("fields.")] = value
                else:
                    event[key] = value
            if form:
                event["fields"] = form
            yield line_no, json.dumps(event, ensure_ascii=False)


def _jsonl_payloads(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if line.strip():
                yield line_no, line.strip()


def import_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Events as JSONL, or CSV whose header "
                                         "names event keys (form fields as fields.NAME).")],
    source: Annotated[str, typer.Option(help="The source to store the events under.")] = "import",
) -> None:
    """Store events from a file through the same intake as the API (retries and repeats are skipped)."""
    from rich.progress import Progress

    from leadrelay.api.deps import Services
    from leadrelay.api.events import accept_event
    from leadrelay.errors import EventError
    from leadrelay.jobs.queue import JobQueue
    from leadrelay.jobs.tasks import JobContext
    from leadrelay.store.db import make_engine, make_session_factory, upgrade

    settings = _settings()
    engine = make_engine(settings.db_url)
    upgrade(engine)
    services = Services(settings=settings, engine=engine, sessions=make_session_factory(engine),
                        queue=JobQueue(settings, context=JobContext(settings, engine=engine)))
    is_csv = file.suffix.lower() == ".csv"
    payloads = list(_csv_payloads(file) if is_csv else _jsonl_payloads(file))
    stored = duplicates = 0
    problems: list[str] = []
    with Progress(transient=True) as progress:
        bar = progress.add_task(f"importing {file.name}", total=len(payloads))
        for line_no, raw in payloads:
            try:
                result = accept_event(services, source=source, raw=raw, idempotency_key=None, strict=is_csv)
            except EventError as exc:
                problems.append(f"{file.name}:{line_no}: {exc}")
            else:
                duplicates += result.duplicate
                stored += not result.duplicate
            progress.advance(bar)
    for problem in problems:
        typer.echo(problem, err=True)
    typer.echo(f"stored {stored} events, skipped {duplicates} repeats, {len(problems)} invalid")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the service commands to the root `leadrelay` command."""
    app.command("serve")(serve_command)
    app.command("worker")(worker_command)
    app.command("show")(show_command)
    app.command("import")(import_command)
    db_app = typer.Typer(help="The database: migrations.", no_args_is_help=True)
    tokens_app = typer.Typer(help="Per-source API tokens.", no_args_is_help=True)
    db_app.command("upgrade")(db_upgrade_command)
    tokens_app.command("create")(tokens_create_command)
    app.add_typer(db_app, name="db")
    app.add_typer(tokens_app, name="tokens")


def _standalone() -> None:
    import os
    import sys

    from leadrelay.errors import LeadRelayError

    logging.basicConfig(level=os.environ.get("LEADRELAY_LOG_LEVEL", "WARNING"), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    app = typer.Typer(name="leadrelay-service", no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]})
    register(app)
    try:
        app()
    except LeadRelayError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    _standalone()
