"""Benchmark: CPU instructions per event of the qualification pipeline, deterministic under callgrind.

Usage:
    python bench/qualify_instructions.py [--events 1000] [--warm 200]

Builds the pipeline and the event stream as bench/qualify_throughput.py does, qualifies `--warm`
events, then qualifies `--events` more inside `functools.reduce`, so that callgrind counts only
those. Run outside valgrind, it re-runs itself under it and prints instructions per event::

    valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce \
        python bench/qualify_instructions.py --measured

(`--measured` is that inner run: it only qualifies.) Needs valgrind and an interpreter whose
libpython keeps its symbols (functools_reduce), as pyenv builds do.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from qualify_throughput import ROOT, build_stream

TOGGLE = "functools_reduce"


def qualify_measured(workspace: Path, warm: int, events: int) -> int:
    """Qualify `warm` events, then `events` more inside the callgrind toggle; the number measured."""
    from leadrelay.pipeline.events import parse_event
    from leadrelay.pipeline.runner import Pipeline
    from leadrelay.workspace import load_workspace

    stream = [parse_event(e) for e in build_stream(warm + events)]
    pipeline = Pipeline.for_workspace(load_workspace(workspace))
    pipeline.warm_up()
    for event in stream[:warm]:
        pipeline.qualify(event)
    measured = stream[warm:]

    def step(count: int, event: object) -> int:
        pipeline.qualify(event)  # type: ignore[arg-type]
        return count + 1

    return functools.reduce(step, measured, 0)


def instructions(out_file: Path) -> int:
    """Total instructions (Ir) in a callgrind output file."""
    text = out_file.read_text(encoding="utf-8", errors="replace")
    found = re.search(r"^(?:summary|totals):\s*(\d+)", text, re.M)
    if not found:
        raise SystemExit(f"no totals in {out_file}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--warm", type=int, default=200)
    parser.add_argument("--workspace", type=Path, default=ROOT / "examples" / "cobalt")
    parser.add_argument("--measured", action="store_true", help="the inner run (under valgrind)")
    parser.add_argument("--keep", type=Path, help="keep the callgrind output here")
    args = parser.parse_args()
    if args.measured:
        print(qualify_measured(args.workspace, args.warm, args.events))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "callgrind.out"
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={TOGGLE}",
               f"--callgrind-out-file={out}", sys.executable, __file__, "--measured",
               "--events", str(args.events), "--warm", str(args.warm), "--workspace", str(args.workspace)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        counted = int(done.stdout.strip().splitlines()[-1])
        total = instructions(out)
    print(json.dumps({"events": counted, "instructions": total,
                      "instructions_per_event": round(total / counted)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
