from __future__ import annotations

import random

import pytest

from leadrelay.pipeline.crm import CrmIndex, company_key, company_tokens, normalize_email
from leadrelay.pipeline.records import CrmAccount, CrmContact
from leadrelay.workspace import Workspace


def _acc(account_id: str, name: str, domain: str | None = None, **kw: object) -> CrmAccount:
    return CrmAccount(account_id=account_id, name=name, domain=domain, **kw)  # type: ignore[arg-type]


def _id(account: CrmAccount | None) -> str | None:
    return account.account_id if account else None


@pytest.fixture(scope="module")
def cobalt_index(cobalt: Workspace) -> CrmIndex:
    return CrmIndex(cobalt.accounts, cobalt.contacts, own_domains=cobalt.own_domains,
                    own_names=[cobalt.config.company.name])


# -- normalisation ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "key"), [
    ("Acme Software, Inc.", "acme software"),
    ("ACME SOFTWARE INC", "acme software"),
    ("Acme Software LLC", "acme software"),
    ("Acme Software Ltd.", "acme software"),
    ("Acme Software Limited", "acme software"),
    ("Acme Software GmbH", "acme software"),
    ("Acme Software GmbH & Co. KG", "acme software"),
    ("Acme Software AG", "acme software"),
    ("Acme Software SE", "acme software"),
    ("Acme Software S.A.", "acme software"),
    ("Acme Software SAS", "acme software"),
    ("Acme Software SARL", "acme software"),
    ("Acme Software S.p.A.", "acme software"),
    ("Acme Software S.r.l.", "acme software"),
    ("Acme Software B.V.", "acme software"),
    ("Acme Software N.V.", "acme software"),
    ("Acme Software Pty Ltd", "acme software"),
    ("Acme Software Corp.", "acme software"),
    ("Acme Software Co., Ltd.", "acme software"),
    ("Acme Software plc", "acme software"),
    ("Acme Software KK", "acme software"),
    ("株式会社アクメ", "アクメ"),
    ("Acme Software Oy", "acme software"),
    ("Acme Software AB", "acme software"),
    ("Acme Software ApS", "acme software"),
    ("Acme Software A/S", "acme software"),
    ("Acme Software AS", "acme software"),
    ("The Acme Company", "acme"),
    ("Smith & Jones", "smith jones"),
    ("Smith and Jones", "smith jones"),
    ("Société Générale d'Études", "societe generale detudes"),
    ("Müller-Lüdenscheidt Straßenbau", "muller ludenscheidt strassenbau"),
    ("Ørsted", "orsted"),
    ("Inc.", "inc"),  # a name that is only a legal form stays, rather than becoming nothing
    ("", ""),
    (None, ""),
])
def test_company_key(name: str | None, key: str) -> None:
    assert company_key(name) == key


def test_legal_forms_are_stripped_only_at_the_end() -> None:
    assert company_tokens("AB Volvo Trucks") == ("ab", "volvo", "trucks")
    assert company_tokens("Co Op Bank") == ("co", "op", "bank")


@pytest.mark.parametrize(("email", "key"), [
    ("Jo.Smith@Acme.COM", "jo.smith@acme.com"),
    ("jo+crm@acme.com", "jo@acme.com"),
    ("Jo <jo@acme.com>", "jo@acme.com"),
    ("jo@@acme.com", None),
    ("acme.com", None),
    ("@acme.com", None),
    ("", None),
    (None, None),
])
def test_normalize_email(email: str | None, key: str | None) -> None:
    assert normalize_email(email) == key


# -- the example workspace --------------------------------------------------------------------------

def test_by_email_finds_the_contact_whatever_the_case(cobalt_index: CrmIndex) -> None:
    contact = cobalt_index.by_email("Nadia.Lopez@VertexSystems.ai")
    assert contact is not None
    assert (contact.contact_id, contact.account_id) == ("CON-5001", "ACC-1001")
    assert cobalt_index.by_email("nobody@vertexsystems.ai") is None
    assert cobalt_index.by_email("not an email") is None
    assert cobalt_index.by_email(None) is None


def test_by_domain_exact_and_subdomains(cobalt_index: CrmIndex) -> None:
    assert _id(cobalt_index.by_domain("crescentlogistics.de")) == "ACC-1140"
    assert _id(cobalt_index.by_domain("mail.eu.crescentlogistics.de")) == "ACC-1140"
    assert _id(cobalt_index.by_domain("falconlogistics.co.uk")) == "ACC-1011"
    assert cobalt_index.by_domain("crescentlogistics.com") is None  # another suffix is another domain
    assert cobalt_index.by_domain("co.uk") is None
    assert cobalt_index.by_domain("cobaltdata.com") is None
    assert cobalt_index.by_domain("") is None


def test_by_name_exact_after_normalising(cobalt_index: CrmIndex) -> None:
    for name in ("Crescent Logistics", "crescent logistics gmbh", "CRESCENT LOGISTICS GmbH & Co. KG",
                 "Crescent Logistics Group", "Logistics Crescent", "CrescentLogistics"):
        found = cobalt_index.by_name(name)
        assert found is not None, name
        assert found[0].account_id == "ACC-1140", name
    assert cobalt_index.by_name("Crescent Logistics") == (cobalt_index.account("ACC-1140"), 1.0)


def test_by_name_fuzzy_tolerates_one_typo_in_a_long_word(cobalt_index: CrmIndex) -> None:
    match = cobalt_index.match_name("Crescnt Logistics")
    assert match is not None
    assert (match.account.account_id, match.kind) == ("ACC-1140", "fuzzy-name")
    assert 0.88 <= match.score < 0.95


def test_by_name_refuses_partial_and_other_companies(cobalt_index: CrmIndex) -> None:
    for name in ("Crescent", "Logistics", "Crescent Analytics Partners", "Iris Consulting",
                 "Iris Health Partners", "Kestrel", "Iris Sofware Consulting", "Cobalt Data",
                 "Cobalt Data Inc.", "a company that builds crescent shaped logistics robots for ports",
                 "", "   ", "Inc."):
        assert cobalt_index.by_name(name) is None, name


def test_short_words_need_an_exact_match(cobalt_index: CrmIndex) -> None:
    assert cobalt_index.by_name("Irus Software") is None  # "iris" is too short to allow a typo
    assert cobalt_index.by_name("Iris Softwares")[0].account_id == "ACC-1058"  # type: ignore[index]


def test_by_domain_label_same_brand_other_suffix(cobalt_index: CrmIndex) -> None:
    assert _id(cobalt_index.by_domain_label("crescentlogistics.com")) == "ACC-1140"
    assert _id(cobalt_index.by_domain_label("irissoftware.de")) == "ACC-1058"
    assert cobalt_index.by_domain_label("gmail.com") is None
    assert cobalt_index.by_domain_label("crescent.com") is None


# -- refusing to guess ------------------------------------------------------------------------------

def test_ambiguous_keys_match_nothing() -> None:
    index = CrmIndex([
        _acc("A1", "Northwind Traders", "northwind.com"),
        _acc("A2", "Northwind Traders", "northwind-traders.de"),
        _acc("A3", "Contoso", "contoso.com"),
        _acc("A4", "Contoso Retail", "contoso.com"),
    ], [])
    assert index.by_name("Northwind Traders") is None
    assert index.by_domain("contoso.com") is None
    assert index.by_name("Contoso")[0].account_id == "A3"  # type: ignore[index]


def test_free_mail_account_domains_and_our_own_company_are_never_matched() -> None:
    index = CrmIndex(
        [_acc("A1", "Jo Freelance", "gmail.com"), _acc("A2", "Cobalt Data", "cobaltdata.com"),
         _acc("A3", "Cobalt Data Ltd", "cobalt-data.co.uk"), _acc("A4", "Fabrikam", "fabrikam.com")],
        [CrmContact(contact_id="C1", account_id="A2", email="me@cobaltdata.com"),
         CrmContact(contact_id="C2", account_id="A4", email="Jo+x@Fabrikam.com")],
        own_domains=["cobaltdata.com"], own_names=["Cobalt Data"],
    )
    assert index.by_domain("gmail.com") is None
    assert index.by_name("Jo Freelance")[0].account_id == "A1"  # type: ignore[index]
    assert index.by_name("Cobalt Data") is None
    assert index.account("A2") is None and index.account("A3") is None
    assert index.by_email("me@cobaltdata.com") is None
    assert index.by_email("jo@fabrikam.com").contact_id == "C2"  # type: ignore[union-attr]
    assert len(index) == 2


def test_one_email_on_two_contacts_keeps_the_most_recent() -> None:
    index = CrmIndex([_acc("A1", "Old Co", "old.com"), _acc("A2", "New Co", "new.com")], [
        CrmContact(contact_id="C1", account_id="A1", email="jo@x.com", last_activity="2025-01-01"),
        CrmContact(contact_id="C2", account_id="A2", email="jo@x.com", last_activity="2026-03-01"),
        CrmContact(contact_id="C3", account_id="A1", email=None),
    ])
    assert index.by_email("jo@x.com").contact_id == "C2"  # type: ignore[union-attr]


def test_fuzzy_needs_a_clear_winner() -> None:
    index = CrmIndex([_acc("A1", "Brightwater Analytics"), _acc("A2", "Brightwaters Analytic")], [])
    # Both are one plural away from the query: refuse rather than pick one.
    assert index.match_name("Brightwater Analytic") is None


# -- fuzzy precision on a synthetic CRM -------------------------------------------------------------

_BRANDS = ["Aurora", "Basalt", "Cinder", "Dynamo", "Fathom", "Garnet", "Helix", "Indigo", "Jetty",
           "Kinetic", "Lantern", "Monsoon", "Nebula", "Obsidian", "Paragon", "Quasar", "Rampart", "Solstice"]
_INDUSTRIES = ["Analytics", "Logistics", "Software", "Health", "Media", "Foods", "Robotics", "Travel",
               "Insurance", "Energy"]
_SUFFIXES = ["Inc.", "GmbH", "S.A.", "Pty Ltd", "LLC", "B.V.", "S.p.A.", "Oy", "plc", "Ltd"]
_ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü"}


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "sub"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("xqzk") + word[i + 1 :]


def _synthetic_crm(rng: random.Random) -> tuple[CrmIndex, list[CrmAccount], set[str]]:
    pairs = [(b, i) for b in _BRANDS for i in _INDUSTRIES]
    rng.shuffle(pairs)
    kept = pairs[: len(pairs) // 2]  # half the combinations exist: the other half are look-alike strangers
    accounts = [_acc(f"S-{n}", f"{b} {i}") for n, (b, i) in enumerate(kept)]
    return CrmIndex(accounts, []), accounts, {f"{b} {i}" for b, i in pairs[len(pairs) // 2 :]}


def _variants(name: str, rng: random.Random) -> list[str]:
    brand, industry = name.split()
    long_words = [w for w in (brand, industry) if len(w) >= 5]
    typo_word = rng.choice(long_words)
    return [
        f"{name} {rng.choice(_SUFFIXES)}",
        name.upper(),
        f"{industry} {brand}",
        name.replace(typo_word, _typo(typo_word, rng)),
        "".join(_ACCENTED.get(c, c) for c in name),
        f"{name} Group",
    ]


def fuzzy_precision_recall(seed: int = 7) -> tuple[float, float, int, int]:
    """Precision and recall of `by_name` on variants of known names and on look-alike strangers."""
    rng = random.Random(seed)
    index, accounts, strangers = _synthetic_crm(rng)
    right = wrong = missed = 0
    for account in accounts:
        for query in _variants(account.name, rng):
            found = index.by_name(query)
            if found is None:
                missed += 1
            elif found[0].account_id == account.account_id:
                right += 1
            else:
                wrong += 1
    stranger_queries = [*strangers, *(f"{s} Inc." for s in strangers), *(b for b in _BRANDS),
                        *(f"{b} Consulting" for b in _BRANDS)]
    for query in stranger_queries:
        if index.by_name(query) is not None:
            wrong += 1
    precision = right / (right + wrong) if right + wrong else 1.0
    recall = right / (right + missed)
    return precision, recall, right + missed, len(stranger_queries)


def test_fuzzy_precision_on_synthetic_variants_and_strangers() -> None:
    precision, recall, positives, negatives = fuzzy_precision_recall()
    assert positives == 90 * 6 and negatives == 90 * 2 + 36
    assert precision == 1.0
    assert recall >= 0.95


@pytest.mark.slow
def test_name_lookup_on_100k_accounts() -> None:
    rng = random.Random(3)
    syllables = ["ka", "lo", "mir", "ven", "tor", "sa", "bel", "dri", "no", "quin", "ra", "zel", "pho", "gan"]
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(20_000)]
    accounts = [_acc(f"X-{n}", f"{rng.choice(words).capitalize()} {rng.choice(_INDUSTRIES)}", f"x{n}.com")
                for n in range(100_000)]
    index = CrmIndex(accounts, [])
    queries = [a.name for a in accounts[:300]] + [_typo(a.name, rng) for a in accounts[300:600]]
    # Speed is measured by bench/, not here: this checks that blocking on 100k accounts never returns a
    # wrong account (many synthetic names repeat, and an ambiguous name rightly matches nothing).
    exact = [index.match_name(q) for q in queries[:300]]
    assert all(m is None or m.account.name == q for m, q in zip(exact, queries[:300], strict=True))
    assert sum(1 for m in exact if m is not None) >= 50
