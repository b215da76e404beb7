"""Earlier events of the same stream, by sender email and by CRM account.

The enrich step only reads the history; whoever runs the pipeline records each event after its
decision is made (``history.record(event_id=..., email=..., account_id=..., received_at=...)``),
so an event never finds itself, and events are seen in arrival order.

`History` keeps everything in memory. In the service each consumer process has its own, and before
each batch records there the events other processes decided since its last look (see
`leadrelay.jobs.tasks`), so entries are in the order this process learnt of them.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol, TypeVar, runtime_checkable

from leadrelay.pipeline.crm import normalize_email
from leadrelay.pipeline.records import Fields
from leadrelay.text import fold

__all__ = ["EventHistory", "History", "HistoryEntry", "forget_oldest"]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event already decided: who sent it, which account it matched, when it arrived."""

    event_id: str
    email: str | None
    account_id: str | None
    received_at: datetime | None
    seq: int = 0  # arrival number within this history
    name: str | None = None  # the sender's full name, folded, for channels without an address
    fields: Fields | None = None  # what the decision knew about the sender and the company


@runtime_checkable
class EventHistory(Protocol):
    """Where earlier events are kept (`History` keeps them in memory)."""

    def record(self, *, event_id: str, email: str | None, account_id: str | None,
               received_at: datetime | None, name: str | None = None, fields: Fields | None = None) -> None:
        """Remember one decided event."""
        ...

    def lookup(self, *, email: str | None, account_id: str | None) -> tuple[str, ...]:
        """Ids of earlier events from this email or this account, oldest first."""
        ...

    def person(self, *, email: str | None, name: str | None) -> HistoryEntry | None:
        """The latest earlier event of this person: by address, or by full name when there is none."""
        ...


class History:
    """In-memory history of a stream, bounded per sender and per account, and in all.

    Args:
        max_per_key: how many recent events to keep for one email or one account; older ones are
            forgotten so a chatty customer cannot grow memory without bound.
        max_events: how many events to keep in all; the oldest are forgotten first, so a service that
            runs for months holds a bounded memory (the database keeps everything).
    """

    def __init__(self, *, max_per_key: int = 200, max_events: int = 50_000) -> None:
        if max_per_key < 1 or max_events < 1:
            raise ValueError("max_per_key and max_events must be at least 1")
        self._max = max_per_key
        self._max_events = max_events
        self._by_email: dict[str, deque[HistoryEntry]] = {}
        self._by_account: dict[str, deque[HistoryEntry]] = {}
        self._by_name: dict[str, HistoryEntry] = {}
        self._seen: set[str] = set()
        self._order: deque[HistoryEntry] = deque()  # every kept entry, oldest first
        self._recorded = 0  # entries recorded so far: the next entry's seq

    def __len__(self) -> int:
        return len(self._seen)

    def __contains__(self, event_id: object) -> bool:
        """Whether the event with this id is recorded already."""
        return event_id in self._seen

    def _append(self, index: dict[str, deque[HistoryEntry]], key: str, entry: HistoryEntry) -> None:
        entries = index.get(key)
        if entries is None:
            entries = index[key] = deque(maxlen=self._max)
        entries.append(entry)

    def record(self, *, event_id: str, email: str | None, account_id: str | None,
               received_at: datetime | None, name: str | None = None, fields: Fields | None = None) -> None:
        """Remember one decided event; recording the same id again is ignored."""
        if not event_id:
            raise ValueError("event_id is required")
        if event_id in self._seen:
            return  # a retried event must not become its own predecessor
        key = normalize_email(email)
        name_key = person_name_key(name)
        entry = HistoryEntry(event_id, key, account_id or None, received_at, self._recorded, name_key, fields)
        self._recorded += 1
        self._seen.add(event_id)
        self._order.append(entry)
        if name_key:
            self._by_name[name_key] = entry
        if key:
            self._append(self._by_email, key, entry)
        if account_id:
            self._append(self._by_account, account_id, entry)
        if len(self._order) > self._max_events:
            self._forget(self._order.popleft())

    def _forget(self, entry: HistoryEntry) -> None:
        self._seen.discard(entry.event_id)
        if entry.name and self._by_name.get(entry.name) is entry:
            del self._by_name[entry.name]
        forget_oldest(entry, (self._by_email, entry.email), (self._by_account, entry.account_id))

    def entries(self, *, email: str | None, account_id: str | None,
                since: datetime | None = None) -> tuple[HistoryEntry, ...]:
        """Earlier entries from this email or account, oldest first; with `since`, only those received then
        or later (entries without a time are kept: we cannot tell)."""
        key = normalize_email(email)
        by_email = self._by_email.get(key, ()) if key else ()
        by_account = self._by_account.get(account_id, ()) if account_id else ()
        out: list[HistoryEntry]
        if not by_account:
            out = list(by_email)
        elif not by_email:
            out = list(by_account)
        else:
            # Both lists are in arrival order; an event from this sender on this account is in both.
            out = sorted({e.seq: e for e in (*by_email, *by_account)}.values(), key=_seq)
        if since is not None:
            floor = _utc(since)
            out = [e for e in out if e.received_at is None or _utc(e.received_at) >= floor]
        return tuple(out)

    def lookup(self, *, email: str | None, account_id: str | None) -> tuple[str, ...]:
        """Ids of earlier events from this email or this account, oldest first."""
        return tuple(e.event_id for e in self.entries(email=email, account_id=account_id))


    def person(self, *, email: str | None, name: str | None) -> HistoryEntry | None:
        """The latest earlier event of this person: by address, or by full name when there is none.

        A name alone identifies someone only on channels without an address (a LinkedIn message after
        an email); two words at least, and an entry with another address is someone else.
        """
        key = normalize_email(email)
        if key:
            entries = self._by_email.get(key)
            return entries[-1] if entries else None
        name_key = person_name_key(name)
        return self._by_name.get(name_key) if name_key else None


T = TypeVar("T")


def forget_oldest(oldest: T, *lists: tuple[dict[str, deque[T]], str | None]) -> None:
    """Drop `oldest`, the oldest entry of a whole memory, from each (index, key) list that still holds it
    (then it is that list's first), and drop lists left empty."""
    for index, key in lists:
        entries = index.get(key) if key else None
        if entries and entries[0] is oldest:
            entries.popleft()
            if not entries:
                del index[key]  # type: ignore[arg-type]


def person_name_key(name: str | None) -> str | None:
    """A full name folded for matching ("Renée  Castellano" -> "renee castellano"); None for one word."""
    if not name:
        return None
    words = fold(name).replace(".", " ").split()
    return " ".join(words) if len(words) >= 2 else None


def _seq(entry: HistoryEntry) -> int:
    return entry.seq


def _utc(value: datetime) -> datetime:
    """`value` as an aware UTC time; a naive time is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
