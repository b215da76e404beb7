"""Outcomes of leads (meeting booked, opportunity, won, lost) and review labels on decisions, for scripts.

`POST /api/leads/{id}/outcomes` and `GET` to list; `POST /api/decisions/{id}/labels` (accept or correct) and
`GET` to list. Token auth like the other routers; the caller's source is recorded as `by` unless a label names
its reviewer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadrelay import labels, outcomes
from leadrelay.api.deps import DbSession, Source
from leadrelay.api.errors import ErrorBody
from leadrelay.api.events import utc
from leadrelay.store.tables import Label, Outcome

__all__ = ["LabelCreate", "LabelRead", "OutcomeCreate", "OutcomeRead", "router"]

router = APIRouter(prefix="/api", tags=["outcomes"])

LeadId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The lead's id.")]
DecisionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The decision's id.")]
_ERRORS: dict[int | str, dict[str, object]] = {401: {"model": ErrorBody}, 404: {"model": ErrorBody},
                                               422: {"model": ErrorBody}}


class OutcomeCreate(BaseModel):
    """An outcome to record; `at` defaults to now (a time without a zone is UTC)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["meeting_booked", "opportunity", "won", "lost"]
    amount: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    note: str | None = Field(default=None, max_length=2_000)
    at: datetime | None = None


class OutcomeRead(BaseModel):
    """A recorded outcome."""

    id: int
    lead_id: int
    kind: str
    amount: float | None
    note: str | None
    source: str
    by: str | None
    at: datetime


class OutcomeList(BaseModel):
    """A lead's outcomes, oldest first."""

    items: list[OutcomeRead]


class LabelCreate(BaseModel):
    """A verdict on a decision: `accept` it, or `correct` one `field` to `value`."""

    model_config = ConfigDict(extra="forbid")

    verdict: Literal["accept", "correct"]
    field: str | None = Field(default=None, max_length=64, description="type, action, owner, urgency, fit, "
                              "fields.company, fields.role, fields.use_case, fields.team_size, fields.country, "
                              "fields.source")
    value: str | int | None = None
    by: str | None = Field(default=None, max_length=320, description="Who decided; the token's source if absent.")

    @model_validator(mode="after")
    def _field_for_corrections(self) -> LabelCreate:
        if self.verdict == "correct" and not self.field:
            raise ValueError("a correction names the field it corrects")
        if self.verdict == "accept" and self.field is not None:
            raise ValueError("an accept takes no field; send verdict 'correct' to change one")
        return self


class LabelRead(BaseModel):
    """A stored verdict: field "*" accepts the whole decision."""

    id: int
    decision_id: int
    lead_id: int | None
    field: str
    predicted: str | None
    corrected: str | None
    by: str
    at: datetime


class LabelList(BaseModel):
    """A decision's labels, oldest first."""

    items: list[LabelRead]


def _outcome_read(row: Outcome) -> OutcomeRead:
    return OutcomeRead.model_validate(row, from_attributes=True)


def _label_read(row: Label) -> LabelRead:
    return LabelRead.model_validate(row, from_attributes=True)


@router.post("/leads/{lead_id}/outcomes", status_code=201, response_model=OutcomeRead, responses=_ERRORS,
             summary="Record an outcome of a lead")
def create_outcome(lead_id: LeadId, body: OutcomeCreate, db: DbSession, source: Source) -> OutcomeRead:
    """Record that the lead booked a meeting, became an opportunity, was won or lost."""
    row = outcomes.record_outcome(db, lead_id=lead_id, kind=body.kind, amount=body.amount, note=body.note,
                                  at=utc(body.at), by=source, source="api")
    db.commit()
    return _outcome_read(row)


@router.get("/leads/{lead_id}/outcomes", response_model=OutcomeList, responses=_ERRORS,
            summary="List a lead's outcomes")
def list_outcomes(lead_id: LeadId, db: DbSession, _source: Source) -> OutcomeList:
    """The lead's outcomes, oldest first."""
    rows = outcomes.list_outcomes(db, lead_id=lead_id)
    return OutcomeList(items=[_outcome_read(r) for r in rows])


@router.post("/decisions/{decision_id}/labels", status_code=201, response_model=LabelRead, responses=_ERRORS,
             summary="Accept or correct a decision")
def create_label(decision_id: DecisionId, body: LabelCreate, db: DbSession, source: Source) -> LabelRead:
    """Accept the decision, or correct one field; a correction also fixes the lead."""
    by = body.by or f"api:{source}"
    if body.verdict == "accept":
        row = labels.accept(db, decision_id=decision_id, by=by)
    else:
        row = labels.correct(db, decision_id=decision_id, field=body.field or "", value=body.value, by=by)
    db.commit()
    return _label_read(row)


@router.get("/decisions/{decision_id}/labels", response_model=LabelList, responses=_ERRORS,
            summary="List a decision's labels")
def list_labels(decision_id: DecisionId, db: DbSession, _source: Source) -> LabelList:
    """The decision's labels, oldest first."""
    rows = labels.list_labels(db, decision_id=decision_id)
    return LabelList(items=[_label_read(r) for r in rows])
