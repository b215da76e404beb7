"""`leadrelay qualify`: events in, one decision per event out, in order."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from leadrelay.pipeline.events import EventLine, read_events
from leadrelay.pipeline.records import Decision, Event
from leadrelay.pipeline.runner import Pipeline, decision_for_failure
from leadrelay.workspace import load_workspace

# Inputs at least this long get a progress bar on stderr.
_PROGRESS_MIN_LINES = 200


def _count_lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(1 for _ in f)


def _recoverable_id(line: str) -> str | None:
    """The id of a line that is JSON but not a valid event, so the event still gets a decision."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return str(value) if isinstance(value, str | int) and str(value) else None


def _lines(source: TextIO, bad: dict[int, str]) -> Iterator[str]:
    for line_no, line in enumerate(source, start=1):
        bad[line_no] = line
        yield line


def qualify_events(pipeline: Pipeline, source: TextIO, out: TextIO, *, explain: bool, errors: Console,
                   progress: Progress | None = None, total: int | None = None) -> tuple[int, int]:
    """Qualify every event in `source` into `out`; returns (decisions written, bad lines)."""
    written = bad_lines = 0
    raw: dict[int, str] = {}
    task = progress.add_task("qualifying", total=total) if progress is not None else None
    for item in read_events(_lines(source, raw)):
        decision = _decide(pipeline, item, raw.pop(item.line_no, ""), errors)
        raw.clear()
        if decision is None:
            bad_lines += 1
        else:
            if item.error is not None:
                bad_lines += 1
            out.write(json.dumps(decision.to_leadbench(with_reasons=explain), ensure_ascii=False) + "\n")
            written += 1
        if progress is not None and task is not None:
            progress.advance(task)
    return written, bad_lines


def _decide(pipeline: Pipeline, item: EventLine, line: str, errors: Console) -> Decision | None:
    if item.event is not None:
        return pipeline.qualify(item.event)
    errors.print(f"line {item.line_no}: {item.error}", markup=False, highlight=False)
    event_id = _recoverable_id(line)
    if event_id is None:
        return None
    # A JSON object with an id that is not a valid event still gets a decision: a person looks at it.
    placeholder = Event(id=event_id, channel="email", body=line[:2000])
    return decision_for_failure(placeholder, "read", item.error or ValueError("bad event"), pipeline.workspace)


def _open_output(path: Path) -> TextIO:
    """The decisions file, its folder made if needed; an unwritable path is one clear error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot write {path}: {exc.strerror}", param_hint="--output") from None


def qualify_command(
    events: Annotated[str, typer.Argument(help="Events file in the LeadBench event format (JSON lines), or - "
                                          "for standard input.")] = "-",
    workspace: Annotated[Path, typer.Option("--workspace", "-w", help="The workspace directory.")] = Path("."),
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write decisions here "
                                                "(default: standard output).")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add each decision's reasons and model.")] = False,
    backend: Annotated[str | None, typer.Option("--backend", help="Classify backend: local, llm or ensemble "
                                                "(default: the workspace's).")] = None,
) -> None:
    """Qualify events: write one decision per event, in order. Bad lines are reported and skipped."""
    errors = Console(stderr=True)
    ws = load_workspace(workspace)
    pipeline = Pipeline.for_workspace(ws, classify=backend)
    pipeline.warm_up()
    total = None
    if events != "-":
        path = Path(events)
        if not path.is_file():
            raise typer.BadParameter(f"no such file: {events}", param_hint="EVENTS")
        total = _count_lines(path)
    with ExitStack() as stack:
        source = sys.stdin if events == "-" else stack.enter_context(Path(events).open(encoding="utf-8"))
        out = sys.stdout if output is None else stack.enter_context(_open_output(output))
        progress = None
        if total is not None and total >= _PROGRESS_MIN_LINES:
            progress = stack.enter_context(Progress(
                TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeRemainingColumn(), console=errors, transient=True, disable=not errors.is_terminal,
            ))
        written, bad = qualify_events(pipeline, source, out, explain=explain, errors=errors, progress=progress,
                                      total=total)
    where = f" to {output}" if output else ""
    errors.print(f"{written} decisions written{where}" + (f"; {bad} bad line(s) reported above" if bad else ""),
                 highlight=False)
