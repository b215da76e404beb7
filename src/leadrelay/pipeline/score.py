"""Score: urgency and ICP fit, from the workspace's rules.

Urgency combines the model's view with explicit cues in the text (a deadline, an outage, a budget
approved). Text that tries to instruct the system is removed before the cues are read, so a message
cannot raise its own priority. Fit is judged for sales enquiries only, from the workspace's ICP.
"""

from __future__ import annotations

import re

from leadrelay.pipeline.cues import (
    deadline_within,
    find_high_urgency,
    find_injection,
    find_no_rush,
    strip_injection,
)
from leadrelay.pipeline.records import ClassifiedLead, Evidence, Fit, Score, ScoredLead, Urgency, advance
from leadrelay.text import fold as _fold
from leadrelay.workspace import Workspace

__all__ = ["ScoreStep"]

# Types whose urgency is low whatever they say: they never need a same-hour answer.
_ALWAYS_LOW = {"vendor", "spam", "student"}
# Types that can be urgent from their text alone.
_CAN_BE_HIGH = {"sales", "support", "press", "partnership", "investor", "recruiting"}
_DEADLINE_DAYS = 30


_WORD = re.compile(r"\w+")


class _Terms:
    """A workspace's term list, matched as whole words (one set lookup) or as phrases (substring)."""

    def __init__(self, terms: list[str]) -> None:
        folded = {_fold(t).strip() for t in terms if t.strip()}
        self._words = frozenset(t for t in folded if t.isascii() and _WORD.fullmatch(t))
        self._phrases = tuple(sorted(t for t in folded if t not in self._words))

    def first(self, text: str, words: frozenset[str]) -> str | None:
        """The first term of the list found in `text` (already folded; `words` are its words)."""
        hit = self._words & words
        if hit:
            return min(hit)
        for phrase in self._phrases:
            # Phrases of ASCII words must stand on word boundaries; CJK terms are plain substrings.
            at = text.find(phrase)
            while at >= 0:
                before = text[at - 1] if at else " "
                after_at = at + len(phrase)
                after = text[after_at] if after_at < len(text) else " "
                if not phrase.isascii() or (not before.isalnum() and not after.isalnum()):
                    return phrase
                at = text.find(phrase, at + 1)
        return None


class ScoreStep:
    """Decide urgency for every lead and ICP fit for sales enquiries."""

    name = "score"

    def __init__(self, workspace: Workspace) -> None:
        icp = workspace.config.icp
        self._served = workspace.served_countries
        self._strong_min = icp.fit.strong_min_employees
        self._moderate_min = icp.fit.moderate_min_employees
        self._relevant = _Terms(icp.relevant_terms)
        self._other_product = _Terms(icp.other_product_terms)
        self._individual = _Terms(icp.individual_terms)

    def warm_up(self) -> None:
        """Nothing to load: the patterns are built in `__init__`."""

    def run(self, lead: ClassifiedLead) -> ScoredLead:
        """Score `lead`.

        Args:
            lead: the classified lead.
        Returns:
            The lead with its `Score`; evidence quotes the cue or names the rule behind each value.
        """
        evidence: list[Evidence] = []
        urgency = self._urgency(lead, evidence)
        fit: Fit | None = None
        if lead.classification.type == "sales":
            fit = self._fit(lead, evidence)
        score = Score(urgency=urgency, fit=fit, segment_size=lead.fields.team_size)
        return advance(lead, ScoredLead, score=score, evidence=(*lead.evidence, *evidence))

    # -- urgency ---------------------------------------------------------------------------------

    def _urgency(self, lead: ClassifiedLead, evidence: list[Evidence]) -> Urgency:
        kind = lead.classification.type
        if kind in _ALWAYS_LOW:
            evidence.append(Evidence(kind="rule", step=self.name, detail=f"{kind}: urgency is low",
                                     source="rule:score.urgency.type"))
            return "low"
        message = lead.message
        raw = f"{message.subject}\n{message.text}\n{message.forwarded_note}"
        injection = find_injection(raw)
        text = strip_injection(raw) if injection else raw
        if injection:
            evidence.append(Evidence(kind="rule", step=self.name, span=injection[:120],
                                     detail="text that tries to instruct the system was ignored for urgency",
                                     source="rule:score.injection"))
        model_urgency = lead.classification.urgency
        if kind not in _CAN_BE_HIGH:
            # unknown: a person looks at it anyway; never high from the text alone.
            return "low" if model_urgency == "low" else "normal"
        no_rush = find_no_rush(text)
        cue = find_high_urgency(text) or deadline_within(text, message.event.received_at, days=_DEADLINE_DAYS)
        if cue and not no_rush:
            evidence.append(Evidence(kind="text", step=self.name, span=cue[:120],
                                     detail="urgency high: a near deadline or acute pain",
                                     source="rule:score.urgency.cue"))
            return "high"
        if no_rush:
            evidence.append(Evidence(kind="text", step=self.name, span=no_rush[:120],
                                     detail="urgency normal: the sender says there is no time pressure",
                                     source="rule:score.urgency.no_rush"))
            return "normal"
        if model_urgency == "high" and not injection and (lead.classification.urgency_confidence or 0) >= 0.8:
            evidence.append(Evidence(kind="model", step=self.name, detail="urgency high (model)",
                                     source=lead.classification.model))
            return "high"
        return "normal"

    # -- fit -------------------------------------------------------------------------------------

    def _fit(self, lead: ClassifiedLead, evidence: list[Evidence]) -> Fit:
        fields = lead.fields
        enrichment = lead.enrichment
        size = fields.team_size
        country = fields.country
        text = _fold(f"{lead.message.subject}\n{lead.message.text}\n{fields.use_case or ''}")
        words = frozenset(_WORD.findall(text))
        has_company = bool(fields.company) or (not enrichment.is_free_mail and not enrichment.is_disposable
                                               and bool(enrichment.email_domain))
        relevant = self._relevant.first(text, words) is not None
        other = self._other_product.first(text, words)

        def decided(fit: Fit, why: str) -> Fit:
            evidence.append(Evidence(kind="rule", step=self.name, detail=f"fit {fit}: {why}",
                                     source="rule:score.fit"))
            return fit

        if other and not relevant:
            return decided("weak", f"asks for a different product ({other!r})")
        individual = self._individual.first(text, words)
        if individual and (size is None or size < self._moderate_min) and (
                not fields.company or enrichment.is_free_mail):
            return decided("weak", f"an individual, not a company ({individual!r})")
        if size is not None:
            if size < self._moderate_min:
                return decided("weak", f"{size} employees")
            if size < self._strong_min:
                return decided("moderate", f"{size} employees")
            if country and country not in self._served:
                return decided("moderate", f"{size} employees outside the served countries ({country})")
            where = f"in {country}" if country else "country unknown"
            return decided("strong", f"{size} employees, {where}")
        if not has_company and not relevant:
            return decided("unknown", "no company, no size and no use case")
        if not has_company and enrichment.is_free_mail and not fields.company:
            return decided("weak" if not relevant else "moderate",
                           "an individual writing from a personal address"
                           + (" with a relevant use case" if relevant else ""))
        return decided("moderate", "size unknown, but a real company"
                       + (" with a relevant use case" if relevant else ""))
