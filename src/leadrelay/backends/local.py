"""The default type classifier: a hashed-feature linear model that runs offline in numpy.

Two heads share the features of `leadrelay.backends.features`: the inbound type (ten classes) and
urgency (high / normal / low). Both are temperature-scaled so the probabilities are calibrated on
held-out template families (see training/REPORT.md). Urgency is mixed with the type: whatever a
vendor pitch, spam or student message says, its urgency is low with the probability of that type.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from leadrelay.backends.base import TypeVerdict
from leadrelay.backends.features import N_BUCKETS, featurize, from_lead
from leadrelay.errors import BackendError
from leadrelay.pipeline.records import TYPES, URGENCIES, EnrichedLead, Evidence, InboundType, Urgency

__all__ = ["DEFAULT_MODEL_PATH", "LOW_URGENCY_TYPES", "MODEL_NAME", "LocalTypeClassifier"]

MODEL_NAME = "local-linear"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "type_model.npz"
# README: vendor pitches, spam and students are low urgency whatever they say.
LOW_URGENCY_TYPES: tuple[InboundType, ...] = ("vendor", "spam", "student")
_N_EXPLAIN = 3


class LocalTypeClassifier:
    """Offline type and urgency classifier over hashed text, form and flag features."""

    name = "local"

    def __init__(self, model_path: Path | None = None) -> None:
        self._path = model_path or DEFAULT_MODEL_PATH
        self._loaded = False
        self.version = ""
        self.card: dict[str, Any] = {}

    @property
    def model_id(self) -> str:
        """Name and version, e.g. ``local-linear/2026.11.29``."""
        return f"{MODEL_NAME}/{self.version}"

    def load(self) -> None:
        """Read the artifact and its model card once; later calls do nothing.

        Raises:
            BackendError: the artifact is missing, unreadable or inconsistent with its card.
        """
        if self._loaded:
            return
        card_path = self._path.with_suffix(".json")
        try:
            card = json.loads(card_path.read_text(encoding="utf-8"))
            with np.load(self._path) as data:
                buckets = data["buckets"].astype(np.int64)
                type_w = data["type_weights"].astype(np.float32)
                type_b = data["type_bias"].astype(np.float32)
                urg_w = data["urgency_weights"].astype(np.float32)
                urg_b = data["urgency_bias"].astype(np.float32)
        except (OSError, ValueError, KeyError) as exc:
            raise BackendError(f"cannot load the local model from {self._path}: {exc}") from exc
        if tuple(card.get("labels", ())) != TYPES or tuple(card.get("urgency_labels", ())) != URGENCIES:
            raise BackendError(f"model {card_path} has labels {card.get('labels')}, expected {list(TYPES)}")
        if card.get("features", {}).get("n_buckets") != N_BUCKETS:
            raise BackendError(f"model {card_path} was trained with other features than this code builds")
        if type_w.shape != (len(buckets), len(TYPES)) or urg_w.shape != (len(buckets), len(URGENCIES)):
            raise BackendError(f"model {self._path} has weight shapes that do not match its buckets")
        # Row 0 is all zeros: every bucket the model never kept maps there, so lookup needs no masking.
        self._row_of_bucket = np.zeros(N_BUCKETS, dtype=np.int32)
        self._row_of_bucket[buckets] = np.arange(1, len(buckets) + 1, dtype=np.int32)
        n_rows = len(buckets) + 1
        weights = np.zeros((n_rows, len(TYPES) + len(URGENCIES)), dtype=np.float32)
        weights[1:, : len(TYPES)] = type_w
        weights[1:, len(TYPES):] = urg_w
        # Fold the temperatures into the weights: one matrix product gives calibrated logits for both heads.
        t_type = float(card["temperature"])
        t_urg = float(card["urgency_temperature"])
        if t_type <= 0 or t_urg <= 0:
            raise BackendError(f"model {card_path} has a non-positive temperature")
        weights[:, : len(TYPES)] /= t_type
        weights[:, len(TYPES):] /= t_urg
        self._weights = weights
        self._bias = np.concatenate([type_b / t_type, urg_b / t_urg]).astype(np.float32)
        self._low_types = [TYPES.index(t) for t in LOW_URGENCY_TYPES]
        self._low_urgency = URGENCIES.index("low")
        conf_map = card.get("confidence_map") or {"a": 1.0, "b": 0.0}
        self._conf_a = float(conf_map["a"])
        self._conf_b = float(conf_map["b"])
        self.version = str(card["version"])
        self.card = card
        self._loaded = True

    def probabilities(self, lead: EnrichedLead) -> tuple[list[float], list[float], list[str]]:
        """Calibrated type and urgency probabilities, plus the tokens that pushed the top type most."""
        if not self._loaded:
            self.load()
        feats = featurize(from_lead(lead))
        # `take` gives what fancy indexing gives, in half the time for a vector this short.
        weights = self._weights.take(self._row_of_bucket.take(feats.indices), axis=0)
        logits = (feats.values @ weights + self._bias).tolist()
        n_types = len(TYPES)
        # Ten and three numbers: plain Python beats numpy's per-call overhead here.
        type_p = self._calibrate_top(_softmax(logits[:n_types]))
        urg_p = _softmax(logits[n_types:])
        p_low_type = sum(type_p[i] for i in self._low_types)
        urg_p = [p * (1.0 - p_low_type) for p in urg_p]
        urg_p[self._low_urgency] += p_low_type
        top = type_p.index(max(type_p))
        contrib = weights[:, top] * feats.values
        order = (-contrib).argsort()[:_N_EXPLAIN].tolist()
        reasons = [feats.tokens[i] for i in order if contrib[i] > 0.05]
        return type_p, urg_p, reasons

    def _calibrate_top(self, type_p: list[float]) -> list[float]:
        """Apply the Platt map to the top probability and rescale the others to keep a distribution."""
        p_top = max(type_p)
        top = type_p.index(p_top)
        p_top = min(max(p_top, 1e-6), 1 - 1e-6)
        conf = 1.0 / (1.0 + math.exp(-(self._conf_a * math.log(p_top / (1 - p_top)) + self._conf_b)))
        scale = (1.0 - conf) / (1.0 - p_top)
        out = [p * scale for p in type_p]
        out[top] = 0.0
        # The top type stays the top type: a map that lowered it below a runner-up would contradict itself.
        out[top] = max(conf, max(out))
        total = sum(out)
        return [p / total for p in out]

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        """Decide the inbound type of `lead` with a calibrated confidence, and the model's urgency.

        Args:
            lead: the enriched lead.
        Returns:
            The verdict: type, confidence (calibrated probability of that type), every type's
            probability, urgency with its probability, and the strongest features as evidence.
        Raises:
            BackendError: the model artifact cannot be loaded.
        """
        type_p, urg_p, reasons = self.probabilities(lead)
        top = type_p.index(max(type_p))
        top_u = urg_p.index(max(urg_p))
        type_: InboundType = TYPES[top]
        urgency: Urgency = URGENCIES[top_u]
        evidence: tuple[Evidence, ...] = ()
        if reasons:
            evidence = (Evidence(kind="model", step="classify", detail=f"{type_}: strongest features "
                                 + ", ".join(_readable(r) for r in reasons), source=self.model_id),)
        return TypeVerdict(
            type=type_,
            confidence=_unit(type_p[top]),
            probabilities={t: round(p if 0.0 < p <= 1.0 else min(1.0, max(0.0, p)), 4)  # clamp only when out
                           for t, p in zip(TYPES, type_p, strict=True)},
            urgency=urgency,
            urgency_confidence=_unit(urg_p[top_u]),
            model=self.model_id,
            evidence=evidence,
        )


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def _unit(p: float) -> float:
    """A probability as a plain float in [0, 1] (float32 rounding can step just outside)."""
    return min(1.0, max(0.0, float(p)))


_TOKEN_KINDS = {"w": "word", "b": "phrase", "p": "word stem", "j": "text", "s": "subject", "f": "form",
                "t": "job title", "co": "company", "flag": "flag"}


def _readable(token: str) -> str:
    kind, _, value = token.partition(":")
    return f"{_TOKEN_KINDS.get(kind, kind)} '{value}'" if value else token
