"""What the outbox hands to an integration, and what each kind of integration must do.

Adapters are `<Vendor><Capability>` classes (``HubSpotSink``, ``SlackNotifier``, ``SmtpMailer``). Every HTTP
adapter receives an ``httpx.Client`` so tests point it at a stand-in on 127.0.0.1. Adapters never touch our
database: the outbox (``leadrelay.actions``) records what they return. They raise `IntegrationError` with
``retryable`` set; anything else they raise is a bug and is treated as retryable by the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["CrmLead", "CrmRef", "CrmSink", "LeadAlert", "Mailer", "NoticeRef", "Notifier", "OutboundEmail", "SentEmail",
           "map_fields"]


@dataclass(frozen=True)
class CrmLead:
    """A lead as written to a CRM: the person, the company and the decision, all optional but the key.

    `key` is the idempotency key of the write (the action's key): a second call with the same key must not
    create a second task. `fields` are our field names (company, role, country, team_size, use_case,
    source, type, urgency, fit, action, confidence, lead_url, ...) before the workspace's field mapping.
    """

    key: str
    lead_id: int
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    domain: str | None = None
    owner_email: str | None = None
    task_subject: str | None = None  # None: no task for the owner
    task_body: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def map_fields(fields: dict[str, str], mapping: dict[str, str], *, keep_unmapped: bool) -> dict[str, str]:
    """Our fields under the CRM's names by the workspace's field mapping; empty values are dropped, and so
    are fields mapped to "" and, unless `keep_unmapped`, fields the mapping does not name."""
    out: dict[str, str] = {}
    for name, value in fields.items():
        target = mapping.get(name, name if keep_unmapped else "")
        if target and value not in (None, ""):
            out[target] = value
    return out


@dataclass(frozen=True)
class CrmRef:
    """Where a lead lives in one CRM after a write; `created` lists the objects this call created."""

    system: str
    contact_id: str
    company_id: str | None = None
    task_id: str | None = None
    created: tuple[str, ...] = ()
    url: str | None = None


class CrmSink(Protocol):
    """A CRM LeadRelay writes leads to: search before create, upsert, associate, map fields, task the owner."""

    slug: str

    def upsert_lead(self, lead: CrmLead) -> CrmRef:
        """Create or update the contact (by email) and company (by domain), associate them, create the owner's task.

        Args:
            lead: what to write; `lead.key` makes the task idempotent.
        Returns:
            The ids in the CRM.
        Raises:
            IntegrationError: the CRM refused or failed; `retryable` says whether to try again.
        """
        ...


@dataclass(frozen=True)
class LeadAlert:
    """An escalated lead announced to people: who, why, and where to act on it."""

    key: str
    lead_id: int
    title: str  # e.g. "Enterprise demo request: Ana Ruiz, Initech (1,200 people, ES)"
    reasons: tuple[str, ...]
    lead_url: str
    owner_email: str | None = None
    queue: str | None = None
    urgency: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    reassign_to: tuple[str, ...] = ()  # owner emails offered by the alert's "Reassign" menu; () = any Slack user


@dataclass(frozen=True)
class NoticeRef:
    """Where an alert was posted (channel and message timestamp in Slack)."""

    system: str
    channel: str | None = None
    ts: str | None = None


class Notifier(Protocol):
    """Somewhere alerts go (Slack)."""

    slug: str

    def alert(self, alert: LeadAlert) -> NoticeRef:
        """Post the alert once; raises `IntegrationError`."""
        ...


@dataclass(frozen=True)
class OutboundEmail:
    """An email to a lead, rendered from a template; threading headers point at the lead's message."""

    key: str  # idempotency key; also the base of the Message-ID
    to: str
    subject: str
    text: str
    from_address: str
    reply_to: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    list_unsubscribe: str | None = None


@dataclass(frozen=True)
class SentEmail:
    """An email handed to the mail server: its Message-ID."""

    message_id: str


class Mailer(Protocol):
    """How email leaves (SMTP)."""

    slug: str

    def send(self, email: OutboundEmail) -> SentEmail:
        """Send once; raises `IntegrationError`."""
        ...
