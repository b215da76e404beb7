"""Benchmark: qualify a 10,000-event stream with the default (local) backend.

Usage:
    python bench/qualify_throughput.py [--events 10000] [--runs 5] [--json]

The stream is built from the project's own training corpus and the example events (never from
LeadBench's dev file): each event is copied with a new id, sender and time, so the CRM,
history and duplicate indexes grow as they would in production. Each run is a fresh process
pinned to one core; the report gives the median events/s and the peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "training" / "corpus.jsonl", ROOT / "examples" / "cobalt" / "events.jsonl"]
EVENT_KEYS = ("id", "channel", "received_at", "from_name", "from_email", "subject", "body", "fields", "raw_email")


def build_stream(n: int, seed: int = 7) -> list[dict[str, object]]:
    """`n` events in arrival order, varied copies of the corpus and example events."""
    pool: list[dict[str, object]] = []
    for path in SOURCES:
        if path.is_file():
            with path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        pool.append({k: v for k, v in json.loads(line).items() if k in EVENT_KEYS})
    if not pool:
        raise SystemExit("no source events: run `python training/build_corpus.py` first")
    rng = random.Random(seed)
    start = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    stream = []
    for i in range(n):
        event = dict(rng.choice(pool))
        event["id"] = f"bench-{i:06d}"
        event["received_at"] = (start + timedelta(seconds=30 * i)).isoformat().replace("+00:00", "Z")
        sender = event.get("from_email")
        if isinstance(sender, str) and "@" in sender and rng.random() < 0.8:
            local, domain = sender.split("@", 1)
            event["from_email"] = f"{local}{rng.randrange(10_000)}@{domain}"
        stream.append(event)
    return stream


_CHILD = r"""
import json, resource, sys, time
from leadrelay.pipeline.events import parse_event
from leadrelay.pipeline.runner import Pipeline
from leadrelay.workspace import load_workspace

workspace = load_workspace(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    events = [parse_event(json.loads(line)) for line in f]
pipeline = Pipeline.for_workspace(workspace)
t0 = time.perf_counter()
pipeline.warm_up()
warm = time.perf_counter() - t0
t0 = time.perf_counter()
for event in events:
    pipeline.qualify(event)
elapsed = time.perf_counter() - t0
steps = {k: round(1e6 * v / len(events), 1) for k, v in pipeline.timings.seconds.items()}
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"events": len(events), "seconds": elapsed, "warm_up_s": warm,
                  "events_per_s": len(events) / elapsed, "max_rss_mb": rss_mb,
                  "us_per_step": steps, "failures": dict(pipeline.timings.failures)}))
"""


def run_once(stream_path: Path, workspace: Path) -> dict[str, object]:
    """One fresh process on one core."""
    cmd = [sys.executable, "-c", _CHILD, str(workspace), str(stream_path)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workspace", type=Path, default=ROOT / "examples" / "cobalt")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    stream = build_stream(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stream.jsonl"
        path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in stream), encoding="utf-8")
        runs = [run_once(path, args.workspace) for _ in range(args.runs)]
    rates = [float(r["events_per_s"]) for r in runs]  # type: ignore[arg-type]
    rss = [float(r["max_rss_mb"]) for r in runs]  # type: ignore[arg-type]
    summary = {
        "events": args.events, "runs": args.runs,
        "median_events_per_s": round(statistics.median(rates)),
        "min_events_per_s": round(min(rates)), "max_events_per_s": round(max(rates)),
        "median_max_rss_mb": round(statistics.median(rss), 1),
        "median_warm_up_s": round(statistics.median(float(r["warm_up_s"]) for r in runs), 2),  # type: ignore[arg-type]
        "us_per_step_last_run": runs[-1]["us_per_step"],
        "failures_last_run": runs[-1]["failures"],
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for key, value in summary.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
