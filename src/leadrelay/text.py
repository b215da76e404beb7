"""Text folding shared by the steps: lowercase, accents removed, fast on the common ASCII case."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "lower_keeping_offsets", "strip_accents"]


def _combining_marks() -> re.Pattern[str]:
    """Runs of the combining marks of the Basic Multilingual Plane (accents, the voicing marks of kana, ...).

    One character class: `re` scans a text for it in C, where `str.translate` with a dict of the
    marks looks every character of a non-ASCII text up in the dict.
    """
    ranges: list[list[int]] = []
    for code in range(0x10000):
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    members = "".join(re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "") for low, high in ranges)
    return re.compile(f"[{members}]+")


_COMBINING_RE = _combining_marks()


def strip_accents(text: str) -> str:
    """`text` with accents and other combining marks removed ("Zürich" -> "Zurich")."""
    if text.isascii():
        return text
    return _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))


def fold(text: str) -> str:
    """`text` lowercased without accents, for matching ("Société" -> "societe")."""
    return strip_accents(text.lower())


def lower_keeping_offsets(text: str) -> str:
    """`text` lower-cased with every index kept, so positions found in one apply to the other.

    A few characters grow when lower-cased ("İ" becomes two); those keep their first character.
    """
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower()[:1] for c in text)
    return low
