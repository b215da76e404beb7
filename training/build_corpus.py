"""Build training/corpus.jsonl from the template families: `python training/build_corpus.py [--seed N]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from training.corpus.generate import generate, summary  # noqa: E402

DEFAULT_SEED = 20261129
OUT = ROOT / "training" / "corpus.jsonl"


def main(argv: list[str] | None = None) -> int:
    """Generate the corpus and print its make-up."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    items = generate(args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for item in items:
            fh.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    counts = summary(items)
    print(f"{len(items)} items -> {args.out}")
    for key in ("type", "urgency", "lang", "channel"):
        print(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in counts[key].most_common()))
    print(f"  families: {len(counts['family'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
