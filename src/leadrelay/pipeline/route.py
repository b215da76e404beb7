"""Route: the action and the owner, from the workspace's routing policy, with reasons.

The policy is the workspace's, never the model's: the model only supplies the type and its
confidence. Low confidence goes to a person, and so does any case where a wrong automatic
action would lose a possible buyer (the model thinks it may be sales, but the type says archive).
"""

from __future__ import annotations

from leadrelay.pipeline.records import Action, Evidence, RoutedLead, Routing, ScoredLead, advance
from leadrelay.workspace import SegmentConfig, Workspace

__all__ = ["RouteStep"]

# A lead the model gives at least this chance of being a sales enquiry is never archived or
# answered automatically: a person looks first (a lost hot lead costs more than a slow one).
_SALES_SAFETY_PROBABILITY = 0.25
# Nor is a lead that may well be junk handed to a salesperson: a person looks first.
_JUNK_SAFETY_PROBABILITY = 0.3
_JUNK_TYPES = ("spam", "vendor")


class RouteStep:
    """Turn a scored lead into an action and an owner."""

    name = "route"

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._config = workspace.config
        self._served = workspace.served_countries

    def warm_up(self) -> None:
        """Nothing to load."""

    def run(self, lead: ScoredLead) -> RoutedLead:
        """Route `lead`.

        Args:
            lead: the scored lead.
        Returns:
            The lead with its `Routing`; evidence names every rule that fired.
        """
        evidence: list[Evidence] = []
        action, owner = self._policy(lead, evidence)
        action, owner = self._review_gate(lead, action, owner, evidence)
        routing = Routing(action=action, owner=owner)
        return advance(lead, RoutedLead, routing=routing, evidence=(*lead.evidence, *evidence))

    def _rule(self, evidence: list[Evidence], rule: str, detail: str) -> None:
        evidence.append(Evidence(kind="rule", step=self.name, detail=detail, source=f"rule:route.{rule}"))

    def _policy(self, lead: ScoredLead, evidence: list[Evidence]) -> tuple[Action, str | None]:
        kind = lead.classification.type
        if kind != "sales":
            rule = self._config.routing.types[kind]
            if rule.escalate_on_high_urgency and lead.score.urgency == "high":
                self._rule(evidence, f"types.{kind}", f"{kind} with high urgency: escalate to {rule.owner}")
                return "escalate", rule.owner
            self._rule(evidence, f"types.{kind}", f"{kind}: {rule.action} to {rule.owner or 'nobody'}")
            return rule.action, rule.owner
        return self._sales(lead, evidence)

    def _sales(self, lead: ScoredLead, evidence: list[Evidence]) -> tuple[Action, str | None]:
        sales = self._config.routing.sales
        fit = lead.score.fit or "unknown"
        account = lead.enrichment.account
        if fit == "unknown":
            self._rule(evidence, "sales.unknown_fit", "fit unknown: a person qualifies it first")
            return sales.unknown_fit.action, sales.unknown_fit.owner
        if fit == "weak":
            self._rule(evidence, "sales.weak_fit", "weak fit: the self-serve answer")
            return sales.weak_fit.action, sales.weak_fit.owner
        owner: str | None = None
        if account and account.owner_email and account.status in sales.account_owner_statuses:
            owner = account.owner_email
            self._rule(evidence, "sales.account_owner",
                       f"{account.name} is a CRM {account.status}: its owner {owner}")
        else:
            owner = self._segment(lead, evidence)
        size = lead.score.segment_size
        escalate = sales.escalate
        if fit == "strong" and (lead.score.urgency in escalate.urgency
                                or (escalate.min_employees is not None and size is not None
                                    and size >= escalate.min_employees)):
            why = "high urgency" if lead.score.urgency in escalate.urgency else f"{size} employees"
            self._rule(evidence, "sales.escalate", f"strong fit and {why}: escalate")
            return "escalate", owner
        return "route", owner

    def _segment(self, lead: ScoredLead, evidence: list[Evidence]) -> str:
        size = lead.score.segment_size
        country = lead.fields.country
        for segment in self._config.segments:
            if self._matches(segment, size, country):
                where = country or "country unknown"
                self._rule(evidence, f"segments.{segment.name}",
                           f"segment {segment.name}: {size if size is not None else 'size unknown'}, {where}")
                return segment.name
        fallback = self._config.routing.sales.fallback_owner
        self._rule(evidence, "sales.fallback_owner", f"no segment matches: {fallback}")
        return fallback

    def _matches(self, segment: SegmentConfig, size: int | None, country: str | None) -> bool:
        if size is None:
            if not segment.when_size_unknown or segment.countries is None:
                return False
        else:
            if segment.min_employees is not None and size < segment.min_employees:
                return False
            if segment.max_employees is not None and size > segment.max_employees:
                return False
        if segment.countries is None:
            return True
        if country is None:
            return False
        for code in segment.countries:
            if code == country or (code == "served" and country in self._served) or (
                    code == "other" and country not in self._served):
                return True
        return False

    def _band(self, size: int) -> int:
        fit = self._config.icp.fit
        return 0 if size < fit.moderate_min_employees else (1 if size < fit.strong_min_employees else 2)

    def _size_in_doubt(self, lead: ScoredLead, evidence: list[Evidence]) -> bool:
        """The sender says the company is now in a higher fit band than the CRM knows.

        Only upwards: a sender who names a smaller number usually means a team or a division,
        while a company that outgrew its CRM record is an opportunity a person should look at.
        """
        account = lead.enrichment.account
        stated = lead.enrichment.stated_team_size
        if account is None or account.employees is None or stated is None:
            return False
        if self._band(stated) <= self._band(account.employees):
            return False
        self._rule(evidence, "review.size_conflict",
                   f"the CRM says {account.employees} employees, the sender says {stated}: a person checks the fit")
        return True

    def _review_gate(self, lead: ScoredLead, action: Action, owner: str | None,
                     evidence: list[Evidence]) -> tuple[Action, str | None]:
        review = self._config.review
        classification = lead.classification
        if action == "review":
            return action, owner
        if classification.confidence < review.min_confidence:
            self._rule(evidence, "review.min_confidence",
                       f"type confidence {classification.confidence:.2f} is below "
                       f"{review.min_confidence:.2f}: a person decides")
            return "review", review.owner
        if classification.type == "sales" and self._size_in_doubt(lead, evidence):
            return "review", review.owner
        if action in ("route", "escalate") and classification.type == "sales":
            p_junk = sum(classification.probabilities.get(t, 0.0) for t in _JUNK_TYPES)
            if p_junk >= _JUNK_SAFETY_PROBABILITY:
                self._rule(evidence, "review.possible_junk",
                           f"would {action} to sales, but the model gives {p_junk:.2f} that this is spam or a pitch")
                return "review", review.owner
            if lead.enrichment.is_disposable:
                self._rule(evidence, "review.disposable_address",
                           "a sales enquiry from a disposable address: a person checks it first")
                return "review", review.owner
        if action in ("archive", "reply") and classification.type != "sales":
            p_sales = classification.probabilities.get("sales", 0.0)
            if p_sales >= _SALES_SAFETY_PROBABILITY:
                self._rule(evidence, "review.possible_sales",
                           f"would {action}, but the model gives {p_sales:.2f} that this is a sales enquiry")
                return "review", review.owner
        return action, owner
