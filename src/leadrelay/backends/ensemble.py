"""Two classifiers, one question: agreement raises confidence, disagreement sends the lead to review.

Confidence rule:

- agree: max(primary, secondary) + 0.05, capped at 0.95 — two independent views seldom share an error,
  but neither is calibrated enough for near-certainty;
- disagree: the primary's type with confidence min(primary, 0.3), below the workspace's review
  threshold, plus Evidence "backends disagree: llm=X local=Y" so a person decides;
- one fails: the other's verdict, with Evidence saying so; both fail: `BackendError`.

When the primary is an `OpenAICompatibleClassifier` that fell back to the same local model as the
secondary, there is only one opinion: it is passed through without the agreement bonus. Build that
primary with ``blend_with_fallback=False``: the ensemble does the blending itself.
"""

from __future__ import annotations

from leadrelay.backends.base import TypeClassifier, TypeVerdict
from leadrelay.errors import BackendError
from leadrelay.pipeline.records import TYPES, EnrichedLead, Evidence

__all__ = ["EnsembleClassifier", "type_distribution"]


def type_distribution(verdict: TypeVerdict) -> dict[str, float]:
    """A verdict's probabilities over all types, summing to 1 (built from type/confidence when absent)."""
    probs = {t: max(0.0, float(verdict.probabilities.get(t, 0.0))) for t in TYPES}
    total = sum(probs.values())
    if total <= 0:
        rest = (1.0 - verdict.confidence) / (len(TYPES) - 1)
        return {t: verdict.confidence if t == verdict.type else rest for t in TYPES}
    return {t: p / total for t, p in probs.items()}


class EnsembleClassifier:
    """`TypeClassifier` that asks two classifiers and reconciles their answers.

    Args:
        primary: the classifier whose type wins (usually the LLM).
        secondary: the second opinion (usually the local model).
        primary_label: how Evidence names the primary ("llm").
        secondary_label: how Evidence names the secondary ("local").
        disagree_confidence: the confidence ceiling when they disagree; keep it below the review threshold.
        agree_bonus: added to the higher confidence when they agree.
        agree_cap: the highest confidence an agreement can reach.
    """

    def __init__(self, primary: TypeClassifier, secondary: TypeClassifier, *, primary_label: str = "llm",
                 secondary_label: str = "local", disagree_confidence: float = 0.3, agree_bonus: float = 0.05,
                 agree_cap: float = 0.95) -> None:
        if not 0.0 <= disagree_confidence <= 1.0 or not 0.0 <= agree_cap <= 1.0 or agree_bonus < 0:
            raise ValueError("confidences must lie in [0, 1] and agree_bonus must not be negative")
        self.name = f"ensemble({primary.name}+{secondary.name})"
        self._primary = primary
        self._secondary = secondary
        self._labels = (primary_label, secondary_label)
        self._disagree = disagree_confidence
        self._bonus = agree_bonus
        self._cap = agree_cap

    def load(self) -> None:
        """Load both classifiers."""
        self._primary.load()
        self._secondary.load()

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        """Classify with both backends and reconcile.

        Raises:
            BackendError: both backends failed.
        """
        first_label, second_label = self._labels
        primary, primary_error = _try(self._primary, lead)
        secondary, secondary_error = _try(self._secondary, lead)
        if primary is None or secondary is None:
            if secondary is not None:
                return _noted(secondary, f"{first_label} failed, used {second_label}: {primary_error}")
            if primary is not None:
                return _noted(primary, f"{second_label} failed, used {first_label}: {secondary_error}")
            raise BackendError(f"both backends failed: {first_label}: {primary_error}; "
                               f"{second_label}: {secondary_error}")
        if primary.model == secondary.model:
            # The primary fell back to the same model: one opinion, not two; no agreement bonus.
            return _noted(primary, f"{first_label} answered with the {second_label} model; no second opinion")
        first, second = type_distribution(primary), type_distribution(secondary)
        probs = {t: round((first[t] + second[t]) / 2, 4) for t in TYPES}
        if primary.type == secondary.type:
            confidence = min(self._cap, max(primary.confidence, secondary.confidence) + self._bonus)
            detail = f"backends agree: {first_label}={primary.type} {second_label}={secondary.type}"
        else:
            confidence = min(primary.confidence, self._disagree)
            detail = f"backends disagree: {first_label}={primary.type} {second_label}={secondary.type}"
        urgency, urgency_confidence = primary.urgency, primary.urgency_confidence
        if urgency is None:
            urgency, urgency_confidence = secondary.urgency, secondary.urgency_confidence
        note = Evidence(kind="model", step="classify", detail=detail, source="ensemble")
        return TypeVerdict(
            type=primary.type,
            confidence=round(confidence, 4),
            probabilities=probs,
            urgency=urgency,
            urgency_confidence=urgency_confidence,
            model=f"ensemble({primary.model}+{secondary.model})",
            evidence=(*primary.evidence, *secondary.evidence, note),
        )


def _try(classifier: TypeClassifier, lead: EnrichedLead) -> tuple[TypeVerdict | None, BackendError | None]:
    try:
        return classifier.classify(lead), None
    except BackendError as exc:
        return None, exc


def _noted(verdict: TypeVerdict, detail: str) -> TypeVerdict:
    note = Evidence(kind="model", step="classify", detail=detail, source="ensemble")
    return verdict.model_copy(update={"evidence": (*verdict.evidence, note)})
