"""People's verdicts on decisions: accept one as it is, or correct a field; the monitor's accuracy reads them.

Every verdict is a `Label` with what the system predicted, what the person says instead, who and when. A
correction also fixes the lead (type, action, owner, company, role, country and its working state) when the
decision is the lead's latest, and adds a timeline entry. Functions write in the caller's session and do not
commit.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from leadrelay.actions.touches import assign, ensure_lead_state
from leadrelay.errors import LeadRelayError
from leadrelay.pipeline.records import ACTIONS, TYPES
from leadrelay.store.tables import DecisionRow, Label, LeadRow, LeadState, TimelineEntry, utcnow

if TYPE_CHECKING:
    from leadrelay.workspace import Workspace

__all__ = ["ACCEPTED", "CORRECTABLE_FIELDS", "DecisionNotFound", "LabelError", "accept", "correct", "list_labels"]

ACCEPTED = "*"  # the field of a label that accepts the whole decision
URGENCIES = ("high", "normal", "low")
FITS = ("strong", "moderate", "weak", "unknown")
_TEXT_FIELDS = ("company", "role", "use_case", "source")
CORRECTABLE_FIELDS = ("type", "action", "owner", "urgency", "fit", "fields.company", "fields.role",
                      "fields.use_case", "fields.team_size", "fields.country", "fields.source")
_LEAD_COLUMNS = {"fields.company": "company", "fields.role": "role", "fields.country": "country"}
_MAX_TEXT = 200
_MAX_ID = 2**31 - 1  # larger ids exist nowhere, and would make the driver raise


class LabelError(LeadRelayError):
    """A verdict that cannot be stored: an unknown field or a value the field cannot take."""

    status = 422


class DecisionNotFound(LeadRelayError):
    """No decision with this id."""

    status = 404

    def __init__(self, decision_id: int) -> None:
        self.decision_id = decision_id
        super().__init__(f"no decision {decision_id}")


def _decision(db: Session, decision_id: int) -> DecisionRow:
    decision = db.get(DecisionRow, decision_id) if 1 <= decision_id <= _MAX_ID else None
    if decision is None:
        raise DecisionNotFound(decision_id)
    return decision


def _who(by: str) -> str:
    by = (by or "").strip()
    if not by or len(by) > 320 or "\x00" in by:
        raise LabelError("say who gives the verdict: `by` is 1 to 320 characters")
    return by


def _predicted(decision: DecisionRow, field: str) -> str | None:
    if field.startswith("fields."):
        value = (decision.fields or {}).get(field.removeprefix("fields."))
    else:
        value = getattr(decision, field)
    return None if value is None or value == "" else str(value)


def _one_of(field: str, value: str | int | None, choices: Sequence[str]) -> str:
    text = str(value).strip().lower() if value is not None else ""
    if text not in choices:
        raise LabelError(f"{field} must be one of {', '.join(choices)}; got {value!r}")
    return text


def _checked(field: str, value: str | int | None, owners: Collection[str] | None) -> str | None:
    """The value as it will be stored (text, or None to clear a field), or LabelError saying what is wrong."""
    if isinstance(value, str) and "\x00" in value:
        raise LabelError(f"{field}: a NUL character is not allowed")
    if field not in CORRECTABLE_FIELDS:
        raise LabelError(f"cannot correct {field!r}; correctable fields: {', '.join(CORRECTABLE_FIELDS)}")
    if field == "type":
        return _one_of(field, value, TYPES)
    if field == "action":
        return _one_of(field, value, ACTIONS)
    if field == "urgency":
        return _one_of(field, value, URGENCIES)
    if field == "fit":
        return _one_of(field, value, FITS)
    if field == "owner":
        owner = str(value).strip() if value is not None else ""
        owner = owner.lower() if "@" in owner else owner
        if not owner or len(owner) > _MAX_TEXT:
            raise LabelError(f"owner must be an owner's email or a queue name of 1 to {_MAX_TEXT} characters")
        if owners is not None and owner not in owners:
            raise LabelError(f"unknown owner {owner!r}; known: {', '.join(sorted(owners))}")
        return owner
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # a field the lead does not have: cleared
    if field == "fields.team_size":
        if isinstance(value, bool) or not str(value).strip().isdigit():
            raise LabelError(f"fields.team_size must be a whole number of employees; got {value!r}")
        return str(int(str(value).strip()))
    text = str(value).strip()
    if field == "fields.country":
        if len(text) != 2 or not text.isalpha():
            raise LabelError(f"fields.country must be a two-letter ISO 3166 code such as DE; got {value!r}")
        return text.upper()
    if len(text) > _MAX_TEXT:
        raise LabelError(f"{field} is at most {_MAX_TEXT} characters")
    return text


def _is_latest(db: Session, decision: DecisionRow) -> bool:
    if decision.lead_id is None:
        return False
    latest = db.scalar(select(func.max(DecisionRow.id)).where(DecisionRow.lead_id == decision.lead_id))
    return latest == decision.id


def _apply(db: Session, decision: DecisionRow, field: str, value: str | None, by: str,
           workspace: Workspace | None) -> None:
    """Fix the lead after a correction of its latest decision."""
    lead_id = decision.lead_id
    if lead_id is None or not _is_latest(db, decision):
        return
    now = utcnow()
    conn = db.connection()
    lead_values: dict[str, Any] = {}
    if field in ("type", "action", "owner"):
        lead_values[field] = value
    elif field in _LEAD_COLUMNS:
        lead_values[_LEAD_COLUMNS[field]] = value
    if lead_values:
        db.execute(update(LeadRow).where(LeadRow.id == lead_id).values(**lead_values, updated_at=now))
    if field == "action":
        # Escalated by a person: the lead is high intent from now on (the first-hour figure counts it).
        ensure_lead_state(conn, lead_id=lead_id, now=now)
        if value == "escalate":
            db.execute(update(LeadState).where(LeadState.lead_id == lead_id).values(high_intent=True, updated_at=now))
    elif field == "owner" and value is not None:
        if "@" in value:
            assign(conn, lead_id=lead_id, assignee=value, reason="owner corrected in review", by=by,
                   decision_id=decision.id, at=now)
        elif workspace is not None:  # a queue: one of its members, picked as routing would pick
            from leadrelay.actions.owners import assign_owner

            assign_owner(conn, lead_id=lead_id, owner=value, workspace=workspace, decision_id=decision.id, now=now)
        else:  # a queue, and no workspace to pick a member with: the lead waits in it
            ensure_lead_state(conn, lead_id=lead_id, now=now)
            db.execute(update(LeadState).where(LeadState.lead_id == lead_id).values(queue=value, updated_at=now))
    for held in list(db.identity_map.values()):  # assign() wrote through the connection, past the session
        if isinstance(held, LeadState) and held.lead_id == lead_id:
            db.expire(held)


def _store(db: Session, decision: DecisionRow, *, field: str, predicted: str | None, corrected: str | None,
           by: str, kind: str) -> Label:
    label = Label(decision_id=decision.id, lead_id=decision.lead_id, field=field, predicted=predicted,
                  corrected=corrected, by=by, at=utcnow())
    db.add(label)
    db.flush()
    db.add(TimelineEntry(event_id=decision.event_id, lead_id=decision.lead_id, kind=kind, at=label.at,
                         detail={"decision_id": decision.id, "label_id": label.id, "field": field,
                                 "predicted": predicted, "corrected": corrected, "by": by}))
    db.flush()
    return label


def accept(db: Session, *, decision_id: int, by: str) -> Label:
    """Record that `by` accepts the decision as it is (a label with field "*").

    Raises:
        DecisionNotFound: no such decision.
        LabelError: `by` is empty.
    """
    by = _who(by)
    decision = _decision(db, decision_id)
    return _store(db, decision, field=ACCEPTED, predicted=None, corrected=None, by=by, kind="accepted")


def correct(db: Session, *, decision_id: int, field: str, value: str | int | None, by: str,
            owners: Collection[str] | None = None, workspace: Workspace | None = None) -> Label:
    """Record that `by` corrects one field of the decision to `value`, and fix the lead accordingly.

    `field` is one of CORRECTABLE_FIELDS (type among the ten types, action among the five; `fields.*`
    values may be empty to clear them). An owner correction must name one of `owners` when given, else
    with a `workspace` one of its queues or owners. A person gets the lead; with a workspace, a queue's member
    is picked as routing would (round robin, out of office, fallbacks); without one the lead waits in the queue.
    The label's `predicted` is always the decision's own value, so repeated corrections stay comparable.

    Raises:
        DecisionNotFound: no such decision.
        LabelError: an unknown field, a value the field cannot take, or an empty `by`.
    """
    by = _who(by)
    field = (field or "").strip()
    if owners is None and workspace is not None:
        owners = workspace.queues() | set(workspace.config.queues) | {o.email for o in workspace.owners}
    corrected = _checked(field, value, owners)
    decision = _decision(db, decision_id)
    label = _store(db, decision, field=field, predicted=_predicted(decision, field), corrected=corrected, by=by,
                   kind="corrected")
    _apply(db, decision, field, corrected, by, workspace)
    return label


def list_labels(db: Session, *, decision_id: int) -> Sequence[Label]:
    """The decision's labels, oldest first.

    Raises:
        DecisionNotFound: no such decision.
    """
    _decision(db, decision_id)
    return db.scalars(select(Label).where(Label.decision_id == decision_id).order_by(Label.at, Label.id)).all()
