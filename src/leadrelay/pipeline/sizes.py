"""Company size: form dropdowns ("201-500", "1,000+", "de 51 à 200") and headcount sentences in text.

Policy for text: only a number tied to a headcount noun ("300 people", "1.200 Mitarbeiter",
"従業員数は約300名") or to a company phrase ("a company of 300", "we employ 300") counts. Numbers about
the sender's team ("my team of 6", "a 40-person data team"), the people they manage or hire, users,
seats and licences ("50 seats", "for 20 people") are not company size: a seat count is a licence
need, not a headcount. Revenue, rows, tables, connectors, years and prices carry no headcount noun
and are never read. Vague phrases ("a few hundred employees") are kept but marked vague.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Headcount", "company_headcount", "find_headcounts", "parse_company_size", "parse_number"]

# A number as people write it: "300", "1,200", "1.200", "1 200", "1.5k", "2k", "10k".
_NUM = r"(?<![\d.,])(?:\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)(?:\s?[kK](?![a-zA-Z]))?"
_NUM_RE = re.compile(_NUM)
_DIGITS_RE = re.compile(r"\d+")
# Stems of every headcount noun (and the Japanese counters): without one, no sentence states a headcount.
_NOUN_GATE_RE = re.compile(
    "people|person|employ|staff|fte|headcount|worker|ppl|colleague|mitarbeit|beschäftigt|angestellt|personen|"
    "menschen|köpfe|salarié|collaborat|personnes|etp|empleado|trabajador|colaborador|personas|funcionári|"
    "funcionari|empregado|pessoas|medewerker|werknemer|mensen|dipendent|persone|addetti|名|人"
)
_GROUPED = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+$")
_SEPARATORS = re.compile(r"[.,\u00a0\u202f ]")

_RANGE_SEP = r"\s*(?:-|–|—|~|～|〜|to|bis|à|a|y|e|tot|al)\s*"
_HEADCOUNT_NOUNS = (
    r"people|persons?|employees?|staff|ftes?|headcount|workers|ppl|colleagues|"
    r"mitarbeiter(?:innen|\*innen|:innen|_innen)?|mitarbeitende[n]?|beschäftigte[n]?|angestellte[n]?|"
    r"personen|menschen|köpfe|salariés?|employés?|collaborat(?:eurs|rices)|personnes|etp|empleados|"
    r"trabajadores|colaboradores|personas|funcionários|funcionarios|empregados|pessoas|medewerkers|"
    r"werknemers|mensen|fte|dipendenti|collaboratori|persone|addetti"
)
_QUALIFIER = (
    r"(?:about|around|roughly|approximately|approx\.?|over|nearly|almost|some|just over|just under|"
    r"more than|less than|under|~|rund|etwa|ca\.|circa|über|knapp|environ|près de|plus de|unos|cerca de|"
    r"más de|mais de|ongeveer|bijna|ruim|oltre|quasi|oltre|presque)"
)
_NOUN_RE = re.compile(
    rf"(?P<num>{_NUM})(?:{_RANGE_SEP}(?P<num2>{_NUM}))?\s*\+?(?:\s*-\s*|\s+)?(?:full[- ]time\s+|fest\s+)?"
    rf"(?P<noun>{_HEADCOUNT_NOUNS})(?![\w])"
)
_PREFIX_RE = re.compile(
    rf"(?:\b(?:company|firm|business|organi[sz]ation|workforce|headcount|staff)\s+(?:of|with|is|:)"
    rf"|\bemploy(?:s|ing)?|\bbeschäftig(?:en|t)|\bemploie|\bempleamos|\bemprega(?:mos)?|\bimpieghiamo)"
    rf"\s+(?:{_QUALIFIER}\s+)?(?P<num>{_NUM})(?P<after>\W{{0,3}}[\w-]*)"
)
_JA_RE = re.compile(
    rf"(?:(?:従業員|社員|スタッフ|職員)(?:数)?(?:は|が|：|:)?\s*(?:約|およそ|全体で)?\s*(?P<num>{_NUM})\s*(?P<man>万)?\s*(?:名|人)"
    rf"|(?P<num2>{_NUM})\s*(?P<man2>万)?\s*(?:名|人)(?:規模|の(?:会社|企業)))"
)
_VAGUE_RE = re.compile(
    r"(?:\b(?P<amount>a few hundred|several hundred|a couple (?:of )?hundred|hundreds of|a few thousand|"
    r"several thousand|thousands of|mehrere hundert|einige hundert|mehrere tausend|quelques centaines|"
    r"plusieurs centaines|quelques milliers|plusieurs milliers|varios cientos|cientos de|varios miles|"
    r"miles de|centenas de|milhares de|enkele honderden|honderden|enkele duizenden|duizenden|"
    r"alcune centinaia|centinaia di|alcune migliaia|migliaia di)\s+(?:de\s+|of\s+|di\s+)?"
    rf"(?P<noun>{_HEADCOUNT_NOUNS}))(?![\w])"
)
_SOLO_RE = re.compile(r"(?:\bone[- ](?:person|man|woman)\s+(?:company|business|shop|agency|consultancy)\b|"
                      r"\bsolopreneur\b|\bsole (?:trader|proprietor(?:ship)?)\b)")

# Words shortly before the number that make it something other than company headcount.
_NOT_COMPANY_BEFORE = re.compile(
    r"(?:\b(?:team|teams|squad|department|dept|abteilung|équipe|equipe|equipo|squadra|afdeling|unit|"
    r"customers?|clients?|users?|seats?|licen[cs]es?|attendees|subscribers|students|patients|members|"
    r"visitors|kunden|nutzer|clientes|usuarios|utilisateurs|utenti|gebruikers|klanten)\b|チーム|部署|部門)"
)
# The word right before the number (after any "about"): people served, managed or hired.
_NOT_COMPANY_RIGHT_BEFORE = re.compile(
    rf"(?:\b(?:for|by|serving|serve|reach|reaching|manage|managing|lead|leading|supervise|hire|hiring|"
    rf"recruit|recruiting|onboard|onboarding|train|training|einstellen|embaucher|contratar|über die|"
    rf"pour|para|per|voor)(?:\s+{_QUALIFIER})?\s*$)"
)
_NOT_COMPANY_AFTER = re.compile(
    r"(?:^\W*(?:[\w-]+\s+){0,2}?(?:team|teams|squad|department|dept|abteilung|équipe|equipo|squadra|"
    r"afdeling)\b|^\s*(?:will|would|who will|need|needing|use|using|to use|on the platform|in my|"
    r"in our team)\b)"
)
_PREFIX_WORDS = ("company", "firm", "business", "organi", "workforce", "headcount", "staff", "employ",
                 "beschäftig", "emploie", "empleamos", "emprega", "impieghiamo")
_VAGUE_WORDS = ("hundred", "thousand", "hundert", "tausend", "centaine", "millier", "cientos", "miles",
                "centena", "milhar", "honderd", "duizend", "centinai", "migliai")
_AFTER_OK = re.compile(rf"(?:{_HEADCOUNT_NOUNS})|and|across|worldwide|globally|today|now|in|total|"
                       r"overall|so|with|at")
_JA_NOT_COMPANY = re.compile(r"チーム|部署|部門|担当")
_VAGUE_VALUES = {"hundred": 300, "hundert": 300, "centaine": 300, "cientos": 300, "centena": 300,
                 "honderd": 300, "centinai": 300, "thousand": 3000, "tausend": 3000, "millier": 3000,
                 "miles": 3000, "milhar": 3000, "duizend": 3000, "migliai": 3000}
_FORM_JUNK = {"", "-", "--", "n/a", "na", "none", "select", "please select", "choose", "select one",
              "prefer not to say", "unknown", "other", "?", "bitte wählen", "sélectionner", "seleccionar"}
_FORM_SOLO = re.compile(r"(?i:^(?:just me|only me|me|myself|solo|self[- ]employed|freelancer?|nur ich|"
                        r"moi seul|solo yo|só eu|alleen ik|solo io)$)")
_FORM_UPPER = re.compile(r"(?i:\+|\bmore than\b|\bover\b|\babove\b|\bor more\b|über|\bab\b|plus de|más de|"
                         r"mais de|meer dan|oltre|以上|>)")
_FORM_LOWER = re.compile(r"(?i:\bless than\b|\bunder\b|\bfewer than\b|\bbelow\b|unter|moins de|menos de|"
                         r"minder dan|meno di|未満|以下|<)")
_MAN_RE = re.compile(r"(\d+)\s*万")
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")


@dataclass(frozen=True)
class Headcount:
    """A company headcount read from text: employees, the quoted span, and whether it was vague."""

    employees: int
    span: str
    vague: bool = False


def parse_number(token: str) -> int | None:
    """An integer from "1,200", "1.200", "1 200", "2k", "1.5k"; None if it is not a number."""
    token = token.strip()
    multiplier = 1
    if token[-1:] in "kK":
        multiplier = 1000
        token = token[:-1].strip()
    if not token:
        return None
    if _GROUPED.match(token):
        digits = _SEPARATORS.sub("", token)
        value = float(digits)
    else:
        try:
            value = float(token.replace(",", "."))
        except ValueError:
            return None
    result = int(value * multiplier)
    return result if 0 < result < 10_000_000 else None


def parse_company_size(value: str) -> int | None:
    """Employees from a form's company-size value: a range's midpoint, "1000+" -> 1000, "500" -> 500."""
    if not value or len(value) > 80:
        return None
    text = value.translate(_FULLWIDTH).strip()
    if text.casefold() in _FORM_JUNK:
        return None
    if _FORM_SOLO.match(text):
        return 1
    text = _MAN_RE.sub(lambda m: str(int(m.group(1)) * 10000), text)
    numbers = [n for n in (parse_number(m.group(0)) for m in _NUM_RE.finditer(text)) if n]
    if not numbers:
        return None
    if len(numbers) >= 2:
        low, high = sorted(numbers[:2])
        return (low + high) // 2
    number = numbers[0]
    if _FORM_LOWER.search(text):
        return max(1, number // 2)
    return number


def _words_before(text: str, start: int, count: int = 4) -> str:
    window = text[max(0, start - 60):start]
    for stop in (".", "!", "?", "\n", ";", "。"):
        cut = window.rfind(stop)
        if cut >= 0:
            window = window[cut + 1:]
    return " ".join(window.split()[-count:])


def _value(match: re.Match[str], first: str, second: str) -> int | None:
    low = parse_number(match.group(first))
    high = parse_number(match.group(second)) if match.group(second) else None
    if high is None:
        return low
    # "200-250 people" is a range; "3 sedi e 300 dipendenti" is two numbers: the noun counts the second.
    if low and low < high <= low * 10:
        return (low + high) // 2
    return high


def _lower(text: str) -> str:
    """`text` lower-cased with every index kept, so spans found in one apply to the other."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower()[:1] for c in text)
    return low


def _noun_matches(low: str) -> list[re.Match[str]]:
    """`_NOUN_RE` tried only where a number starts: scanning for digits first is far cheaper."""
    out = []
    consumed = 0
    for digits in _DIGITS_RE.finditer(low):
        start = digits.start()
        if start < consumed or (start and low[start - 1] in ".,"):
            continue
        match = _NOUN_RE.match(low, start)
        if match:
            out.append(match)
            consumed = match.end()
    return out


def find_headcounts(text: str) -> list[Headcount]:
    """Every company-headcount statement in `text`, skipping team sizes, users, seats and hires."""
    if not text:
        return []
    low = _lower(text)
    out: list[Headcount] = []
    has_digits = _DIGITS_RE.search(text) is not None
    if has_digits and _NOUN_GATE_RE.search(low):
        for match in _noun_matches(low):
            before = _words_before(low, match.start())
            if _NOT_COMPANY_BEFORE.search(before) or _NOT_COMPANY_RIGHT_BEFORE.search(before):
                continue
            if _NOT_COMPANY_AFTER.search(low[match.end():match.end() + 30]):
                continue
            # "1 person", "2 people" are who is writing or meeting, not a company.
            value = _value(match, "num", "num2")
            if value and (value > 2 or match.group("noun") in ("employees", "employee", "staff")):
                out.append(Headcount(value, text[match.start():match.end()].strip()))
    if has_digits:
        if any(word in low for word in _PREFIX_WORDS):
            out.extend(_prefixed(text, low))
        if not text.isascii():
            for match in _JA_RE.finditer(text):
                if _JA_NOT_COMPANY.search(text[max(0, match.start() - 12):match.start()]):
                    continue
                num, man = ("num", "man") if match.group("num") else ("num2", "man2")
                value = parse_number(match.group(num))
                if value:
                    out.append(Headcount(value * (10000 if match.group(man) else 1), match.group(0)))
    if any(word in low for word in _VAGUE_WORDS):
        for match in _VAGUE_RE.finditer(low):
            if _NOT_COMPANY_BEFORE.search(_words_before(low, match.start(), 3)):
                continue
            amount = match.group("amount")
            value = next((v for stem, v in _VAGUE_VALUES.items() if stem in amount), 300)
            if "couple" in amount:
                value = 200
            out.append(Headcount(value, text[match.start():match.end()], vague=True))
    if "one-" in low or "one " in low or "sole" in low:
        for match in _SOLO_RE.finditer(low):
            out.append(Headcount(1, text[match.start():match.end()]))
    return out


def _prefixed(text: str, low: str) -> list[Headcount]:
    """ "a company of 300", "we employ 1,500": a number tied to a company phrase, not to a noun."""
    out = []
    for match in _PREFIX_RE.finditer(low):
        if _NOT_COMPANY_BEFORE.search(_words_before(low, match.start(), 2)):
            continue
        after = match.group("after")
        clause_ends = after[:1] in (",", ".", ";", ":", "!", "?", ")")
        after = after.strip(" \t,.;:!?)")
        # "a company with 300 customers": the next word must be a headcount noun or nothing.
        if after and not clause_ends and not _AFTER_OK.fullmatch(after):
            continue
        value = parse_number(match.group("num"))
        if value and not 1900 <= value <= 2100:
            keep_after = bool(after) and _AFTER_OK.fullmatch(after) is not None
            end = match.end() if keep_after else match.end("num")
            out.append(Headcount(value, text[match.start():end].strip(" ,.;")))
    return out


def company_headcount(text: str) -> Headcount | None:
    """The best company headcount in `text`: the largest specific figure, else a vague one.

    The largest, because a company's total is never smaller than a part of it that the text also
    counts ("300 people, 40 of them engineers").
    """
    found = find_headcounts(text)
    specific = [h for h in found if not h.vague]
    if specific:
        return max(specific, key=lambda h: h.employees)
    return max(found, key=lambda h: h.employees) if found else None
