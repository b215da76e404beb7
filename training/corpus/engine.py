"""The corpus engine: template families, a tiny template language, and the noise a real inbox adds.

Template language (one string per phrasing):
- ``[a|b|c]`` picks one alternative (nesting allowed; ``[a|]`` makes a part optional);
- ``{slot}`` fills a slot (company, warehouse, deadline, ...; see `slots.py`);
- ``||`` separates segments; segments are lightly shuffled, and a segment that starts with ``?`` is
  dropped half of the time. That varies sentence order and length, not just words.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LANGS = ("en", "de", "fr", "es", "pt", "nl", "it", "ja")

_ALT_RE = re.compile(r"\[([^\[\]]*)\]")
_SLOT_RE = re.compile(r"\{([a-z_0-9]+)\}")


@dataclass(frozen=True)
class Family:
    """One template family: a way a sender of one type writes. Held out as a whole for evaluation."""

    name: str
    type: str
    bodies: dict[str, list[str]]
    subjects: dict[str, list[str]] = field(default_factory=dict)
    channels: dict[str, float] = field(default_factory=lambda: {"email": 1.0})
    # Urgency: either fixed weights over levels, with an optional pool of sentences that express them.
    urgency: dict[str, float] = field(default_factory=lambda: {"normal": 1.0})
    urgency_pool: str | None = None
    sender: str = "business"  # business | mixed | free | spam | none
    crm: dict[str, float] = field(default_factory=dict)  # CRM account status weights (rest: no match)
    role: str = "buyer"  # which job titles fit the sender
    weight: float = 1.0
    topic: str = "Other"  # what an honest sender picks in a form's topic field
    injection: float = 0.0  # share of items that carry a prompt-injection line
    forward: float = 0.0  # share forwarded by a colleague from the workspace's own domain
    reply: float = 0.15  # share sent as a reply with quoted history (email only)
    fields: bool = True  # whether form channels get company/job-title fields
    english: float | None = None  # share written in English (None: the corpus default)


def expand(template: str, rng: random.Random, slots: dict[str, Callable[[], str]]) -> str:
    """Expand alternatives, then slots, then segments of one template."""
    text = template
    while True:
        new = _ALT_RE.sub(lambda m: rng.choice(m.group(1).split("|")), text)
        if new == text:
            break
        text = new

    cache: dict[str, str] = {}

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in slots:
            raise KeyError(f"unknown slot {name!r} in template {template[:60]!r}")
        if name not in cache:
            cache[name] = slots[name]()
        return cache[name]

    text = _SLOT_RE.sub(fill, text)
    segments = [s.strip() for s in text.split("||")]
    kept = []
    for seg in segments:
        if seg.startswith("?"):
            if rng.random() < 0.5:
                continue
            seg = seg[1:].strip()
        if seg:
            kept.append(seg)
    # Light shuffle: swap neighbours now and then, keeping the opening sentence first most of the time.
    for i in range(1, len(kept) - 1):
        if rng.random() < 0.25:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    joiner = rng.choice([" ", " ", "\n", "\n\n"])
    return joiner.join(kept)


# --- noise -----------------------------------------------------------------------------------------

_KEYBOARD_NEIGHBOURS = {
    "a": "sq", "e": "wr", "i": "uo", "o": "ip", "n": "bm", "t": "ry", "s": "ad", "r": "et", "l": "k",
    "c": "xv", "d": "sf", "m": "n", "u": "yi", "p": "o", "g": "fh", "h": "gj",
}


def typo(word: str, rng: random.Random) -> str:
    """One realistic typo: a dropped, doubled, swapped or neighbouring letter."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + word[i + 1:]
    if kind < 0.5:
        return word[:i] + word[i] + word[i:]
    if kind < 0.8:
        return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    near = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1:]


def add_typos(text: str, rng: random.Random, rate: float) -> str:
    """Misspell about `rate` of the words."""
    parts = re.split(r"(\s+)", text)
    return "".join(typo(p, rng) if p.strip() and rng.random() < rate else p for p in parts)


def strip_punctuation(text: str) -> str:
    """What a hurried chat user sends: no full stops, few commas."""
    return re.sub(r"[.,;!](?=\s|$)", "", text)


@dataclass
class Draft:
    """An item being built: the event keys plus its labels and generation notes."""

    channel: str
    subject: str | None
    body: str
    from_name: str | None
    from_email: str | None
    fields: dict[str, str]
    type: str
    urgency: str
    family: str
    lang: str
    crm_status: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_item(self, item_id: str) -> dict[str, Any]:
        """The corpus line: a LeadBench event plus labels, generation meta kept apart from the event."""
        event: dict[str, Any] = {"id": item_id, "channel": self.channel}
        if self.from_name:
            event["from_name"] = self.from_name
        if self.from_email:
            event["from_email"] = self.from_email
        if self.subject is not None:
            event["subject"] = self.subject
        event["body"] = self.body
        event["fields"] = self.fields
        event["labels"] = {"type": self.type, "urgency": self.urgency}
        event["meta"] = {"family": self.family, "lang": self.lang, "crm_status": self.crm_status,
                         "noise": self.notes}
        return event
