"""`leadrelay report`: the dashboard's figures in the terminal, as tables or JSON.

Example:
    leadrelay report --since 2026-11-01 --until 2026-11-30 --source web_form
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from leadrelay.errors import ConfigError

if TYPE_CHECKING:
    from leadrelay.monitor import Dashboard

__all__ = ["figure_rows", "parse_bound", "render", "report_command"]

_NONE = "-"  # no data: shown as a dash, never as zero


def parse_bound(text: str | None, *, end: bool) -> datetime | None:
    """A --since/--until value as a UTC time: a DATE is its whole day (--until includes it), a time is exact.

    Raises:
        ConfigError: the text is neither YYYY-MM-DD nor an ISO 8601 time.
    """
    if text is None:
        return None
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(text)
    except ValueError:
        option = "--until" if end else "--since"
        raise ConfigError(f"{option} {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return _NONE
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _share(value: float | None) -> str:
    return _NONE if value is None else f"{value * 100:.1f} %"


def figure_rows(board: Dashboard) -> list[tuple[str, str, str]]:
    """The figures as (figure, value, what it counts) rows, formatted for people."""
    acc = board.field_accuracy
    fields = board.field_completion
    return [
        ("events", str(board.events), f"{board.leads} new leads, {board.decisions} decisions"),
        ("median first response", _duration(board.median_first_response_s),
         f"{board.touched_leads} touched, {board.untouched_leads} not yet"),
        ("high intent touched within 1 h", _share(board.high_intent_touched_within_1h_rate),
         f"{board.high_intent_touched_within_1h} of {board.high_intent_leads}"),
        ("qualification accuracy", _share(board.accuracy), f"{board.reviewed_decisions} reviewed, "
         f"{board.accepted_decisions} accepted, {board.corrected_decisions} corrected"),
        ("accuracy by field", " / ".join(_share(acc.get(name)) for name in ("type", "action", "owner")),
         "type / action / owner not corrected"),
        ("meetings / opportunities / won", f"{board.meetings_booked} / {board.opportunities} / {board.won}",
         f"{board.lost} lost"),
        ("duplicate rate", _share(board.duplicate_rate), f"{board.duplicates} duplicates"),
        ("CRM field completion", _share(board.crm_field_completion),
         ", ".join(f"{name} {_share(value)}" for name, value in fields.items())),
        ("handoff failures", str(board.handoff_failures),
         f"{board.handoff_fallbacks} fallbacks, {board.sla_timers_fired} SLA timers fired"),
        ("CRM-update failures", str(board.crm_update_failures),
         f"{board.crm_updates_dead} dead, {board.crm_updates_retrying} retrying of {board.crm_updates}"),
        ("review rate", _share(board.review_rate), f"{board.reviews} sent to review, {board.reviews_pending} waiting"),
        ("median time in review", _duration(board.median_time_in_review_s), "decision to first label or touch"),
        ("median decision latency", _duration(board.median_decision_latency_s), "event received to decision"),
    ]


def render(board: Dashboard) -> None:
    """Print the figures, conversion by source and errors by type as tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    span = ("all time" if board.since is None and board.until is None else
            " to ".join(x.isoformat(timespec="minutes") if x else "…" for x in (board.since, board.until)))
    title = f"LeadRelay figures ({span}{', source ' + board.source if board.source else ''})"
    figures = Table(title=title, title_justify="left")
    figures.add_column("figure")
    figures.add_column("value", justify="right")
    figures.add_column("from")
    for row in figure_rows(board):
        figures.add_row(*row)
    console.print(figures)
    if board.by_source:
        sources = Table(title="Volume and conversion by source", title_justify="left")
        for column in ("source", "events", "leads", "meetings", "opportunities", "won", "lost", "won amount",
                       "meeting rate", "win rate"):
            sources.add_column(column, justify="left" if column == "source" else "right")
        for s in board.by_source:
            sources.add_row(s.source, str(s.events), str(s.leads), str(s.meetings_booked), str(s.opportunities),
                            str(s.won), str(s.lost), _NONE if s.won_amount is None else f"{s.won_amount:,.0f}",
                            _share(s.meeting_rate), _share(s.win_rate))
        console.print(sources)
    if board.errors_by_type:
        errors = Table(title="Review verdicts by type", title_justify="left")
        for column in ("type", "reviewed", "false positives", "false negatives"):
            errors.add_column(column, justify="left" if column == "type" else "right")
        for t in board.errors_by_type:
            errors.add_row(t.type, str(t.reviewed), str(t.false_positives), str(t.false_negatives))
        console.print(errors)


def report_command(
    since: Annotated[str | None, typer.Option(
        metavar="DATE", help="First day (YYYY-MM-DD, UTC) or an ISO 8601 time.")] = None,
    until: Annotated[str | None, typer.Option(
        metavar="DATE", help="Last day, included (YYYY-MM-DD), or an ISO 8601 time (excluded).")] = None,
    source: Annotated[str | None, typer.Option(
        metavar="SOURCE", help="Only this source (web_form, email, referral, ...).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Print the dashboard's figures: first response, accuracy against review, conversion, failures."""
    from leadrelay.config import Settings
    from leadrelay.monitor import dashboard
    from leadrelay.store.db import make_engine, make_session_factory, read_only, upgrade

    start, end = parse_bound(since, end=False), parse_bound(until, end=True)
    if start is not None and end is not None and end <= start:
        raise ConfigError(f"--until ({until}) is before --since ({since})")
    engine = make_engine(Settings().db_url)
    try:
        upgrade(engine)
        with make_session_factory(read_only(engine))() as db:
            board = dashboard(db, since=start, until=end, source=source)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(board.to_dict(), ensure_ascii=False, indent=2))
    else:
        render(board)
