"""Benchmark: receipt-to-decision latency at a steady 200 events/s, from the database's own timestamps.

Usage:
    python bench/service_latency.py [--rate 200] [--seconds 60] [--runs 1] [--no-consumer-workers 0] [--json]

Each run starts `leadrelay serve` (the embedded default: a fresh SQLite database, the SqliteHuey queue
and the consumer in a child process of serve) on 127.0.0.1 and sends distinct events open-loop: event i is
sent at start + i / rate whatever happened to earlier ones (over up to 64 keep-alive connections), so
a slow server shows as latency, not as a lower offered rate. When the last answer is in it waits for
every accepted event's decision, then reads `events.received_at` and `decisions.created_at` and reports
p50, p99 and max of the difference, plus the HTTP answer times. `--workers N` runs `serve --no-consumer`
with N `leadrelay worker` processes instead. The issue's target: p99 < 250 ms at 200 events/s for 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from service_intake import (
    create_token,
    event_bodies,
    free_port,
    percentile,
    post_request,
    processes,
    read_response,
    serve,
    service_env,
)
from sqlalchemy import create_engine, select

from leadrelay.store.tables import DecisionRow, EventRow


async def open_loop(port: int, bodies: Sequence[bytes], token: str, *, rate: float,
                    max_connections: int = 64) -> tuple[list[int], list[float], dict[int, int], float]:
    """Send body i at start + i / rate; returns accepted event ids, answer times, statuses and the lag."""
    idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    opened = 0
    event_ids: list[int] = []
    answer_s: list[float] = []
    statuses: dict[int, int] = {}
    worst_lag = 0.0
    start = time.perf_counter() + 0.2

    async def one(i: int, body: bytes) -> None:
        nonlocal opened, worst_lag
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        worst_lag = max(worst_lag, time.perf_counter() - (start + i / rate))
        if idle.empty() and opened < max_connections:
            opened += 1
            idle.put_nowait(await asyncio.open_connection("127.0.0.1", port))
        reader, writer = await idle.get()
        sent = time.perf_counter()
        writer.write(post_request(body, token))
        status, answer = await read_response(reader)
        answer_s.append(time.perf_counter() - sent)
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 202):
            event_ids.append(int(json.loads(answer)["event_id"]))
        idle.put_nowait((reader, writer))

    await asyncio.gather(*(one(i, body) for i, body in enumerate(bodies)))
    while not idle.empty():
        idle.get_nowait()[1].close()
    return event_ids, answer_s, statuses, worst_lag


def wait_for_decisions(db_url: str, event_ids: list[int], timeout_s: float) -> list[float]:
    """Receipt-to-decision seconds of each event, once all are decided (or the timeout passes)."""
    engine = create_engine(db_url)
    wanted = set(event_ids)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            with engine.connect() as conn:
                rows = conn.execute(select(EventRow.id, EventRow.received_at, DecisionRow.created_at)
                                    .join(DecisionRow, DecisionRow.event_id == EventRow.id)).all()
            done = {row[0]: (row[2] - row[1]).total_seconds() for row in rows if row[0] in wanted}
            if len(done) == len(wanted) or time.monotonic() > deadline:
                missing = len(wanted) - len(done)
                if missing:
                    print(f"warning: {missing} accepted events not decided after {timeout_s:.0f}s", file=sys.stderr)
                return list(done.values())
            time.sleep(0.5)
    finally:
        engine.dispose()


def one_run(args: argparse.Namespace, r: int) -> dict[str, Any]:
    """Start the service, drive it at `args.rate` for `args.seconds`, and measure."""
    n = int(args.rate * args.seconds)
    bodies = event_bodies(n, tag=f"lat{r}")
    with tempfile.TemporaryDirectory(prefix="leadrelay-bench-") as tmp, processes(Path(tmp)) as group:
        env = service_env(Path(tmp) / "data")
        token = create_token(env)
        port = free_port()
        if args.workers:
            serve(group, env, port, "--no-consumer")
            for _ in range(args.workers):
                group.spawn([sys.executable, "-m", "leadrelay.cli.service", "worker"], env, "worker")
        else:
            serve(group, env, port)
        db_url = f"sqlite:///{Path(tmp) / 'data' / 'leadrelay.db'}"
        # Warm-up: wait until the consumers have loaded their pipelines and decided a few events.
        warm_ids, *_ = asyncio.run(open_loop(port, event_bodies(20, tag=f"warm{r}"), token, rate=20))
        wait_for_decisions(db_url, warm_ids, 120)
        event_ids, answer_s, statuses, lag = asyncio.run(open_loop(port, bodies, token, rate=args.rate))
        latencies = wait_for_decisions(db_url, event_ids, 120)
    return {"sent": n, "accepted": len(event_ids), "decided": len(latencies), "statuses": statuses,
            "p50_ms": percentile(latencies, 0.5) * 1000, "p99_ms": percentile(latencies, 0.99) * 1000,
            "max_ms": max(latencies) * 1000 if latencies else float("nan"),
            "answer_p50_ms": percentile(answer_s, 0.5) * 1000, "answer_p99_ms": percentile(answer_s, 0.99) * 1000,
            "worst_send_lag_ms": lag * 1000}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0,
                        help="serve --no-consumer plus this many worker processes (0: the embedded default)")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args(argv)
    runs = []
    for r in range(args.runs):
        run = one_run(args, r)
        runs.append(run)
        if not args.json:
            print(f"run {r + 1}: sent {run['sent']} accepted {run['accepted']} decided {run['decided']}   "
                  f"receipt->decision p50 {run['p50_ms']:.1f} ms  p99 {run['p99_ms']:.1f} ms  "
                  f"max {run['max_ms']:.1f} ms   answer p50 {run['answer_p50_ms']:.1f} ms "
                  f"p99 {run['answer_p99_ms']:.1f} ms", flush=True)

    def median(key: str) -> float:
        return round(statistics.median(run[key] for run in runs), 1)

    result = {"benchmark": "service_latency", "rate": args.rate, "seconds": args.seconds, "runs": args.runs,
              "mode": f"serve --no-consumer + {args.workers} workers" if args.workers else "embedded",
              "p50_ms_median": median("p50_ms"), "p99_ms_median": median("p99_ms"),
              "max_ms_median": median("max_ms"), "answer_p50_ms_median": median("answer_p50_ms"),
              "answer_p99_ms_median": median("answer_p99_ms"), "target_p99_ms": 250,
              "per_run": [{k: (round(v, 1) if isinstance(v, float) else v) for k, v in run.items()} for run in runs]}
    if not args.json:
        print(f"\n{'':<22}{'p50 ms':>10}{'p99 ms':>10}\n{'receipt -> decision':<22}{result['p50_ms_median']:>10}"
              f"{result['p99_ms_median']:>10}\n{'HTTP answer':<22}{result['answer_p50_ms_median']:>10}"
              f"{result['answer_p99_ms_median']:>10}\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
