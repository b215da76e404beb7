from __future__ import annotations

from typing import Any

import pytest

from leadrelay.backends.base import ExtractedFields, FieldExtractor
from leadrelay.errors import BackendError
from leadrelay.pipeline.extract import ExtractStep, LocalFieldExtractor, clean_company, is_gibberish, normalize_domain
from leadrelay.pipeline.records import Event, Fields, Lead, Message, Signature


@pytest.fixture(scope="module")
def extractor() -> LocalFieldExtractor:
    local = LocalFieldExtractor(own_names=["Cobalt Data", "Cobalt"], own_domains=["cobaltdata.com"])
    local.load()
    return local


def make(text: str = "", *, source: str = "email", form: dict[str, str] | None = None, **extra: Any) -> Message:
    channel = source if source in ("web_form", "demo_request", "linkedin", "support_ticket", "chat") else "email"
    return Message(event=Event(id="ev-1", channel=channel), source=source, text=text, form=form or {}, **extra)


def fields(extractor: LocalFieldExtractor, message: Message) -> Fields:
    return extractor.extract(message).fields


def sources(result: ExtractedFields) -> list[str | None]:
    return [e.source for e in result.evidence]


# --- per language -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "company", "role", "size", "country"),
    [
        ("Hi, I'm the Head of Data at Northwind Traders. We're about 300 people based in Munich. "
         "We need to sync Salesforce and NetSuite into Snowflake.", "Northwind Traders", "Head of Data", 300, "DE"),
        ("Hallo, ich bin Leiterin BI bei der Müller Logistik GmbH. Wir haben rund 1.200 Mitarbeiter, mit Sitz in "
         "Köln, und suchen eine Lösung für SAP-Daten in BigQuery.", "Müller Logistik GmbH", "Leiterin BI", 1200, "DE"),
        ("Bonjour, je suis directeur des données chez Acmé Distribution. Nous sommes 300 salariés, basés à Lyon. "
         "Nous cherchons un outil ETL vers Snowflake.", "Acmé Distribution", "directeur des données", 300, "FR"),
        ("Hola, soy responsable de datos en Grupo Terra. Somos 400 empleados con sede en Madrid y buscamos "
         "replicar Oracle a BigQuery.", "Grupo Terra", "responsable de datos", 400, "ES"),
        ("Olá, sou diretor de dados na Alfa Varejo. Temos 250 funcionários, com sede em São Paulo. Precisamos "
         "integrar dados do SAP no Snowflake.", "Alfa Varejo", "diretor de dados", 250, "BR"),
        ("Hoi, ik ben hoofd data bij Vanderberg Installatie. We hebben 150 medewerkers en zijn gevestigd in "
         "Utrecht. We zoeken een datapipeline naar Snowflake.", "Vanderberg Installatie", "hoofd data", 150, "NL"),
        ("Buongiorno, sono il responsabile IT presso Rossi Meccanica S.p.A. Abbiamo 200 dipendenti, con sede a "
         "Milano. Cerchiamo una soluzione ETL.", "Rossi Meccanica S.p.A.", "responsabile IT", 200, "IT"),
        ("はじめまして。株式会社サクラ物流の情報システム部長の田中です。従業員数は約300名で、東京に本社があります。"
         "SalesforceのデータをBigQueryに連携したいと考えています。",
         "株式会社サクラ物流", "情報システム部長", 300, "JP"),
    ],
)
def test_fields_from_text_in_each_language(extractor: LocalFieldExtractor, text: str, company: str, role: str,
                                           size: int, country: str) -> None:
    result = fields(extractor, make(text))
    assert (result.company, result.role, result.team_size, result.country) == (company, role, size, country)
    assert result.use_case
    assert len(result.use_case) <= 140
    assert result.source == "email"


def test_use_case_is_the_sentence_about_the_ask(extractor: LocalFieldExtractor) -> None:
    text = "Hi team,\nHope you are well. We want to replicate Postgres and HubSpot into BigQuery.\nThanks, Jo"
    assert fields(extractor, make(text)).use_case == "We want to replicate Postgres and HubSpot into BigQuery."


def test_long_use_case_is_shortened_at_a_word(extractor: LocalFieldExtractor) -> None:
    text = "We need pipelines from " + ", ".join(f"Postgres shard {i}" for i in range(40)) + " into Snowflake."
    use_case = fields(extractor, make(text)).use_case
    assert use_case is not None
    assert len(use_case) <= 140
    assert use_case.endswith("…")


def test_no_use_case_without_an_ask(extractor: LocalFieldExtractor) -> None:
    assert fields(extractor, make("pls send")).use_case is None


def test_chat_bot_lines_are_not_the_use_case(extractor: LocalFieldExtractor) -> None:
    text = ("[Bot] Hi! Cobalt syncs Salesforce into Snowflake in minutes. What brings you here?\n"
            "[Visitor] we want to move our MySQL orders data into BigQuery every hour")
    assert fields(extractor, make(text, source="chat")).use_case == (
        "We want to move our MySQL orders data into BigQuery every hour")


# --- form fields ----------------------------------------------------------------------------------------------

def test_form_fields_win(extractor: LocalFieldExtractor) -> None:
    form = {"company": "Blue Harbor Inc.", "job_title": "Data Engineer", "company_size": "201-500",
            "country": "Deutschland", "website": "https://www.blueharbor.de/about"}
    result = extractor.extract(make("We need CDC from Oracle.", source="web_form", form=form))
    assert result.fields.model_dump() == {
        "company": "Blue Harbor Inc.", "role": "Data Engineer", "use_case": "We need CDC from Oracle.",
        "team_size": 350, "country": "DE", "source": "web_form"}
    assert result.website == "blueharbor.de"
    assert "form:company" in sources(result)


@pytest.mark.parametrize("junk", ["n/a", "-", "none", "Private", "self", "looking for a job", "dfgdfg", "asdf",
                                  "xcvxcv", "???", "test", "jo@gmail.com"])
def test_junk_form_company_is_ignored(extractor: LocalFieldExtractor, junk: str) -> None:
    assert fields(extractor, make("pricing please", source="web_form", form={"company": junk})).company is None


def test_junk_form_company_falls_back_to_the_signature(extractor: LocalFieldExtractor) -> None:
    message = make("Hello", source="web_form", form={"company": "n/a"},
                   signature=Signature(company="Kestrel Analytics Ltd.", title="Analytics Lead"))
    result = fields(extractor, message)
    assert (result.company, result.role) == ("Kestrel Analytics Ltd.", "Analytics Lead")


def test_bot_form_is_ignored_entirely(extractor: LocalFieldExtractor) -> None:
    form = {"company": "dfgdfgdfg", "job_title": "xcvxcv", "company_size": "1-10", "country": "Afghanistan",
            "phone": "3847562910", "website": "http://qpzlrmxo.xyz"}
    result = extractor.extract(make("KJHkjhs dkjfh 238947", source="web_form", form=form))
    assert result.fields == Fields(source="web_form")
    assert result.website is None
    assert sources(result) == ["rule:extract.junk-form"]


@pytest.mark.parametrize("junk", ["-", "n/a", "asdfgh", "x"])
def test_junk_role_is_ignored(extractor: LocalFieldExtractor, junk: str) -> None:
    assert fields(extractor, make("", source="web_form", form={"job_title": junk})).role is None


def test_localized_form_keys(extractor: LocalFieldExtractor) -> None:
    form = {"empresa": "Loja Azul Ltda.", "dimensao": "51-200", "pais": "Brasil", "telefone": "+55 11 5555 0100"}
    result = fields(extractor, make("", source="web_form", form=form))
    assert (result.company, result.team_size, result.country) == ("Loja Azul Ltda.", 125, "BR")


def test_linkedin_headline_gives_role_and_company(extractor: LocalFieldExtractor) -> None:
    form = {"headline": "Director, Data Engineering at Brightline Parcel | ex-Amazon",
            "location": "Austin, Texas, United States"}
    result = fields(extractor, make("quick q about reverse ETL into HubSpot", source="linkedin", form=form))
    assert (result.role, result.company, result.country) == ("Director, Data Engineering", "Brightline Parcel", "US")


def test_own_company_is_never_the_senders(extractor: LocalFieldExtractor) -> None:
    text = "Hi, I'm Dana from Cobalt. Here at Cobalt we love data."
    assert fields(extractor, make(text)).company is None


# --- company and role from text ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "company"),
    [
        ("We at Fernhill Foods want a trial.", "Fernhill Foods"),
        ("This is Sam from Orbit Logistics, we need ELT.", "Orbit Logistics"),
        ("I work for Kappa Retail Group and we evaluate tools.", "Kappa Retail Group"),
        ("Je travaille chez Lumière Énergie.", "Lumière Énergie"),
        ("Sono analista presso Banca Alpina.", "Banca Alpina"),
        ("I'm a data engineer at a fintech.", None),
        ("I'm from Lyon and curious.", None),
        ("We met at Big Data Expo? No company here, just curious.", None),
    ],
)
def test_company_from_text(extractor: LocalFieldExtractor, text: str, company: str | None) -> None:
    assert fields(extractor, make(text)).company == company


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("I'm the Head of BI at Fernhill Foods.", "Head of BI"),
        ("Writing as VP Engineering of a scale-up.", "VP Engineering"),
        ("Je suis directrice financière chez Lumière.", "directrice financière"),
        ("Soy gerente de sistemas en Grupo Sol.", "gerente de sistemas"),
        ("I'm the founder of Kappa Labs.", "founder"),
        ("I'm looking for a pipeline tool.", None),
    ],
)
def test_role_from_text(extractor: LocalFieldExtractor, text: str, role: str | None) -> None:
    assert fields(extractor, make(text)).role == role


def test_colleagues_intro_note(extractor: LocalFieldExtractor) -> None:
    note = "Meet Sam, VP Data at Orbital Freight — they're ~450 people, based in Toronto and evaluating Fivetran."
    result = fields(extractor, make("Intro below.", source="referral", forwarded_note=note))
    assert (result.company, result.role, result.team_size, result.country) == (
        "Orbital Freight", "VP Data", 450, "CA")
    assert result.source == "referral"


# --- company size ------------------------------------------------------------------------------------------

def test_specific_text_beats_form_dropdown(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("We're a company of 800 employees moving Postgres to Snowflake.",
                                    source="demo_request", form={"company_size": "51-200"}))
    assert result.fields.team_size == 800
    assert "rule:extract.size-conflict" in sources(result)


def test_form_beats_vague_text(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("We are a few hundred employees.", source="web_form",
                                    form={"company_size": "1001-5000"}))
    assert result.fields.team_size == 3000
    assert "rule:extract.size-conflict" in sources(result)


def test_team_size_is_not_company_size(extractor: LocalFieldExtractor) -> None:
    assert fields(extractor, make("My team of 6 analysts needs better ELT.")).team_size is None
    result = fields(extractor, make("My team of 6 analysts needs ELT.", source="web_form",
                                    form={"company_size": "201-500"}))
    assert result.team_size == 350


def test_agreeing_text_refines_the_form_range(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("We're 320 people.", source="web_form", form={"company_size": "201-500"}))
    assert result.fields.team_size == 320
    assert "rule:extract.size-conflict" not in sources(result)


# --- country -------------------------------------------------------------------------------------------------

def test_form_country_beats_phone_and_records_why(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("", source="web_form", form={"country": "Germany", "phone": "+44 20 7946 0958"}))
    assert result.fields.country == "DE"
    conflict = [e for e in result.evidence if e.source == "rule:extract.country-conflict"]
    assert len(conflict) == 1
    assert "GB" in conflict[0].detail


def test_dropdown_default_loses_to_concrete_source(extractor: LocalFieldExtractor) -> None:
    form = {"company": "Harbor Pay", "country": "Afghanistan", "phone": "+61 2 9555 0117"}
    assert fields(extractor, make("", source="web_form", form=form)).country == "AU"


def test_explicit_text_beats_phone_and_cctld(extractor: LocalFieldExtractor) -> None:
    message = make("We're based in Lyon. Call me on +44 7700 900123.", sender_email="jo@acme.de")
    assert fields(extractor, message).country == "FR"


def test_signature_address(extractor: LocalFieldExtractor) -> None:
    signature = Signature(company="Crescent Haulage GmbH", address="Am Sandtorkai 1 · 20457 Hamburg")
    assert fields(extractor, make("See below.", signature=signature, sender_email="a@crescent.com")).country == "DE"


def test_signature_text_line(extractor: LocalFieldExtractor) -> None:
    signature = Signature(text="Ana Ruiz\nCTO\nLumo Tech S.L.\nCalle Mayor 1, 28013 Madrid")
    assert fields(extractor, make("Thanks.", signature=signature)).country == "ES"


@pytest.mark.parametrize(
    ("kwargs", "country"),
    [
        ({"signature": Signature(phone="+33 1 23 45 67 89")}, "FR"),
        ({"form": {"phone": "+1 416 555 0199"}}, "CA"),
        ({"form": {"phone": "(302) 555-0140"}}, None),
        ({"sender_email": "jo@firma.de"}, "DE"),
        ({"sender_email": "jo@acme.co.uk"}, "GB"),
        ({"sender_email": "jo@startup.io"}, None),
        ({"sender_email": "jo@gmail.com"}, None),
        ({"form": {"visitor_location": "Leeds, United Kingdom"}}, "GB"),
    ],
)
def test_inferred_countries(extractor: LocalFieldExtractor, kwargs: dict[str, Any], country: str | None) -> None:
    assert fields(extractor, make("Hello there.", **kwargs)).country == country


def test_phone_beats_cctld(extractor: LocalFieldExtractor) -> None:
    message = make("Hello", sender_email="jo@firma.de", signature=Signature(phone="+41 44 555 01 00"))
    assert fields(extractor, message).country == "CH"


def test_city_mention_in_text(extractor: LocalFieldExtractor) -> None:
    assert fields(extractor, make("Our office in Rotterdam runs SAP.", sender_email="a@b.com")).country == "NL"


# --- website ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "domain"),
    [("https://www.shop.acme.co.uk/about?x=1", "acme.co.uk"), ("acme.com", "acme.com"), ("WWW.Acme.COM", "acme.com"),
     ("not a url", None), ("", None), ("http://localhost", None)],
)
def test_normalize_domain(value: str, domain: str | None, extractor: LocalFieldExtractor) -> None:
    assert normalize_domain(value, extractor._psl) == domain


def test_website_from_text_must_be_the_senders(extractor: LocalFieldExtractor) -> None:
    message = make("See https://docs.vendor.com/x and our site at https://kestrel.io/", sender_email="a@kestrel.io",
                   links=("https://app.cobaltdata.com/pipelines/1",))
    assert extractor.extract(message).website == "kestrel.io"
    other = make("See https://www.linkedin.com/in/someone and https://docs.vendor.com/x", sender_email="a@b.com")
    assert extractor.extract(other).website is None


def test_social_and_own_websites_are_ignored(extractor: LocalFieldExtractor) -> None:
    form = {"website": "https://linkedin.com/company/x"}
    assert extractor.extract(make("", source="web_form", form=form)).website is None
    form = {"website": "cobaltdata.com"}
    assert extractor.extract(make("", source="web_form", form=form)).website is None


# --- helpers and odd input ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "mashed"), [("dfgdfgdfg", True), ("xcvxcv", True), ("qpzlrmxo", True),
                                               ("KJHkjhs", True), ("IBM", False), ("Acme", False),
                                               ("Strengths Ltd", False), ("Schwarzschild", False)])
def test_is_gibberish(value: str, mashed: bool) -> None:
    assert is_gibberish(value) is mashed


def test_clean_company_keeps_legal_suffix() -> None:
    assert clean_company("  Acme   Inc. ") == "Acme Inc."
    assert clean_company("Acme Trading.") == "Acme Trading"
    assert clean_company("“Acme GmbH”,") == "Acme GmbH"


@pytest.mark.parametrize(
    "message",
    [
        make(""),
        make("", parse_error="could not parse the MIME structure"),
        make("x" * 200_000),
        make("\x00\x01 ☃ 🙈 " * 1000),
        make("+" * 5000 + "00" * 5000),
        make("I'm at " * 3000),
    ],
)
def test_odd_input_never_raises(extractor: LocalFieldExtractor, message: Message) -> None:
    result = extractor.extract(message)
    assert result.fields.source == "email"
    assert not any(e.source == "rule:extract.error" for e in result.evidence)


# --- the step -------------------------------------------------------------------------------------------------

class _FailingExtractor:
    name = "failing"

    def load(self) -> None:
        pass

    def extract(self, message: Message) -> ExtractedFields:
        raise BackendError("model answered nonsense")


class _NoSourceExtractor:
    name = "no-source"

    def load(self) -> None:
        pass

    def extract(self, message: Message) -> ExtractedFields:
        return ExtractedFields(fields=Fields(company="Acme"), website="acme.com")


def test_step_builds_the_lead(extractor: LocalFieldExtractor) -> None:
    step = ExtractStep(extractor)
    step.warm_up()
    message = make("I'm the CTO at Fernhill Foods.", sender_email="cto@fernhill.com")
    lead = step.run(message)
    assert isinstance(lead, Lead)
    assert lead.message is message
    assert (lead.fields.company, lead.fields.role, lead.fields.source) == ("Fernhill Foods", "CTO", "email")
    assert all(e.step == "extract" for e in lead.evidence)
    assert step.name == "extract"


def test_step_keeps_the_lead_when_the_backend_fails() -> None:
    failing: FieldExtractor = _FailingExtractor()
    lead = ExtractStep(failing).run(make("hello", source="chat"))
    assert lead.fields == Fields(source="chat")
    assert lead.evidence[0].source == "rule:extract.backend-error"


def test_step_fills_in_the_source() -> None:
    lead = ExtractStep(_NoSourceExtractor()).run(make("hello", source="linkedin"))
    assert (lead.fields.company, lead.fields.source, lead.website) == ("Acme", "linkedin", "acme.com")


def test_local_extractor_satisfies_the_protocol(extractor: LocalFieldExtractor) -> None:
    assert isinstance(extractor, FieldExtractor)
    assert extractor.name == "local-rules"


# --- new headcount phrasings against the form ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("Honestly we're 14 of us, moving Shopify orders into BigQuery.", 14),
        ("We're a three-person candle shop that wants Stripe data in a dashboard.", 3),
        ("Somos dos personas y queremos conectar Shopify con BigQuery.", 2),
        ("Wir sind drei Leute und brauchen eine Pipeline nach Snowflake.", 3),
        ("Nous sommes cinq salariés et cherchons un connecteur HubSpot.", 5),
    ],
)
def test_explicit_small_count_beats_a_big_dropdown(extractor: LocalFieldExtractor, text: str, size: int) -> None:
    result = extractor.extract(make(text, source="web_form", form={"company_size": "1000+"}))
    assert result.fields.team_size == size
    rules = [e for e in result.evidence if e.source == "rule:extract.size-conflict"]
    assert len(rules) == 1
    assert str(size) in rules[0].detail


def test_digit_count_beats_dropdown(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("There are 30 of us.", source="web_form", form={"company_size": "5000+"}))
    assert result.fields.team_size == 30
    assert "rule:extract.size-conflict" in sources(result)


def test_senders_team_does_not_override_the_form(extractor: LocalFieldExtractor) -> None:
    result = extractor.extract(make("My team of six analysts needs ELT.", source="web_form",
                                    form={"company_size": "1000+"}))
    assert result.fields.team_size == 1000
    assert "rule:extract.size-conflict" not in sources(result)


# --- country voting --------------------------------------------------------------------------------------------

def _vote(result: ExtractedFields) -> list[str]:
    return [e.detail for e in result.evidence if e.source == "rule:extract.country-vote"]


def test_two_agreeing_sources_beat_the_form(extractor: LocalFieldExtractor) -> None:
    message = make("We're based in Manchester and need HubSpot in Snowflake.", source="web_form",
                   form={"country": "United States", "phone": "+44 161 555 0100"})
    result = extractor.extract(message)
    assert result.fields.country == "GB"
    votes = _vote(result)
    assert len(votes) == 1
    assert "US" in votes[0]
    assert "phone" in votes[0]
    assert "text" in votes[0]


def test_statement_and_cctld_beat_the_form(extractor: LocalFieldExtractor) -> None:
    message = make("Looking for ELT help (UK only).", source="web_form", form={"country": "Germany"},
                   sender_email="jo@shop.co.uk")
    assert fields(extractor, message).country == "GB"


def test_one_lone_source_does_not_beat_the_form(extractor: LocalFieldExtractor) -> None:
    message = make("We're based in Manchester.", source="web_form", form={"country": "United States"})
    result = extractor.extract(message)
    assert result.fields.country == "US"
    assert _vote(result) == []


def test_phone_in_form_and_signature_count_once(extractor: LocalFieldExtractor) -> None:
    message = make("Hello", source="web_form", form={"country": "France", "phone": "+44 20 7946 0958"},
                   signature=Signature(phone="+44 20 7946 0000"))
    assert fields(extractor, message).country == "FR"


def test_disagreeing_contradictions_do_not_beat_the_form(extractor: LocalFieldExtractor) -> None:
    message = make("We're based in Lyon.", source="web_form", form={"country": "Germany", "phone": "+44 20 7946 0958"})
    assert fields(extractor, message).country == "DE"


def test_form_supported_by_a_source_holds_against_two(extractor: LocalFieldExtractor) -> None:
    message = make("We're based in Manchester.", source="web_form",
                   form={"country": "Germany", "phone": "+44 20 7946 0958", "website": "https://acme.de"},
                   sender_email="jo@acme.de")
    assert fields(extractor, message).country == "DE"


def test_signature_address_and_cctld_vote(extractor: LocalFieldExtractor) -> None:
    message = make("Thanks.", source="web_form", form={"country": "Spain"}, sender_email="a@firma.de",
                   signature=Signature(address="Am Sandtorkai 1 · 20457 Hamburg"))
    result = extractor.extract(message)
    assert result.fields.country == "DE"
    assert len(_vote(result)) == 1


def test_months_and_currencies_do_not_set_a_country(extractor: LocalFieldExtractor) -> None:
    message = make("Budget 30k USD, MAR-based kickoff, invoices in EUR.", sender_email="a@b.com")
    assert fields(extractor, message).country is None
