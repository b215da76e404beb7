"""Benchmark: qualification throughput on PostgreSQL + Redis with 1 and with 2 `leadrelay worker` processes.

Usage:
    python bench/service_scaleout.py [--events 3000] [--workers 1 2] [--runs 3] [--json]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/0]

Each run creates a fresh PostgreSQL database (dropped afterwards) and a fresh Redis queue name, starts
`leadrelay serve --no-consumer` on 127.0.0.1 and stores `--events` distinct events through
`POST /api/events` while no worker runs, so the backlog is the same for every run. It then starts N
`leadrelay worker` processes and waits until every event is decided. Throughput is decisions per
second between the first and the last decision's `created_at` (worker start-up, which loads the
pipeline, is not counted). Also reported: the intake rate while storing the backlog.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from service_intake import (
    closed_loop,
    create_token,
    event_bodies,
    free_port,
    processes,
    serve,
    service_env,
)
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from leadrelay.store.tables import DecisionRow


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database for one run; dropped at the end."""
    name = f"leadrelay_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flush_queue(redis_url: str, queue_name: str) -> None:
    """Remove a run's Redis keys (the queue is named per run)."""
    from leadrelay.config import Settings
    from leadrelay.jobs.queue import make_huey

    make_huey(Settings(queue="redis", queue_url=redis_url, queue_name=queue_name)).flush()


def one_run(args: argparse.Namespace, workers: int, r: int) -> dict[str, Any]:
    """Store a backlog with no worker running, then let `workers` processes decide it."""
    queue_name = f"leadrelay-bench-{uuid.uuid4().hex[:8]}"
    with fresh_database(args.postgres) as db_url, tempfile.TemporaryDirectory(prefix="leadrelay-bench-") as tmp, \
            processes(Path(tmp)) as group:
        env = service_env(Path(tmp) / "data", LEADRELAY_DATABASE_URL=db_url, LEADRELAY_QUEUE="redis",
                          LEADRELAY_QUEUE_URL=args.redis, LEADRELAY_QUEUE_NAME=queue_name)
        try:
            token = create_token(env)
            port = free_port()
            serve(group, env, port, "--no-consumer")
            bodies = event_bodies(args.events, tag=f"scale{workers}-{r}")
            intake = asyncio.run(closed_loop(port, bodies, token, connections=16, seconds=600))
            if intake.statuses.get(202) != args.events:
                raise RuntimeError(f"intake answered {intake.statuses}")
            for _ in range(workers):
                group.spawn([sys.executable, "-m", "leadrelay.cli.service", "worker"], env, "worker")
            engine = create_engine(db_url)
            deadline = time.monotonic() + args.timeout
            try:
                while True:
                    with engine.connect() as conn:
                        decided, first, last = conn.execute(select(
                            func.count(), func.min(DecisionRow.created_at), func.max(DecisionRow.created_at))).one()
                    if decided >= args.events or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)
            finally:
                engine.dispose()
        finally:
            group.stop()
            flush_queue(args.redis, queue_name)
    span = (last - first).total_seconds() if decided > 1 else float("nan")
    return {"workers": workers, "events": args.events, "decided": decided, "span_s": round(span, 2),
            "decisions_per_s": round((decided - 1) / span, 1) if span else float("nan"),
            "intake_rps": round(intake.rate, 1)}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for all decisions")
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="an admin URL; each run creates and drops its own database")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args(argv)
    results: dict[int, list[dict[str, Any]]] = {n: [] for n in args.workers}
    for r in range(args.runs):
        for n in args.workers:  # interleaved, so a change in machine load hits both counts alike
            run = one_run(args, n, r)
            results[n].append(run)
            if not args.json:
                print(f"run {r + 1}, {n} worker(s): {run['decided']}/{run['events']} decided in {run['span_s']} s "
                      f"= {run['decisions_per_s']} decisions/s (intake {run['intake_rps']} req/s)", flush=True)
    summary = {str(n): {"decisions_per_s_median": statistics.median(x["decisions_per_s"] for x in runs),
                        "intake_rps_median": statistics.median(x["intake_rps"] for x in runs)}
               for n, runs in results.items()}
    base = summary[str(args.workers[0])]["decisions_per_s_median"]
    for n in args.workers:
        summary[str(n)]["speedup"] = round(summary[str(n)]["decisions_per_s_median"] / base, 2)
    result = {"benchmark": "service_scaleout", "database": "postgresql", "queue": "redis", "events": args.events,
              "runs": args.runs, "by_workers": summary,
              "per_run": {str(n): runs for n, runs in results.items()}}
    if not args.json:
        print(f"\n{'workers':<10}{'decisions/s':>14}{'speedup':>10}")
        for n in args.workers:
            row = summary[str(n)]
            print(f"{n:<10}{row['decisions_per_s_median']:>14.1f}{row['speedup']:>10.2f}")
        print()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
