"""Reads of leads: the list with filters, and one lead with its events, decisions and timeline."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from leadrelay.api.deps import DbSession, Source
from leadrelay.api.errors import ApiError, ErrorBody
from leadrelay.api.events import (
    ActionFilter,
    Cursor,
    EventRead,
    Limit,
    Since,
    TextFilter,
    TimelineRead,
    TypeFilter,
    Until,
    event_read,
    timeline_read,
    utc,
)
from leadrelay.store import repo
from leadrelay.store.tables import LeadRow

__all__ = ["LeadPage", "LeadRead", "router"]

router = APIRouter(prefix="/api", tags=["leads"])


class LeadRead(BaseModel):
    """A lead (person and company) with its latest decision; the single-lead read adds events and timeline."""

    id: int
    email: str | None
    name: str | None
    company: str | None
    role: str | None
    country: str | None
    account_id: str | None
    type: str | None
    action: str | None
    owner: str | None
    created_at: datetime
    updated_at: datetime
    events: list[EventRead] | None = None
    timeline: list[TimelineRead] | None = None


class LeadPage(BaseModel):
    """A page of leads, newest first."""

    items: list[LeadRead]
    next_cursor: int | None


def lead_read(row: LeadRow) -> LeadRead:
    """The API view of a lead row."""
    return LeadRead.model_validate(row, from_attributes=True)


@router.get("/leads", response_model=LeadPage, responses={401: {"model": ErrorBody}}, summary="List leads")
def list_leads(
    db: DbSession,
    _source: Source,
    type: TypeFilter | None = None,
    action: ActionFilter | None = None,
    owner: TextFilter = None,
    source: TextFilter = None,
    since: Since = None,
    until: Until = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> LeadPage:
    """Leads, newest first, by their latest decision's type, action and owner, or an event source."""
    page = repo.list_leads(db, type=type, action=action, owner=owner, source=source, since=utc(since),
                           until=utc(until), cursor=cursor, limit=limit)
    return LeadPage(items=[lead_read(row) for row in page.items], next_cursor=page.next_cursor)


@router.get("/leads/{lead_id}", response_model=LeadRead,
            responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody}}, summary="One lead with its timeline")
def get_lead(lead_id: int, db: DbSession, _source: Source) -> LeadRead:
    """One lead with its events (newest first) and its timeline (oldest first)."""
    row = repo.get_lead(db, lead_id=lead_id)
    if row is None:
        raise ApiError(404, "not_found", f"no lead {lead_id}")
    lead = lead_read(row)
    lead.events = [event_read(e) for e in repo.lead_events(db, lead_id=lead_id)]
    lead.timeline = [timeline_read(t) for t in repo.lead_timeline(db, lead_id=lead_id)]
    return lead
