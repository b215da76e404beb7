"""What a model backend provides to the pipeline.

Two capabilities, each a narrow task with a typed answer:

- `TypeClassifier` decides the inbound type (and a model view of urgency) of an enriched lead.
- `FieldExtractor` pulls structured fields out of a parsed message.

The local backends (`leadrelay.backends.local`, `leadrelay.pipeline.extract`) run offline and
are the default; `leadrelay.backends.openai_compat` calls an OpenAI-compatible server.
A backend never decides actions or owners: the workspace's routing policy does.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from leadrelay.pipeline.records import EnrichedLead, Evidence, Fields, InboundType, Message, Urgency

__all__ = ["ExtractedFields", "FieldExtractor", "TypeClassifier", "TypeVerdict"]


class TypeVerdict(BaseModel):
    """A backend's answer to "what kind of inbound is this?"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: InboundType
    confidence: float = Field(ge=0.0, le=1.0)  # calibrated probability that `type` is right
    probabilities: dict[str, float] = Field(default_factory=dict)  # every type -> probability
    urgency: Urgency | None = None  # the model's view; the score step has the last word
    urgency_confidence: float | None = None
    model: str  # name and version, e.g. "local-linear/2026.11.29"
    evidence: tuple[Evidence, ...] = ()


class ExtractedFields(BaseModel):
    """A backend's answer to "what does this message say about the sender and the company?"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fields: Fields
    website: str | None = None
    evidence: tuple[Evidence, ...] = ()


@runtime_checkable
class TypeClassifier(Protocol):
    name: str

    def load(self) -> None:
        """Load weights or open connections; called once before the first `classify`."""

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        """Decide the inbound type of `lead`.

        Raises:
            BackendError: the backend failed or answered nonsense.
        """
        ...


@runtime_checkable
class FieldExtractor(Protocol):
    name: str

    def load(self) -> None:
        """Load what the extractor needs; called once before the first `extract`."""

    def extract(self, message: Message) -> ExtractedFields:
        """Extract company, role, use case, team size, country and source from `message`.

        Raises:
            BackendError: the backend failed or answered nonsense.
        """
        ...
