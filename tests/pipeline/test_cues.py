from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadrelay.pipeline.cues import deadline_within

RECEIVED = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "Our contract ends on September 12, we must decide before then.",
    "The renewal deadline is Sept 10.",  # a month written longer than its three-letter key
    "The committee decides on 2026-09-15.",
    "Vertrag endet am 14. September.",
])
def test_dated_deadlines_within_the_window(text: str) -> None:
    assert deadline_within(text, RECEIVED, days=30) is not None


@pytest.mark.parametrize("text", [
    "We have 12 people and 3 offices.",  # numbers, no month
    "Our contract ends on December 12.",  # too far off
    "See you on September 12 at the meetup.",  # a date without a decision
])
def test_no_deadline(text: str) -> None:
    assert deadline_within(text, RECEIVED, days=30) is None
