"""Benchmark: the embedded consumer's CPU time per event, split by what it spends it on.

Usage:
    python bench/consumer_cost.py [--events 1000] [--batch 4] [--runs 3] [--dump FILE] [--json]

Each run is a fresh process on a fresh temp data dir (SQLite database and SqliteHuey queue, as
`leadrelay serve` uses them) with the example workspace. It stores `--events` events built by
`qualify_throughput.build_stream` (never LeadBench's dev file) with `repo.store_intakes`, `--batch` at a
time, and enqueues each batch as one batch job (as the intake's hand-over does); that producer side is not
timed. After each batch it drains the queue as the consumer does (`huey.dequeue` then `huey.execute`), and
measures with `time.process_time`:

* pipeline: `JobContext.qualify` (the pipeline run itself),
* save_decision: `repo.save_decision`, plan: `plan_actions`,
* hand_over: enqueueing the planned actions after the commit,
* rest: the rest of the batch job (its read, its transaction, Huey's own work around the task),
* actions: the action jobs (`run_actions`: claim, the adapter, and recording the outcome),
* dequeue: taking the messages off the queue.

The report gives the median over the runs of each part's milliseconds per event, and `consumer` (all but
the pipeline). `--dump FILE` writes the first run's tables with times masked, to compare two versions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qualify_throughput import build_stream

ROOT = Path(__file__).resolve().parents[1]
COBALT = ROOT / "examples" / "cobalt"
PARTS = ("pipeline", "save_decision", "plan", "hand_over", "rest", "actions", "dequeue")
# Tables whose rows show what the consumer did; times are masked (they differ from run to run).
DUMPED = ("events", "jobs", "leads", "decisions", "actions", "timers", "timeline", "lead_states", "assignments",
          "queue_states", "crm_records", "touches")
_TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


class Clock:
    """Process CPU time added up per part."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PARTS, 0.0)

    def wrap(self, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn`, with its CPU time added to `part`."""
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[part] += time.process_time() - t0
        return timed


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        if _TIME.match(value):
            return "<time>"
        if value[:1] in "{[":
            try:
                return _mask(json.loads(value))
            except ValueError:
                return value
        return value
    if isinstance(value, dict):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def dump_tables(db_file: Path, out: Path) -> None:
    """Every row of the consumer's tables, in id order, times masked, one JSON line per row."""
    conn = sqlite3.connect(db_file)
    names = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    with out.open("w", encoding="utf-8") as f:
        for table in DUMPED:
            if table not in names:
                continue
            cursor = conn.execute(f"select * from {table} order by rowid")
            columns = [d[0] for d in cursor.description]
            for values in cursor:
                f.write(json.dumps({"table": table, **{k: _mask(v) for k, v in zip(columns, values, strict=True)}},
                                   ensure_ascii=False, sort_keys=True) + "\n")
    conn.close()


def child(events: int, batch: int, dump: Path | None) -> dict[str, Any]:
    """One measured run in this process."""
    from sqlalchemy import create_engine

    import leadrelay.jobs.tasks as tasks
    from leadrelay.config import Settings
    from leadrelay.jobs.queue import JobQueue
    from leadrelay.store import repo
    from leadrelay.store.db import upgrade

    with tempfile.TemporaryDirectory(prefix="consumer-cost-") as tmp:
        settings = Settings(data_dir=Path(tmp), workspace=COBALT, database_url=None)
        engine = create_engine(settings.db_url)
        upgrade(engine)
        engine.dispose()
        queue = JobQueue(settings)
        ctx = queue.context
        ctx.pipeline  # noqa: B018 (built and warmed up before timing)
        clock = Clock()
        ctx.qualify = clock.wrap("pipeline", ctx.qualify)  # type: ignore[method-assign]
        # The job looks both up by module attribute at call time, so wrapping them there times every call.
        wrapped = [(repo, "save_decision", "save_decision"), (tasks, "plan_actions", "plan")]
        originals = [getattr(module, name) for module, name, _ in wrapped]
        for (module, name, part), original in zip(wrapped, originals, strict=True):
            setattr(module, name, clock.wrap(part, original))
        assert ctx.after_actions is not None
        ctx.after_actions = clock.wrap("hand_over", ctx.after_actions)
        huey = queue.huey
        qualify_s = actions_s = 0.0
        messages = {"qualify": 0, "actions": 0}
        stream = build_stream(events)
        for start in range(0, len(stream), batch):
            prepared = [repo.prepare_intake(source="bench", raw=json.dumps(e, ensure_ascii=False),
                                            window_s=settings.idempotency_window_s)
                        for e in stream[start:start + batch]]
            with ctx.engine.begin() as conn:
                results = repo.store_intakes(conn, prepared)
            queue.hand_over_many([r.event_id for r in results if not r.duplicate])
            while True:
                t0 = time.process_time()
                task = huey.dequeue()
                clock.seconds["dequeue"] += time.process_time() - t0
                if task is None:
                    break
                t0 = time.process_time()
                huey.execute(task)
                spent = time.process_time() - t0
                if task.name.startswith("leadrelay.qualify"):
                    qualify_s += spent
                    messages["qualify"] += 1
                else:
                    actions_s += spent
                    messages["actions"] += 1
        for (module, name, _), original in zip(wrapped, originals, strict=True):
            setattr(module, name, original)
        s = clock.seconds
        s["rest"] = qualify_s - s["pipeline"] - s["save_decision"] - s["plan"] - s["hand_over"]
        s["actions"] = actions_s
        ctx.dispose()
        if dump is not None:
            dump_tables(Path(tmp) / "leadrelay.db", dump)
    ms = {part: 1000 * s[part] / events for part in PARTS}
    ms["consumer"] = sum(v for k, v in ms.items() if k != "pipeline")
    return {"ms_per_event": ms, "messages": messages}


def run_once(events: int, batch: int, dump: Path | None) -> dict[str, Any]:
    """One run in a fresh process on one core."""
    cmd = [sys.executable, __file__, "--child", "--events", str(events), "--batch", str(batch)]
    if dump is not None:
        cmd += ["--dump", str(dump)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=4, help="events per batch job (the hand-over's batches)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write the first run's tables (times masked) here")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.events, args.batch, args.dump)))
        return 0
    runs = [run_once(args.events, args.batch, args.dump if i == 0 else None) for i in range(args.runs)]
    median = {part: round(statistics.median(r["ms_per_event"][part] for r in runs), 3)
              for part in (*PARTS, "consumer")}
    summary = {"events": args.events, "batch": args.batch, "runs": args.runs, "median_ms_per_event": median,
               "messages_last_run": runs[-1]["messages"],
               "consumer_ms_each_run": [round(r["ms_per_event"]["consumer"], 3) for r in runs]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"CPU ms per event (time.process_time, median of {args.runs} runs of {args.events} events, "
              f"batches of {args.batch}):")
        for part, value in median.items():
            print(f"  {part:14} {value:7.3f}")
        print(f"  consumer, each run: {summary['consumer_ms_each_run']}; messages: {summary['messages_last_run']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
