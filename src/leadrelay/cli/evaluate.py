"""`leadrelay eval`: run labelled LeadBench files through one or more backends, side by side."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from leadrelay.evaluation import REPORT_KEYS, score_decisions
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.runner import Pipeline
from leadrelay.workspace import Workspace, load_workspace


def evaluate_backend(workspace: Workspace, labelled: list[dict[str, Any]], backend: str) -> dict[str, Any]:
    """The LeadBench report for one classify backend, with latency and cost per lead."""
    pipeline = Pipeline.for_workspace(workspace, classify=backend)
    pipeline.warm_up()
    started = time.perf_counter()
    decisions = [pipeline.qualify(parse_event(item)).to_leadbench() for item in labelled]
    elapsed = time.perf_counter() - started
    report = score_decisions(labelled, decisions, own_domains=workspace.own_domains)
    report["ms_per_lead"] = round(1000 * elapsed / max(1, len(labelled)), 3)
    spent = pipeline.ledger.spent_usd if pipeline.ledger is not None else 0.0
    report["usd_per_lead"] = round(spent / max(1, len(labelled)), 6)
    return report


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return "-" if value is None else str(value)


def eval_command(
    labelled: Annotated[Path, typer.Argument(help="Labelled events (LeadBench format, with `gold`).")],
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The workspace directory.")] = Path("."),
    backend: Annotated[list[str] | None, typer.Option("--backend", "-b", help="local, llm or ensemble; "
                                                      "repeat to compare side by side.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reports as JSON.")] = False,
) -> None:
    """Score backends on labelled events and print the LeadBench table side by side."""
    ws = load_workspace(workspace)
    with labelled.open(encoding="utf-8") as f:
        items = [json.loads(line) for line in f if line.strip()]
    names = backend or ["local"]
    reports = {name: evaluate_backend(ws, items, name) for name in names}
    if as_json:
        typer.echo(json.dumps({k: {m: v for m, v in r.items() if m != "misses"} for k, r in reports.items()},
                              indent=2))
        return
    table = Table(title=f"LeadBench: {labelled.name} ({len(items)} events)")
    table.add_column("measure")
    for name in names:
        table.add_column(name, justify="right")
    for key in (*REPORT_KEYS, "ms_per_lead", "usd_per_lead"):
        table.add_row(key, *(_cell(reports[n].get(key)) for n in names))
    Console().print(table)
