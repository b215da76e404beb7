"""Errors LeadRelay raises on purpose. Everything else is a bug."""

from __future__ import annotations

__all__ = [
    "BackendError",
    "ConfigError",
    "EventError",
    "IntegrationError",
    "LeadRelayError",
    "StepError",
    "WorkspaceError",
]


class LeadRelayError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(LeadRelayError):
    """Operator mistake in settings: fix them, then run again."""


class WorkspaceError(ConfigError):
    """A workspace file is missing or wrong; names the file, the key and what is wrong."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("workspace is not valid:\n  " + "\n  ".join(problems))


class EventError(LeadRelayError):
    """An inbound event that cannot be read (bad JSON, missing keys, wrong types)."""


class StepError(LeadRelayError):
    """A pipeline step failed; carries the step name, the event id and the cause."""

    def __init__(self, step: str, event_id: str, cause: BaseException) -> None:
        self.step = step
        self.event_id = event_id
        self.cause = cause
        super().__init__(f"step {step!r} failed on event {event_id!r}: {type(cause).__name__}: {cause}")


class BackendError(LeadRelayError):
    """A model backend failed or answered nonsense."""


class IntegrationError(LeadRelayError):
    """A call to an outside service (CRM, Slack, SMTP) failed; `retryable` tells the outbox whether to try again.

    `retry_after_s` carries a server's Retry-After (a 429's wait); `status_code` the HTTP status when there was one.
    """

    def __init__(self, message: str, *, slug: str, retryable: bool, status_code: int | None = None,
                 retry_after_s: float | None = None) -> None:
        self.slug = slug
        self.retryable = retryable
        self.status_code = status_code
        self.retry_after_s = retry_after_s
        super().__init__(f"{slug}: {message}")
