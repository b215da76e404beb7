"""The figures that tell whether LeadRelay helps: first response, accuracy against review, conversion, failures.

`dashboard(db, since=, until=, source=)` reads the service's tables and returns one frozen `Dashboard`; the web
dashboard, `GET /metrics` and `leadrelay report` all show it. Every figure is a plain number, or None when there
is no data to compute it from (never a made-up value). How each is computed: docs/monitoring.md.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from leadrelay.store.tables import (
    Action,
    Assignment,
    DecisionRow,
    EventRow,
    Label,
    LeadState,
    Outcome,
    Timer,
    Touch,
    utcnow,
)

__all__ = ["CRM_FIELDS", "HIGH_INTENT_WITHIN_S", "LABEL_FIELDS", "Dashboard", "DayMedian", "DayVolume", "Latencies",
           "SourceFigures", "TypeErrors", "dashboard", "day_range", "latencies", "snapshot"]

CRM_FIELDS = ("company", "role", "country", "team_size", "use_case")
LABEL_FIELDS = ("type", "action", "owner")  # fields whose corrections give per-field accuracy
HIGH_INTENT_WITHIN_S = 3600.0  # a high-intent lead should be touched within this long of its first event
HANDED_TO_SALES = ("escalate", "route")  # decisions whose fields are written to the CRM as a sales lead
_LEAD_REPLY = "lead_reply"  # a touch that is the lead answering, not one of our people (actions/touches.py)
_UNKNOWN_SOURCE = "unknown"


@dataclass(frozen=True)
class TypeErrors:
    """Review verdicts for one inbound type: how often it was predicted wrongly (FP) or missed (FN)."""

    type: str
    reviewed: int  # reviewed decisions that predicted this type
    false_positives: int  # predicted this type, corrected to another
    false_negatives: int  # predicted another type, corrected to this one


@dataclass(frozen=True)
class SourceFigures:
    """Volume and conversion of one source (the lead's first source; events by their own source)."""

    source: str
    events: int
    leads: int
    meetings_booked: int  # leads with at least one outcome of this kind
    opportunities: int
    won: int
    lost: int
    won_amount: float | None  # sum of the amounts of won outcomes that carry one
    meeting_rate: float | None  # meetings_booked / leads
    win_rate: float | None  # won / leads


@dataclass(frozen=True)
class DayVolume:
    """Events received on one UTC day from one source."""

    day: date
    source: str
    events: int


@dataclass(frozen=True)
class DayMedian:
    """The median first-response time of the leads whose first event came on one UTC day."""

    day: date
    median_first_response_s: float | None
    touched: int
    untouched: int


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard for one date range and source; None where there is no data."""

    since: datetime | None
    until: datetime | None
    source: str | None
    generated_at: datetime
    # volume
    events: int = 0
    leads: int = 0
    decisions: int = 0
    # first response
    median_first_response_s: float | None = None
    touched_leads: int = 0
    untouched_leads: int = 0
    high_intent_leads: int = 0
    high_intent_touched_within_1h: int = 0
    high_intent_touched_within_1h_rate: float | None = None
    # accuracy against human review
    reviewed_decisions: int = 0
    accepted_decisions: int = 0
    corrected_decisions: int = 0
    accuracy: float | None = None  # reviewed decisions whose type was not corrected / reviewed
    field_accuracy: dict[str, float | None] = field(default_factory=dict)  # type, action, owner
    errors_by_type: tuple[TypeErrors, ...] = ()
    # conversion
    by_source: tuple[SourceFigures, ...] = ()
    meetings_booked: int = 0
    opportunities: int = 0
    won: int = 0
    lost: int = 0
    # quality of what was decided
    duplicates: int = 0
    duplicate_rate: float | None = None
    crm_field_completion: float | None = None
    field_completion: dict[str, float | None] = field(default_factory=dict)  # per CRM_FIELDS
    # failures
    handoff_fallbacks: int = 0  # assignments that fell back to the review queue or a manager
    sla_timers_fired: int = 0
    handoff_failures: int = 0  # handoff_fallbacks + sla_timers_fired
    crm_updates: int = 0
    crm_updates_dead: int = 0
    crm_updates_retrying: int = 0
    crm_update_failures: int = 0  # dead + retrying
    crm_update_failure_rate: float | None = None
    # review
    reviews: int = 0  # decisions with action review
    review_rate: float | None = None
    reviews_pending: int = 0  # review decisions nobody has labelled or touched yet
    median_time_in_review_s: float | None = None
    # decision latency (event received -> decision created)
    median_decision_latency_s: float | None = None
    # series for charts
    volume_by_day: tuple[DayVolume, ...] = ()
    first_response_by_day: tuple[DayMedian, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data (dates and times as ISO 8601 strings)."""
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value



@dataclass(frozen=True)
class Latencies:
    """The raw durations behind the medians, in seconds, for histograms (GET /metrics)."""

    first_response_s: tuple[float, ...] = ()
    decision_latency_s: tuple[float, ...] = ()
    time_in_review_s: tuple[float, ...] = ()


# --- loading ---------------------------------------------------------------------------------------


_Label = Any  # a row of labels.decision_id, field, predicted, corrected, at
_Assignment = Any  # a row of assignments.lead_id, by, reason


@dataclass
class _Event:
    id: int
    lead_id: int | None
    received_at: datetime
    source: str


@dataclass
class _Decision:
    id: int
    event_id: int
    lead_id: int | None
    type: str
    action: str
    duplicate_of: str | None
    fields: dict[str, Any]
    created_at: datetime
    source: str
    received_at: datetime


@dataclass
class _Lead:
    id: int
    source: str
    first_event_at: datetime
    first_touch_at: datetime | None
    high_intent: bool
    outcomes: set[str] = field(default_factory=set)


@dataclass
class _History:
    """The rows of one date range and source, loaded once; every figure is computed from these."""

    events: list[_Event]
    decisions: list[_Decision]
    leads: list[_Lead]
    labels: dict[int, list[_Label]]  # decision id -> labels, oldest first
    won_amounts: dict[int, list[float]]  # lead id -> amounts of won outcomes
    touches: dict[int, list[datetime]]  # lead id -> times of people's touches, oldest first
    assignments: list[_Assignment]
    sla_fired: int
    crm_actions: list[tuple[str, str]]  # (state, source)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _window(column: Any, since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if since is not None:
        conditions.append(column >= since)
    if until is not None:
        conditions.append(column < until)
    return conditions


def _in_window(at: datetime, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or at >= since) and (until is None or at < until)


def _event_source(decision_source: str | None, channel: str) -> str:
    """Where an event came from: the decision's `source` field (web_form, referral, ...), else its channel."""
    return str(decision_source) if decision_source else (channel or _UNKNOWN_SOURCE)


# Only these keys of decisions.fields are read, extracted by the database rather than decoding whole JSON.
_FIELD_KEYS = (*CRM_FIELDS, "source")


def _load(db: Session, since: datetime | None, until: datetime | None, source: str | None) -> _History:
    # Core statements on the session's connection: plain rows, none of the ORM's per-row bookkeeping.
    conn = db.connection()
    window_events: Select[Any] = select(EventRow.id).where(*_window(EventRow.received_at, since, until))
    latest = (select(func.max(DecisionRow.id)).where(DecisionRow.event_id.in_(window_events))
              .group_by(DecisionRow.event_id))
    decision_rows = conn.execute(
        select(DecisionRow.id, DecisionRow.event_id, DecisionRow.lead_id, DecisionRow.type, DecisionRow.action,
               DecisionRow.duplicate_of, DecisionRow.created_at,
               *(DecisionRow.fields[key].as_string().label(f"f_{key}") for key in _FIELD_KEYS))
        .where(DecisionRow.id.in_(latest))).all()
    source_by_event = {row.event_id: row.f_source for row in decision_rows}
    all_events = [
        _Event(id=row.id, lead_id=row.lead_id, received_at=row.received_at,
               source=_event_source(source_by_event.get(row.id), row.channel))
        for row in conn.execute(select(EventRow.id, EventRow.lead_id, EventRow.received_at, EventRow.channel)
                                .where(EventRow.id.in_(window_events)).order_by(EventRow.received_at, EventRow.id))
    ]
    event_by_id = {e.id: e for e in all_events}
    events = [e for e in all_events if source is None or e.source == source]
    decisions = []
    for row in decision_rows:
        event = event_by_id[row.event_id]
        if source is not None and event.source != source:
            continue
        decisions.append(_Decision(id=row.id, event_id=row.event_id, lead_id=row.lead_id, type=row.type,
                                   action=row.action, duplicate_of=row.duplicate_of,
                                   fields={key: getattr(row, f"f_{key}") for key in CRM_FIELDS},
                                   created_at=row.created_at, source=event.source, received_at=event.received_at))

    # Leads: those whose first event falls in the range (its source is the lead's unless lead_state says).
    window_leads = select(EventRow.lead_id).where(EventRow.id.in_(window_events), EventRow.lead_id.is_not(None))
    first_seen: dict[int, datetime] = {
        lead_id: first_at for lead_id, first_at in conn.execute(
            select(EventRow.lead_id, func.min(EventRow.received_at))
            .where(EventRow.lead_id.in_(window_leads)).group_by(EventRow.lead_id))
        if lead_id is not None}
    states = {s.lead_id: s for s in conn.execute(
        select(LeadState.lead_id, LeadState.source, LeadState.high_intent, LeadState.first_event_at,
               LeadState.first_touch_at).where(LeadState.lead_id.in_(window_leads)))}
    first_window_event: dict[int, _Event] = {}
    for event in all_events:
        if event.lead_id is not None:
            first_window_event.setdefault(event.lead_id, event)
    touch_rows = conn.execute(select(Touch.lead_id, Touch.at).where(Touch.lead_id.in_(window_leads),
                                                                   Touch.kind != _LEAD_REPLY)
                            .order_by(Touch.at, Touch.id)).all()
    touches: dict[int, list[datetime]] = defaultdict(list)
    for touched_lead, at in touch_rows:
        touches[touched_lead].append(at)
    escalated = set(conn.scalars(select(DecisionRow.lead_id).where(DecisionRow.lead_id.in_(window_leads),
                                                                 DecisionRow.action == "escalate")))
    leads: dict[int, _Lead] = {}
    for lead_id, first_at in first_seen.items():
        state = states.get(lead_id)
        first_event_at = (state.first_event_at if state is not None and state.first_event_at else None) or first_at
        if not _in_window(first_event_at, since, until):
            continue
        window_event = first_window_event.get(lead_id)
        lead_source = (state.source if state is not None and state.source else None) or (
            window_event.source if window_event is not None else _UNKNOWN_SOURCE)
        if source is not None and lead_source != source:
            continue
        first_touch = state.first_touch_at if state is not None and state.first_touch_at else None
        if first_touch is None and touches.get(lead_id):
            first_touch = touches[lead_id][0]
        leads[lead_id] = _Lead(id=lead_id, source=lead_source, first_event_at=first_event_at,
                               first_touch_at=first_touch,
                               high_intent=bool(state is not None and state.high_intent) or lead_id in escalated)

    won_amounts: dict[int, list[float]] = defaultdict(list)
    for lead_id, kind, amount in conn.execute(select(Outcome.lead_id, Outcome.kind, Outcome.amount)
                                            .where(Outcome.lead_id.in_(window_leads))):
        if lead_id in leads:
            leads[lead_id].outcomes.add(kind)
            if kind == "won" and amount is not None:
                won_amounts[lead_id].append(amount)

    decision_ids = {d.id for d in decisions}
    labels: dict[int, list[_Label]] = defaultdict(list)
    for label in conn.execute(select(Label.decision_id, Label.field, Label.predicted, Label.corrected, Label.at)
                              .where(Label.decision_id.in_(latest)).order_by(Label.at, Label.id)):
        if label.decision_id in decision_ids:
            labels[label.decision_id].append(label)

    assignments: list[_Assignment] = [
        a for a in conn.execute(select(Assignment.lead_id, Assignment.by, Assignment.reason)
                                .where(Assignment.lead_id.in_(window_leads))) if a.lead_id in leads]
    sla_fired = sum(1 for lead_id in conn.scalars(select(Timer.lead_id).where(
        Timer.lead_id.in_(window_leads), Timer.kind == "sla", Timer.state == "fired")) if lead_id in leads)

    # CRM writes: of the range's decisions (any version), or of its leads when not tied to a decision.
    decision_event = dict(conn.execute(select(DecisionRow.id, DecisionRow.event_id)
                                     .where(DecisionRow.event_id.in_(window_events))).all())
    crm_actions: list[tuple[str, str]] = []
    for decision_id, action_lead, action_state in conn.execute(
            select(Action.decision_id, Action.lead_id, Action.state)
            .where(Action.kind == "crm", (Action.decision_id.in_(select(DecisionRow.id).where(
                DecisionRow.event_id.in_(window_events)))) | (Action.decision_id.is_(None)
                                                               & Action.lead_id.in_(window_leads)))):
        if decision_id is not None:
            action_source = event_by_id[decision_event[decision_id]].source
        elif action_lead in leads:
            action_source = leads[action_lead].source
        else:
            continue
        if source is None or action_source == source:
            crm_actions.append((action_state, action_source))

    return _History(events=events, decisions=decisions, leads=list(leads.values()), labels=labels,
                    won_amounts=won_amounts, touches=touches, assignments=assignments, sla_fired=sla_fired,
                    crm_actions=crm_actions)


# --- figures ---------------------------------------------------------------------------------------


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _median(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(statistics.median(values)) if values else None


def _seconds(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


def _first_response_s(lead: _Lead) -> float | None:
    return None if lead.first_touch_at is None else _seconds(lead.first_event_at, lead.first_touch_at)


def _effective_corrections(labels: list[_Label]) -> dict[str, _Label]:
    """The latest correction of each field that really changed the predicted value."""
    latest: dict[str, _Label] = {}
    for label in labels:
        if label.field != "*":
            latest[label.field] = label
    return {name: label for name, label in latest.items() if label.corrected != label.predicted}


# How actions/owners.py words an assignment that missed the queue it was meant for: its fallback (a person,
# the manager or another queue) or, when nobody at all was free, the last resort (the review queue's people).
_FALLBACK_REASONS = ("fallback", "round robin in fallback", "last resort")


def _is_fallback(assignment: _Assignment) -> bool:
    """A system assignment that did not reach a member of the intended queue (a person's claim never is)."""
    return assignment.by == "leadrelay" and str(assignment.reason).lower().startswith(_FALLBACK_REASONS)


def _accuracy(history: _History) -> dict[str, Any]:
    reviewed = accepted = 0
    right = dict.fromkeys(LABEL_FIELDS, 0)
    predicted_type: dict[str, int] = defaultdict(int)
    false_pos: dict[str, int] = defaultdict(int)
    false_neg: dict[str, int] = defaultdict(int)
    for decision in history.decisions:
        labels = history.labels.get(decision.id)
        if not labels:
            continue
        reviewed += 1
        corrections = _effective_corrections(labels)
        accepted += not corrections
        for name in LABEL_FIELDS:
            right[name] += name not in corrections
        type_fix = corrections.get("type")
        predicted = type_fix.predicted if type_fix is not None and type_fix.predicted else decision.type
        predicted_type[predicted] += 1
        if type_fix is not None and type_fix.corrected:
            false_pos[predicted] += 1
            false_neg[type_fix.corrected] += 1
    types = sorted(set(predicted_type) | set(false_pos) | set(false_neg))
    return {
        "reviewed_decisions": reviewed,
        "accepted_decisions": accepted,
        "corrected_decisions": reviewed - accepted,
        "accuracy": _ratio(right["type"], reviewed),
        "field_accuracy": {name: _ratio(right[name], reviewed) for name in LABEL_FIELDS},
        "errors_by_type": tuple(TypeErrors(type=t, reviewed=predicted_type[t], false_positives=false_pos[t],
                                           false_negatives=false_neg[t]) for t in types),
    }


def _by_source(history: _History) -> tuple[SourceFigures, ...]:
    events: dict[str, int] = defaultdict(int)
    for event in history.events:
        events[event.source] += 1
    leads: dict[str, list[_Lead]] = defaultdict(list)
    for lead in history.leads:
        leads[lead.source].append(lead)
    rows = []
    for name in sorted(set(events) | set(leads)):
        group = leads.get(name, [])
        count = {kind: sum(kind in lead.outcomes for lead in group)
                 for kind in ("meeting_booked", "opportunity", "won", "lost")}
        amounts = [a for lead in group for a in history.won_amounts.get(lead.id, [])]
        rows.append(SourceFigures(
            source=name, events=events.get(name, 0), leads=len(group), meetings_booked=count["meeting_booked"],
            opportunities=count["opportunity"], won=count["won"], lost=count["lost"],
            won_amount=float(sum(amounts)) if amounts else None,
            meeting_rate=_ratio(count["meeting_booked"], len(group)), win_rate=_ratio(count["won"], len(group))))
    return tuple(rows)


def _review_times(history: _History) -> tuple[list[float], int]:
    """Seconds from each review decision to its first label or the lead's next touch; and how many wait still."""
    times: list[float] = []
    pending = 0
    for decision in history.decisions:
        if decision.action != "review":
            continue
        ends = [label.at for label in history.labels.get(decision.id, [])]
        if decision.lead_id is not None:
            ends += [at for at in history.touches.get(decision.lead_id, []) if at >= decision.created_at]
        if ends:
            times.append(_seconds(decision.created_at, min(ends)))
        else:
            pending += 1
    return times, pending


def _series(history: _History) -> tuple[tuple[DayVolume, ...], tuple[DayMedian, ...]]:
    volume: dict[tuple[date, str], int] = defaultdict(int)
    for event in history.events:
        volume[(event.received_at.astimezone(UTC).date(), event.source)] += 1
    by_day: dict[date, list[_Lead]] = defaultdict(list)
    for lead in history.leads:
        by_day[lead.first_event_at.astimezone(UTC).date()].append(lead)
    medians = []
    for day in sorted(by_day):
        waits = [w for w in map(_first_response_s, by_day[day]) if w is not None]
        medians.append(DayMedian(day=day, median_first_response_s=_median(waits), touched=len(waits),
                                 untouched=len(by_day[day]) - len(waits)))
    return (tuple(DayVolume(day=d, source=s, events=n) for (d, s), n in sorted(volume.items())), tuple(medians))


def _figures(history: _History, *, since: datetime | None, until: datetime | None,
             source: str | None) -> tuple[Dashboard, Latencies]:
    waits = [w for w in map(_first_response_s, history.leads) if w is not None]
    high = [lead for lead in history.leads if lead.high_intent]
    high_fast = sum(1 for lead in high
                    if (w := _first_response_s(lead)) is not None and w <= HIGH_INTENT_WITHIN_S)
    decisions = history.decisions
    n = len(decisions)
    duplicates = sum(1 for d in decisions if d.duplicate_of)
    reviews = sum(1 for d in decisions if d.action == "review")
    handed = [d for d in decisions if d.action in HANDED_TO_SALES]
    field_completion = {name: _ratio(sum(_filled(d.fields.get(name)) for d in handed), len(handed))
                        for name in CRM_FIELDS}
    filled_cells = sum(_filled(d.fields.get(name)) for d in handed for name in CRM_FIELDS)
    fallbacks = sum(1 for a in history.assignments if _is_fallback(a))
    crm_dead = sum(1 for state, _ in history.crm_actions if state == "dead")
    crm_retrying = sum(1 for state, _ in history.crm_actions if state == "retrying")
    review_times, pending = _review_times(history)
    decision_latency = [_seconds(d.received_at, d.created_at) for d in decisions]
    volume_by_day, first_response_by_day = _series(history)
    by_source = _by_source(history)
    board = Dashboard(
        since=since, until=until, source=source, generated_at=utcnow(),
        events=len(history.events), leads=len(history.leads), decisions=n,
        median_first_response_s=_median(waits), touched_leads=len(waits),
        untouched_leads=len(history.leads) - len(waits), high_intent_leads=len(high),
        high_intent_touched_within_1h=high_fast, high_intent_touched_within_1h_rate=_ratio(high_fast, len(high)),
        **_accuracy(history),
        by_source=by_source,
        meetings_booked=sum(s.meetings_booked for s in by_source),
        opportunities=sum(s.opportunities for s in by_source),
        won=sum(s.won for s in by_source), lost=sum(s.lost for s in by_source),
        duplicates=duplicates, duplicate_rate=_ratio(duplicates, n),
        crm_field_completion=_ratio(filled_cells, len(handed) * len(CRM_FIELDS)), field_completion=field_completion,
        handoff_fallbacks=fallbacks, sla_timers_fired=history.sla_fired, handoff_failures=fallbacks + history.sla_fired,
        crm_updates=len(history.crm_actions), crm_updates_dead=crm_dead, crm_updates_retrying=crm_retrying,
        crm_update_failures=crm_dead + crm_retrying,
        crm_update_failure_rate=_ratio(crm_dead + crm_retrying, len(history.crm_actions)),
        reviews=reviews, review_rate=_ratio(reviews, n), reviews_pending=pending,
        median_time_in_review_s=_median(review_times), median_decision_latency_s=_median(decision_latency),
        volume_by_day=volume_by_day, first_response_by_day=first_response_by_day,
    )
    return board, Latencies(first_response_s=tuple(waits), decision_latency_s=tuple(decision_latency),
                            time_in_review_s=tuple(review_times))


def snapshot(db: Session, *, since: datetime | None = None, until: datetime | None = None,
             source: str | None = None) -> tuple[Dashboard, Latencies]:
    """The dashboard and the durations behind its medians, from one read of the tables."""
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and until <= since:
        raise ValueError(f"the range is empty: until ({until.isoformat()}) is not after since ({since.isoformat()})")
    return _figures(_load(db, since, until, source), since=since, until=until, source=source)


def dashboard(db: Session, *, since: datetime | None = None, until: datetime | None = None,
              source: str | None = None) -> Dashboard:
    """The dashboard's figures for events received in [since, until) from `source` (all when None).

    Naive datetimes are taken as UTC. Raises ValueError when `until` is not after `since`.
    """
    return snapshot(db, since=since, until=until, source=source)[0]


def latencies(db: Session, *, since: datetime | None = None, until: datetime | None = None,
              source: str | None = None) -> Latencies:
    """First-response, decision-latency and time-in-review durations, in seconds, for histograms."""
    return snapshot(db, since=since, until=until, source=source)[1]


def day_range(day: date) -> tuple[datetime, datetime]:
    """The UTC start of `day` and of the next day: a [since, until) range for one day."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return start, start + timedelta(days=1)
