from __future__ import annotations

import json

import pytest

from leadrelay.errors import EventError
from leadrelay.pipeline.events import parse_event, read_events


def test_reads_events_and_drops_labels() -> None:
    line = json.dumps({"id": "e1", "channel": "web_form", "body": "hi", "fields": {"company_size": 200},
                       "gold": {"type": "sales"}, "notes": "x"})
    [item] = list(read_events([line]))
    assert item.event is not None
    assert item.event.fields == {"company_size": "200"}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"id": "e1", "channel": "fax", "body": "x"}', "channel"),
        ('{"channel": "email", "body": "x"}', "id"),
        ('{"id": "e1", "channel": "chat", "fields": "company=Acme"}', "fields"),
    ],
)
def test_bad_lines_name_the_line_and_the_problem(line: str, message: str) -> None:
    items = list(read_events(["", line, '{"id": "ok", "channel": "chat", "body": "hello"}']))
    assert [i.line_no for i in items] == [2, 3]
    assert items[0].event is None
    assert message in str(items[0].error)
    assert items[1].event is not None


def test_parse_event_rejects_non_objects() -> None:
    with pytest.raises(EventError):
        parse_event("a string")


def test_an_empty_email_is_still_an_event() -> None:
    # Someone really did send a blank email: it is kept and goes to a person, not refused.
    event = parse_event({"id": "e1", "channel": "email", "from_email": "a@b.com", "subject": "", "body": ""})
    assert event.body == ""
