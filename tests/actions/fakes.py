"""Small in-test implementations of our own integration protocols (CrmSink, Notifier, Mailer).

They are test doubles of *our* contracts, idempotent by key like the real adapters, and can be told to
fail a number of times first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from leadrelay.errors import IntegrationError
from leadrelay.integrations.base import CrmLead, CrmRef, LeadAlert, NoticeRef, OutboundEmail, SentEmail


@dataclass
class Failures:
    """Fail the next `count` calls with this error."""

    count: int = 0
    retryable: bool = True
    retry_after_s: float | None = None

    def maybe_raise(self, slug: str) -> None:
        if self.count > 0:
            self.count -= 1
            raise IntegrationError("stand-in failure", slug=slug, retryable=self.retryable, status_code=500,
                                   retry_after_s=self.retry_after_s)


@dataclass
class MemoryCrm:
    slug: str = "memcrm"
    failures: Failures = field(default_factory=Failures)
    contacts: dict[str, CrmLead] = field(default_factory=dict)
    tasks: dict[str, str] = field(default_factory=dict)
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def upsert_lead(self, lead: CrmLead) -> CrmRef:
        with self._lock:
            self.calls += 1
            self.failures.maybe_raise(self.slug)
            created: list[str] = []
            if lead.email not in self.contacts:
                created.append("contact")
            self.contacts[str(lead.email)] = lead
            task_id = None
            if lead.task_subject:
                if lead.key not in self.tasks:
                    self.tasks[lead.key] = lead.task_subject
                    created.append("task")
                task_id = f"task-{lead.key}"
            return CrmRef(system=self.slug, contact_id=f"c-{lead.email}", company_id=f"co-{lead.domain}"
                          if lead.domain else None, task_id=task_id, created=tuple(created))


@dataclass
class MemoryNotifier:
    slug: str = "slack"
    failures: Failures = field(default_factory=Failures)
    alerts: dict[str, LeadAlert] = field(default_factory=dict)

    def alert(self, alert: LeadAlert) -> NoticeRef:
        self.failures.maybe_raise(self.slug)
        self.alerts.setdefault(alert.key, alert)
        return NoticeRef(system=self.slug, channel="C1", ts=f"ts-{alert.key}")


@dataclass
class MemoryMailer:
    slug: str = "smtp"
    failures: Failures = field(default_factory=Failures)
    sent: dict[str, OutboundEmail] = field(default_factory=dict)

    def send(self, email: OutboundEmail) -> SentEmail:
        self.failures.maybe_raise(self.slug)
        self.sent.setdefault(email.key, email)
        return SentEmail(message_id=f"<{email.key}@test>")
