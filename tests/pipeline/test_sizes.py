from __future__ import annotations

import pytest

from leadrelay.pipeline.sizes import company_headcount, find_headcounts, parse_company_size, parse_number


@pytest.mark.parametrize(
    ("value", "employees"),
    [
        ("201-500", 350), ("1-10", 5), ("11-50", 30), ("51–200", 125), ("101-250", 175), ("1000+", 1000),
        ("1,000+", 1000), ("5000+", 5000), ("10k+", 10000), ("10,000+", 10000), ("1,001-5,000", 3000),
        ("1.000-5.000", 3000), ("500 employees", 500), ("201–500 Mitarbeiter", 350), ("de 51 à 200", 125),
        ("entre 51 y 200", 125), ("1 001 à 5 000", 3000), ("Mehr als 1000", 1000), ("<10", 5),
        ("less than 50", 25), ("just me", 1), ("1000名以上", 1000), ("1万人以上", 10000), ("300名", 300),
    ],
)
def test_form_company_size(value: str, employees: int) -> None:
    assert parse_company_size(value) == employees


@pytest.mark.parametrize("value", ["", "n/a", "-", "Please select", "Prefer not to say", "lots", "x" * 200])
def test_form_company_size_junk(value: str) -> None:
    assert parse_company_size(value) is None


@pytest.mark.parametrize(
    ("token", "number"),
    [("1,200", 1200), ("1.200", 1200), ("1 200", 1200), ("2k", 2000), ("1.5k", 1500), ("1,5k", 1500),
     ("300", 300), ("0", None), ("abc", None)],
)
def test_parse_number(token: str, number: int | None) -> None:
    assert parse_number(token) == number


@pytest.mark.parametrize(
    ("text", "employees"),
    [
        ("we're about 300 people", 300),
        ("We are a 1,200-person company.", 1200),
        ("~80 employees", 80),
        ("we have 45 staff", 45),
        ("Wir haben 1.200 Mitarbeiter.", 1200),
        ("rund 800 Beschäftigte", 800),
        ("nous avons 1 200 collaborateurs", 1200),
        ("300 salariés", 300),
        ("400 empleados", 400),
        ("250 funcionários", 250),
        ("150 medewerkers", 150),
        ("200 dipendenti", 200),
        ("従業員数は約300名です", 300),
        ("社員300人の会社です", 300),
        ("2k employees", 2000),
        ("we employ about 1,500 people worldwide", 1500),
        ("a company of 300, founded in 1998", 300),
        ("we're 200-250 people", 225),
        ("3 sedi e 300 dipendenti", 300),
        ("we have 3 offices and 300 employees", 300),
        ("300 people overall, 40 of them engineers, 12 people in data", 300),
        ("a one-person company", 1),
    ],
)
def test_headcount_in_text(text: str, employees: int) -> None:
    found = company_headcount(text)
    assert found is not None
    assert found.employees == employees
    assert not found.vague


@pytest.mark.parametrize(
    "text",
    [
        "my team of 6 analysts needs help",
        "our data team is 12 people",
        "a 40-person data team",
        "I manage 12 people",
        "licenses for 50 people",
        "we need 50 seats",
        "our customers have 10,000 employees",
        "50 people will use it",
        "revenue of $50M, 100 tables, 30 connectors, since 2015",
        "a company with 300 customers",
        "データエンジニア3名のチームです",
        "2 people will join the call",
        "",
    ],
)
def test_numbers_that_are_not_company_headcount(text: str) -> None:
    assert find_headcounts(text) == []


def test_vague_headcount_is_marked() -> None:
    found = company_headcount("we are a few hundred employees")
    assert found is not None
    assert (found.employees, found.vague) == (300, True)


def test_specific_figure_beats_vague_phrase() -> None:
    found = company_headcount("thousands of employees use Excel; we're 2,400 people in total")
    assert found is not None
    assert found.employees == 2400


def test_span_quotes_the_original_text() -> None:
    found = company_headcount("Wir sind rund 1.200 MITARBEITER stark")
    assert found is not None
    assert found.span == "1.200 MITARBEITER"


@pytest.mark.parametrize(
    ("text", "employees"),
    [
        ("14 of us, all remote", 14),
        ("we're 14 of us and growing", 14),
        ("There are 30 of us.", 30),
        ("We're a small shop, 9 of us, selling online", 9),
        ("it's just the two of us", 2),
        ("there are twelve of us", 12),
        ("a three-person candle shop", 3),
        ("We're a six-person startup.", 6),
        ("a twelve-person agency in Leeds", 12),
        ("we are five people", 5),
        ("we're twenty-five people", 25),
        ("a hundred employees", 100),
        ("two hundred employees", 200),
        ("somos dos personas", 2),
        ("somos quince empleados", 15),
        ("wir sind drei Leute", 3),
        ("Wir haben zwölf Mitarbeiter.", 12),
        ("nous sommes cinq salariés", 5),
        ("une équipe? non, une PME de vingt salariés", 20),
        ("temos dez funcionários", 10),
        ("we hebben veertig medewerkers", 40),
        ("siamo in sette persone", 7),
        ("a fifty-person firm", 50),
        ("two hundred and fifty employees", 250),
    ],
)
def test_headcount_phrases_and_number_words(text: str, employees: int) -> None:
    found = company_headcount(text)
    assert found is not None
    assert (found.employees, found.vague) == (employees, False)


@pytest.mark.parametrize(
    "text",
    [
        "my team of six analysts needs help",
        "a data team of 3",
        "my team of six people",
        "six of us will join the call",
        "one of us will reach out",
        "a six-person data team",
        "there are 4 of us on the analytics team",
        "once people see the dashboard they love it",
        "once staff are trained we roll out",
        "two people will join the demo",
        "the ten of us in the BI department",
    ],
)
def test_new_phrases_that_are_not_company_headcount(text: str) -> None:
    assert find_headcounts(text) == []


def test_few_hundred_stays_vague_with_number_words() -> None:
    found = company_headcount("a few hundred employees")
    assert found is not None
    assert (found.employees, found.vague) == (300, True)
    german = company_headcount("mehrere hundert Mitarbeiter")
    assert german is not None
    assert german.vague


def test_of_us_span_quotes_the_text() -> None:
    found = company_headcount("We're a small shop, 9 of us.")
    assert found is not None
    assert found.span == "9 of us"


def test_every_headcount_noun_has_a_gate_stem() -> None:
    """The gate scan is skipped without digits or nouns: that is right only while this holds."""
    import re
    from re import _parser  # type: ignore[attr-defined,unused-ignore]

    from leadrelay.backends.type_cues import _expand
    from leadrelay.pipeline import sizes

    nouns = _expand(_parser.parse(sizes._HEADCOUNT_NOUNS))
    assert nouns
    for noun in nouns:
        assert sizes._NOUN_GATE_RE.search(noun), noun
    assert re.fullmatch(sizes._HEADCOUNT_NOUNS, "mitarbeiterinnen")


def test_digits_are_found_with_or_without_a_regex() -> None:
    from leadrelay.pipeline.sizes import _has_digit

    assert _has_digit("we are 30") and _has_digit("٣٠٠ موظف") and _has_digit("３００名")
    assert not _has_digit("thirty people") and not _has_digit("") and not _has_digit("dreißig Leute")
