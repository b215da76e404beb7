from __future__ import annotations

import pytest

from leadrelay.pipeline import geo


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Germany", "DE"), ("Deutschland", "DE"), ("Allemagne", "DE"), ("Alemania", "DE"), ("Alemanha", "DE"),
        ("Duitsland", "DE"), ("Germania", "DE"), ("ドイツ", "DE"), ("DE", "DE"), ("deu", "DE"),
        ("UK", "GB"), ("U.K.", "GB"), ("England", "GB"), ("Royaume-Uni", "GB"), ("Reino Unido", "GB"),
        ("U.S.", "US"), ("USA", "US"), ("United States", "US"), ("États-Unis", "US"), ("Etats-Unis", "US"),
        ("Vereinigte Staaten", "US"), ("米国", "US"), ("Brasil", "BR"), ("España", "ES"), ("Nederland", "NL"),
        ("the Netherlands", "NL"), ("Schweiz", "CH"), ("Österreich", "AT"), ("Korea, Republic of", "KR"),
        ("South Korea", "KR"), ("Türkiye", "TR"), ("  india  ", "IN"), ("日本", "JP"),
    ],
)
def test_country_names_in_many_languages(text: str, code: str) -> None:
    assert geo.country_code(text) == code


@pytest.mark.parametrize("text", ["", "Atlantis", "Acme Corp", "x" * 500])
def test_unknown_country_names_give_none(text: str) -> None:
    assert geo.country_code(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("München", "DE"), ("Munich", "DE"), ("Lyon", "FR"), ("São Paulo", "BR"), ("Sao Paulo", "BR"),
        ("東京", "JP"), ("Den Haag", "NL"), ("Zürich", "CH"), ("Milano", "IT"), ("Toronto", "CA"),
    ],
)
def test_cities(text: str, code: str) -> None:
    assert geo.city_country(text) == code


def test_ambiguous_cities_are_left_out() -> None:
    assert geo.city_country("Cambridge") is None
    assert geo.city_country("Victoria") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Chicago, Illinois, United States", "US"), ("Leeds, United Kingdom", "GB"), ("Irvine, CA", "US"),
        ("Austin, TX 78701", "US"), ("Toronto, ON", "CA"), ("Berlin, DE", "DE"), ("Somewhere, UK", "GB"),
        ("Am Sandtorkai 41 · 20457 Hamburg", "DE"), ("75008 Paris", "FR"), ("1017 AB Amsterdam", "NL"),
        ("10 Downing Street, London SW1A 2AA", "GB"), ("Calle Mayor 1, 28013 Madrid", "ES"),
        ("Greater Boston", "US"), ("Smalltown, CA 94000", "US"),
    ],
)
def test_place_descriptions(text: str, code: str) -> None:
    assert geo.place_country(text) == code


def test_place_without_known_parts() -> None:
    assert geo.place_country("Main Street, Springfield") is None
    assert geo.place_country("") is None


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("London SW1A 2AA", "GB"), ("Ottawa ON K1A 0B6", "CA"), ("Keizersgracht 1, 1015 CS Amsterdam", "NL"),
        ("123 Main St, Springfield, IL 62701", "US"), ("〒100-0001 東京都千代田区", "JP"),
        ("Rua Augusta 1, 1100-053 Lisboa", "PT"), ("D-80331 München", "DE"), ("Hauptstraße 5", None),
    ],
)
def test_postcode_formats(address: str, code: str | None) -> None:
    assert geo.postcode_country(address) == code


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("+49 30 1234567", "DE"), ("+44 20 7946 0958", "GB"), ("0044 20 7946 0958", "GB"),
        ("+1 (302) 555-0140", "US"), ("+1 416 555 0199", "CA"), ("+33 (0)1 23 45 67 89", "FR"),
        ("+61 2 9555 0117", "AU"), ("+351 21 555 0101", "PT"), ("+353 1 555 0100", "IE"),
        ("+7 777 123 4567", "KZ"), ("+7 999 000 11 22", "RU"), ("+81 3-1234-5678", "JP"),
    ],
)
def test_phone_prefixes(phone: str, code: str) -> None:
    assert geo.phone_country(phone) == code


@pytest.mark.parametrize("phone", ["3847562910", "(302) 555-0140", "030 1234567", "+12", "", "call me"])
def test_numbers_without_a_prefix_are_ambiguous(phone: str) -> None:
    assert geo.phone_country(phone) is None


def test_phone_numbers_inside_free_text() -> None:
    found = geo.phone_countries_in_text("Call +44 7700 900123 or +49 (0) 89 1234 5678, not 10:00.")
    assert [code for code, _ in found] == ["GB", "DE"]
    assert found[0][1] == "+44 7700 900123"


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("a@firma.de", "DE"), ("a@acme.co.uk", "GB"), ("a@loja.com.br", "BR"), ("a@bedrijf.nl", "NL"),
        ("a@kaisha.co.jp", "JP"), ("a@uni.edu", "US"), ("a@startup.io", None), ("a@startup.ai", None),
        ("a@brand.co", None), ("a@acme.com", None), ("a@x.tv", None), ("not-an-email", None),
    ],
)
def test_email_cctlds(email: str, code: str | None) -> None:
    assert geo.email_country(email) == code


@pytest.mark.parametrize(
    ("text", "code", "explicit"),
    [
        ("We are based in Munich and run SAP.", "DE", True),
        ("We're a Dutch logistics company.", "NL", True),
        ("Greetings from Lyon!", "FR", True),
        ("Wir sind ein deutsches Unternehmen.", "DE", True),
        ("Somos uma empresa com sede em São Paulo.", "BR", True),
        ("Nous sommes une PME basée à Lyon.", "FR", True),
        ("Somos una empresa con sede en Madrid.", "ES", True),
        ("Siamo un'azienda con sede a Milano.", "IT", True),
        ("Wij zijn gevestigd in Utrecht.", "NL", True),
        ("Our Berlin-based team", "DE", True),
        ("We're a UK-based retailer", "GB", True),
        ("Wir sind ein Händler aus Hamburg.", "DE", False),
        ("I met your team in London.", "GB", False),
        ("東京に本社があります。", "JP", False),
    ],
)
def test_countries_stated_in_text(text: str, code: str, explicit: bool) -> None:
    found = geo.stated_countries(text)
    assert found[0][0] == code
    assert found[0][2] is explicit


def test_explicit_statements_come_before_mentions() -> None:
    found = geo.stated_countries("We have an office in Toronto but are headquartered in New York City.")
    assert found[0] == ("US", "headquartered in New York City", True)


@pytest.mark.parametrize(
    "text",
    ["We migrate from Salesforce to Snowflake in April.", "send us a company overview", "", "IT team in SAP"],
)
def test_no_country_in_text(text: str) -> None:
    assert geo.stated_countries(text) == []


def test_a_third_party_adjective_is_not_explicit() -> None:
    assert geo.stated_countries("A German bank is one of our clients.") == [("DE", "German bank", False)]


def test_word_pattern_matches_the_longest_word() -> None:
    import re

    pattern = re.compile(geo.word_pattern(["data", "data platform", "dat"]))
    assert pattern.match("data platform team").group(0) == "data platform"
    assert pattern.match("dat").group(0) == "dat"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("We run three stores in central Ohio.", "US"),
        ("Our clinics across northern California use Epic.", "US"),
        ("We have offices in upstate New York.", "US"),
        ("We are a distributor in North Carolina.", "US"),
        ("Our plant in southern Ontario ships daily.", "CA"),
        ("HQ: Toronto, Ontario", "CA"),
        ("Warehouse near Columbus, Ohio", "US"),
        ("We're a manufacturer in the Midlands.", "GB"),
        ("Most of our shops are in Scotland.", "GB"),
        ("We deliver across the West Midlands", "GB"),
        ("Stores in western Canada", "CA"),
        ("Wir sind in Süddeutschland.", None),
        ("We are in the Netherlands.", "NL"),
    ],
)
def test_regions_with_a_modifier_or_preposition(text: str, code: str | None) -> None:
    found = geo.stated_countries(text)
    assert (found[0][0] if found else None) == code


@pytest.mark.parametrize(
    "text",
    [
        "MAR-based pricing for the rollout",
        "Budget is 40k USD, starting in Mar or APR.",
        "paid in CAN dollars",
        "prices in EUR and GBP",
        "We went live in May and in DEC we migrated.",
        "the FIN team and SWE team",
        "rates are 5 PER cent",
        "Meeting in JAN, kick-off in Sept",
    ],
)
def test_months_currencies_and_3_letter_tokens_are_not_countries(text: str) -> None:
    assert geo.stated_countries(text) == []


def test_alpha3_codes_still_work_in_form_values() -> None:
    assert geo.country_code("DEU") == "DE"
    assert geo.country_code("CAN") == "CA"
    assert geo.place_country("Mar") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [("Looking for a partner (UK only).", "GB"), ("Remote role, US only", "US"), ("Germany-only rollout", "DE")],
)
def test_only_statements_are_explicit(text: str, code: str) -> None:
    found = geo.stated_countries(text)
    assert found[0][0] == code
    assert found[0][2] is True


@pytest.mark.parametrize(
    ("text", "code"),
    [("We are based in the US.", "US"), ("Greetings from the UK!", "GB"), ("We're in The Hague.", "NL")],
)
def test_the_before_a_country_code_or_city(text: str, code: str) -> None:
    assert geo.stated_countries(text)[0][0] == code


def test_modifier_is_kept_in_the_span() -> None:
    assert geo.stated_countries("We are based in central Ohio.") == [("US", "based in central Ohio", True)]


@pytest.mark.parametrize("text", ["Thanks, Ohio team!", "in the UKG suite", "We only use Snowflake.", "IT only"])
def test_comma_region_and_only_need_a_place(text: str) -> None:
    assert geo.stated_countries(text) == []


def test_first_char_pattern_matches_like_the_plain_alternation() -> None:
    import re

    words = ["group", "gruppe", "bank", "banking", "b", "eti", "firm"]
    literals = ["groupe", "banque", "eti", "start-up", "société", "grupo"]
    plain = re.compile(geo.word_pattern(words) + "|" + "|".join(re.escape(w) for w in literals))
    grouped = re.compile(geo.first_char_pattern(words, literals))
    texts = ["a groupe bancaire, a start-up and a société", "confirm the meeting with the banking group",
             "gruppo grupo groupe gruppe", "bbb eti etiquette", ""]
    for text in texts:
        assert [m.span() for m in grouped.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_company_noun_scan_is_the_documented_alternation() -> None:
    import re

    plain = re.compile(geo.word_pattern(geo._COMPANY_NOUN_WORDS) + "|" + "|".join(geo._COMPANY_NOUN_LITERALS))
    text = "we are a german company, a groupe, a start-up bank and an eti; confirm the meeting at the firma"
    assert [m.span() for m in geo._COMPANY_NOUN_FIND_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]
