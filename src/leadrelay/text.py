"""Text folding shared by the steps: lowercase, accents removed, fast on the common ASCII case."""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "lower_keeping_offsets", "strip_accents"]

# Every combining mark of the Basic Multilingual Plane (accents, the voicing marks of Japanese kana, ...),
# deleted in one `translate` pass instead of testing each character of each text.
_COMBINING = dict.fromkeys(code for code in range(0x10000) if unicodedata.combining(chr(code)))


def strip_accents(text: str) -> str:
    """`text` with accents and other combining marks removed ("Zürich" -> "Zurich")."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)


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
