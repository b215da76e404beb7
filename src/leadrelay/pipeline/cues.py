"""Multilingual text cues the rule steps share: urgency, prompt injection, deadlines.

The patterns are written for the languages LeadRelay reads (English, German, French, Spanish,
Portuguese, Dutch, Italian, Japanese). Each match is returned with its span so a decision can quote it.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import re
from datetime import date, datetime, timedelta

__all__ = ["deadline_within", "find_high_urgency", "find_injection", "find_no_rush", "strip_injection"]

class _Cue:
    """A small pattern, tried only when one of its anchor words occurs in the text.

    Python's regex engine tries every alternative at every position, so one pattern with a hundred
    alternatives is slow; a set lookup of the text's words first keeps a typical message cheap.
    Anchors that are not plain ASCII words (Japanese, "<") are looked up as substrings.
    """

    __slots__ = ("pattern", "substrings", "words")

    def __init__(self, anchors: str, pattern: str) -> None:
        names = anchors.split()
        self.words = frozenset(a for a in names if a.isascii() and a.isalnum())
        self.substrings = tuple(a for a in names if not (a.isascii() and a.isalnum()))
        self.pattern = re.compile(pattern, re.IGNORECASE | re.VERBOSE)



_WORDS = re.compile(r"[a-zà-ÿ0-9]+(?:'[a-z]+)?")

# Phrases that show acute pain or a near deadline.
_HIGH_URGENCY = (
    _Cue("urgent urgently asap immediately critical", r"\burgent(ly)?\b | \basap\b | \bimmediately\b | \bcritical\b"),
    _Cue("soon", r"\bas\ soon\ as\ possible\b"),
    # "this week" is urgent when it is about the ask ("we need to decide this week"), not when the
    # laptop is in for repair this week.
    _Cue("week", r"\b(need|needs|decid\w*|decision|sign|start|launch|live|demo|call|meet|talk|finali[sz]e|choose|"
                 r"pick|buy|purchase|deliver|answer|respond|reply|back\ to\ me|hear)\b[^.\n]{0,40}\bthis\ week\b"
                 r" | \bthis\ week\b[^.\n]{0,30}\b(deadline|decision|decide|sign|go[- ]live|urgent)\b"
                 r" | \bby\ end\ of\ (the\ )?week\b | \bin\ (\d+|two|three)\ weeks?\b"),
    _Cue("weeks", r"\b(next|in\ (\d+|two|three))\ weeks\b | \bwithin\ (the\ next\ )?(\d+|a\ few|two|three|few)\ weeks\b"),
    _Cue("days", r"\bwithin\ (the\ next\ )?(\d+|a\ few|two|three|few)\ days\b | \bin\ (a\ few|\d+|two|three)\ days\b"),
    _Cue("monday tuesday wednesday thursday friday tomorrow eow eod month",
         r"\bby\ (end\ of\ )?(this\ |next\ )?(monday|tuesday|wednesday|thursday|friday|tomorrow|eow|eod)\b"
         r" | \bby\ end\ of\ (the\ )?month\b"),
    _Cue("decision decide sign signing",
         r"\bdecision\ (date|deadline|by|in)\b | \b(sign|signing|decide|decision)\b[^.\n]{0,40}\bby\ (the\ )?(end|\d)"),
    _Cue("budget approved", r"\bbudget\ (is\ |has\ been\ )?(approved|signed\ off|allocated|secured)\b | \bapproved\ budget\b"),
    _Cue("contract renewal license licence subscription",
         r"\b(contract|renewal|licen[cs]e|subscription)\b[^.\n]{0,60}\b(ends?|expires?|expiring|runs?\ out|up\ for\ renewal)\b"),
    _Cue("production outage down loss",
         r"\bproduction\ (is\ )?(down|outage|broken)\b | \boutage\b | \b(is|are|went)\ down\b | \bdata\ loss\b"),
    _Cue("deadline shortlist", r"\bdeadline\b | \bshortlist\b"),
    _Cue("live", r"\bgo[- ]live\b[^.\n]{0,30}\b(date|in|on|by)\b"),
    _Cue("evaluating", r"\bevaluating\ (now|this\ month)\b"),
    _Cue("filing", r"\bfiling\ (today|tomorrow|on)\b"),
    # German
    _Cue("dringend sofort frist ausfall", r"\bdringend\b | \bsofort\b | \bfrist\b | \bausfall\b"),
    _Cue("woche", r"\bdiese\ woche\b | \bbis\ (ende\ )?(nächste[rn]?\ )?woche\b"),
    _Cue("bis", r"\bbis\ (ende\ )?(nächste[rn]?\ )?(montag|dienstag|mittwoch|donnerstag|freitag|morgen|monat)\b"),
    _Cue("budget", r"\bbudget\ (ist\ )?(freigegeben|genehmigt)\b"),
    _Cue("vertrag", r"\bvertrag\b[^.\n]{0,60}\b(läuft|endet)\b"),
    _Cue("still produktion", r"\bsteht\ still\b | \bproduktion\b[^.\n]{0,30}\b(down|steht|ausgefallen)\b"),
    # French
    _Cue("urgence panne échéance echeance limite", r"\burgence\b | \bpanne\b | \béchéance\b | \bdate\ limite\b"),
    _Cue("semaine", r"\bcette\ semaine\b"),
    _Cue("vite", r"\bau\ plus\ vite\b"),
    _Cue("ici d'ici", r"\bd'?ici\ (vendredi|lundi|la\ fin\ du\ mois|fin)\b"),
    _Cue("budget", r"\bbudget\ (est\ )?(validé|approuvé)\b"),
    _Cue("contrat", r"\bcontrat\b[^.\n]{0,60}\b(expire|se\ termine|prend\ fin)\b"),
    # Spanish / Portuguese
    _Cue("urgente caída prazo", r"\burgente\b | \bcaída\b | \bprazo\b"),
    _Cue("semana", r"\b(esta|essa|nesta)\ semana\b"),
    _Cue("antes", r"\bcuanto\ antes\b | \bo\ quanto\ antes\b"),
    _Cue("presupuesto orçamento", r"\bpresupuesto\ (aprobado|asignado)\b | \borçamento\ (aprovado|liberado)\b"),
    _Cue("contrato", r"\bcontrato\b[^.\n]{0,60}\b(vence|termina|expira)\b"),
    _Cue("ar límite limite", r"\bfora\ do\ ar\b | \bfecha\ límite\b"),
    # Dutch / Italian
    _Cue("week", r"\bdeze\ week\b"),
    _Cue("goedgekeurd approvato", r"\bbudget\ (is\ )?goedgekeurd\b | \bbudget\ approvato\b"),
    _Cue("contract", r"\bcontract\b[^.\n]{0,60}\bloopt\ af\b"),
    _Cue("settimana", r"\bquesta\ settimana\b"),
    _Cue("entro", r"\bentro\ (venerdì|lunedì|fine\ mese)\b"),
    _Cue("scadenza disservizio", r"\bscadenza\b | \bdisservizio\b"),
    _Cue("contratto", r"\bcontratto\b[^.\n]{0,60}\bscade\b"),
    # Japanese
    _Cue("至急 緊急 今週 来週 予算 契約 障害 停止 期限",
         r"至急 | 緊急 | 今週中 | 今週 | 来週まで | 予算(が|は)?(承認|確保) | 契約(が|は)?[^。\n]{0,20}(終了|満了|切れ) | 障害 | 停止しています | 期限"),
)

# Phrases that explicitly lower urgency ("no rush", "planning for next year").
_NO_RUSH = (
    _Cue("rush hurry urgent deadline critical blocking",
         r"\bno\ rush\b | \bnot\ urgent\b | \bno\ (hard\ )?deadline\b | \bnot\ (critical|blocking)\b | \bno\ hurry\b"),
    _Cue("year later exploring", r"\bnext\ year\b | \blater\ this\ year\b | \bexploring\b | \bfor\ later\b"),
    _Cue("just", r"\bjust\ (looking|curious|browsing)\b"),
    _Cue("for", r"\bfor\ 20\d\d\b"),
    _Cue("dringend eile kritisch", r"\bnicht\ dringend\b | \bkeine\ eile\b | \bnicht\ kritisch\b | \bniet\ dringend\b"),
    _Cue("urgent urgence critique", r"\bpas\ urgent\b | \brien\ d'urgent\b | \bpas\ critique\b"),
    _Cue("prisa urgente pressa haast fretta",
         r"\bsin\ prisa\b | \bno\ es\ urgente\b | \bsem\ pressa\b | \bnão\ é\ urgente\b | \bgeen\ haast\b"
         r" | \bnon\ è\ urgente\b | \bsenza\ fretta\b"),
    _Cue("急ぎ", r"急ぎではありません | 急ぎません"),
)

# Text that tries to instruct the system. It is data: never a reason to raise a lead's priority.
_INJECTION = (
    _Cue("ignore disregard forget override",
         r"\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(of\s+)?(your|the|previous|prior|above|earlier|"
         r"preceding)?\s*(previous\s+|prior\s+)?(instructions|rules|prompts?|guidelines|policy)\b"),
    _Cue("mark classify flag label tag treat route score set rate",
         r"\b(mark|classify|flag|label|tag|treat|route|score|set|rate)\b[^.\n]{0,30}\b(this|me|us|it|lead|message)\b"
         r"[^.\n]{0,30}\b(as\ )?(enterprise|urgent|high[- ]priority|hot|vip|high\ intent|priority|escalat\w*|strong)\b"),
    _Cue("now prompt instruction instructions",
         r"\byou\ are\ now\b | \bsystem\ prompt\b | \bnew\ instructions?\b"),
    _Cue("ai", r"\bas\ an?\ (ai|language\ model)\b"),
    _Cue("ai llm assistant model bot ais llms assistants models bots",
         r"\b(AI|LLM|assistant|model|bot)s?\b[^.\n]{0,30}\b(must|should|shall)\b"),
    _Cue("urgency priority", r"\bset\ (the\ )?(urgency|priority)\ to\b"),
    # Fake delimiters or roles, as if the message could close its own block.
    _Cue("<", r"</?\s*(system|assistant|instructions?|untrusted[\s_-]*message|lead[\s_-]*facts)\s*>"),
    # German, French, Spanish, Portuguese, Italian, Dutch
    _Cue("ignoriere ignorieren ignorez ignorer ignore ignora ignoren ignorar negeer",
         r"\bignorier\w*\b[^.\n]{0,40}\b(anweisung\w*|instruktion\w*)\b | \bignore[zr]\b[^.\n]{0,40}\binstructions?\b"
         r" | \bignora\w*\b[^.\n]{0,40}\b(instruc\w*|istruzioni)\b | \bignor(e|ar)\b[^.\n]{0,40}\binstruções\b"
         r" | \bnegeer\w*\b[^.\n]{0,40}\binstructies?\b"),
    _Cue("bist", r"\bdu\ bist\ (jetzt|nun)\b"),
    _Cue("markiere markieren", r"\bmarkier(e|en)?\ (mich|uns|dies|das)\ als\b"),
    _Cue("maintenant", r"\b(tu\ es|vous\ êtes)\ maintenant\b"),
    _Cue("marquez marquer marque", r"\bmarque[zr]?\ (ceci|moi|nous)\ comme\b"),
    _Cue("eres", r"\bahora\ eres\b"),
    _Cue("agora", r"\bagora\ você\ é\b"),
    _Cue("指示", r"指示を無視 | 以前の指示"),
)

_SENTENCE = re.compile(r"[^.!?\n。]*[.!?\n。]?")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12, "januar": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "okt": 10,
    "dez": 12, "janv": 1, "févr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "fev": 2, "set": 9, "out": 10, "dez.": 12, "mei": 5, "mrt": 3,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10,
}
_first_three = operator.itemgetter(slice(3))
_DATE_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?([a-zäéû]{3,9})\.?\b", re.IGNORECASE)
_DATE_MD = re.compile(r"\b([a-zäéû]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
# A date is a deadline only next to a decision, a contract or a launch, not any "by Friday".
_DEADLINE_CONTEXT = re.compile(
    r"\b(deadline|decid\w*|decision|sign\w*|contract|ends?|expires?|expiring|renewal|go[- ]live|committee|"
    r"cut-?over|launch\w*|entscheid\w*|vertrag|endet|läuft|décision|contrat|expire|decisión|contrato|vence|"
    r"decisão|beslissing|contract|decisione|contratto|scade)\b",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=32)
def _words(text: str) -> frozenset[str]:
    """The words of `text`; cached, since one message is asked about several kinds of cue."""
    return frozenset(_WORDS.findall(text.lower()))


class _CueSet:
    """A group of cues with an index from anchor word to cue, so a message tries only its candidates."""

    def __init__(self, cues: tuple[_Cue, ...]) -> None:
        self._by_word: dict[str, list[int]] = {}
        self._by_substring: list[tuple[str, int]] = []
        self._cues = cues
        for i, cue in enumerate(cues):
            for word in cue.words:
                self._by_word.setdefault(word, []).append(i)
            self._by_substring.extend((sub, i) for sub in cue.substrings)

    def first(self, text: str) -> str | None:
        """The earliest span any cue of the set matches in `text`."""
        words = _words(text)
        candidates = {i for word in words & self._by_word.keys() for i in self._by_word[word]}
        candidates.update(i for sub, i in self._by_substring if sub in text)
        best: re.Match[str] | None = None
        for i in sorted(candidates):
            match = self._cues[i].pattern.search(text)
            if match and (best is None or match.start() < best.start()):
                best = match
        return best.group(0).strip() if best else None


_HIGH_URGENCY_SET = _CueSet(_HIGH_URGENCY)
_NO_RUSH_SET = _CueSet(_NO_RUSH)
_INJECTION_SET = _CueSet(_INJECTION)


def find_high_urgency(text: str) -> str | None:
    """The first phrase in `text` that signals acute pain or a near deadline, if any."""
    return _HIGH_URGENCY_SET.first(text)


def find_no_rush(text: str) -> str | None:
    """The first phrase in `text` that says there is no time pressure, if any."""
    return _NO_RUSH_SET.first(text)


def find_injection(text: str) -> str | None:
    """The first phrase in `text` that tries to instruct the system, if any."""
    return _INJECTION_SET.first(text)


def strip_injection(text: str) -> str:
    """`text` without the sentences that try to instruct the system."""
    if find_injection(text) is None:
        return text
    return "".join(s for s in _SENTENCE.findall(text) if find_injection(s) is None)


def _month(name: str) -> int | None:
    name = name.lower().rstrip(".")
    return _MONTHS.get(name) or _MONTHS.get(name[:3])


def _dates(text: str, year: int) -> list[tuple[date, int]]:
    """Dates written in `text`, with their position."""
    found: list[tuple[date, int]] = []
    words = _words(text)  # the set the cue look-ups of the same text already made
    # A month name, or a word whose first three letters are one (no month key is all digits).
    has_month = not _MONTHS.keys().isdisjoint(words) or not _MONTHS.keys().isdisjoint(map(_first_three, words))
    if not has_month and not _DATE_ISO.search(text):
        return found
    for m in _DATE_ISO.finditer(text):
        with contextlib.suppress(ValueError):
            found.append((date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.start()))
    for pattern, day_group, month_group in ((_DATE_DM, 1, 2), (_DATE_MD, 2, 1)) if has_month else ():
        for m in pattern.finditer(text):
            month = _month(m.group(month_group))
            day = int(m.group(day_group))
            if month and 1 <= day <= 31:
                with contextlib.suppress(ValueError):
                    found.append((date(year, month, day), m.start()))
    return found


def deadline_within(text: str, received_at: datetime | None, *, days: int) -> str | None:
    """A dated deadline in `text` that falls within `days` of `received_at`, quoted, if any."""
    if received_at is None:
        return None
    today = received_at.date()
    for when, pos in _dates(text, today.year):
        if when < today - timedelta(days=2):
            when = when.replace(year=when.year + 1) if when.month < today.month else when
        if today <= when <= today + timedelta(days=days):
            window = text[max(0, pos - 60): pos + 20]
            if _DEADLINE_CONTEXT.search(window):
                return window.strip()
    return None
