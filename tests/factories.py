"""Small builders for pipeline records, so step tests need no other step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from leadrelay.pipeline.records import (
    Classification,
    ClassifiedLead,
    CrmAccount,
    Enrichment,
    Event,
    Fields,
    InboundType,
    Message,
    RoutedLead,
    Routing,
    Score,
    ScoredLead,
)

RECEIVED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def message(text: str = "", *, subject: str = "", channel: str = "email", sender: str | None = None,
            name: str | None = None, event_id: str = "ev-1", received_at: datetime = RECEIVED,
            **extra: Any) -> Message:
    event = Event(id=event_id, channel=channel, received_at=received_at, from_email=sender, from_name=name,
                  subject=subject, body=text)
    return Message(event=event, source=channel, sender_email=sender, sender_name=name, subject=subject,
                   text=text, **extra)


def classified(text: str = "", *, type: InboundType = "sales", confidence: float = 0.9,
               probabilities: dict[str, float] | None = None, fields: Fields | None = None,
               enrichment: Enrichment | None = None, urgency: str | None = None,
               urgency_confidence: float | None = None, **message_kw: Any) -> ClassifiedLead:
    return ClassifiedLead(
        message=message(text, **message_kw),
        fields=fields or Fields(source="email"),
        enrichment=enrichment or Enrichment(email_domain="example.com"),
        classification=Classification(type=type, confidence=confidence,
                                      probabilities=probabilities or {type: confidence},
                                      urgency=urgency, urgency_confidence=urgency_confidence, model="test"),
    )


def scored(*, type: InboundType = "sales", urgency: str = "normal", fit: str | None = "strong",
           size: int | None = 300, country: str | None = "US", account: CrmAccount | None = None,
           confidence: float = 0.9, probabilities: dict[str, float] | None = None) -> ScoredLead:
    lead = classified(type=type, confidence=confidence, probabilities=probabilities,
                      fields=Fields(company="Acme", team_size=size, country=country, source="email"),
                      enrichment=Enrichment(email_domain="acme.com", account=account))
    return ScoredLead(**dict(lead), score=Score(urgency=urgency, fit=fit, segment_size=size))


def routed(text: str, *, type: InboundType = "sales", sender: str | None = "ann@acme.com",
           name: str | None = "Ann Lee", event_id: str = "ev-1", received_at: datetime = RECEIVED,
           channel: str = "email", company: str | None = "Acme") -> RoutedLead:
    lead = classified(text, type=type, sender=sender, name=name, event_id=event_id, received_at=received_at,
                      channel=channel, fields=Fields(company=company, source=channel))
    return RoutedLead(**dict(lead), score=Score(urgency="normal", fit="strong"),
                      routing=Routing(action="route", owner="ae-na"))
