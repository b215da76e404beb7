"""The typed records that flow through the qualification pipeline.

Each step takes one record and returns the next one; records are frozen, so a step never
mutates its input. The chain is::

    Event --parse--> Message --extract--> Lead --enrich--> EnrichedLead
          --classify--> ClassifiedLead --score--> ScoredLead --route--> RoutedLead
          --dedupe--> DedupedLead  (the runner turns it into a Decision)

`Event` and `Decision` are the LeadBench wire formats (see ``docs/formats.md``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "FITS",
    "TYPES",
    "URGENCIES",
    "Action",
    "Channel",
    "Classification",
    "ClassifiedLead",
    "CrmAccount",
    "CrmContact",
    "Decision",
    "DedupedLead",
    "EnrichedLead",
    "Enrichment",
    "Event",
    "Evidence",
    "Fields",
    "Fit",
    "InboundType",
    "Lead",
    "Message",
    "RoutedLead",
    "Routing",
    "Score",
    "ScoredLead",
    "Signature",
    "Urgency",
    "advance",
]

InboundType = Literal[
    "sales", "support", "partnership", "press", "recruiting",
    "vendor", "investor", "student", "spam", "unknown",
]
TYPES: tuple[InboundType, ...] = (
    "sales", "support", "partnership", "press", "recruiting",
    "vendor", "investor", "student", "spam", "unknown",
)
Channel = Literal["web_form", "demo_request", "email", "linkedin", "support_ticket", "chat"]
CHANNELS: tuple[Channel, ...] = ("web_form", "demo_request", "email", "linkedin", "support_ticket", "chat")
Urgency = Literal["high", "normal", "low"]
URGENCIES: tuple[Urgency, ...] = ("high", "normal", "low")
Fit = Literal["strong", "moderate", "weak", "unknown"]
FITS: tuple[Fit, ...] = ("strong", "moderate", "weak", "unknown")
Action = Literal["escalate", "route", "reply", "review", "archive"]
ACTIONS: tuple[Action, ...] = ("escalate", "route", "reply", "review", "archive")
EvidenceKind = Literal["text", "form", "header", "enrichment", "rule", "model", "history"]


_Next = TypeVar("_Next", bound=BaseModel)


def advance(record: BaseModel, next_stage: type[_Next], **new: Any) -> _Next:
    """The next stage's record: `record`'s fields with `new` added or replaced.

    Built in one call from the fields as they are: the nested records are already validated, and
    pydantic passes instances through with an isinstance check. Much cheaper than `model_copy`.
    """
    values = dict(record.__dict__)
    values.update(new)
    return next_stage(**values)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Evidence(_Record):
    """One reason behind a decision: what was seen or which rule fired, and where it came from."""

    kind: EvidenceKind
    step: str
    detail: str
    span: str | None = None  # the quoted text, when the evidence is text
    # where it came from, e.g. "crm_accounts.csv#ACC-1140", "form:company", "signature", "rule:route.sales"
    source: str | None = None

    def __str__(self) -> str:
        out = f"[{self.step}/{self.kind}] {self.detail}"
        if self.span:
            out += f' — "{self.span}"'
        if self.source:
            out += f" ({self.source})"
        return out


class Event(BaseModel):
    """One inbound event in the LeadBench event format."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    channel: Channel
    received_at: datetime | None = None
    from_name: str | None = None
    from_email: str | None = None
    subject: str | None = None
    body: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    raw_email: str | None = None

    @field_validator("fields", mode="before")
    @classmethod
    def _stringify_fields(cls, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("fields must be an object of form fields")
        return {str(k): "" if v is None else str(v) for k, v in value.items()}

    @field_validator("received_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # A time without a zone is taken as UTC, so events from different senders stay comparable.
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Signature(_Record):
    """What a signature block says about the sender."""

    name: str | None = None
    title: str | None = None
    company: str | None = None
    phone: str | None = None
    address: str | None = None
    website: str | None = None
    text: str = ""


class Message(_Record):
    """An event parsed into the parts later steps need.

    `text` is the newest text the sender wrote (no quoted history, no signature). For an intro
    forwarded from the workspace's own domain, `sender_*` is the forwarded person and
    `referrer_*` the colleague who forwarded it, and `source` is ``referral``.
    """

    event: Event
    source: str
    sender_name: str | None = None
    sender_email: str | None = None
    recipients: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    quoted: str = ""  # quoted history and earlier messages of a thread
    forwarded_note: str = ""  # what a forwarder wrote above a forwarded message
    signature: Signature | None = None
    form: dict[str, str] = Field(default_factory=dict)
    referrer_name: str | None = None
    referrer_email: str | None = None
    is_auto_reply: bool = False
    is_bounce: bool = False
    is_reply: bool = False
    is_forward: bool = False
    attachments: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    auth_failures: tuple[str, ...] = ()  # e.g. "spf=softfail", "dmarc=fail" from Authentication-Results
    language: str | None = None  # ISO 639-1, best guess
    parse_error: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def all_text(self) -> str:
        """Subject and newest text, for the steps that read what this sender asked."""
        return f"{self.subject}\n{self.text}".strip()


class Fields(_Record):
    """The structured fields of a lead, in the LeadBench decision format."""

    company: str | None = None
    role: str | None = None
    use_case: str | None = None
    team_size: int | None = None  # employees of the company, not the sender's team
    country: str | None = None  # ISO 3166-1 alpha-2
    source: str | None = None


class Lead(_Record):
    """A parsed message with its extracted fields."""

    message: Message
    fields: Fields
    website: str | None = None  # the company's website, when stated (form, signature, text)
    evidence: tuple[Evidence, ...] = ()


class CrmAccount(_Record):
    account_id: str
    name: str
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    country: str | None = None
    status: str | None = None  # customer, prospect, churned, none, ...
    owner_email: str | None = None
    plan: str | None = None


class CrmContact(_Record):
    contact_id: str
    account_id: str | None = None
    name: str | None = None
    email: str | None = None
    title: str | None = None
    last_activity: str | None = None


class Enrichment(_Record):
    """What we know about the sender and the company beyond the message itself."""

    email_domain: str | None = None
    is_free_mail: bool = False
    is_disposable: bool = False
    is_own_domain: bool = False  # the workspace's own company (an employee)
    company_from_domain: str | None = None
    account: CrmAccount | None = None
    account_match: str | None = None  # how: "domain", "contact", "name", "fuzzy-name"
    account_match_score: float | None = None
    contact: CrmContact | None = None
    history: tuple[str, ...] = ()  # ids of earlier events from the same person or account
    account_owner: str | None = None
    stated_team_size: int | None = None  # what the message said, when the CRM's size replaced it
    website_facts: dict[str, str] = Field(default_factory=dict)  # from the pluggable website enricher


class EnrichedLead(Lead):
    enrichment: Enrichment


class Classification(_Record):
    """The inbound type with a calibrated confidence."""

    type: InboundType
    confidence: float = Field(ge=0.0, le=1.0)
    probabilities: dict[str, float] = Field(default_factory=dict)
    insufficient_information: bool = False
    model: str = ""  # name and version of the model that decided
    urgency: Urgency | None = None  # the model's view of urgency; the score step has the last word
    urgency_confidence: float | None = None


class ClassifiedLead(EnrichedLead):
    classification: Classification


class Score(_Record):
    urgency: Urgency
    fit: Fit | None = None  # scored for sales only
    segment_size: int | None = None  # employees used for segmenting (CRM, stated or estimated)


class ScoredLead(ClassifiedLead):
    score: Score


class Routing(_Record):
    action: Action
    owner: str | None = None


class RoutedLead(ScoredLead):
    routing: Routing


class DedupedLead(RoutedLead):
    duplicate_of: str | None = None  # the first event of the request this one repeats


class Decision(BaseModel):
    """The decision for one event, in the LeadBench decision format plus its reasons."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    type: InboundType
    urgency: Urgency
    fit: Fit | None
    action: Action
    owner: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    account_id: str | None = None
    duplicate_of: str | None = None
    fields: Fields
    reasons: tuple[Evidence, ...] = ()
    model: str = ""
    workspace_version: str = ""
    parse_error: str | None = None
    # Who the decision is about: the sender, or for an intro forwarded by a colleague, the person introduced.
    lead_email: str | None = None
    lead_name: str | None = None

    def to_leadbench(self, *, with_reasons: bool = False) -> dict[str, Any]:
        """The decision as one LeadBench output object."""
        out = self.model_dump(mode="json", exclude={"reasons", "model", "workspace_version", "parse_error",
                                                      "lead_email", "lead_name"})
        if with_reasons:
            out["reasons"] = [str(r) for r in self.reasons]
            out["model"] = self.model
            if self.parse_error:
                out["parse_error"] = self.parse_error
        return out
