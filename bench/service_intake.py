"""Benchmark: intake throughput of `POST /api/events` against a bare FastAPI endpoint, same machine, same run.

Usage:
    python bench/service_intake.py [--seconds 5] [--connections 16] [--runs 3] [--json]

Each run starts two servers in turn as subprocesses on 127.0.0.1, under the same uvicorn settings as
`leadrelay serve` (log level warning, no access log, uvicorn's default loop and HTTP parser):
  - bare: one FastAPI route that validates the body as an `Event` and answers 202, nothing else;
  - service: `leadrelay serve` with the embedded default (a fresh SQLite database and SqliteHuey queue,
    the consumer running in a child process of serve), with bearer-token auth and the real intake.
A bounded load generator (asyncio, HTTP/1.1 keep-alive, `--connections` concurrent requests) sends
distinct events for `--seconds` after a short warm-up, then stops. The report gives the median
requests/s of each side over `--runs` runs and the ratio service / bare (the issue's target: >= 40%).
This module also holds the helpers the latency and scale-out benchmarks share.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from qualify_throughput import build_stream  # noqa: E402  (bench/ is a folder of scripts, not a package)

from leadrelay.pipeline.records import Event  # noqa: E402  (module level: FastAPI resolves the annotation here)

COBALT = ROOT / "examples" / "cobalt"


# --- processes ------------------------------------------------------------------------------------------


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def service_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for service subprocesses: our settings only, rate limit out of the way."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADRELAY_")}
    env.update({"LEADRELAY_DATA_DIR": str(data_dir), "LEADRELAY_WORKSPACE": str(COBALT),
                "LEADRELAY_RATE_LIMIT_PER_MIN": "100000000", "PYTHONUNBUFFERED": "1", **extra})
    return env


@dataclass
class Processes:
    """Subprocesses started by a benchmark; each one is stopped (SIGTERM, then SIGKILL) at the end."""

    log_dir: Path
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[IO[bytes]] = field(default_factory=list)

    def spawn(self, args: Sequence[str], env: dict[str, str], name: str) -> subprocess.Popen[bytes]:
        """Start `args` with its output in a log file of the log dir."""
        log = (self.log_dir / f"{name}-{len(self.procs)}.log").open("wb")
        self.logs.append(log)
        proc = subprocess.Popen(list(args), env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        """Stop every process this object started, by its own id."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()
        self.procs.clear()
        self.logs.clear()


@contextmanager
def processes(log_dir: Path) -> Iterator[Processes]:
    """Processes that are stopped when the block ends, however it ends."""
    group = Processes(log_dir)
    try:
        yield group
    finally:
        group.stop()


def wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    """Wait until GET /healthz answers 200 on `port`."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            status, _ = asyncio.run(_one_get(port, "/healthz"))
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not come up")


def serve(group: Processes, env: dict[str, str], port: int, *extra: str) -> subprocess.Popen[bytes]:
    """Start `leadrelay serve` on `port` and wait until it is healthy."""
    proc = group.spawn([sys.executable, "-m", "leadrelay.cli.service", "serve", "--port", str(port), *extra],
                       env, "serve")
    wait_healthy(port, proc)
    return proc


def create_token(env: dict[str, str]) -> str:
    """Migrate the database of `env` and create a token for the source ``bench``."""
    out = subprocess.run([sys.executable, "-m", "leadrelay.cli.service", "tokens", "create", "bench"], env=env,
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip().splitlines()[-1]


def event_bodies(n: int, *, tag: str) -> list[bytes]:
    """`n` distinct event bodies (from the training corpus and the example events, never LeadBench)."""
    bodies = []
    for i, event in enumerate(build_stream(n, seed=11)):
        event["id"] = f"{tag}-{i:06d}"
        bodies.append(json.dumps(event).encode())
    return bodies


# --- load generator -------------------------------------------------------------------------------------


async def _one_get(port: int, path: str) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        return await read_response(reader)
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response (the servers answer with Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return status, body


def post_request(body: bytes, token: str | None) -> bytes:
    """The bytes of one keep-alive ``POST /api/events``."""
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (f"POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


@dataclass
class LoadResult:
    """What one load phase did: requests sent, per-status counts, seconds, and each request's latency."""

    sent: int
    statuses: dict[int, int]
    seconds: float
    latencies_s: list[float]
    event_ids: list[int]

    @property
    def rate(self) -> float:
        """Requests answered per second."""
        return self.sent / self.seconds if self.seconds else 0.0


async def closed_loop(port: int, bodies: Sequence[bytes], token: str | None, *, connections: int,
                      seconds: float) -> LoadResult:
    """Send `bodies` in order over `connections` keep-alive connections, each waiting for its answer,
    until the bodies run out or `seconds` pass."""
    cursor = 0
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    start = time.perf_counter()
    stop_at = start + seconds

    async def connection() -> None:
        nonlocal cursor
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while cursor < len(bodies) and time.perf_counter() < stop_at:
                body = bodies[cursor]
                cursor += 1
                sent_at = time.perf_counter()
                writer.write(post_request(body, token))
                status, _ = await read_response(reader)
                latencies.append(time.perf_counter() - sent_at)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(connections)))
    return LoadResult(sent=len(latencies), statuses=statuses, seconds=time.perf_counter() - start,
                      latencies_s=latencies, event_ids=[])


def percentile(values: Sequence[float], q: float) -> float:
    """The `q` quantile (0..1) of `values`, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# --- the bare endpoint ----------------------------------------------------------------------------------


def bare_app() -> Any:
    """A FastAPI app whose only route validates the body as an `Event` and answers 202."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/api/events", status_code=202)
    async def post_event(event: Event) -> dict[str, str]:
        return {"id": event.id}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def run_bare(port: int) -> None:
    """Serve the bare app with the uvicorn settings `leadrelay serve` uses."""
    import uvicorn

    uvicorn.Server(uvicorn.Config(bare_app(), host="127.0.0.1", port=port, log_level="warning",
                                  access_log=False)).run()


# --- the benchmark --------------------------------------------------------------------------------------


def _measure(port: int, bodies: list[bytes], token: str | None, args: argparse.Namespace) -> LoadResult:
    warm, rest = bodies[:args.warmup], bodies[args.warmup:]
    asyncio.run(closed_loop(port, warm, token, connections=args.connections, seconds=30))
    result = asyncio.run(closed_loop(port, rest, token, connections=args.connections, seconds=args.seconds))
    bad = {s: n for s, n in result.statuses.items() if s not in (200, 202)}
    if bad:
        raise RuntimeError(f"unexpected statuses {bad}")
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Alternate bare and service runs; return medians and the ratio."""
    n = args.warmup + int(args.seconds * 4000) + 100  # more than the fastest side can send
    bare_rates: list[float] = []
    service_rates: list[float] = []
    service_p50: list[float] = []
    for r in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="leadrelay-bench-") as tmp, processes(Path(tmp)) as group:
            port = free_port()
            proc = group.spawn([sys.executable, __file__, "--bare-server", str(port)], service_env(Path(tmp)),
                               "bare")
            wait_healthy(port, proc)
            bare = _measure(port, event_bodies(n, tag=f"bare{r}"), None, args)
            group.stop()
            env = service_env(Path(tmp) / "data")
            token = create_token(env)
            port = free_port()
            serve(group, env, port, *(["--no-consumer"] if args.no_consumer else []))
            service = _measure(port, event_bodies(n, tag=f"svc{r}"), token, args)
        bare_rates.append(bare.rate)
        service_rates.append(service.rate)
        service_p50.append(percentile(service.latencies_s, 0.5) * 1000)
        if not args.json:
            print(f"run {r + 1}: bare {bare.rate:7.0f} req/s   service {service.rate:7.0f} req/s   "
                  f"ratio {service.rate / bare.rate:5.1%}", flush=True)
    bare_median = statistics.median(bare_rates)
    service_median = statistics.median(service_rates)
    return {"benchmark": "service_intake", "connections": args.connections, "seconds": args.seconds,
            "runs": args.runs, "bare_rps": [round(x, 1) for x in bare_rates],
            "service_rps": [round(x, 1) for x in service_rates], "bare_rps_median": round(bare_median, 1),
            "service_rps_median": round(service_median, 1),
            "service_request_p50_ms_median": round(statistics.median(service_p50), 2),
            "ratio": round(service_median / bare_median, 3), "target_ratio": 0.4}


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per run and side")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--warmup", type=int, default=300, help="requests sent before measuring")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--no-consumer", action="store_true",
                        help="diagnostic: serve without the embedded consumer (intake alone)")
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_server:
        run_bare(args.bare_server)
        return
    result = run(args)
    if not args.json:
        print(f"\n{'side':<10}{'median req/s':>14}\n{'bare':<10}{result['bare_rps_median']:>14.0f}\n"
              f"{'service':<10}{result['service_rps_median']:>14.0f}\nratio service/bare: {result['ratio']:.1%} "
              f"(target >= 40%)\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
