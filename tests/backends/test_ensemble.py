"""EnsembleClassifier: agreement raises confidence, disagreement goes to review."""

from __future__ import annotations

import pytest

from leadrelay.backends.base import TypeVerdict
from leadrelay.backends.ensemble import EnsembleClassifier
from leadrelay.backends.openai_compat import OpenAICompatibleClassifier
from leadrelay.errors import BackendError
from leadrelay.pipeline.records import TYPES, EnrichedLead, Enrichment, Event, Evidence, Fields, Message
from leadrelay.settings import LlmSettings

REVIEW_THRESHOLD = 0.45  # the example workspace's review.min_confidence


class FixedClassifier:
    """A classifier stand-in with a fixed verdict, or a failure."""

    def __init__(self, name: str, verdict: TypeVerdict | None) -> None:
        self.name = name
        self.verdict = verdict
        self.loaded = False
        self.calls = 0

    def load(self) -> None:
        self.loaded = True

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        self.calls += 1
        if self.verdict is None:
            raise BackendError(f"{self.name} is down")
        return self.verdict


def verdict(kind: str, confidence: float, model: str, urgency: str | None = None,
            evidence: str | None = None) -> TypeVerdict:
    rest = (1 - confidence) / (len(TYPES) - 1)
    return TypeVerdict.model_validate({
        "type": kind,
        "confidence": confidence,
        "probabilities": {t: confidence if t == kind else rest for t in TYPES},
        "urgency": urgency,
        "urgency_confidence": None if urgency is None else 0.7,
        "model": model,
        "evidence": [] if evidence is None else [Evidence(kind="model", step="classify", detail=evidence)],
    })


def llm(kind: str | None, confidence: float = 0.8, urgency: str | None = None) -> FixedClassifier:
    answer = None if kind is None else verdict(kind, confidence, "llm:m", urgency, "llm ev")
    return FixedClassifier("llm:m", answer)


def local(kind: str | None, confidence: float = 0.7, urgency: str | None = None) -> FixedClassifier:
    return FixedClassifier("local", None if kind is None else verdict(kind, confidence, "local/1", urgency,
                                                                      "local ev"))


@pytest.fixture
def lead() -> EnrichedLead:
    event = Event(id="e-1", channel="web_form", body="Interested in CDC from Oracle to BigQuery.")
    message = Message(event=event, source="web_form", text="Interested in CDC from Oracle to BigQuery.")
    return EnrichedLead(message=message, fields=Fields(), enrichment=Enrichment())


def test_agreement_raises_confidence(lead: EnrichedLead) -> None:
    ensemble = EnsembleClassifier(llm("sales", 0.8), local("sales", 0.7))
    out = ensemble.classify(lead)
    assert out.type == "sales"
    assert out.confidence == pytest.approx(0.85)  # max(0.8, 0.7) + 0.05
    assert out.model == "ensemble(llm:m+local/1)"
    assert out.evidence[-1].detail == "backends agree: llm=sales local=sales"
    assert [e.detail for e in out.evidence[:2]] == ["llm ev", "local ev"]
    assert sum(out.probabilities.values()) == pytest.approx(1.0, abs=1e-3)
    assert out.probabilities["sales"] == pytest.approx(0.75)


def test_agreement_is_capped(lead: EnrichedLead) -> None:
    out = EnsembleClassifier(llm("spam", 0.99), local("spam", 0.98)).classify(lead)
    assert out.confidence == 0.95


def test_disagreement_keeps_primary_type_below_review_threshold(lead: EnrichedLead) -> None:
    out = EnsembleClassifier(llm("sales", 0.9), local("vendor", 0.8)).classify(lead)
    assert out.type == "sales"
    assert out.confidence == 0.3
    assert out.confidence < REVIEW_THRESHOLD
    assert out.evidence[-1].detail == "backends disagree: llm=sales local=vendor"
    assert out.evidence[-1].kind == "model"


def test_disagreement_never_raises_a_low_primary_confidence(lead: EnrichedLead) -> None:
    out = EnsembleClassifier(llm("press", 0.2), local("sales", 0.9)).classify(lead)
    assert (out.type, out.confidence) == ("press", 0.2)


def test_custom_labels_and_ceiling(lead: EnrichedLead) -> None:
    ensemble = EnsembleClassifier(llm("sales"), local("support"), primary_label="gpt",
                                  secondary_label="linear", disagree_confidence=0.1)
    out = ensemble.classify(lead)
    assert out.confidence == 0.1
    assert out.evidence[-1].detail == "backends disagree: gpt=sales linear=support"


def test_primary_urgency_wins_and_secondary_fills_a_gap(lead: EnrichedLead) -> None:
    out = EnsembleClassifier(llm("support", urgency="high"), local("support", urgency="low")).classify(lead)
    assert (out.urgency, out.urgency_confidence) == ("high", 0.7)
    out = EnsembleClassifier(llm("support", urgency=None), local("support", urgency="low")).classify(lead)
    assert out.urgency == "low"


def test_one_backend_failing_uses_the_other(lead: EnrichedLead) -> None:
    out = EnsembleClassifier(llm(None), local("student", 0.6)).classify(lead)
    assert (out.type, out.confidence, out.model) == ("student", 0.6, "local/1")
    assert out.evidence[-1].detail == "llm failed, used local: llm:m is down"
    out = EnsembleClassifier(llm("student", 0.8), local(None)).classify(lead)
    assert (out.type, out.confidence, out.model) == ("student", 0.8, "llm:m")
    assert out.evidence[-1].detail == "local failed, used llm: local is down"


def test_both_failing_raises(lead: EnrichedLead) -> None:
    with pytest.raises(BackendError, match="both backends failed: llm: llm:m is down; local: local is down"):
        EnsembleClassifier(llm(None), local(None)).classify(lead)


def test_primary_that_fell_back_to_the_same_model_gets_no_bonus(lead: EnrichedLead) -> None:
    same = FixedClassifier("llm:m", verdict("sales", 0.6, "local/1"))
    out = EnsembleClassifier(same, local("sales", 0.6)).classify(lead)
    assert out.confidence == 0.6
    assert out.evidence[-1].detail == "llm answered with the local model; no second opinion"


def test_with_a_disabled_llm_classifier_the_local_verdict_passes_through(lead: EnrichedLead) -> None:
    secondary = local("partnership", 0.66)
    settings = LlmSettings(enabled=False, base_url="http://127.0.0.1:9/v1")
    primary = OpenAICompatibleClassifier(settings, secondary, blend_with_fallback=False)
    ensemble = EnsembleClassifier(primary, secondary)
    ensemble.load()
    out = ensemble.classify(lead)
    assert secondary.loaded
    assert (out.type, out.confidence) == ("partnership", 0.66)
    assert [e.detail for e in out.evidence][-2:] == ["llm disabled, used local backend",
                                                     "llm answered with the local model; no second opinion"]
    assert ensemble.name == "ensemble(llm:gpt-4o-mini+local)"


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="confidences"):
        EnsembleClassifier(llm("sales"), local("sales"), disagree_confidence=1.5)
    with pytest.raises(ValueError, match="agree_bonus"):
        EnsembleClassifier(llm("sales"), local("sales"), agree_bonus=-0.1)


def test_both_backends_are_loaded_and_asked_once(lead: EnrichedLead) -> None:
    first, second = llm("sales"), local("sales")
    ensemble = EnsembleClassifier(first, second)
    ensemble.load()
    ensemble.classify(lead)
    assert first.loaded and second.loaded
    assert (first.calls, second.calls) == (1, 1)
