"""The enrich step: what we know about the sender beyond the message (Lead -> EnrichedLead).

It adds the email domain's facts (free-mail, disposable, our own), the CRM account and contact,
earlier events of the stream, and website facts, then resolves the lead's fields with the CRM
first: an account's employees and name beat what the sender says.

The CRM account is matched in this order, and a wrong account is worse than none:

1. the sender's address is a CRM contact -> that contact's account (``contact``);
2. the sender's company domain, or the stated website's, is an account's domain (``domain``, ``website``);
3. the company name (form, extraction, signature), exact after normalising, then fuzzy
   (``name``, ``fuzzy-name``); a fuzzy match from an unrelated company domain is refused;
4. the same brand on another suffix ("acme.de" for an account on "acme.com") (``domain``).

Our own company is never an account. A sender on our own domain is an employee and gets no
account, unless the message is an intro they forwarded (then the forwarded person is the sender).

History is read only: the runner records each event after its decision
(``history.record(event_id=..., email=..., account_id=..., received_at=...)``).
"""

from __future__ import annotations

import logging

from rapidfuzz import fuzz

from leadrelay.pipeline import domains
from leadrelay.pipeline.crm import CrmIndex, company_tokens
from leadrelay.pipeline.domains import DomainFacts, OwnDomains, domain_facts, domain_from_url, email_domain
from leadrelay.pipeline.history import EventHistory
from leadrelay.pipeline.records import (
    CrmAccount,
    CrmContact,
    EnrichedLead,
    Enrichment,
    Evidence,
    Fields,
    Lead,
    advance,
)
from leadrelay.pipeline.website import OfflineWebsiteEnricher, WebsiteEnricher
from leadrelay.workspace import Workspace

__all__ = ["EnrichStep"]

log = logging.getLogger(__name__)

# Sites people give as "website" that say nothing about which company they work for.
_NOT_A_COMPANY_SITE = frozenset({
    "linkedin.com", "facebook.com", "twitter.com", "x.com", "instagram.com", "github.com", "gitlab.com",
    "medium.com", "youtube.com", "google.com", "about.me", "substack.com", "notion.site", "wixsite.com",
    "squarespace.com", "wordpress.com", "blogspot.com", "tiktok.com", "bit.ly", "linktr.ee",
})
_FACTS_CACHE_MAX = 100_000
_LABEL_MATCH_SCORE = 0.9
_WEBSITE_MATCH_SCORE = 0.95
_BRAND_RATIO = 85  # a domain label this close to an account's name or domain is the same brand


class EnrichStep:
    """Adds domain facts, the CRM account and contact, history and website facts to a lead.

    Args:
        workspace: the workspace (own domains, CRM).
        crm: a prebuilt index; built from the workspace in `warm_up` otherwise.
        history: earlier events of the stream, read only; none means no history.
        website: the website enricher; the offline default never touches the network.
    """

    name = "enrich"

    def __init__(self, workspace: Workspace, *, crm: CrmIndex | None = None,
                 history: EventHistory | None = None, website: WebsiteEnricher | None = None) -> None:
        self._workspace = workspace
        self._crm = crm
        self._history = history
        self._website: WebsiteEnricher = website if website is not None else OfflineWebsiteEnricher()
        self._own = OwnDomains(workspace.own_domains)
        self._facts: dict[str | None, DomainFacts] = {}  # per sender host: senders repeat their domains
        self._accounts_file = workspace.config.crm.accounts
        self._contacts_file = workspace.config.crm.contacts

    @property
    def crm(self) -> CrmIndex:
        """The CRM index, built on first use when `warm_up` was not called."""
        if self._crm is None:
            ws = self._workspace
            self._crm = CrmIndex(ws.accounts, ws.contacts, own_domains=ws.own_domains,
                                 own_names=[ws.config.company.name])
        return self._crm

    def warm_up(self) -> None:
        """Build the CRM index and load the public-suffix list."""
        domains.warm_up()
        _ = self.crm

    def run(self, lead: Lead) -> EnrichedLead:
        """Enrich `lead`.

        Args:
            lead: the extracted lead.

        Returns:
            The lead with its `enrichment`, fields resolved with CRM precedence, and the evidence.
        """
        message = lead.message
        sender = message.sender_email
        facts = self._domain_facts(email_domain(sender))
        evidence: list[Evidence] = []
        self._domain_evidence(facts, evidence)
        site = self._website_domain(lead.website)
        is_intro = message.source == "referral" or bool(message.referrer_email)

        contact: CrmContact | None = None
        account: CrmAccount | None = None
        how: str | None = None
        score: float | None = None
        if facts.is_own_domain and not is_intro:
            evidence.append(Evidence(kind="enrichment", step=self.name, source=f"email:{facts.registrable}",
                                     detail="the sender is one of our own people; no CRM account"))
        else:
            if not facts.is_own_domain:
                contact = self.crm.by_email(sender)
            account, how, score = self._match(lead, facts, site, contact, evidence)

        earlier = None
        if self._history is not None and not (facts.is_own_domain and not is_intro):
            earlier = self._history.person(email=sender, name=message.sender_name)
        if account is None and earlier is not None and earlier.account_id:
            account = self.crm.account(earlier.account_id)
            if account is not None:
                how, score = "history", 1.0
                evidence.append(Evidence(kind="history", step=self.name, source=f"event:{earlier.event_id}",
                                         detail=f"the same person wrote before (event {earlier.event_id}), "
                                                f"matched to {account.name}"))

        fields = lead.fields
        updates: dict[str, object] = {}
        stated_size: int | None = None
        if account is not None:
            # The CRM comes first (README: size from the CRM, then what the sender says); one evidence
            # line lists every field it changed, with what the message said.
            changes: list[str] = []
            if account.employees is not None and fields.team_size != account.employees:
                said = f" (the message said {fields.team_size})" if fields.team_size is not None else ""
                updates["team_size"] = account.employees
                stated_size = fields.team_size
                changes.append(f"team size {account.employees}{said}")
            if fields.company != account.name:
                said = f" (the message said {fields.company!r})" if fields.company else ""
                updates["company"] = account.name
                changes.append(f"company {account.name!r}{said}")
            if not fields.country and account.country:
                updates["country"] = account.country
                changes.append(f"country {account.country}")
            if changes:
                evidence.append(Evidence(kind="enrichment", step=self.name,
                                         source=f"{self._accounts_file}#{account.account_id}",
                                         detail="from the CRM: " + "; ".join(changes)))
        elif not fields.company:
            guess = facts.company_guess
            origin = f"email:{facts.registrable}"
            if not guess and site:
                guess, origin = domains.company_from_domain(site), f"website:{site}"
            if guess:
                updates["company"] = guess
                evidence.append(Evidence(kind="enrichment", step=self.name, source=origin,
                                         detail=f"company {guess!r} guessed from the domain"))
        if earlier is not None and earlier.fields is not None:
            # What an earlier message of this person said fills what this one leaves out.
            known = earlier.fields
            filled = []
            for name in ("company", "team_size", "country"):
                if getattr(fields, name) is None and name not in updates and getattr(known, name) is not None:
                    updates[name] = getattr(known, name)
                    filled.append(f"{name.replace('_', ' ')} {getattr(known, name)}")
            if filled:
                evidence.append(Evidence(kind="history", step=self.name, source=f"event:{earlier.event_id}",
                                         detail="from the same person's earlier message: " + "; ".join(filled)))
        if updates:
            fields = Fields(**{**fields.__dict__, **updates})

        history: tuple[str, ...] = ()
        if self._history is not None:
            history = self._history.lookup(email=sender, account_id=account.account_id if account else None)
            if history:
                evidence.append(Evidence(
                    kind="history", step=self.name, source=f"event:{history[-1]}",
                    detail=f"{len(history)} earlier event(s) from this sender or account"))

        enrichment = Enrichment(
            email_domain=facts.registrable or facts.domain,
            is_free_mail=facts.is_free_mail,
            is_disposable=facts.is_disposable,
            is_own_domain=facts.is_own_domain,
            company_from_domain=facts.company_guess,
            account=account,
            account_match=how,
            account_match_score=score,
            contact=contact,
            history=history,
            account_owner=account.owner_email if account else None,
            stated_team_size=stated_size,
            website_facts=self._website_facts(facts, site),
        )
        return advance(lead, EnrichedLead, fields=fields, evidence=(*lead.evidence, *evidence), enrichment=enrichment)

    # -- matching ---------------------------------------------------------------------------------

    def _match(self, lead: Lead, facts: DomainFacts, site: str | None, contact: CrmContact | None,
               evidence: list[Evidence]) -> tuple[CrmAccount | None, str | None, float | None]:
        crm = self.crm
        if contact is not None:
            account = crm.account(contact.account_id)
            evidence.append(Evidence(
                kind="enrichment", step=self.name, source=f"{self._contacts_file}#{contact.contact_id}",
                detail=f"the sender is CRM contact {contact.name or contact.contact_id}"))
            if account is not None:
                return self._found(account, "contact", 1.0, "the sender's CRM contact record", evidence)
        if facts.is_company:
            account = crm.by_domain(facts.domain)
            if account is not None:
                return self._found(account, "domain", 1.0, f"email domain {facts.registrable}", evidence)
        if site:
            account = crm.by_domain(site)
            if account is not None:
                return self._found(account, "website", _WEBSITE_MATCH_SCORE, f"website {site}", evidence)
        names = self._stated_names(lead)
        for name in names:
            match = crm.match_name(name)
            if match is None:
                continue
            fuzzy = match.kind == "fuzzy-name"
            if fuzzy and facts.is_company and not _same_brand(facts.domain, match.account):
                continue  # a near-miss name from another company's domain is likely another company
            return self._found(match.account, match.kind, match.score, f"company name {name!r}", evidence)
        if facts.is_company and not lead.message.auth_failures:
            account = crm.by_domain_label(facts.domain)
            if account is not None and not any(_contradicts(n, facts.domain) for n in names):
                return self._found(account, "domain", _LABEL_MATCH_SCORE,
                                   f"email domain {facts.registrable} (same name as the account's)", evidence)
        return None, None, None

    def _found(self, account: CrmAccount, how: str, score: float, why: str,
               evidence: list[Evidence]) -> tuple[CrmAccount, str, float]:
        evidence.append(Evidence(
            kind="enrichment", step=self.name, source=f"{self._accounts_file}#{account.account_id}",
            detail=f"CRM account {account.name} ({account.status or 'no status'}) matched by {why}"
                   f" [{how}, {score:.2f}]"))
        return account, how, score

    @staticmethod
    def _stated_names(lead: Lead) -> list[str]:
        message = lead.message
        out: list[str] = []
        for name in (lead.fields.company, message.form.get("company"),
                     message.signature.company if message.signature else None):
            if name and name.strip() and name not in out:
                out.append(name.strip())
        return out

    # -- domains and website ----------------------------------------------------------------------

    def _domain_facts(self, host: str | None) -> DomainFacts:
        facts = self._facts.get(host)
        if facts is None:
            if len(self._facts) >= _FACTS_CACHE_MAX:
                self._facts.clear()
            facts = self._facts[host] = domain_facts(host, self._own)
        return facts

    def _website_domain(self, website: str | None) -> str | None:
        host = domain_from_url(website)
        if not host:
            return None
        reg = domains.registrable_domain(host)
        if (not reg or reg in _NOT_A_COMPANY_SITE or host in self._own or domains.is_free_mail(host)
                or domains.is_disposable(host)):
            return None
        return host

    def _domain_evidence(self, facts: DomainFacts, evidence: list[Evidence]) -> None:
        source = f"email:{facts.registrable}"
        if facts.is_disposable:
            evidence.append(Evidence(kind="enrichment", step=self.name, source=source,
                                     detail=f"{facts.registrable} is a disposable-address provider"))
        elif facts.is_free_mail:
            evidence.append(Evidence(kind="enrichment", step=self.name, source=source,
                                     detail=f"{facts.registrable} is a free-mail provider"))

    def _website_facts(self, facts: DomainFacts, site: str | None) -> dict[str, str]:
        domain = facts.registrable if facts.is_company else domains.registrable_domain(site)
        if not domain:
            return {}
        try:
            return dict(self._website.lookup(domain))
        except Exception:  # a custom enricher's failure must not fail the lead
            log.warning("website enricher failed", extra={"domain": domain}, exc_info=True)
            return {}


def _compact(text: str | None) -> str:
    return "".join(company_tokens(text))


def _same_brand(host: str | None, account: CrmAccount) -> bool:
    """Whether a sender's domain looks like the account's (its domain label or its name)."""
    label = _label(host)
    if not label:
        return False
    for other in (_label(account.domain), _compact(account.name)):
        if other and (label in other or other in label or fuzz.ratio(label, other) >= _BRAND_RATIO):
            return True
    return False


def _contradicts(name: str, host: str | None) -> bool:
    """A stated company name that has nothing in common with the sender's domain label."""
    label, compact = _label(host), _compact(name)
    if not label or not compact:
        return False
    return not (label in compact or compact in label or fuzz.ratio(label, compact) >= _BRAND_RATIO)


def _label(host: str | None) -> str | None:
    reg = domains.registrable_domain(domain_from_url(host)) if host else None
    return reg.split(".", 1)[0] if reg else None
