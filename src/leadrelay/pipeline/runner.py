"""The runner: wires the steps, checks the chain at boot, and turns each event into a decision.

Steps are pure; the runner holds the stream's memory (history of earlier events, duplicates),
times each step, and turns a failing step into a decision for a person instead of a crash.
"""

from __future__ import annotations

import gc
import itertools
import logging
import time
import typing
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from leadrelay.backends.base import FieldExtractor, TypeClassifier
from leadrelay.backends.llm_cache import CostLedger
from leadrelay.errors import ConfigError, StepError
from leadrelay.pipeline.classify import ClassifyStep
from leadrelay.pipeline.dedupe import DedupeStep
from leadrelay.pipeline.enrich import EnrichStep
from leadrelay.pipeline.extract import ExtractStep, LocalFieldExtractor
from leadrelay.pipeline.history import History
from leadrelay.pipeline.parse import ParseStep
from leadrelay.pipeline.records import Decision, DedupedLead, Event, Evidence, Fields
from leadrelay.pipeline.route import RouteStep
from leadrelay.pipeline.score import ScoreStep
from leadrelay.pipeline.website import WebsiteEnricher
from leadrelay.workspace import Workspace

__all__ = ["FAILURE_MODEL", "Pipeline", "StepTimings", "decision_for_failure", "is_failure"]

FAILURE_MODEL = "none"  # the `model` of a decision made because a step failed

log = logging.getLogger(__name__)


class Step(Protocol):
    name: str

    def warm_up(self) -> None: ...

    def run(self, record: Any) -> Any: ...


def _io_types(step: Step) -> tuple[type, type]:
    hints = typing.get_type_hints(type(step).run)
    params = [v for k, v in hints.items() if k != "return"]
    return params[0], hints["return"]


def check_chain(steps: list[Step]) -> None:
    """Fail at boot, not mid-batch, when a step's output is not the next step's input.

    Raises:
        ConfigError: naming the two steps and their types.
    """
    for before, after in itertools.pairwise(steps):
        produced = _io_types(before)[1]
        wanted = _io_types(after)[0]
        if not (isinstance(produced, type) and isinstance(wanted, type) and issubclass(produced, wanted)):
            raise ConfigError(f"step {before.name!r} produces {produced!r}, "
                              f"but step {after.name!r} takes {wanted!r}")


@dataclass
class StepTimings:
    """Time spent per step and how many events failed where, for the monitor and benchmarks."""

    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    failures: Counter[str] = field(default_factory=Counter)
    events: int = 0


def decision_for_failure(event: Event, step: str, error: BaseException, workspace: Workspace) -> Decision:
    """A decision that sends an event some step could not handle to a person."""
    reason = Evidence(kind="rule", step=step, detail=f"step {step} failed ({type(error).__name__}: {error}); "
                      "a person decides", source="rule:runner.failure")
    return Decision(
        id=event.id, type="unknown", urgency="normal", fit=None, action="review",
        owner=workspace.config.review.owner, confidence=0.5,
        fields=Fields(source=event.channel), reasons=(reason,), model=FAILURE_MODEL,
        workspace_version=workspace.version, parse_error=f"{step}: {error}",
    )


def is_failure(*, model: str, parse_error: str | None) -> bool:
    """Whether a (stored) decision is one `decision_for_failure` made: the stream's memory has no such event."""
    return model == FAILURE_MODEL and parse_error is not None


class Pipeline:
    """Qualify events for one workspace, one after another, as a stream."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        classifier: TypeClassifier,
        extractor: FieldExtractor | None = None,
        history: History | None = None,
        website: WebsiteEnricher | None = None,
    ) -> None:
        self.workspace = workspace
        self.history = history if history is not None else History()
        self.parse = ParseStep(own_domains=workspace.own_domains)
        self.extract = ExtractStep(extractor or LocalFieldExtractor(
            own_names=[workspace.config.company.name], own_domains=workspace.own_domains))
        self.enrich = EnrichStep(workspace, history=self.history, website=website)
        self.classify = ClassifyStep(classifier)
        self.score = ScoreStep(workspace)
        self.route = RouteStep(workspace)
        self.dedupe = DedupeStep(window_hours=workspace.config.duplicates.window_hours)
        self.steps: list[Step] = [self.parse, self.extract, self.enrich, self.classify, self.score,
                                  self.route, self.dedupe]
        check_chain(self.steps)
        self.timings = StepTimings()
        self.ledger: CostLedger | None = None  # LLM calls, when an LLM backend is in use
        self._warm = False

    @classmethod
    def for_workspace(cls, workspace: Workspace, *, classify: str | None = None,
                      extract: str | None = None) -> Pipeline:
        """The pipeline with the backends the workspace names (or the ones given here)."""
        from leadrelay.backends.registry import make_backends

        backends = workspace.config.backends
        made = make_backends(workspace, classify=classify or backends.classify, extract=extract or backends.extract)
        pipeline = cls(workspace, classifier=made.classifier, extractor=made.extractor)
        pipeline.ledger = made.ledger
        return pipeline

    def warm_up(self) -> None:
        """Load models and indexes once, before the first event."""
        if not self._warm:
            for step in self.steps:
                step.warm_up()
            self._warm = True
            # The model, the CRM index and the lexicons live as long as the process: move them out of
            # the cyclic collector's way, which otherwise walks all of them at every full collection.
            # They are still freed by reference counting.
            gc.freeze()

    def qualify(self, event: Event) -> Decision:
        """Run every step on `event` and return its decision; a failing step sends it to review."""
        self.warm_up()
        record: Any = event
        timings = self.timings
        timings.events += 1
        for step in self.steps:
            started = time.perf_counter()
            try:
                record = step.run(record)
            except Exception as exc:  # a step failure must never lose the event
                timings.failures[step.name] += 1
                error = StepError(step.name, event.id, exc)
                log.warning("step failed", extra={"event_id": event.id, "step": step.name}, exc_info=True)
                return decision_for_failure(event, step.name, error.cause, self.workspace)
            finally:
                timings.seconds[step.name] += time.perf_counter() - started
        lead: DedupedLead = record
        decision = self._decision(lead)
        self.history.record(event_id=event.id, email=lead.message.sender_email,
                            account_id=decision.account_id, received_at=event.received_at,
                            name=lead.message.sender_name, fields=decision.fields)
        return decision

    def remember(self, event: Event, *, type: str, account_id: str | None, fields: Fields,
                 duplicate_of: str | None) -> None:
        """Record in the stream's memory an event another process decided, as `qualify` records its own.

        Only the parse step runs (dedupe compares what the sender wrote); the rest comes from the stored
        decision: its type, account, fields and `duplicate_of`. An event already in the memory is skipped.
        """
        if event.id in self.history:
            return
        self.warm_up()
        message = self.parse.run(event)
        self.dedupe.remember(message, type=type, fields=fields, duplicate_of=duplicate_of)
        self.history.record(event_id=event.id, email=message.sender_email, account_id=account_id,
                            received_at=event.received_at, name=message.sender_name, fields=fields)

    def qualify_all(self, events: Iterable[Event]) -> Iterator[Decision]:
        """Qualify a stream of events in order."""
        for event in events:
            yield self.qualify(event)

    def _decision(self, lead: DedupedLead) -> Decision:
        account = lead.enrichment.account
        return Decision(
            id=lead.message.event.id,
            type=lead.classification.type,
            urgency=lead.score.urgency,
            fit=lead.score.fit,
            action=lead.routing.action,
            owner=lead.routing.owner,
            confidence=round(lead.classification.confidence, 4),
            account_id=account.account_id if account else None,
            duplicate_of=lead.duplicate_of,
            fields=lead.fields,
            reasons=lead.evidence,
            model=lead.classification.model,
            workspace_version=self.workspace.version,
            parse_error=lead.message.parse_error,
            lead_email=(lead.message.sender_email or "").strip().lower() or None,
            lead_name=lead.message.sender_name,
        )
