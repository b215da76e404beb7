from __future__ import annotations

import random
import unicodedata

from leadrelay.text import fold, lower_keeping_offsets, strip_accents

# The reference: NFKD, then every combining mark of the Basic Multilingual Plane deleted.
_MARKS = dict.fromkeys(code for code in range(0x10000) if unicodedata.combining(chr(code)))


def _reference(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKD", text).translate(_MARKS)


def test_strip_accents_examples() -> None:
    assert strip_accents("Zürich Société São Paulo") == "Zurich Societe Sao Paulo"
    assert strip_accents("がぎ") == "かき"  # the kana voicing mark is a combining mark too
    assert strip_accents("plain ascii") == "plain ascii"
    assert fold("ÉCOLE Polytechnique") == "ecole polytechnique"


def test_strip_accents_matches_the_reference_for_every_character() -> None:
    chars = [chr(code) for code in range(0x80, 0x20000) if not 0xD800 <= code < 0xE000]
    assert [strip_accents(c) for c in chars] == [_reference(c) for c in chars]
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(chars) for _ in range(30))
        assert strip_accents(text) == _reference(text)


def test_lower_keeping_offsets_keeps_the_length() -> None:
    assert lower_keeping_offsets("İstanbul ABC") == "istanbul abc"
    assert len(lower_keeping_offsets("İİ x")) == 4
