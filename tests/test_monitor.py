"""The dashboard's figures on a small history (tests/history.py), each checked against a value worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from leadrelay.monitor import (
    Dashboard,
    DayMedian,
    DayVolume,
    SourceFigures,
    TypeErrors,
    dashboard,
    day_range,
    latencies,
)
from leadrelay.store.tables import Label, Timer
from tests.history import DAY1, DAY2, END, History, build_history
from tests.store.support import committed_engine, database_url, db, engine  # noqa: F401


@pytest.fixture
def history(db: Session) -> History:  # noqa: F811
    return build_history(db)


def whole(db: Session, **kw: str) -> Dashboard:  # noqa: F811
    return dashboard(db, since=DAY1, until=END, **kw)


def test_volume_and_first_response(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db)
    assert (board.events, board.leads, board.decisions) == (7, 6, 7)
    # A touched after 20 min (lead_state), B and C after 2 h (touches); D, E (only answered us) and F never.
    assert (board.touched_leads, board.untouched_leads) == (3, 3)
    assert board.median_first_response_s == 7200.0
    # High intent: A (lead_state) and D (escalated); only A within the hour.
    assert (board.high_intent_leads, board.high_intent_touched_within_1h) == (2, 1)
    assert board.high_intent_touched_within_1h_rate == 0.5


def test_accuracy_against_review(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db)
    # Reviewed: d1 accepted, d2 action corrected, d3 type corrected, d6 accepted.
    assert (board.reviewed_decisions, board.accepted_decisions, board.corrected_decisions) == (4, 2, 2)
    assert board.accuracy == 0.75
    assert board.field_accuracy == {"type": 0.75, "action": 0.75, "owner": 1.0}
    assert board.errors_by_type == (
        TypeErrors(type="sales", reviewed=2, false_positives=0, false_negatives=1),
        TypeErrors(type="spam", reviewed=1, false_positives=0, false_negatives=0),
        TypeErrors(type="support", reviewed=1, false_positives=1, false_negatives=0),
    )


def test_a_correction_back_to_the_prediction_is_no_error(db: Session, history: History) -> None:  # noqa: F811
    db.add(Label(decision_id=history.decisions["d3"], field="type", predicted="support", corrected="support",
                 by="boss@cobalt.example", at=DAY1 + timedelta(hours=14)))
    db.flush()
    board = whole(db)
    assert board.accuracy == 1.0
    assert board.errors_by_type[-1] == TypeErrors(type="support", reviewed=1, false_positives=0, false_negatives=0)


def test_conversion_by_source(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db)
    assert board.by_source == (
        SourceFigures(source="email", events=2, leads=2, meetings_booked=0, opportunities=0, won=0, lost=0,
                      won_amount=None, meeting_rate=0.0, win_rate=0.0),
        SourceFigures(source="linkedin", events=1, leads=1, meetings_booked=0, opportunities=0, won=0, lost=0,
                      won_amount=None, meeting_rate=0.0, win_rate=0.0),
        SourceFigures(source="referral", events=1, leads=1, meetings_booked=0, opportunities=0, won=0, lost=0,
                      won_amount=None, meeting_rate=0.0, win_rate=0.0),
        SourceFigures(source="web_form", events=3, leads=2, meetings_booked=2, opportunities=1, won=1, lost=0,
                      won_amount=12000.0, meeting_rate=1.0, win_rate=0.5),
    )
    assert (board.meetings_booked, board.opportunities, board.won, board.lost) == (2, 1, 1, 0)


def test_quality_failures_and_review(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db)
    assert (board.duplicates, board.duplicate_rate) == (1, 1 / 7)
    # Handed to sales: d1 (5 of 5), d2 (2), d4 (3), d5 (5) -> 15 of 20.
    assert board.crm_field_completion == 0.75
    assert board.field_completion == {"company": 1.0, "role": 0.75, "country": 1.0, "team_size": 0.5,
                                      "use_case": 0.5}
    assert (board.handoff_fallbacks, board.sla_timers_fired, board.handoff_failures) == (1, 1, 2)
    # CRM writes: done, done, dead, retrying, done (the dead Slack alert is not a CRM write).
    assert (board.crm_updates, board.crm_updates_dead, board.crm_updates_retrying) == (5, 1, 1)
    assert (board.crm_update_failures, board.crm_update_failure_rate) == (2, 0.4)
    assert (board.reviews, board.review_rate, board.reviews_pending) == (2, 2 / 7, 1)
    assert board.median_time_in_review_s == 1798.0  # decided 11:00:02, corrected 11:30:00
    assert board.median_decision_latency_s == 2.0


def test_series_for_charts(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db)
    day1, day2 = DAY1.date(), DAY2.date()
    assert board.volume_by_day == (
        DayVolume(day=day1, source="email", events=1), DayVolume(day=day1, source="web_form", events=2),
        DayVolume(day=day2, source="email", events=1), DayVolume(day=day2, source="linkedin", events=1),
        DayVolume(day=day2, source="referral", events=1), DayVolume(day=day2, source="web_form", events=1),
    )
    assert board.first_response_by_day == (
        DayMedian(day=day1, median_first_response_s=7200.0, touched=3, untouched=0),
        DayMedian(day=day2, median_first_response_s=None, touched=0, untouched=3),
    )


def test_latencies_behind_the_medians(db: Session, history: History) -> None:  # noqa: F811
    spans = latencies(db, since=DAY1, until=END)
    assert sorted(spans.first_response_s) == [1200.0, 7200.0, 7200.0]
    assert sorted(spans.decision_latency_s) == [2.0] * 6 + [4.0]
    assert spans.time_in_review_s == (1798.0,)


def test_date_range_takes_leads_by_their_first_event(db: Session, history: History) -> None:  # noqa: F811
    board = dashboard(db, since=DAY2, until=END)
    assert (board.events, board.leads, board.decisions) == (4, 3, 4)  # A came back on day 2: not a new lead
    assert board.median_first_response_s is None
    assert (board.high_intent_leads, board.high_intent_touched_within_1h_rate) == (1, 0.0)
    assert (board.reviewed_decisions, board.accuracy) == (1, 1.0)
    assert (board.duplicate_rate, board.review_rate) == (0.25, 0.25)
    assert (board.crm_updates, board.crm_update_failures) == (3, 2)
    assert [(s.source, s.events, s.leads) for s in board.by_source] == [
        ("email", 1, 1), ("linkedin", 1, 1), ("referral", 1, 1), ("web_form", 1, 0)]


def test_source_filter(db: Session, history: History) -> None:  # noqa: F811
    board = whole(db, source="web_form")
    assert (board.events, board.leads, board.decisions) == (3, 2, 3)
    assert board.median_first_response_s == 4200.0  # A 1200 s, B 7200 s
    assert (board.accuracy, board.field_accuracy["action"]) == (1.0, 0.5)
    assert (board.crm_updates, board.crm_update_failures, board.handoff_failures) == (3, 1, 0)
    assert [s.source for s in board.by_source] == ["web_form"]
    assert board.reviews == 0 and board.median_time_in_review_s is None


def test_a_fired_sla_of_a_lead_outside_the_range_is_not_counted(db: Session, history: History) -> None:  # noqa: F811
    db.add(Timer(key="sla:monitor:A:2", lead_id=history.leads["A"], kind="sla", due_at=DAY2, state="fired"))
    db.flush()
    assert dashboard(db, since=DAY2, until=END).sla_timers_fired == 1  # D only: A's first event is on day 1
    assert whole(db).sla_timers_fired == 2


def test_no_data_gives_none_not_zero(db: Session, history: History) -> None:  # noqa: F811
    since, until = day_range(date(2023, 1, 1))
    board = dashboard(db, since=since, until=until)
    assert (board.events, board.leads, board.decisions) == (0, 0, 0)
    for name in ("median_first_response_s", "high_intent_touched_within_1h_rate", "accuracy", "duplicate_rate",
                 "crm_field_completion", "crm_update_failure_rate", "review_rate", "median_time_in_review_s",
                 "median_decision_latency_s"):
        assert getattr(board, name) is None, name
    assert set(board.field_accuracy.values()) == {None}
    assert board.by_source == () and board.volume_by_day == ()


def test_naive_times_are_utc_and_an_empty_range_is_refused(db: Session, history: History) -> None:  # noqa: F811
    naive = dashboard(db, since=datetime(2024, 3, 4), until=datetime(2024, 3, 6))
    assert naive.events == 7 and naive.since == DAY1
    with pytest.raises(ValueError, match="range is empty"):
        dashboard(db, since=END, until=DAY1)


def test_to_dict_is_json_ready(db: Session, history: History) -> None:  # noqa: F811
    data = whole(db).to_dict()
    assert data["since"] == "2024-03-04T00:00:00+00:00"
    assert data["volume_by_day"][0] == {"day": "2024-03-04", "source": "email", "events": 1}
    assert data["by_source"][-1]["won_amount"] == 12000.0
