from __future__ import annotations

from datetime import timedelta

import pytest

from leadrelay.pipeline import dedupe
from leadrelay.pipeline.dedupe import DedupeStep
from tests.factories import RECEIVED, routed

ASK = "We'd like a demo: syncing Shopify and NetSuite into Snowflake for our analytics team."


def test_same_person_same_ask_by_email_after_a_form() -> None:
    step = DedupeStep(window_hours=168)
    first = step.run(routed(ASK, event_id="form-1", channel="web_form"))
    second = step.run(routed("Following up on my demo request: Shopify + NetSuite into Snowflake, "
                             "also Klaviyo.", event_id="mail-1", received_at=RECEIVED + timedelta(hours=3)))
    assert first.duplicate_of is None
    assert second.duplicate_of == "form-1"
    assert any(r.kind == "history" for r in second.evidence)


def test_a_chain_points_at_the_first_event() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed(ASK, event_id="a"))
    step.run(routed(ASK, event_id="b"))
    assert step.run(routed(ASK, event_id="c")).duplicate_of == "a"


def test_linkedin_message_matched_by_name_without_email() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed(ASK, event_id="mail"))
    repeat = step.run(routed("Hi! Following up on my email about a demo for Shopify/NetSuite into Snowflake.",
                             event_id="li", sender=None, channel="linkedin"))
    assert repeat.duplicate_of == "mail"


def test_different_asks_from_one_person_are_not_duplicates() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed("The Salesforce connector fails with a timeout on the Opportunity object.", type="support",
                    event_id="t1"))
    other = step.run(routed("Can you send me last month's invoice as PDF for our accounting?", type="support",
                            event_id="t2"))
    assert other.duplicate_of is None


def test_outside_the_window_is_a_new_request() -> None:
    step = DedupeStep(window_hours=24)
    step.run(routed(ASK, event_id="old"))
    later = step.run(routed(ASK, event_id="new", received_at=RECEIVED + timedelta(days=3)))
    assert later.duplicate_of is None


def test_same_name_at_another_company_is_someone_else() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed(ASK, event_id="x", sender=None, company="Acme Retail"))
    other = step.run(routed(ASK, event_id="y", sender=None, company="Globex Shipping"))
    assert other.duplicate_of is None


def test_identical_spam_resubmission_is_a_duplicate() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed("dfgdfg xcvxcv", type="spam", event_id="s1", sender="bot@x.xyz"))
    assert step.run(routed("dfgdfg xcvxcv", type="spam", event_id="s2", sender="bot@x.xyz")).duplicate_of == "s1"


def test_reset_forgets_the_stream() -> None:
    step = DedupeStep(window_hours=168)
    step.run(routed(ASK, event_id="a"))
    step.reset()
    assert step.run(routed(ASK, event_id="b")).duplicate_of is None


def test_requests_outside_the_window_are_forgotten_so_memory_stays_bounded() -> None:
    step = DedupeStep(window_hours=24)
    step.run(routed(ASK, event_id="old"))
    step.run(routed("A different ask about invoices.", event_id="new", received_at=RECEIVED + timedelta(days=3)))
    remembered = [seen.event_id for entries in step._by_email.values() for seen in entries]
    assert remembered == ["new"]


def test_at_most_fifty_requests_are_kept_per_sender() -> None:
    step = DedupeStep(window_hours=24 * 365)
    for i in range(60):
        step.run(routed(f"Question number {i} about something else entirely: topic {i * 7919}.",
                        event_id=f"e{i}", received_at=RECEIVED + timedelta(minutes=i)))
    kept = [seen.event_id for entries in step._by_email.values() for seen in entries]
    assert len(kept) == 50 and kept[0] == "e10"


def test_requests_of_many_senders_are_kept_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dedupe, "_MAX_REMEMBERED", 5)
    step = DedupeStep(window_hours=24 * 365)
    for i in range(8):  # eight people, each asking once: without the bound all eight stay forever
        step.run(routed(ASK, event_id=f"e{i}", sender=f"p{i}@acme.example", name=f"Person Number{i}",
                        received_at=RECEIVED + timedelta(minutes=i)))
    kept = sorted(seen.event_id for entries in step._by_email.values() for seen in entries)
    assert kept == ["e3", "e4", "e5", "e6", "e7"] and len(step._by_email) == 5 and len(step._by_name) == 5
    # The newest are still found.
    again = step.run(routed(ASK, event_id="e8", sender="p7@acme.example", name="Person Number7",
                            received_at=RECEIVED + timedelta(minutes=9)))
    assert again.duplicate_of == "e7"
