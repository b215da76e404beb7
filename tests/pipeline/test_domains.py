from __future__ import annotations

import pytest

from leadrelay.pipeline.domains import (
    OwnDomains,
    company_from_domain,
    domain_facts,
    domain_from_url,
    email_domain,
    is_disposable,
    is_free_mail,
    registrable_domain,
)


@pytest.mark.parametrize(("email", "domain"), [
    ("jo@acme.com", "acme.com"),
    ("Jo.Smith@Mail.ACME.co.uk", "mail.acme.co.uk"),
    ("Jo Smith <jo@acme.io>", "acme.io"),
    ("jo@acme.com.", "acme.com"),
    ("jo@münchen.de", "xn--mnchen-3ya.de"),
    ("not an address", None),
    ("@acme.com", None),
    ("jo@", None),
    ("jo@127.0.0.1", None),
    ("jo@localhost", None),
    ("jo bloggs@acme.com", None),
    ("", None),
    (None, None),
])
def test_email_domain(email: str | None, domain: str | None) -> None:
    assert email_domain(email) == domain


@pytest.mark.parametrize(("url", "domain"), [
    ("https://www.Acme.com/about?x=1", "acme.com"),
    ("acme.io", "acme.io"),
    ("www.acme.co.uk/path", "acme.co.uk"),
    ("http://shop.acme.de:8080/", "shop.acme.de"),
    ("jo@acme.com", "acme.com"),
    ("http://[::1]/", None),
    ("https://", None),
    ("not a url", None),
    (None, None),
])
def test_domain_from_url(url: str | None, domain: str | None) -> None:
    assert domain_from_url(url) == domain


@pytest.mark.parametrize(("host", "reg"), [
    ("a.b.falconlogistics.co.uk", "falconlogistics.co.uk"),
    ("mail.acme.com", "acme.com"),
    ("acme.com.br", "acme.com.br"),
    ("co.uk", None),
    ("com", None),
    ("", None),
    (None, None),
])
def test_registrable_domain_uses_the_bundled_suffix_list(host: str | None, reg: str | None) -> None:
    assert registrable_domain(host) == reg


def test_big_free_mail_providers_are_free_mail_and_never_disposable() -> None:
    for domain in ("gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.co.uk", "gmx.de",
                   "web.de", "icloud.com", "protonmail.com", "hey.com", "tutanota.com"):
        assert is_free_mail(domain), domain
        assert not is_disposable(domain), domain


def test_disposable_is_checked_before_free_mail() -> None:
    # mailinator.com and yopmail.com are on both package lists: disposable wins.
    for domain in ("mailinator.com", "yopmail.com", "10minutemail.co.za"):
        assert is_disposable(domain), domain
        assert not is_free_mail(domain), domain


def test_subdomains_of_providers_count() -> None:
    assert is_disposable("sub.mailinator.com")
    assert is_free_mail("eu.gmail.com")


def test_company_domains_are_neither() -> None:
    assert not is_free_mail("acme-freight.com")
    assert not is_disposable("acme-freight.com")
    assert not is_free_mail(None)
    assert not is_disposable("")


@pytest.mark.parametrize(("domain", "name"), [
    ("brightline-freight.com", "Brightline Freight"),
    ("mail.brightline-freight.co.uk", "Brightline Freight"),
    ("irissoftware.com", "Iris Software"),
    ("acme-inc.com", "Acme"),
    ("acmehq.com", "Acme"),
    ("ibm.com", "IBM"),
    ("radio.com", "Radio"),
    ("xn--mnchen-3ya.de", "München"),
    ("gmail.com", None),
    ("mailinator.com", None),
    ("1234.com", None),
    ("co.uk", None),
    (None, None),
])
def test_company_from_domain(domain: str | None, name: str | None) -> None:
    assert company_from_domain(domain) == name


def test_own_domains_include_subdomains_but_not_lookalikes() -> None:
    own = OwnDomains(["CobaltData.com "])
    assert "cobaltdata.com" in own
    assert "eu.cobaltdata.com" in own
    assert "cobaltdata.co" not in own
    assert "notcobaltdata.com" not in own
    assert None not in own
    assert bool(own)
    assert not OwnDomains([])


def test_domain_facts() -> None:
    own = OwnDomains(["cobaltdata.com"])
    company = domain_facts("mail.brightline-freight.com", own)
    assert (company.registrable, company.is_company, company.company_guess) == (
        "brightline-freight.com", True, "Brightline Freight")
    free = domain_facts("gmail.com", own)
    assert (free.is_free_mail, free.is_disposable, free.is_company) == (True, False, False)
    assert free.company_guess is None
    throwaway = domain_facts("mailinator.com", own)
    assert (throwaway.is_free_mail, throwaway.is_disposable, throwaway.is_company) == (False, True, False)
    mine = domain_facts("cobaltdata.com", own)
    assert (mine.is_own_domain, mine.is_company, mine.company_guess) == (True, False, None)
    nothing = domain_facts(None, own)
    assert (nothing.domain, nothing.registrable, nothing.is_company) == (None, None, False)


def test_own_domains_agree_with_a_look_up_of_every_parent() -> None:
    import random

    def by_parents(domains: list[str], host: str) -> bool:
        own = {d.strip().lower().strip(".") for d in domains if d.strip()}
        parts = host.lower().split(".")
        return any(".".join(parts[i:]) in own for i in range(len(parts) - 1))

    rng = random.Random(3)
    labels = ["acme", "com", "co", "uk", "", "eu", "ACME", "io"]
    for domains in (["acme.com"], ["acme.co.uk", "acme.io"], ["com"], ["Acme.COM."], ["acme..com"]):
        own = OwnDomains(domains)
        for _ in range(500):
            host = ".".join(rng.choice(labels) for _ in range(rng.randint(1, 5)))
            assert (host in own) == by_parents(domains, host), (domains, host)
