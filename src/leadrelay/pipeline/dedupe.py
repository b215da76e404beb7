"""Dedupe: is this the same request as an earlier event in the stream?

A resubmitted form, the same ask by email after a form, a LinkedIn message repeating an email: the
same person (by email, or by name where a channel has no email) asking for the same thing within the
workspace's window. Two different asks from one person (two support tickets about different
problems) are not duplicates. The step keeps its own memory of the stream; in the service each consumer
also `remember`s the events other processes decided (see `leadrelay.jobs.tasks`).
"""

from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from rapidfuzz import fuzz

from leadrelay.pipeline.history import forget_oldest
from leadrelay.pipeline.records import DedupedLead, Evidence, Fields, Message, RoutedLead, advance
from leadrelay.text import fold as _fold

__all__ = ["DedupeStep", "SeenRequest"]

_WORD = re.compile(r"[^\W\d_]{3,}|[\u3040-\u30ff\u4e00-\u9fff]{2,}", re.UNICODE)
_STOP = frozenset(
    "the and for you your our are with this that have has was were from can could would will about what "
    "which when who how hello thanks thank regards best please just also into more some any not but they "
    "them there their here want need like know get our ours its it's i'm we're der die das und ist wir "
    "sie mit für les des une est pour que nous vous los las para con una que por".split()
)
# Same person, similar ask: how alike two asks must be (token-set ratio, 0–100). A follow-up by the
# same address may add detail, so it needs less overlap than a message matched by name alone.
_SAME_ASK_BY_EMAIL = 50
_SAME_ASK_BY_NAME = 55
# An identical resubmission is a duplicate whatever it says.
_IDENTICAL = 97
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Earlier requests kept per address or name: a long-running worker must not grow without bound, and a
# sender with more open requests than this in one window is a bot, not a person.
_MAX_PER_KEY = 50
_MAX_REMEMBERED = 50_000  # requests kept in all; the oldest go first (a service runs for months)


class _Ask:
    """What a request says, folded for comparison only when someone else's request needs it.

    Most events have no earlier event from the same person, so the work is done lazily; the object
    holds references to strings the lead already has, not copies.
    """

    def __init__(self, message: Message, use_case: str | None) -> None:
        event = message.event
        self._ask_parts = (message.subject, message.text, use_case or "")
        self._payload_parts = (event.subject or "", event.body or message.text, event.fields)

    @functools.cached_property
    def words(self) -> str:
        text = _fold(" ".join(self._ask_parts))
        return " ".join(sorted({w for w in _WORD.findall(text) if w not in _STOP}))

    @functools.cached_property
    def payload(self) -> str:
        subject, body, fields = self._payload_parts
        form = " ".join(f"{k}={v}" for k, v in sorted(fields.items()))
        return _fold(f"{subject} {body} {form}")[:2000]


def _person_key(message: Message) -> tuple[str | None, str | None]:
    email = (message.sender_email or "").lower() or None
    folded = _fold(message.sender_name or "").strip()
    return email, " ".join(folded.replace(".", " ").split()) or None


@dataclass(frozen=True)
class SeenRequest:
    """What the step remembers of one earlier event."""

    event_id: str
    root_id: str  # the first event of the request this one belongs to
    email: str | None
    name: str | None
    company: str | None
    type: str
    received_at: datetime | None
    ask: _Ask


class DedupeStep:
    """Find the earlier event in the stream that this one repeats."""

    name = "dedupe"

    def __init__(self, *, window_hours: float) -> None:
        self._window = timedelta(hours=window_hours)
        self._by_email: dict[str, deque[SeenRequest]] = {}
        self._by_name: dict[str, deque[SeenRequest]] = {}
        self._order: deque[SeenRequest] = deque()  # every kept request, oldest first

    def warm_up(self) -> None:
        """Nothing to load."""

    def reset(self) -> None:
        """Forget the stream (a new batch)."""
        self._by_email.clear()
        self._by_name.clear()
        self._order.clear()

    def run(self, lead: RoutedLead) -> DedupedLead:
        """Find what `lead` repeats, and remember `lead` for the events after it.

        Args:
            lead: the routed lead.
        Returns:
            The lead with `duplicate_of` set to the first event of the request it repeats (or None).
        """
        message = lead.message
        email, name = _person_key(message)
        ask = _Ask(message, lead.fields.use_case)
        company = _fold(lead.fields.company or "") or None
        received = message.event.received_at
        original = self._find(email, name, company, lead.classification.type, received, ask)
        evidence = lead.evidence
        if original is not None:
            evidence = (*evidence, Evidence(
                kind="history", step=self.name, source=f"event:{original.event_id}",
                detail=f"the same request as event {original.root_id} from the same person",
            ))
        self._keep(SeenRequest(
            event_id=message.event.id, root_id=original.root_id if original else message.event.id,
            email=email, name=name, company=company, type=lead.classification.type,
            received_at=received, ask=ask,
        ))
        return advance(lead, DedupedLead, duplicate_of=original.root_id if original else None, evidence=evidence)

    def remember(self, message: Message, *, type: str, fields: Fields, duplicate_of: str | None) -> None:
        """Remember an event decided elsewhere, as `run` would have after deciding it.

        Args:
            message: the event parsed (what the sender asked, in their words).
            type: the decision's inbound type.
            fields: the decision's fields (company, use case).
            duplicate_of: the decision's `duplicate_of`: the first event of the request it repeats.
        """
        event = message.event
        email, name = _person_key(message)
        self._keep(SeenRequest(
            event_id=event.id, root_id=duplicate_of or event.id, email=email, name=name,
            company=_fold(fields.company or "") or None, type=type, received_at=event.received_at,
            ask=_Ask(message, fields.use_case),
        ))

    def _keep(self, seen: SeenRequest) -> None:
        if seen.email:
            self._remember(self._by_email, seen.email, seen)
        if seen.name and len(seen.name.split()) >= 2:
            self._remember(self._by_name, seen.name, seen)
        self._order.append(seen)
        if len(self._order) > _MAX_REMEMBERED:
            oldest = self._order.popleft()
            forget_oldest(oldest, (self._by_email, oldest.email), (self._by_name, oldest.name))

    def _remember(self, index: dict[str, deque[SeenRequest]], key: str, seen: SeenRequest) -> None:
        entries = index.get(key)
        if entries is None:
            entries = index[key] = deque(maxlen=_MAX_PER_KEY)
        # Requests older than the window can never match again: forget them (arrival order is time order).
        if seen.received_at is not None:
            while entries and entries[0].received_at is not None \
                    and seen.received_at - entries[0].received_at > self._window:
                entries.popleft()
        entries.append(seen)

    def _find(self, email: str | None, name: str | None, company: str | None, kind: str,
              received: datetime | None, ask: _Ask) -> SeenRequest | None:
        candidates: list[tuple[SeenRequest, int]] = []
        if email:
            candidates.extend((seen, _SAME_ASK_BY_EMAIL) for seen in self._by_email.get(email, ()))
        if name:
            for seen in self._by_name.get(name, ()):
                if email and seen.email == email:
                    continue  # already a candidate by address
                # Matched by name: the companies must not contradict each other.
                if seen.company and company and fuzz.token_set_ratio(seen.company, company) < 80:
                    continue
                candidates.append((seen, _SAME_ASK_BY_NAME))
        candidates.sort(key=lambda item: item[0].received_at or _EPOCH)
        for seen, threshold in reversed(candidates):
            if received and seen.received_at and abs(received - seen.received_at) > self._window:
                continue
            if ask.payload and seen.ask.payload and fuzz.ratio(ask.payload, seen.ask.payload) >= _IDENTICAL:
                return seen
            # A support ticket is not the same request as a sales enquiry; and an automatic reply or a
            # bounce repeats nobody's request.
            if seen.type != kind or kind == "unknown":
                continue
            if ask.words and seen.ask.words and fuzz.token_set_ratio(ask.words, seen.ask.words) >= threshold:
                return seen
        return None


