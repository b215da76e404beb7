from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leadrelay.pipeline.history import EventHistory, History

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_lookup_finds_earlier_events_by_email_and_by_account_in_arrival_order() -> None:
    history = History()
    history.record(event_id="e1", email="jo@acme.com", account_id="ACC-1", received_at=T0)
    history.record(event_id="e2", email="sam@acme.com", account_id="ACC-1",
                   received_at=T0 + timedelta(hours=1))
    history.record(event_id="e3", email="jo@acme.com", account_id=None, received_at=T0 + timedelta(hours=2))
    history.record(event_id="e4", email="other@else.com", account_id="ACC-2", received_at=T0)
    assert history.lookup(email="jo@acme.com", account_id="ACC-1") == ("e1", "e2", "e3")
    assert history.lookup(email="jo@acme.com", account_id=None) == ("e1", "e3")
    assert history.lookup(email=None, account_id="ACC-1") == ("e1", "e2")
    assert history.lookup(email="new@acme.com", account_id="ACC-9") == ()
    assert history.lookup(email=None, account_id=None) == ()
    assert len(history) == 4


def test_email_is_matched_without_case_or_plus_tag() -> None:
    history = History()
    history.record(event_id="e1", email="Jo+Form@ACME.com", account_id=None, received_at=None)
    assert history.lookup(email="jo@acme.com", account_id=None) == ("e1",)
    assert history.lookup(email="not an email", account_id=None) == ()


def test_recording_an_event_twice_keeps_it_once() -> None:
    history = History()
    history.record(event_id="e1", email="jo@acme.com", account_id="A", received_at=T0)
    history.record(event_id="e1", email="jo@acme.com", account_id="A", received_at=T0)
    assert history.lookup(email="jo@acme.com", account_id="A") == ("e1",)


def test_memory_is_bounded_per_key() -> None:
    history = History(max_per_key=3)
    for n in range(10):
        history.record(event_id=f"e{n}", email="jo@acme.com", account_id=None, received_at=None)
    assert history.lookup(email="jo@acme.com", account_id=None) == ("e7", "e8", "e9")


def test_entries_since_keeps_recent_and_undated_and_mixes_time_zones() -> None:
    history = History()
    cet = timezone(timedelta(hours=1))
    history.record(event_id="old", email="jo@acme.com", account_id=None, received_at=T0 - timedelta(days=30))
    history.record(event_id="undated", email="jo@acme.com", account_id=None, received_at=None)
    history.record(event_id="naive", email="jo@acme.com", account_id=None,
                   received_at=datetime(2026, 11, 2, 9))
    history.record(event_id="cet", email="jo@acme.com", account_id=None,
                   received_at=datetime(2026, 11, 2, 8, 30, tzinfo=cet))  # 07:30 UTC: before T0
    entries = history.entries(email="jo@acme.com", account_id=None, since=T0)
    assert [e.event_id for e in entries] == ["undated", "naive"]
    assert entries[1].received_at == datetime(2026, 11, 2, 9)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_per_key"):
        History(max_per_key=0)
    with pytest.raises(ValueError, match="event_id"):
        History().record(event_id="", email=None, account_id=None, received_at=None)


def test_history_satisfies_the_protocol() -> None:
    assert isinstance(History(), EventHistory)


def test_the_oldest_events_are_forgotten_beyond_max_events() -> None:
    history = History(max_events=3)
    for i, (email, account) in enumerate([("a@x.example", "ACC-1"), ("b@y.example", None),
                                          ("a@x.example", "ACC-1"), ("c@z.example", "ACC-2")]):
        history.record(event_id=f"e{i}", email=email, account_id=account, received_at=None,
                       name="Ann Lee" if i == 0 else None)
    assert len(history) == 3 and "e0" not in history and "e3" in history
    assert history.lookup(email="a@x.example", account_id="ACC-1") == ("e2",)
    assert history.person(email=None, name="Ann Lee") is None  # the name's only event is gone
    history.record(event_id="e0", email="a@x.example", account_id=None, received_at=None)  # known again
    assert history.lookup(email="a@x.example", account_id=None) == ("e2", "e0")
    assert [e.seq for e in history.entries(email="a@x.example", account_id=None)] == [2, 4]


def test_forgetting_keeps_memory_bounded_over_a_long_stream() -> None:
    history = History(max_events=100)
    for i in range(5_000):
        history.record(event_id=f"e{i}", email=f"p{i % 700}@x.example", account_id=f"ACC-{i % 90}",
                       received_at=None, name=f"Person Number{i % 300}")
    assert len(history) == 100
    assert len(history._by_email) <= 100 and len(history._by_account) <= 90 and len(history._by_name) <= 100
    assert sum(len(d) for d in history._by_email.values()) == 100


def test_max_events_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        History(max_events=0)
