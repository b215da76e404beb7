"""The LLM answer cache and the cost/latency ledger.

The cache is keyed by a hash of (task, model, prompt version, message content), so replaying the
same events costs nothing. It keeps validated answers in memory and, optionally, in a SQLite file.
The ledger records every call per lead: tokens, dollars, milliseconds and how it ended.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CostLedger", "LeadCost", "LedgerEntry", "LlmCache", "cache_key"]


def cache_key(task: str, model: str, prompt_version: str, content: str) -> str:
    """A stable hash of what determines an answer."""
    digest = hashlib.sha256()
    for part in (task, model, prompt_version, content):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")  # a separator, so ("ab", "c") and ("a", "bc") differ
    return digest.hexdigest()


class LlmCache:
    """Validated LLM answers by cache key: in memory, plus a SQLite file when `path` is given."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._memory: dict[str, str] = {}
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def open(self) -> None:
        """Open (and create) the SQLite file; a no-op without a path or when already open."""
        if self._path is None or self._db is not None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by the backend's threads, serialised by our lock.
        self._db = sqlite3.connect(self._path, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS llm_answers"
            " (key TEXT PRIMARY KEY, answer TEXT NOT NULL, created_at REAL)"
        )
        self._db.commit()

    def close(self) -> None:
        """Close the SQLite file."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def get(self, key: str) -> str | None:
        """The cached answer for `key`, or None."""
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None or self._db is None:
                return hit
            row = self._db.execute("SELECT answer FROM llm_answers WHERE key = ?", (key,)).fetchone()
            if row is None:
                return None
            self._memory[key] = row[0]
            return str(row[0])

    def put(self, key: str, answer: str) -> None:
        """Remember a validated answer."""
        with self._lock:
            self._memory[key] = answer
            if self._db is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO llm_answers (key, answer, created_at) VALUES (?, ?, ?)",
                    (key, answer, time.time()),
                )
                self._db.commit()

    def __len__(self) -> int:
        with self._lock:
            return len(self._memory)


@dataclass(frozen=True)
class LedgerEntry:
    """One backend call for one lead: what it cost and how it ended."""

    event_id: str
    task: str  # "extract" or "classify"
    model: str
    outcome: str  # "ok", "reasked", "cached", "invalid", "error", "budget", "disabled"
    requests: int = 0  # HTTP requests sent (retries and the re-ask included)
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    mode: str | None = None  # the JSON mode that answered
    detail: str = ""

    @property
    def used_llm_answer(self) -> bool:
        """True when the answer came from the model (fresh or cached), not the local fallback."""
        return self.outcome in {"ok", "reasked", "cached"}


@dataclass(frozen=True)
class LeadCost:
    """The totals of the calls made for one lead (or for all of them)."""

    calls: int = 0
    requests: int = 0
    cached: int = 0
    fallbacks: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0


def _total(entries: list[LedgerEntry]) -> LeadCost:
    return LeadCost(
        calls=len(entries),
        requests=sum(e.requests for e in entries),
        cached=sum(e.outcome == "cached" for e in entries),
        fallbacks=sum(not e.used_llm_answer for e in entries),
        input_tokens=sum(e.input_tokens for e in entries),
        output_tokens=sum(e.output_tokens for e in entries),
        cost_usd=sum(e.cost_usd for e in entries),
        latency_ms=sum(e.latency_ms for e in entries),
    )


class CostLedger:
    """Every LLM call with its tokens, cost and latency; thread-safe, readable while the pipeline runs."""

    def __init__(self) -> None:
        self._entries: list[LedgerEntry] = []
        self._spent_usd = 0.0
        self._lock = threading.Lock()

    def add(self, entry: LedgerEntry) -> None:
        """Record one call."""
        with self._lock:
            self._entries.append(entry)
            self._spent_usd += entry.cost_usd

    @property
    def spent_usd(self) -> float:
        """Dollars spent by the recorded calls."""
        with self._lock:
            return self._spent_usd

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """All recorded calls, oldest first."""
        with self._lock:
            return tuple(self._entries)

    def totals(self) -> LeadCost:
        """Totals over all calls."""
        return _total(list(self.entries))

    def for_event(self, event_id: str) -> LeadCost:
        """Totals over the calls made for one event."""
        return _total([e for e in self.entries if e.event_id == event_id])

    def per_event(self) -> dict[str, LeadCost]:
        """Totals per event id."""
        groups: dict[str, list[LedgerEntry]] = defaultdict(list)
        for entry in self.entries:
            groups[entry.event_id].append(entry)
        return {event_id: _total(group) for event_id, group in groups.items()}
