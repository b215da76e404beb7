"""Text folding shared by the steps: lowercase, accents removed, fast on the common ASCII case."""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "strip_accents"]

# Combining marks left by NFKD: Latin accents, and the voicing marks of Japanese kana.
_COMBINING = dict.fromkeys(
    [*range(0x0300, 0x0370), *range(0x1AB0, 0x1B00), *range(0x1DC0, 0x1E00), *range(0x20D0, 0x2100),
     *range(0xFE20, 0xFE30), 0x3099, 0x309A]
)


def strip_accents(text: str) -> str:
    """`text` with accents and other combining marks removed ("Zürich" -> "Zurich")."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)


def fold(text: str) -> str:
    """`text` lowercased without accents, for matching ("Société" -> "societe")."""
    return strip_accents(text.lower())
