"""Classify: the inbound type of a lead, with a calibrated confidence.

Rules decide the cases that need no model (a message that could not be parsed, an auto-reply,
a bounce, a message with nothing in it): they are *not enough information* and go to a person.
Everything else goes to the injected `TypeClassifier` backend.
"""

from __future__ import annotations

import re
from operator import itemgetter

from leadrelay.backends.base import TypeClassifier, TypeVerdict
from leadrelay.backends.type_cues import type_cues
from leadrelay.errors import BackendError
from leadrelay.pipeline.extract import is_bot_form
from leadrelay.pipeline.records import Classification, ClassifiedLead, EnrichedLead, Evidence, advance

__all__ = ["ClassifyStep"]

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# Fewer meaningful words than this, with no form field that says more and no word that points at a
# type ("pricing?", "demo"), is not enough to act on.
_MIN_WORDS = 4


def _says_almost_nothing(lead: EnrichedLead) -> bool:
    """Fewer than `_MIN_WORDS` meaningful words (a CJK character pair counts as one); stops counting early."""
    message = lead.message
    text = f"{message.subject} {message.text} {message.forwarded_note}"
    words = 0
    for _ in _WORD.finditer(text):
        words += 1
        if words >= _MIN_WORDS:
            return False
    return words + (0 if text.isascii() else len(_CJK.findall(text)) // 2) < _MIN_WORDS


class ClassifyStep:
    """Decide the inbound type of an enriched lead."""

    name = "classify"

    def __init__(self, backend: TypeClassifier) -> None:
        self._backend = backend

    def warm_up(self) -> None:
        """Load the backend's model."""
        self._backend.load()

    def run(self, lead: EnrichedLead) -> ClassifiedLead:
        """Classify `lead`.

        Args:
            lead: the enriched lead.
        Returns:
            The lead with its `Classification`; evidence says which rule or model decided.
        Raises:
            BackendError: the backend failed.
        """
        ruled = self._by_rule(lead)
        if ruled is not None:
            classification, reason = ruled
            return advance(lead, ClassifiedLead, classification=classification, evidence=(*lead.evidence, reason))
        verdict = self._backend.classify(lead)
        if not isinstance(verdict, TypeVerdict):
            raise BackendError(f"backend {self._backend.name!r} returned {type(verdict).__name__}")
        top = sorted(verdict.probabilities.items(), key=itemgetter(1), reverse=True)[:3]  # stable, as -p was
        detail = f"type {verdict.type} with confidence {verdict.confidence:.2f}"
        if top:
            detail += " (" + ", ".join(f"{t} {p:.2f}" for t, p in top) + ")"
        evidence = (
            *lead.evidence,
            *verdict.evidence,
            Evidence(kind="model", step=self.name, detail=detail, source=verdict.model),
        )
        classification = Classification(
            type=verdict.type,
            confidence=verdict.confidence,
            probabilities=verdict.probabilities,
            insufficient_information=verdict.type == "unknown",
            model=verdict.model,
            urgency=verdict.urgency,
            urgency_confidence=verdict.urgency_confidence,
        )
        return advance(lead, ClassifiedLead, classification=classification, evidence=evidence)

    def _by_rule(self, lead: EnrichedLead) -> tuple[Classification, Evidence] | None:
        message = lead.message
        if message.parse_error:
            why = f"the message could not be parsed: {message.parse_error}"
            confidence = 0.5
        elif message.is_bounce:
            why, confidence = "a delivery failure (bounce): a person should check the address", 0.9
        elif message.is_auto_reply:
            why, confidence = "an automatic reply (out of office or similar)", 0.9
        elif is_bot_form(message.form):
            spam = Classification(type="spam", confidence=0.9, probabilities={"spam": 0.9}, model="rules")
            return spam, Evidence(kind="rule", step=self.name, source="rule:classify.bot_form",
                                  detail="a bot form fill: the free-text fields are keyboard mash")
        elif (_says_almost_nothing(lead) and not _form_says_enough(lead)
              and not _points_at_a_type(lead)):
            why, confidence = "the message says almost nothing", 0.7
        else:
            return None
        classification = Classification(
            type="unknown", confidence=confidence, probabilities={"unknown": confidence},
            insufficient_information=True, model="rules",
        )
        return classification, Evidence(kind="rule", step=self.name, detail=f"not enough information: {why}",
                                        source="rule:classify.insufficient")


def _points_at_a_type(lead: EnrichedLead) -> bool:
    message = lead.message
    cues = type_cues(f"{message.subject}\n{message.text}")
    return any(not name.startswith("unknown:") for name in cues)


def _form_says_enough(lead: EnrichedLead) -> bool:
    form = lead.message.form
    return bool(form.get("company") and form.get("job_title")) or bool(form.get("topic"))
