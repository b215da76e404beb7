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
from collections.abc import Iterable
from dataclasses import dataclass

from leadrelay.pipeline.geo import word_pattern
from leadrelay.text import lower_keeping_offsets as _lower

__all__ = ["Headcount", "company_headcount", "find_headcounts", "parse_company_size", "parse_number"]

# A number as people write it: "300", "1,200", "1.200", "1 200", "1.5k", "2k", "10k".
_NUM = r"(?<![\d.,])(?:\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?![\d])|\d+(?:[.,]\d+)?)(?:\s?[kK](?![a-zA-Z]))?"
_NUM_RE = re.compile(_NUM)
_DIGITS_RE = re.compile(r"\d+")
# Stems of every headcount noun (and the Japanese counters): without one, no sentence states a headcount.
# A trie: it is scanned in full, since its hits anchor the number-word reading too.
_NOUN_GATE_RE = re.compile(word_pattern((
    "people|person|employ|staff|fte|headcount|worker|ppl|colleague|mitarbeit|beschäftigt|angestellt|personen|"
    "menschen|köpfe|salarié|collaborat|personnes|etp|empleado|trabajador|colaborador|personas|funcionári|"
    "funcionari|empregado|pessoas|medewerker|werknemer|mensen|dipendent|persone|addetti|leute|名|人"
).split("|")))
_GROUPED = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+$")
_SEPARATORS = re.compile(r"[.,\u00a0\u202f ]")

_RANGE_SEP = r"\s*(?:-|–|—|~|～|〜|to|bis|à|a|y|e|tot|al)\s*"
_HEADCOUNT_NOUNS = (
    r"people|persons?|employees?|staff|ftes?|headcount|workers|ppl|colleagues|"
    r"mitarbeiter(?:innen|\*innen|:innen|_innen)?|mitarbeitende[n]?|beschäftigte[n]?|angestellte[n]?|"
    r"personen|menschen|köpfe|salariés?|employés?|collaborat(?:eurs|rices)|personnes|etp|empleados|"
    r"trabajadores|colaboradores|personas|funcionários|funcionarios|empregados|pessoas|medewerkers|"
    r"werknemers|mensen|fte|dipendenti|collaboratori|persone|addetti|leute"
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
    r"in our team|on the call|in the meeting|joining|attending)\b)"
)
_PREFIX_WORDS = ("company", "firm", "business", "organi", "workforce", "headcount", "staff", "employ",
                 "beschäftig", "emploie", "empleamos", "emprega", "impieghiamo")
_VAGUE_WORDS = ("hundred", "thousand", "hundert", "tausend", "centaine", "millier", "cientos", "miles",
                "centena", "milhar", "honderd", "duizend", "centinai", "migliai")
# One scan for both gates: which of the prefix and vague stems occur at all.
_GATE_WORDS_RE = re.compile(word_pattern((*_PREFIX_WORDS, *_VAGUE_WORDS)))
_PREFIX_SET = frozenset(_PREFIX_WORDS)
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
# The nouns that follow a number word, as one trie so a scan costs about as much as for one word.
_WORD_NOUNS = (
    "people", "person", "persons", "employees", "employee", "staff", "ftes", "workers", "colleagues",
    "mitarbeiter", "mitarbeiterinnen", "mitarbeitende", "mitarbeitenden", "beschäftigte", "angestellte",
    "personen", "menschen", "köpfe", "leute", "salariés", "salarié", "employés", "collaborateurs",
    "collaboratrices", "personnes", "empleados", "trabajadores", "colaboradores", "personas", "funcionários",
    "funcionarios", "empregados", "pessoas", "medewerkers", "werknemers", "mensen", "dipendenti",
    "collaboratori", "persone", "addetti",
)
_WORD_NOUN_RE = re.compile(rf"(?<=[\s-]){word_pattern(_WORD_NOUNS)}(?![\w])")
_FULLWIDTH = str.maketrans("０１２３４５６７８９，．", "0123456789,.")

# Number words, one to twenty plus common tens and "hundred", in the handled languages. Articles that
# double as "one" (un, una, ein, een, um) are left out: "ein Mitarbeiter" is grammar, not a count.
_NUMBER_WORDS: dict[str, int] = {
    **dict(zip("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
               "sixteen seventeen eighteen nineteen twenty".split(), range(1, 21), strict=True)),
    "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100, "dozen": 12,
    **dict(zip("zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn "
               "siebzehn achtzehn neunzehn zwanzig".split(), range(2, 21), strict=True)),
    "dreißig": 30, "dreissig": 30, "vierzig": 40, "fünfzig": 50, "hundert": 100,
    **dict(zip("deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
               "dix-sept dix-huit dix-neuf vingt".split(), range(2, 21), strict=True)),
    "trente": 30, "quarante": 40, "cinquante": 50, "cent": 100,
    **dict(zip("dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis "
               "diecisiete dieciocho diecinueve veinte".split(), range(2, 21), strict=True)),
    "dieciseis": 16, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "cien": 100,
    **dict(zip("dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezesseis "
               "dezessete dezoito dezenove vinte".split(), range(2, 21), strict=True)),
    "duas": 2, "tres": 3, "quatorze": 14, "dezasseis": 16, "dezassete": 17, "dezanove": 19, "trinta": 30,
    "quarenta": 40, "cinquenta": 50, "cem": 100,
    **dict(zip("twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien vijftien zestien "
               "zeventien achttien negentien twintig".split(), range(2, 21), strict=True)),
    "dertig": 30, "veertig": 40, "vijftig": 50, "honderd": 100,
    **dict(zip("due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
               "sedici diciassette diciotto diciannove venti".split(), range(2, 21), strict=True)),
    "trenta": 30, "quaranta": 40, "cinquanta": 50, "cento": 100,
}
# "once" is Spanish eleven but English "once people see it": only with a Spanish noun.
_SPANISH_NOUNS = frozenset({"empleados", "trabajadores", "colaboradores", "personas"})
# A number word right after these is vague ("a few hundred employees"), read by `_VAGUE_RE`.
_VAGUE_BEFORE = frozenset({"few", "several", "many", "couple", "mehrere", "einige", "paar", "quelques",
                           "plusieurs", "varios", "algunos", "vários", "alguns", "enkele", "alcune", "diverse"})
_TOKEN_SPLIT_RE = re.compile(r"[\s\-]+")
_DIGIT_TOKEN_RE = re.compile(rf"^{_NUM}$")
# Words before a count of one or two that make it the company ("we're just two people", "somos dos").
_SMALL_OK_RE = re.compile(
    r"(?:\b(?:we're|we are|wir sind|nous sommes|on est|somos|siamo|siamo in|"
    r"we zijn|wij zijn|we zijn met|são|sono)(?:\s+(?:just|only|nur|seulement|solo|sólo|solamente|apenas|"
    r"maar|soltanto))?|\b(?:just|only))(?:\s+the)?\s*$"
)
# "there are 4 of us on the analytics team", "six of us will join": not the company.
_OF_US_NOT_AFTER_RE = re.compile(
    r"^\W*(?:(?:[\w-]+\s+){0,4}?(?:team|teams|squad|department|dept|unit|group|abteilung|équipe|equipo)\b"
    r"|(?:will|would|who|need|are going|attend\w*|join\w*|use|using|on the call|here today|work on|"
    r"working on|are on|sit in)\b)"
)
_SMALL_NOUNS = frozenset({"employees", "employee", "staff"})


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


def _count_before(low: str, end: int, *, words_only: bool) -> tuple[int, int, str] | None:
    """The count written right before `end` ("twenty-five", "two hundred", "14"): value, start, word before."""
    window = low[max(0, end - 48):end]
    if not window or window[-1] not in " \t\n-":
        return None
    tokens = _TOKEN_SPLIT_RE.split(window.rstrip(" \t\n-"))
    if not words_only and tokens and _DIGIT_TOKEN_RE.match(tokens[-1]):
        value = parse_number(tokens[-1])
        word = tokens[-2] if len(tokens) > 1 else ""
        return (value, window.rstrip(" \t\n-").rfind(tokens[-1]) + max(0, end - 48), word) if value else None
    used = 0
    for token in reversed(tokens):
        if token in _NUMBER_WORDS or (token == "and" and used and tokens[-used] in _NUMBER_WORDS):
            used += 1
        else:
            break
    while used and tokens[-used] == "and":
        used -= 1
    if not used:
        return None
    value = 0
    for token in tokens[len(tokens) - used:]:
        number = _NUMBER_WORDS.get(token, 0)
        value = max(value, 1) * 100 if number == 100 else value + number
    first = tokens[-used]
    # The first number word's position: search back from the end, past the later words.
    start = window.rfind(first, 0, len(window) - sum(len(t) for t in tokens[len(tokens) - used + 1:]))
    word = tokens[-used - 1] if len(tokens) > used else ""
    # Number words stop below a thousand; "hundred hundred" is noise, not ten thousand people.
    return (value, start + max(0, end - 48), word) if 0 < value < 1000 and start >= 0 else None


def _company_context(low: str, start: int, end: int, value: int, noun: str) -> bool:
    """Whether a count (start..end) is the company's: not a team, users or hires; a 1 or 2 only if "we are"."""
    before = _words_before(low, start)
    if _NOT_COMPANY_BEFORE.search(before) or _NOT_COMPANY_RIGHT_BEFORE.search(before):
        return False
    # "1 person", "2 people" are who is writing or meeting, unless "we're just two people".
    return value > 2 or noun in _SMALL_NOUNS or _SMALL_OK_RE.search(before) is not None


def _word_counts(text: str, low: str, noun_starts: Iterable[int]) -> list[Headcount]:
    """Headcounts written in words before a headcount noun: "a three-person shop", "dos personas"."""
    out: list[Headcount] = []
    for noun_start in noun_starts:
        # Cheap test first: most nouns follow digits ("300 people"), which `_NOUN_RE` already read.
        last = noun_start - 1
        while last >= 0 and low[last] in " \t\n-":
            last -= 1
        first = last
        while first >= 0 and low[first].isalpha():
            first -= 1
        if low[first + 1:last + 1] not in _NUMBER_WORDS:
            continue
        noun = _WORD_NOUN_RE.match(low, noun_start)
        if not noun:
            continue
        found = _count_before(low, noun_start, words_only=True)
        if not found:
            continue
        value, start, word = found
        if word in _VAGUE_BEFORE or (word == "of" and "couple" in low[max(0, start - 12):start]):
            continue
        if low.startswith("once", start) and noun.group(0) not in _SPANISH_NOUNS:
            continue
        if _NOT_COMPANY_AFTER.search(low[noun.end():noun.end() + 30]):
            continue
        if _company_context(low, start, noun.end(), value, noun.group(0)):
            out.append(Headcount(value, text[start:noun.end()]))
    return out


def _of_us(text: str, low: str) -> list[Headcount]:
    """ "14 of us", "there are twelve of us", "just the two of us": the people of a small company."""
    out: list[Headcount] = []
    index = low.find(" of us")
    while index >= 0 and len(out) < 5:
        end = index + 6
        if end >= len(low) or not low[end].isalnum():
            found = _count_before(low, index + 1, words_only=False)
            if found and not _OF_US_NOT_AFTER_RE.search(low[end:end + 40]):
                value, start, _ = found
                if _company_context(low, start, end, value, ""):
                    out.append(Headcount(value, text[start:end]))
        index = low.find(" of us", end)
    return out


_ASCII_DIGITS = b"0123456789"


def _has_digit(text: str) -> bool:
    """Whether `text` has a decimal digit (what `\\d` matches); ASCII text is checked without a regex scan."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_DIGITS)) != len(raw)
    return _DIGITS_RE.search(text) is not None


def find_headcounts(text: str) -> list[Headcount]:
    """Every company-headcount statement in `text`, skipping team sizes, users, seats and hires."""
    if not text:
        return []
    low = _lower(text)
    out: list[Headcount] = []
    has_digits = _has_digit(text)
    # Where headcount nouns start: the gate for the digit scan and the anchors for number words.
    noun_starts = [m.start() for m in _NOUN_GATE_RE.finditer(low)]
    if has_digits and noun_starts:
        for match in _noun_matches(low):
            if _NOT_COMPANY_AFTER.search(low[match.end():match.end() + 30]):
                continue
            value = _value(match, "num", "num2")
            if value and _company_context(low, match.start(), match.end(), value, match.group("noun")):
                out.append(Headcount(value, text[match.start():match.end()].strip()))
    if noun_starts:
        out.extend(_word_counts(text, low, noun_starts))
    if " of us" in low:
        out.extend(_of_us(text, low))
    # Prefix words count only next to a digit, and a vague amount only before a headcount noun (every
    # noun of `_VAGUE_RE` has a stem of `_NOUN_GATE_RE`): without either, the gate scan finds nothing of use.
    gates = set(_GATE_WORDS_RE.findall(low)) if has_digits or noun_starts else set()
    if has_digits:
        if not gates.isdisjoint(_PREFIX_SET):
            out.extend(_prefixed(text, low))
        if not text.isascii():
            for match in _JA_RE.finditer(text):
                if _JA_NOT_COMPANY.search(text[max(0, match.start() - 12):match.start()]):
                    continue
                num, man = ("num", "man") if match.group("num") else ("num2", "man2")
                value = parse_number(match.group(num))
                if value:
                    out.append(Headcount(value * (10000 if match.group(man) else 1), match.group(0)))
    if not gates <= _PREFIX_SET:
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
