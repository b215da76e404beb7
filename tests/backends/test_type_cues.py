from __future__ import annotations

import pytest

from leadrelay.backends.type_cues import CUES, type_cues


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Could we get a demo next week?", "sales:demo"),
        ("Wir suchen eine Lösung für unsere Daten.", "sales:foreign"),
        ("見積もりをお願いします。", "sales:ja"),
        ("Our sync failed again with a timeout", "support:problem"),
        ("La synchronisation ne fonctionne pas depuis hier", "support:foreign"),
        ("We are a consultancy and would like to resell your platform", "partnership:partner"),
        ("I'm a reporter at a trade magazine writing a piece", "press:media"),
        ("Sono una giornalista e vorrei un'intervista", "press:foreign"),
        ("Please find my CV attached for the open position", "recruiting:apply"),
        ("Meine Bewerbung als Data Engineer", "recruiting:foreign"),
        ("We help SaaS companies like yours book more meetings", "vendor:pitch"),
        ("We led the seed round and would love to talk about your Series A", "investor:capital"),
        ("Estou fazendo meu TCC sobre pipelines", "student:foreign"),
        ("Your mailbox is full, verify your account now", "spam:phish"),
        ("hello?", "unknown:vague"),
        ("Maria no longer works here, she left the company", "unknown:left"),
    ],
)
def test_cues_in_many_languages(text: str, cue: str) -> None:
    assert cue in type_cues(text)


def test_phrases_match_whole_words_only() -> None:
    # "cv" inside "cvs" or "demo" inside "democracy" are not cues.
    found = type_cues("Democracy of data at CVS pharmacies")
    assert "sales:demo" not in found and "recruiting:apply" not in found


def test_vague_is_about_the_whole_message() -> None:
    assert "unknown:vague" not in type_cues("hello, we need CDC replication from Postgres into Snowflake")


def test_every_cue_names_a_type() -> None:
    types = {"sales", "support", "partnership", "press", "recruiting", "vendor", "investor", "student", "spam",
             "unknown"}
    assert {name.split(":")[0] for name in CUES} <= types
