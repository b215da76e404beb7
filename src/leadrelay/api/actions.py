"""Acting on leads: what LeadRelay did and will do (actions, timers, assignments), and what people do
(touch, claim, reassign, opt out, retry a dead action, send a draft, cancel a timer)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from leadrelay.actions import outbox, timers, touches
from leadrelay.api.deps import DbSession, Source
from leadrelay.api.errors import ApiError, ErrorBody
from leadrelay.store.tables import ACTION_STATES, Action, Assignment, LeadRow, LeadState, Timer, Touch

__all__ = ["router"]

# Row ids are 32-bit on PostgreSQL; a larger id in a path is a 422, not a database error.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/api", tags=["actions"])
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}, 404: {"model": ErrorBody}}
Person = Annotated[str, Field(min_length=3, max_length=320, pattern=r"^[^\x00\r\n]*$")]
Text = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^[^\x00]*$")]


class ActionRead(BaseModel):
    """One planned action of the outbox and how far it got."""

    id: int
    key: str
    lead_id: int | None
    decision_id: int | None
    kind: str
    target: str
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    payload: dict[str, Any]
    result: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None


class TimerRead(BaseModel):
    """A due time of ours: an SLA step or a follow-up."""

    id: int
    key: str
    lead_id: int
    kind: str
    step: int
    due_at: datetime
    state: str
    detail: dict[str, Any]
    fired_at: datetime | None
    cancelled_at: datetime | None


class AssignmentRead(BaseModel):
    """Who got the lead, from which queue, and why."""

    id: int
    decision_id: int | None
    queue: str | None
    assignee: str
    reason: str
    by: str
    at: datetime


class TouchRead(BaseModel):
    """Someone acting on the lead."""

    id: int
    source: str
    kind: str
    by: str | None
    at: datetime


class LeadWork(BaseModel):
    """A lead's working state with its actions, timers, assignments and touches (oldest first)."""

    lead_id: int
    assignee: str | None
    queue: str | None
    status: str
    first_event_at: datetime | None
    first_touch_at: datetime | None
    opted_out_at: datetime | None
    actions: list[ActionRead]
    timers: list[TimerRead]
    assignments: list[AssignmentRead]
    touches: list[TouchRead]


class TouchIn(BaseModel):
    """A touch from outside (a CRM activity, a call logged elsewhere)."""

    by: Person | None = None
    source: Literal["api", "crm", "ui", "email", "slack", "phone"] = "api"
    kind: Literal["touch", "activity", "reply", "call", "meeting", "lead_reply"] = "touch"
    detail: dict[str, Any] = Field(default_factory=dict)


class ClaimIn(BaseModel):
    """Someone takes the lead."""

    by: Person
    source: Literal["api", "ui", "slack"] = "api"


class ReassignIn(BaseModel):
    """Give the lead to someone else."""

    assignee: Person
    by: Person
    reason: Text = "reassigned by hand"


class ByIn(BaseModel):
    """Who does it."""

    by: Person | None = None


class TouchOut(BaseModel):
    """Whether this was the lead's first touch."""

    first_touch: bool


class Changed(BaseModel):
    """Whether the request changed anything (False: already in that state)."""

    changed: bool


@router.get("/leads/{lead_id}/work", response_model=LeadWork, responses=_ERRORS,
            summary="A lead's actions, timers, assignments and touches")
def lead_work(lead_id: RowId, db: DbSession, _source: Source) -> LeadWork:
    """Everything LeadRelay did or plans for one lead, and who touched it."""
    if db.get(LeadRow, lead_id) is None:
        raise touches.LeadNotFound(lead_id)
    state = db.get(LeadState, lead_id) or LeadState(lead_id=lead_id, status="open")
    return LeadWork(
        lead_id=lead_id, assignee=state.assignee, queue=state.queue, status=state.status,
        first_event_at=state.first_event_at, first_touch_at=state.first_touch_at, opted_out_at=state.opted_out_at,
        actions=[ActionRead.model_validate(a, from_attributes=True) for a in
                 db.scalars(select(Action).where(Action.lead_id == lead_id).order_by(Action.id))],
        timers=[TimerRead.model_validate(t, from_attributes=True) for t in
                db.scalars(select(Timer).where(Timer.lead_id == lead_id).order_by(Timer.id))],
        assignments=[AssignmentRead.model_validate(a, from_attributes=True) for a in
                     db.scalars(select(Assignment).where(Assignment.lead_id == lead_id).order_by(Assignment.id))],
        touches=[TouchRead.model_validate(t, from_attributes=True) for t in
                 db.scalars(select(Touch).where(Touch.lead_id == lead_id).order_by(Touch.id))])


@router.get("/actions", response_model=list[ActionRead], responses={401: {"model": ErrorBody}},
            summary="Actions by state (dead letters: state=dead)")
def list_actions(db: DbSession, _source: Source,
                 state: Annotated[Literal[ACTION_STATES] | None, Query()] = None,  # type: ignore[valid-type]
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[ActionRead]:
    """Actions, newest first, optionally of one state (``dead`` lists what needs a person)."""
    query = select(Action).order_by(Action.id.desc()).limit(limit)
    if state is not None:
        query = query.where(Action.state == state)
    return [ActionRead.model_validate(a, from_attributes=True) for a in db.scalars(query)]


@router.post("/leads/{lead_id}/touch", response_model=TouchOut, responses=_ERRORS, summary="Record a touch")
def touch(lead_id: RowId, body: TouchIn, db: DbSession, source: Source) -> TouchOut:
    """Record that someone acted on the lead (the first one sets its first-touch time)."""
    first = touches.record_touch(db.connection(), lead_id=lead_id, source=body.source, kind=body.kind,
                                 by=body.by or source, detail=body.detail)
    db.commit()
    return TouchOut(first_touch=first)


@router.post("/leads/{lead_id}/claim", response_model=TouchOut, responses=_ERRORS, summary="Claim a lead")
def claim(lead_id: RowId, body: ClaimIn, db: DbSession, _source: Source) -> TouchOut:
    """Assign the lead to the claimer; a claim is a touch."""
    first = touches.claim(db.connection(), lead_id=lead_id, by=body.by.lower(), source=body.source)
    db.commit()
    return TouchOut(first_touch=first)


@router.post("/leads/{lead_id}/reassign", response_model=Changed, responses=_ERRORS, summary="Reassign a lead")
def reassign(lead_id: RowId, body: ReassignIn, db: DbSession, _source: Source) -> Changed:
    """Give the lead to someone else, with who and why."""
    touches.reassign(db.connection(), lead_id=lead_id, assignee=body.assignee.lower(), by=body.by,
                     reason=body.reason)
    db.commit()
    return Changed(changed=True)


@router.post("/leads/{lead_id}/opt-out", response_model=Changed, responses=_ERRORS, summary="Opt a lead out")
def opt_out(lead_id: RowId, body: ByIn, db: DbSession, _source: Source) -> Changed:
    """No more email to this lead: unsent emails and follow-ups are cancelled."""
    touches.opt_out(db.connection(), lead_id=lead_id, by=body.by, source="api")
    db.commit()
    return Changed(changed=True)


def _action_exists(db: DbSession, action_id: int) -> None:
    if db.get(Action, action_id) is None:
        raise ApiError(404, "not_found", f"no action {action_id}")


@router.post("/actions/{action_id}/retry", response_model=Changed, responses=_ERRORS,
             summary="Retry a dead action")
def retry(action_id: RowId, body: ByIn, db: DbSession, _source: Source) -> Changed:
    """A dead action gets a fresh set of attempts; changed is False when it is not dead."""
    _action_exists(db, action_id)
    changed = outbox.retry_dead(db.connection(), action_id=action_id, by=body.by)
    db.commit()
    return Changed(changed=changed)


@router.post("/actions/{action_id}/send", response_model=Changed, responses=_ERRORS, summary="Send a draft")
def send_draft(action_id: RowId, body: ByIn, db: DbSession, _source: Source) -> Changed:
    """A person approves a drafted email; changed is False when it is not a draft."""
    _action_exists(db, action_id)
    changed = outbox.release_draft(db.connection(), action_id=action_id, by=body.by)
    db.commit()
    return Changed(changed=changed)


@router.post("/timers/{timer_id}/cancel", response_model=Changed, responses=_ERRORS, summary="Cancel a timer")
def cancel(timer_id: RowId, body: ByIn, db: DbSession, _source: Source) -> Changed:
    """Cancel a pending SLA step or follow-up; changed is False when it is not pending."""
    if db.get(Timer, timer_id) is None:
        raise ApiError(404, "not_found", f"no timer {timer_id}")
    changed = timers.cancel_timer(db.connection(), timer_id=timer_id, by=body.by)
    db.commit()
    return Changed(changed=changed)
