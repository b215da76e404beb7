"""Accepting and correcting decisions: the labels stored, the lead fixed, the timeline, and clear refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadrelay import labels
from leadrelay.labels import DecisionNotFound, LabelError
from leadrelay.monitor import dashboard
from leadrelay.store.tables import Assignment, DecisionRow, LeadRow, LeadState, TimelineEntry
from leadrelay.workspace import Workspace
from tests.history import DAY1, END, History, build_history
from tests.store.support import committed_engine, database_url, db, engine  # noqa: F401


@pytest.fixture
def history(db: Session) -> History:  # noqa: F811
    return build_history(db)


def lead_of(db: Session, history: History, name: str) -> LeadRow:  # noqa: F811
    lead = db.get(LeadRow, history.leads[name])
    assert lead is not None
    db.refresh(lead)
    return lead


def test_accept_stores_who_and_when_and_a_timeline_entry(db: Session, history: History) -> None:  # noqa: F811
    decision_id = history.decisions["d7"]
    label = labels.accept(db, decision_id=decision_id, by="rita@cobalt.example")
    assert (label.field, label.predicted, label.corrected, label.by) == ("*", None, None, "rita@cobalt.example")
    assert label.lead_id == history.leads["F"] and label.at is not None
    entry = db.scalars(select(TimelineEntry).where(TimelineEntry.kind == "accepted",
                                                   TimelineEntry.lead_id == history.leads["F"])).one()
    assert entry.detail["label_id"] == label.id and entry.detail["decision_id"] == decision_id
    assert [x.id for x in labels.list_labels(db, decision_id=decision_id)] == [label.id]


def test_correcting_the_type_fixes_the_lead_and_the_accuracy(db: Session, history: History) -> None:  # noqa: F811
    before = dashboard(db, since=DAY1, until=END)
    label = labels.correct(db, decision_id=history.decisions["d6"], field="type", value="Sales", by="rita@x.example")
    assert (label.field, label.predicted, label.corrected) == ("type", "spam", "sales")
    # The lead's copy of its latest decision takes the correction.
    assert lead_of(db, history, "E").type == "sales"
    after = dashboard(db, since=DAY1, until=END)
    assert before.accuracy == 0.75 and after.accuracy == 0.5  # d6 went from accepted to corrected
    spam = next(t for t in after.errors_by_type if t.type == "spam")
    assert spam.false_positives == 1


def test_escalating_in_review_makes_the_lead_high_intent(db: Session, history: History) -> None:  # noqa: F811
    labels.correct(db, decision_id=history.decisions["d7"], field="action", value="escalate", by="rita@x.example")
    state = db.get(LeadState, history.leads["F"])
    assert state is not None and state.high_intent is True
    assert lead_of(db, history, "F").action == "escalate"


def test_an_owner_correction_assigns_the_lead(db: Session, history: History) -> None:  # noqa: F811
    labels.correct(db, decision_id=history.decisions["d7"], field="owner", value="pat@cobalt.example",
                   by="rita@x.example")
    assignment = db.scalars(select(Assignment).where(Assignment.lead_id == history.leads["F"])
                            .order_by(Assignment.id.desc())).first()
    assert assignment is not None
    assert (assignment.assignee, assignment.by, assignment.reason) == (
        "pat@cobalt.example", "rita@x.example", "owner corrected in review")
    state = db.get(LeadState, history.leads["F"])
    assert state is not None and state.assignee == "pat@cobalt.example"
    assert lead_of(db, history, "F").owner == "pat@cobalt.example"


def test_an_owner_correction_to_a_queue_parks_the_lead_there(db: Session, history: History) -> None:  # noqa: F811
    labels.correct(db, decision_id=history.decisions["d7"], field="owner", value="partners", by="rita@x.example",
                   owners={"partners", "ae-na"})
    state = db.get(LeadState, history.leads["F"])
    assert state is not None and state.queue == "partners"


def test_with_the_workspace_a_queue_correction_picks_a_member(db: Session, history: History,  # noqa: F811
                                                               cobalt: Workspace) -> None:
    labels.correct(db, decision_id=history.decisions["d7"], field="owner", value="partnerships", by="rita@x.example",
                   workspace=cobalt)
    assignment = db.scalars(select(Assignment).where(Assignment.lead_id == history.leads["F"])
                            .order_by(Assignment.id.desc())).first()
    assert assignment is not None
    assert (assignment.queue, assignment.assignee) == ("partnerships", "nina.alvarez@cobaltdata.com")
    with pytest.raises(LabelError, match="unknown owner 'ae-mars'"):
        labels.correct(db, decision_id=history.decisions["d7"], field="owner", value="ae-mars", by="r@x.example",
                       workspace=cobalt)
    person = labels.correct(db, decision_id=history.decisions["d7"], field="owner", value="Maya.Chen@CobaltData.com",
                            by="r@x.example", workspace=cobalt)
    assert person.corrected == "maya.chen@cobaltdata.com"


def test_field_corrections_are_normalised(db: Session, history: History) -> None:  # noqa: F811
    d2 = history.decisions["d2"]
    country = labels.correct(db, decision_id=d2, field="fields.country", value="at", by="r@x.example")
    size = labels.correct(db, decision_id=d2, field="fields.team_size", value=" 250 ", by="r@x.example")
    cleared = labels.correct(db, decision_id=d2, field="fields.company", value="  ", by="r@x.example")
    assert (country.predicted, country.corrected) == ("DE", "AT")
    assert (size.predicted, size.corrected) == (None, "250")
    assert (cleared.predicted, cleared.corrected) == ("Globex", None)
    lead = lead_of(db, history, "B")
    assert (lead.country, lead.company) == ("AT", None)


def test_an_older_decision_does_not_overwrite_the_lead(db: Session, history: History) -> None:  # noqa: F811
    # A's latest decision is d5 (day 2); correcting d1 is a label only.
    labels.correct(db, decision_id=history.decisions["d1"], field="type", value="partnership", by="r@x.example")
    assert lead_of(db, history, "A").type is None  # the history leaves the leads' copies empty
    d1 = db.get(DecisionRow, history.decisions["d1"])
    assert d1 is not None and d1.type == "sales"  # a decision is never rewritten


@pytest.mark.parametrize(("field", "value", "message"), [
    ("type", "hot lead", "type must be one of sales, support"),
    ("action", "call", "action must be one of escalate, route, reply, review, archive"),
    ("colour", "red", "cannot correct 'colour'"),
    ("owner", "", "owner must be"),
    ("owner", "nobody@x.example", "unknown owner 'nobody@x.example'"),
    ("fields.team_size", "about 50", "whole number"),
    ("fields.country", "Germany", "two-letter"),
    ("urgency", "asap", "urgency must be one of high, normal, low"),
])
def test_bad_corrections_are_refused_clearly(db: Session, history: History, field: str, value: str,  # noqa: F811
                                             message: str) -> None:
    with pytest.raises(LabelError, match=message):
        labels.correct(db, decision_id=history.decisions["d2"], field=field, value=value, by="r@x.example",
                       owners={"ae-na"})


def test_missing_decision_and_missing_reviewer(db: Session, history: History) -> None:  # noqa: F811
    with pytest.raises(DecisionNotFound, match="no decision 999999"):
        labels.accept(db, decision_id=999_999, by="r@x.example")
    with pytest.raises(LabelError, match="who gives the verdict"):
        labels.accept(db, decision_id=history.decisions["d1"], by="  ")
