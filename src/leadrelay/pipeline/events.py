"""Reading events in the LeadBench event format, one JSON object a line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import ValidationError

from leadrelay.errors import EventError
from leadrelay.pipeline.records import Event

__all__ = ["EventLine", "parse_event", "read_events"]

# Keys of labelled files that are not part of the event; dropped, never seen by the pipeline.
_LABEL_KEYS = ("gold", "notes")


@dataclass(frozen=True)
class EventLine:
    """One line of an events file: the event, or the error that kept it from being one."""

    line_no: int
    event: Event | None
    error: EventError | None = None


def parse_event(data: object) -> Event:
    """Validate one decoded JSON value as an event.

    Raises:
        EventError: saying which keys are wrong and why.
    """
    if not isinstance(data, dict):
        raise EventError(f"an event must be a JSON object, not {type(data).__name__}")
    payload = {k: v for k, v in data.items() if k not in _LABEL_KEYS}
    try:
        event = Event.model_validate(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'event'}: {err['msg']}" for err in exc.errors()
        )
        raise EventError(problems) from exc
    return event


def read_events(lines: Iterable[str]) -> Iterator[EventLine]:
    """Events from JSON lines, in order; a bad line yields its error and the stream goes on."""
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield EventLine(line_no, None, EventError(f"not valid JSON: {exc.msg} at column {exc.colno}"))
            continue
        try:
            yield EventLine(line_no, parse_event(data))
        except EventError as exc:
            yield EventLine(line_no, None, exc)
