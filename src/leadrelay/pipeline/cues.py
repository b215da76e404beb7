"""Multilingual text cues the rule steps share: urgency, prompt injection, deadlines.

The patterns are written for the languages LeadRelay reads (English, German, French, Spanish,
Portuguese, Dutch, Italian, Japanese). Each match is returned with its span so a decision can quote it.
"""

from __future__ import annotations

import contextlib
import re
from datetime import date, datetime, timedelta

__all__ = ["deadline_within", "find_high_urgency", "find_injection", "find_no_rush", "strip_injection"]

# Phrases that show acute pain or a near deadline.
_HIGH_URGENCY = re.compile(
    r"""(
      \burgent(ly)?\b | \basap\b | \bas\ soon\ as\ possible\b | \bimmediately\b | \bcritical\b
    | \bthis\ week\b | \bby\ (end\ of\ )?(this\ |next\ )?(monday|tuesday|wednesday|thursday|friday|tomorrow|eow|eod)\b
    | \bby\ end\ of\ (the\ )?(week|month)\b | \bwithin\ (the\ next\ )?(\d+|a\ few|two|three|few)\ (days|weeks)\b
    | \b(next|in\ (\d+|two|three))\ (week|weeks)\b
    | \bdecision\ (date|deadline|by|in)\b | \b(sign|signing|decide|decision)\b[^.\n]{0,40}\bby\ (the\ )?(end|\d)
    | \bbudget\ (is\ )?(approved|signed\ off|allocated|secured)\b | \bapproved\ budget\b
    | \b(contract|renewal|licen[cs]e|subscription)\b[^.\n]{0,60}\b(ends?|expires?|expiring|runs?\ out|up\ for\ renewal)\b
    | \bproduction\ (is\ )?(down|outage|broken)\b | \b(outage|is\ down|are\ down|went\ down|data\ loss)\b
    | \bdeadline\b | \bgo[- ]live\b[^.\n]{0,30}\b(date|in|on|by)\b | \bevaluating\ (now|this\ month)\b
    | \bshortlist\b | \bpress\ deadline\b | \bon\ deadline\b | \bfiling\ (today|tomorrow|on)\b
    # German
    | \bdringend\b | \bdiese\ woche\b | \bbis\ (ende\ )?(nächste[rn]?\ )?(montag|dienstag|mittwoch|donnerstag|freitag|morgen|woche|monat)\b
    | \bsofort\b | \bbudget\ (ist\ )?(freigegeben|genehmigt)\b | \bvertrag\b[^.\n]{0,60}\b(läuft|endet)\b
    | \bausfall\b | \bsteht\ still\b | \bproduktion\b[^.\n]{0,30}\b(down|steht|ausgefallen)\b | \bfrist\b
    # French
    | \burgence\b | \bcette\ semaine\b | \bau\ plus\ vite\b | \bd'?ici\ (vendredi|lundi|la\ fin\ du\ mois|fin)\b
    | \bbudget\ (est\ )?(validé|approuvé)\b | \bcontrat\b[^.\n]{0,60}\b(expire|se\ termine|prend\ fin)\b | \bpanne\b
    | \béchéance\b | \bdate\ limite\b
    # Spanish / Portuguese
    | \burgente\b | \besta\ semana\b | \bessa\ semana\b | \bnesta\ semana\b | \bcuanto\ antes\b | \bo\ quanto\ antes\b
    | \bpresupuesto\ (aprobado|asignado)\b | \borçamento\ (aprovado|liberado)\b
    | \bcontrato\b[^.\n]{0,60}\b(vence|termina|expira)\b | \bcaída\b | \bfora\ do\ ar\b | \bfecha\ límite\b | \bprazo\b
    # Dutch / Italian
    | \bdeze\ week\b | \bdringend\b | \bbudget\ (is\ )?goedgekeurd\b | \bcontract\b[^.\n]{0,60}\bloopt\ af\b
    | \bquesta\ settimana\b | \bentro\ (venerdì|lunedì|fine\ mese)\b | \bbudget\ approvato\b | \bscadenza\b
    | \bcontratto\b[^.\n]{0,60}\bscade\b | \bdisservizio\b
    # Japanese
    | 至急 | 緊急 | 今週中 | 今週 | 来週まで | 予算(が|は)?(承認|確保) | 契約(が|は)?[^。\n]{0,20}(終了|満了|切れ) | 障害 | 停止しています | 期限
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Phrases that explicitly lower urgency ("no rush", "planning for next year").
_NO_RUSH = re.compile(
    r"""(
      \bno\ rush\b | \bnot\ urgent\b | \bno\ (hard\ )?deadline\b | \bnot\ (critical|blocking)\b | \bno\ hurry\b
    | \bnext\ year\b | \blater\ this\ year\b | \bexploring\b | \bjust\ (looking|curious|browsing)\b | \bfor\ (20\d\d|later)\b
    | \bnicht\ dringend\b | \bkeine\ eile\b | \bnicht\ kritisch\b | \bpas\ urgent\b | \brien\ d'urgent\b | \bpas\ critique\b
    | \bsin\ prisa\b | \bno\ es\ urgente\b | \bsem\ pressa\b | \bnão\ é\ urgente\b | \bgeen\ haast\b | \bniet\ dringend\b
    | \bnon\ è\ urgente\b | \bsenza\ fretta\b | 急ぎではありません | 急ぎません
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Text that tries to instruct the system. It is data: never a reason to raise a lead's priority.
_INJECTION = re.compile(
    r"""(
      \b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(instructions?|rules?|prompts?|guidelines|policy|above)\b
    | \b(mark|classify|flag|label|tag|treat|route|score|set|rate)\b[^.\n]{0,30}\b(this|me|us|it|lead|message)\b
        [^.\n]{0,30}\b(as\ )?(enterprise|urgent|high[- ]priority|hot|vip|high\ intent|priority|escalat\w*|strong)\b
    | \byou\ are\ now\b | \bsystem\ prompt\b | \bas\ an?\ (ai|language\ model)\b | \bnew\ instructions?\b
    | \b(AI|LLM|assistant|model|bot)s?\b[^.\n]{0,30}\b(must|should|shall)\b
    | \bignorier\w*\b[^.\n]{0,40}\banweisung\w*\b | \bignore[zr]?\b[^.\n]{0,40}\binstructions?\b
    | \bignora\w*\b[^.\n]{0,40}\binstruc\w*\b | \bnegeer\w*\b[^.\n]{0,40}\binstructies?\b
    | 指示を無視
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_SENTENCE = re.compile(r"[^.!?\n。]*[.!?\n。]?")

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12, "januar": 1, "februar": 2, "märz": 3, "mai": 5, "juni": 6, "juli": 7, "okt": 10,
    "dez": 12, "janv": 1, "févr": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "août": 8, "déc": 12,
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "fev": 2, "set": 9, "out": 10, "dez.": 12, "mei": 5, "mrt": 3,
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "ott": 10,
}
_DATE_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?([a-zäéû]{3,9})\.?\b", re.IGNORECASE)
_DATE_MD = re.compile(r"\b([a-zäéû]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DATE_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DEADLINE_CONTEXT = re.compile(
    r"\b(by|before|until|deadline|decid\w*|decision|sign\w*|ends?|expires?|renewal|go[- ]live|committee|"
    r"bis|vor|endet|läuft|avant|d'ici|expire|antes|hasta|vence|até|voor|entro|scade)\b",
    re.IGNORECASE,
)


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip() if match else None


def find_high_urgency(text: str) -> str | None:
    """The first phrase in `text` that signals acute pain or a near deadline, if any."""
    return _first(_HIGH_URGENCY, text)


def find_no_rush(text: str) -> str | None:
    """The first phrase in `text` that says there is no time pressure, if any."""
    return _first(_NO_RUSH, text)


def find_injection(text: str) -> str | None:
    """The first phrase in `text` that tries to instruct the system, if any."""
    return _first(_INJECTION, text)


def strip_injection(text: str) -> str:
    """`text` without the sentences that try to instruct the system."""
    if not _INJECTION.search(text):
        return text
    return "".join(s for s in _SENTENCE.findall(text) if not _INJECTION.search(s))


def _month(name: str) -> int | None:
    name = name.lower().rstrip(".")
    return _MONTHS.get(name) or _MONTHS.get(name[:3])


def _dates(text: str, year: int) -> list[tuple[date, int]]:
    """Dates written in `text`, with their position."""
    found: list[tuple[date, int]] = []
    for m in _DATE_ISO.finditer(text):
        with contextlib.suppress(ValueError):
            found.append((date(int(m.group(1)), int(m.group(2)), int(m.group(3))), m.start()))
    for pattern, day_group, month_group in ((_DATE_DM, 1, 2), (_DATE_MD, 2, 1)):
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
