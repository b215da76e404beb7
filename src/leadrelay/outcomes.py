"""What became of a lead: a meeting booked, an opportunity, won or lost; conversion by source reads these.

Functions write in the caller's session and do not commit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrelay.actions.touches import LeadNotFound
from leadrelay.errors import LeadRelayError
from leadrelay.store.tables import OUTCOME_KINDS, LeadRow, Outcome, TimelineEntry, utcnow

__all__ = ["OutcomeError", "list_outcomes", "record_outcome"]

_MAX_ID = 2**31 - 1
_MAX_NOTE = 2_000


class OutcomeError(LeadRelayError):
    """An outcome that cannot be stored: an unknown kind, a negative amount, a note too long."""

    status = 422


def _lead(db: Session, lead_id: int) -> LeadRow:
    lead = db.get(LeadRow, lead_id) if 1 <= lead_id <= _MAX_ID else None
    if lead is None:
        raise LeadNotFound(lead_id)
    return lead


def record_outcome(db: Session, *, lead_id: int, kind: str, amount: float | None = None, note: str | None = None,
                   at: datetime | None = None, by: str | None = None, source: str = "api") -> Outcome:
    """Record an outcome of the lead (and a timeline entry); a time without a zone is taken as UTC.

    Raises:
        LeadNotFound: no such lead.
        OutcomeError: `kind` is not one of OUTCOME_KINDS, `amount` is negative or not finite, `note` too long.
    """
    if kind not in OUTCOME_KINDS:
        raise OutcomeError(f"kind must be one of {', '.join(OUTCOME_KINDS)}; got {kind!r}")
    if amount is not None and (not math.isfinite(amount) or amount < 0):
        raise OutcomeError(f"amount must be a positive number or absent; got {amount!r}")
    if note is not None and (len(note) > _MAX_NOTE or "\x00" in note):
        raise OutcomeError(f"a note is at most {_MAX_NOTE} characters of text")
    _lead(db, lead_id)
    when = utcnow() if at is None else (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))
    outcome = Outcome(lead_id=lead_id, kind=kind, amount=amount, note=note or None, at=when, by=by,
                      source=source[:32])
    db.add(outcome)
    db.flush()
    db.add(TimelineEntry(lead_id=lead_id, kind="outcome", at=when,
                         detail={"outcome_id": outcome.id, "kind": kind, "amount": amount, "by": by,
                                 "source": source}))
    db.flush()
    return outcome


def list_outcomes(db: Session, *, lead_id: int) -> Sequence[Outcome]:
    """The lead's outcomes, oldest first.

    Raises:
        LeadNotFound: no such lead.
    """
    _lead(db, lead_id)
    return db.scalars(select(Outcome).where(Outcome.lead_id == lead_id).order_by(Outcome.at, Outcome.id)).all()
