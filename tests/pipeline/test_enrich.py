from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from leadrelay.pipeline.crm import CrmIndex
from leadrelay.pipeline.enrich import EnrichStep
from leadrelay.pipeline.history import History
from leadrelay.pipeline.records import (
    CrmAccount,
    CrmContact,
    EnrichedLead,
    Event,
    Evidence,
    Fields,
    Lead,
    Message,
    Signature,
)
from leadrelay.workspace import Workspace


def _lead(email: str | None, *, company: str | None = None, team_size: int | None = None,
          country: str | None = None, website: str | None = None, source: str = "email",
          signature_company: str | None = None, referrer: str | None = None,
          auth_failures: tuple[str, ...] = (), event_id: str = "ev-1") -> Lead:
    event = Event(id=event_id, channel="email", from_email=email,
                  received_at=datetime(2026, 11, 2, tzinfo=UTC))
    message = Message(
        event=event, source=source, sender_email=email, referrer_email=referrer, auth_failures=auth_failures,
        signature=Signature(company=signature_company) if signature_company else None,
    )
    fields = Fields(company=company, team_size=team_size, country=country, source=source)
    return Lead(message=message, fields=fields, website=website,
                evidence=(Evidence(kind="text", step="extract", detail="kept"),))


@pytest.fixture(scope="module")
def step(cobalt: Workspace) -> EnrichStep:
    s = EnrichStep(cobalt)
    s.warm_up()
    return s


def _account_id(lead: EnrichedLead) -> str | None:
    return lead.enrichment.account.account_id if lead.enrichment.account else None


# -- CRM matching on the example workspace ----------------------------------------------------------

def test_company_domain_matches_the_account_and_the_crm_wins(step: EnrichStep) -> None:
    out = step.run(_lead("hiro@mail.crescentlogistics.de", company="Crescent Logistik", team_size=300))
    e = out.enrichment
    assert (_account_id(out), e.account_match, e.account_match_score) == ("ACC-1140", "domain", 1.0)
    assert (e.email_domain, e.is_free_mail, e.is_disposable, e.is_own_domain) == (
        "crescentlogistics.de", False, False, False)
    assert e.account_owner == "tom.fischer@cobaltdata.com"
    assert (out.fields.company, out.fields.team_size, out.fields.country) == ("Crescent Logistics", 827, "DE")
    details = [ev.detail for ev in out.evidence]
    assert details[0] == "kept"  # earlier evidence stays first
    assert details[-1] == ("from the CRM: team size 827 (the message said 300); "
                           "company 'Crescent Logistics' (the message said 'Crescent Logistik'); country DE")
    assert {ev.source for ev in out.evidence if ev.step == "enrich"} == {"crm_accounts.csv#ACC-1140"}


def test_stated_country_beats_the_crm_country(step: EnrichStep) -> None:
    out = step.run(_lead("hiro@crescentlogistics.de", country="AT"))
    assert out.fields.country == "AT"


def test_contact_email_matches_its_account(step: EnrichStep) -> None:
    out = step.run(_lead("Nadia.Lopez@vertexsystems.ai"))
    e = out.enrichment
    assert (_account_id(out), e.account_match) == ("ACC-1001", "contact")
    assert e.contact is not None and e.contact.contact_id == "CON-5001"
    assert any(ev.source == "crm_contacts.csv#CON-5001" for ev in out.evidence)


def test_free_mail_sender_is_matched_by_company_name(step: EnrichStep) -> None:
    out = step.run(_lead("someone@gmail.com", company="Crescent Logistics GmbH"))
    assert (_account_id(out), out.enrichment.account_match, out.enrichment.account_match_score) == (
        "ACC-1140", "name", 1.0)
    assert out.enrichment.is_free_mail and out.enrichment.company_from_domain is None
    fuzzy = step.run(_lead("someone@gmail.com", company="Crescnt Logistics"))
    assert (_account_id(fuzzy), fuzzy.enrichment.account_match) == ("ACC-1140", "fuzzy-name")
    assert fuzzy.fields.company == "Crescent Logistics"


def test_signature_company_is_used_when_extraction_found_none(step: EnrichStep) -> None:
    out = step.run(_lead("someone@outlook.com", signature_company="Iris Software Inc."))
    assert (_account_id(out), out.enrichment.account_match) == ("ACC-1058", "name")


def test_partial_or_different_names_match_nothing(step: EnrichStep) -> None:
    for company in ("Crescent", "Iris Consulting", "Cobalt Data", "Acme Widgets"):
        out = step.run(_lead("someone@gmail.com", company=company))
        assert out.enrichment.account is None, company
        assert out.fields.company == company


def test_fuzzy_name_from_an_unrelated_company_domain_is_refused(step: EnrichStep) -> None:
    out = step.run(_lead("jo@northwind-traders.com", company="Crescnt Logistics"))
    assert out.enrichment.account is None
    exact = step.run(_lead("jo@northwind-traders.com", company="Crescent Logistics"))
    assert _account_id(exact) == "ACC-1140"


def test_website_domain_matches(step: EnrichStep) -> None:
    out = step.run(_lead("jo@gmail.com", website="https://www.irissoftware.com/contact"))
    assert (_account_id(out), out.enrichment.account_match, out.enrichment.account_match_score) == (
        "ACC-1058", "website", 0.95)
    social = step.run(_lead("jo@gmail.com", website="https://linkedin.com/company/irissoftware"))
    assert social.enrichment.account is None


def test_same_brand_on_another_suffix(step: EnrichStep) -> None:
    out = step.run(_lead("jo@crescentlogistics.com"))
    assert (_account_id(out), out.enrichment.account_match, out.enrichment.account_match_score) == (
        "ACC-1140", "domain", 0.9)
    contradicted = step.run(_lead("jo@crescentlogistics.com", company="Harbor Shipping"))
    assert contradicted.enrichment.account is None
    spoofed = step.run(_lead("jo@crescentlogistics.com", auth_failures=("dmarc=fail",)))
    assert spoofed.enrichment.account is None


def test_own_domain_sender_gets_no_account_unless_it_is_an_intro(step: EnrichStep) -> None:
    out = step.run(_lead("hannah.park@cobaltdata.com", company="Crescent Logistics"))
    e = out.enrichment
    assert (e.is_own_domain, e.account, e.contact) == (True, None, None)
    assert any("our own people" in ev.detail for ev in out.evidence)
    intro = step.run(_lead("hannah.park@cobaltdata.com", company="Crescent Logistics", source="referral",
                           referrer="hannah.park@cobaltdata.com"))
    assert (_account_id(intro), intro.enrichment.account_match) == ("ACC-1140", "name")
    forwarded = step.run(_lead("hiro@crescentlogistics.de", source="referral",
                               referrer="hannah.park@cobaltdata.com"))
    assert (_account_id(forwarded), forwarded.enrichment.is_own_domain) == ("ACC-1140", False)


def test_unknown_company_domain_gives_a_company_guess(step: EnrichStep) -> None:
    out = step.run(_lead("ops@brightline-freight.com"))
    e = out.enrichment
    assert (e.account, e.company_from_domain) == (None, "Brightline Freight")
    assert out.fields.company == "Brightline Freight"
    assert any(ev.source == "email:brightline-freight.com" for ev in out.evidence)
    stated = step.run(_lead("ops@brightline-freight.com", company="Brightline Group"))
    assert stated.fields.company == "Brightline Group"  # what the sender says beats a guess
    from_site = step.run(_lead("jo@gmail.com", website="brightline-freight.com"))
    assert from_site.fields.company == "Brightline Freight"


def test_disposable_and_missing_addresses(step: EnrichStep) -> None:
    out = step.run(_lead("x@mailinator.com"))
    e = out.enrichment
    assert (e.is_disposable, e.is_free_mail, e.company_from_domain, e.account) == (True, False, None, None)
    assert out.fields.company is None
    for email in (None, "not an address", ""):
        empty = step.run(_lead(email))
        assert empty.enrichment.email_domain is None
        assert empty.enrichment.account is None
        assert empty.fields == _lead(email).fields


def test_runs_without_warm_up(cobalt: Workspace) -> None:
    out = EnrichStep(cobalt).run(_lead("hiro@crescentlogistics.de"))
    assert _account_id(out) == "ACC-1140"


# -- a synthetic workspace --------------------------------------------------------------------------

@pytest.fixture
def tiny(cobalt: Workspace) -> Workspace:
    accounts = [
        CrmAccount(account_id="T-1", name="Fabrikam Robotics", domain="fabrikam.example", employees=None,
                   country="FR", status="customer", owner_email="hannah.park@cobaltdata.com"),
        CrmAccount(account_id="T-2", name="Cobalt Data", domain="cobaltdata.com", employees=200),
    ]
    contacts = [CrmContact(contact_id="TC-1", account_id="T-1", email="founder.fabrikam@gmail.com"),
                CrmContact(contact_id="TC-2", account_id=None, email="loner@gmail.com")]
    return replace(cobalt, accounts=accounts, contacts=contacts)


def test_free_mail_contact_and_account_without_employees(tiny: Workspace) -> None:
    step = EnrichStep(tiny)
    out = step.run(_lead("Founder.Fabrikam@gmail.com", team_size=40))
    assert (_account_id(out), out.enrichment.account_match) == ("T-1", "contact")
    assert out.fields.team_size == 40  # the CRM does not know: keep what the sender said
    loner = step.run(_lead("loner@gmail.com", company="Fabrikam Robotics"))
    assert loner.enrichment.contact is not None and loner.enrichment.contact.contact_id == "TC-2"
    assert (_account_id(loner), loner.enrichment.account_match) == ("T-1", "name")


def test_our_own_company_is_never_an_account(tiny: Workspace) -> None:
    step = EnrichStep(tiny)
    out = step.run(_lead("someone@gmail.com", company="Cobalt Data"))
    assert out.enrichment.account is None
    intro = step.run(_lead("jo@cobaltdata.com", source="referral", referrer="jo@cobaltdata.com"))
    assert intro.enrichment.account is None


def test_history_lists_earlier_events_of_the_sender_and_the_account(cobalt: Workspace) -> None:
    history = History()
    step = EnrichStep(cobalt, history=history)
    first = step.run(_lead("hiro@crescentlogistics.de", event_id="a"))
    assert first.enrichment.history == ()
    history.record(event_id="a", email="hiro@crescentlogistics.de", account_id="ACC-1140", received_at=None)
    history.record(event_id="b", email="someone@gmail.com", account_id=None, received_at=None)
    colleague = step.run(_lead("lena@crescentlogistics.de", event_id="c"))
    assert colleague.enrichment.history == ("a",)
    assert any(ev.kind == "history" and ev.source == "event:a" for ev in colleague.evidence)
    same_person = step.run(_lead("someone@gmail.com", event_id="d"))
    assert same_person.enrichment.history == ("b",)


class _RecordingWebsite:
    def __init__(self, answer: dict[str, str] | Exception) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def lookup(self, domain: str) -> dict[str, str]:
        self.asked.append(domain)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_website_enricher_is_asked_only_about_company_domains(cobalt: Workspace) -> None:
    website = _RecordingWebsite({"name": "Brightline Freight", "size_hint": "120"})
    step = EnrichStep(cobalt, website=website)
    out = step.run(_lead("ops@mail.brightline-freight.com"))
    assert out.enrichment.website_facts == {"name": "Brightline Freight", "size_hint": "120"}
    step.run(_lead("jo@gmail.com"))
    step.run(_lead("jo@mailinator.com"))
    step.run(_lead("jo@cobaltdata.com"))
    step.run(_lead("jo@gmail.com", website="https://www.brightline-freight.co.uk/about"))
    assert website.asked == ["brightline-freight.com", "brightline-freight.co.uk"]


def test_a_failing_website_enricher_does_not_fail_the_lead(cobalt: Workspace) -> None:
    step = EnrichStep(cobalt, website=_RecordingWebsite(RuntimeError("boom")))
    out = step.run(_lead("ops@brightline-freight.com"))
    assert out.enrichment.website_facts == {}
    assert out.fields.company == "Brightline Freight"


def test_prebuilt_index_is_used(cobalt: Workspace) -> None:
    crm = CrmIndex([CrmAccount(account_id="Z-1", name="Zed", domain="zed.example")], [])
    out = EnrichStep(cobalt, crm=crm).run(_lead("a@zed.example"))
    assert _account_id(out) == "Z-1"
    assert EnrichStep(cobalt, crm=crm).crm is crm
