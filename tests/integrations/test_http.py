from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx

from leadrelay.integrations.http import retry_after_s


def test_seconds_dates_and_milliseconds() -> None:
    assert retry_after_s(httpx.Headers({"Retry-After": "7"})) == 7.0
    assert retry_after_s(httpx.Headers({"retry-after-ms": "1500", "Retry-After": "9"})) == 1.5
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    wait = retry_after_s(httpx.Headers({"Retry-After": later}))
    assert wait is not None and 50 < wait <= 60


def test_absent_or_nonsense_is_none_and_the_past_is_zero() -> None:
    assert retry_after_s(httpx.Headers({})) is None
    assert retry_after_s(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_s(httpx.Headers({"Retry-After": "nan"})) is None
    assert retry_after_s(httpx.Headers({"Retry-After": "-3"})) == 0.0
    assert retry_after_s(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0
