"""Finding the signature block at the end of a message and reading who the sender is from it.

A signature starts at a "--" delimiter, a sign-off ("Best,", "Viele Grüße", "Cordialement", ...),
a "-J" style initial, or a line with the sender's name followed by signature-looking lines. Its
lines are then read as name, title, company, phone, address and website by the cues a person uses:
role words make a title, legal suffixes make a company, digits with street words make an address.
"""

from __future__ import annotations

import re

from leadrelay.pipeline.records import Signature


class _Lowered:
    """A regex over lower-cased text: much faster than re.I on long Unicode alternations."""

    __slots__ = ("_rx",)

    def __init__(self, pattern: str) -> None:
        self._rx = re.compile(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        return self._rx.search(text.lower())

    def match(self, text: str) -> re.Match[str] | None:
        return self._rx.match(text.lower())

__all__ = ["find_signature_start", "parse_signature", "split_signature"]

_REGION_LINES = 30  # a signature lives in the last lines of the newest text
_MAX_FIELD_LINES = 12  # lines of a block worth reading for fields; the rest is legal footer

_SIGN_OFFS = [
    # en
    "best", "best regards", "best wishes", "kind regards", "warm regards", "warmest regards", "regards",
    "many thanks", "thanks", "thank you", "thanks again", "thanks in advance", "thank you in advance",
    "thanks so much", "thank you so much", "cheers", "sincerely", "yours sincerely", "yours truly",
    "all the best", "talk soon", "speak soon", "take care", "rgds", "with thanks", "respectfully",
    "many thanks in advance", "thanks a lot", "with best regards", "with kind regards", "thank you very much",
    "thanks for your time", "thank you for your time", "thanks for your help", "thank you for your help",
    "looking forward to hearing from you", "obrigado desde já", "obrigada desde já",
    "muito obrigado desde já", "muito obrigada desde já",
    # de
    "viele grüße", "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "liebe grüsse",
    "freundliche grüße", "freundliche grüsse", "mit freundlichen grüßen", "mit freundlichen grüssen",
    "mit besten grüßen", "mit besten grüssen", "herzliche grüße", "herzliche grüsse", "schöne grüße",
    "gruß", "gruss", "grüße", "grüsse", "mfg", "lg", "vg", "danke", "vielen dank", "besten dank",
    "danke im voraus", "vielen dank im voraus",
    # fr
    "cordialement", "bien cordialement", "très cordialement", "bien à vous", "salutations",
    "meilleures salutations", "sincères salutations", "bonne journée", "belle journée", "merci",
    "merci beaucoup", "merci d'avance", "merci par avance", "amicalement", "bien à toi",
    # es
    "saludos", "un saludo", "saludos cordiales", "atentamente", "gracias", "muchas gracias", "un abrazo",
    "cordialmente", "quedo atento", "quedo atenta", "quedo a la espera",
    # pt
    "atenciosamente", "cumprimentos", "melhores cumprimentos", "abraços", "abraço", "obrigado",
    "obrigada", "muito obrigado", "muito obrigada", "att", "grato", "grata", "saudações",
    # nl
    "met vriendelijke groet", "met vriendelijke groeten", "vriendelijke groet", "vriendelijke groeten",
    "groeten", "groet", "hartelijke groet", "bedankt", "dank je", "dank u", "mvg", "alvast bedankt",
    # it
    "cordiali saluti", "distinti saluti", "saluti", "un saluto", "grazie", "grazie mille", "a presto",
    "buona giornata", "grazie in anticipo",
]
_SIGN_OFFS_JA = [
    "よろしくお願いします", "よろしくお願いいたします", "よろしくお願い致します", "宜しくお願いします",
    "宜しくお願い致します", "宜しくお願いいたします", "敬具", "以上", "ありがとうございます",
]
_SIGN_OFF_SET = frozenset(p.rstrip(",") for p in _SIGN_OFFS)
# Words that join a thank-you to a sign-off: "Vielen Dank und viele Grüße", "Mit freundlichen Grüßen / Kind regards".
_JOINERS = (" and ", " und ", " et ", " y ", " e ", " en ", " & ", " / ", " - ", " – ")
_SIGN_OFF_TRAIL = " ,.!:;)~-\t"
# Every sign-off reading below needs the first or the last word of a sign-off as a word of the line, split
# at spaces and the punctuation the readings strip: lines without one are rejected with one split.
_SIGN_OFF_WORDS = frozenset(w for p in _SIGN_OFF_SET for w in (p.split()[0], p.split()[-1]))
_SIGN_OFF_WORD_SPLIT = re.compile(r"[\s,!.:;)~\-–—_*]+")
_SIGN_OFF_HEAD = re.compile(r"^([^,!.]+)[,!.]+\s*[-–—]?\s*(\S.*)$")
_SIGN_OFF_NAME_PART = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w.'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w.'-]*){0,2}\.?$")


def _sign_off(line: str) -> tuple[bool, str | None]:
    """Whether `line` is a sign-off, and the name when it carries one ("Thanks, Sam")."""
    stripped = line.strip().replace("’", "'")
    if not stripped or len(stripped) > 60:
        return False, None
    if stripped.endswith("?"):
        return False, None
    core = stripped.rstrip(_SIGN_OFF_TRAIL).lstrip("-–—_* ").lower()
    if core in _SIGN_OFF_SET:
        return True, None
    if not core.isascii() and len(core) <= 40 and any(core.rstrip("。．!！ ").endswith(p) for p in _SIGN_OFFS_JA):
        return True, None
    if _SIGN_OFF_WORDS.isdisjoint(_SIGN_OFF_WORD_SPLIT.split(stripped.lower())):
        return False, None
    if "?" not in core:
        for joiner in _JOINERS:
            if joiner in core and core.rsplit(joiner, 1)[1].strip() in _SIGN_OFF_SET:
                return True, None
    named = _SIGN_OFF_HEAD.match(stripped)
    if named and named.group(1).strip().lower() in _SIGN_OFF_SET:
        tail = named.group(2).strip().rstrip(".")
        if _SIGN_OFF_NAME_PART.match(tail):
            return True, tail
    words = stripped.split()
    for cut in range(1, min(len(words), 4)):
        # "LG Lena", "Best regards Sam": a sign-off and a name with no punctuation between.
        if " ".join(words[:cut]).lower().rstrip(",.!") in _SIGN_OFF_SET:
            tail = " ".join(words[cut:]).strip(" -–—.")
            if _SIGN_OFF_NAME_PART.match(tail) and not _ROLE.search(tail):
                return True, tail
    return False, None


_DELIMITER = re.compile(r"^\s*(?:--|-- |—|–|__+|-{3,}\s*)\s*$")
_DELIMITER_STARTS = ("-", "—", "–", "_")


def _is_delimiter(line: str) -> bool:
    """A "--" or rule line; most lines are rejected by their first character, before the regex."""
    return line.lstrip()[:1] in _DELIMITER_STARTS and _DELIMITER.match(line) is not None


_INITIAL_SIGN = re.compile(r"^\s*[-–—~]\s?[A-ZÀ-ÖØ-Þ][\w.]{0,15}\s*$")
_DEVICE = _Lowered(
    r"^\s*(?:sent from my|get outlook for|envoyé de mon|von meinem .{0,20} gesendet|enviado desde mi|"
    r"enviado do meu|verzonden vanaf mijn|inviato da|sent from outlook|sent via)\b",
)
_FOOTER = _Lowered(
    r"confidential|disclaimer|this e-?mail|this message|privileged|amtsgericht|registergericht|"
    r"handelsregister|\bhrb\b|sitz der gesellschaft|\bsitz:|geschäftsführ|ust-?id|\bvat\b|unsubscribe|"
    r"intended recipient|vertraulich|please consider the environment|think before you print|"
    r"company registration|registered office|registered in|siège social|\brcs\b",
)
_ROLE = _Lowered(
    r"\b(?:head|director|directora?|directeur|directrice|diretora?|vp|svp|evp|avp|vice[- ]president|president|"
    r"presidente|manager|managing|engineer|engineering manager|developer|architect|analyst|scientist|lead|"
    r"chief|cto|ceo|cfo|coo|cio|cdo|cmo|cpo|cro|ciso|founder|co-?founder|cofounder|owner|partner|"
    r"consultant|specialist|officer|coordinator|administrator|admin|associate|principal|intern|"
    r"recruiter|reporter|journalist|editor|accountant|controller|buyer|executive|strategist|"
    r"representative|advisor|adviser|student|researcher|professor|lecturer|fellow|assistant|"
    r"leiter|leiterin|geschäftsführer|geschäftsführerin|vorstand|inhaber|inhaberin|entwickler|"
    r"entwicklerin|berater|beraterin|referent|referentin|sachbearbeiter|sachbearbeiterin|ingenieur|"
    r"ingenieurin|prokurist|responsable|ingénieur|chef|chargée?|gérante?|fondateur|fondatrice|"
    r"gerente|jefe|jefa|ingeniero|ingeniera|analista|coordinador|coordinadora|fundador|fundadora|"
    r"desarrollador|chefe|engenheiro|engenheira|coordenador|coordenadora|desenvolvedor|hoofd|"
    r"directeur|oprichter|eigenaar|beheerder|adviseur|responsabile|dirigente|ingegnere|fondatore|"
    r"amministratore|sviluppatore|titolare)\b"
    # German compounds ("Teamleiterin", "Softwareentwickler"): the role is the word's ending.
    r"|(?:leiter|leiterin|führer|führerin|entwickler|entwicklerin|berater|beraterin|ingenieur|founderin|"
    r"gründer|gründerin)\b"
    r"|部長|課長|係長|室長|マネージャー|マネジャー|エンジニア|取締役|代表|社長|担当|主任|リーダー|責任者",
)
_LEGAL = re.compile(
    r"(?:\b(?:GmbH|gGmbH|mbH|AG|KG|Inc|Incorporated|Ltd|Limited|LLC|L\.L\.C|LLP|PLC|plc|Corp|Corporation|"
    r"S\.A|SA|S\.A\.S|SAS|SARL|S\.à r\.l|S\.L|SL|S\.r\.l|Srl|S\.p\.A|SpA|B\.V|BV|N\.V|NV|Pty|Pte|Oy|Oyj|AB|"
    r"ASA|A/S|ApS|Lda|Ltda|K\.K|Co|SE|e\.V|eG|Group|Holdings?)\b\.?)"
    r"|株式会社|有限会社|合同会社|\(株\)|㈱",
)
_ORG_WORD = _Lowered(
    r"\b(?:university|universität|université|universidad|universidade|università|universiteit|hochschule|"
    r"college|school|institute|institut|instituto|bank|labs|technologies|systems|solutions|software|"
    r"partners|capital|ventures|consulting|media|health|healthcare|logistics|analytics|insurance|"
    r"energy|foods|foundation|agency|studio|studios)\b",
)
_DEPARTMENT_WORDS = frozenset(
    "data analytics engineering sales marketing operations finance it product products technology platform "
    "platforms infrastructure bi business intelligence research strategy growth revenue people hr customer "
    "customers success emea americas apac europe dach nordics procurement security accounting digital "
    "innovation partnerships alliances development insights ai ml machine learning science cloud "
    "architecture management governance quality integration warehouse warehousing m&a risk compliance "
    "legal reporting controlling information enterprise global international north south east west america "
    "regional & and of de y et "
    "und e en the for r&d devops ops it-infrastruktur informatique datos dados dati".split()
)
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>()|,]+", re.I)
_BARE_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/\S*)?$", re.I)
_PHONE_LABEL = re.compile(
    r"^\s*(?:tel|tél|tele?fono?|telefone|telefon|telephone|téléphone|phone|ph|mobile|mob|mobil|cell|"
    r"direct|office|fax|fon|handy|m|t|p|o|d|w|电话|電話|tel\.)\b\.?\s*[:.]?\s*",
    re.I,
)
_PHONE = re.compile(r"(?:\+|\(|\b)\d[\d\s().\-/]{5,}\d")
_ADDRESS = _Lowered(
    r"\b(?:st|street|ave|avenue|road|rd|blvd|boulevard|lane|ln|drive|dr|way|plaza|square|sq|suite|ste|"
    r"floor|fl|level|building|bldg|tower|house|straße|strasse|str|allee|weg|platz|ring|gasse|damm|kai|"
    r"ufer|rue|chemin|place|quai|calle|avenida|av|plaza|paseo|carrer|rua|travessa|largo|via|piazza|viale|"
    r"corso|straat|laan|plein|gracht|kade|po box|postfach)\b\.?"
    r"|(?:straße|strasse|str\.|weg|platz|allee|gasse|damm|straat|laan|gracht|plein|kade)\b",
)
_POSTCODE = re.compile(
    r"\b\d{4,5}\s+[A-ZÀ-ÖØ-Þ]|\b[A-Z]{2}\s+\d{5}\b|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|"
    r"\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b|\b[A-Z]{2,3}\s+\d{4}\b|〒"
)
_CITY_STATE = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w .'-]{1,30},\s*[A-Z]{2}$")
_SEGMENT_SPLIT = re.compile(r"\s+[|·•]\s+|\s*\|\s*|\s+[–—-]\s+|\s*·\s*|\s{3,}")
_SEGMENT_MARKS = ("|", "·", "•", "–", "—", "-")
_THREE_SPACES = re.compile(r"\s{3}")
_DIGIT = re.compile(r"\d")
_EMAIL_LABELS = ("e:", "email:", "e-mail:", "mail:")
_SEGMENT_CHARS = re.compile(r"[|·•–—]| - |\s{3}")
_AT_SPLIT = re.compile(r"\s+(?:at|@|bei|chez|en|na|no|bij|presso|em)\s+(?=\S)", re.I)
_NAME_PARTICLES = frozenset("van von de der den da del di du le la dos das y e".split())
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|[A-Z]\.)$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff\u3040-\u30ff]{1,4}\s?[\u4e00-\u9fff\u3040-\u30ff]{1,4}$")


def _is_sign_off(line: str) -> bool:
    """Whether `line` is a sign-off ("Best,", "Viele Grüße", "Thanks, Sam")."""
    return _sign_off(line)[0]


def _looks_like_name(segment: str, sender_name: str | None = None) -> bool:
    text = segment.strip().strip(",")
    if not text or len(text) > 50 or _DIGIT.search(text) is not None or "@" in text:
        return False
    if sender_name:
        lowered = text.lower()
        if lowered == sender_name.lower() or lowered == sender_name.split()[0].lower():
            return True
    if _CJK_NAME.match(text):
        return not (_ROLE.search(text) or _LEGAL.search(text))
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    # Cheap shape test first; the role/company regexes only run on name-shaped lines.
    if not all(_NAME_TOKEN.match(t) or t.lower() in _NAME_PARTICLES for t in tokens):
        return False
    if all(t.lower() in _DEPARTMENT_WORDS for t in tokens):
        return False
    return not (_ROLE.search(text) or _LEGAL.search(text) or _ORG_WORD.search(text))


def _sentence_like(line: str) -> bool:
    stripped = line.strip()
    return stripped.endswith("?") or len(stripped.split()) >= 8 or len(stripped) > 70


def _is_generic_sign_off(lines: list[str], i: int, sender_name: str | None) -> bool:
    """A short closing line ending in a comma ("Thank you for your time,") above a name line."""
    line = lines[i].strip()
    if not line.endswith(",") or len(line) > 40 or len(line.split()) > 6 or any(c in line for c in "?:;()@"):
        return False
    following = next((ln.strip() for ln in lines[i + 1:] if ln.strip()), "")
    return bool(following) and _looks_like_name(following.split(" | ")[0], sender_name)


def _is_name_line(lines: list[str], i: int, sender_name: str | None) -> bool:
    """A name (or "Name | Title") line followed by signature lines, or the sender's full name near the end."""
    line = lines[i].strip()
    # Every separator has one of these characters or three spaces in a row; most lines have none.
    has_separator = any(map(line.__contains__, _SEGMENT_MARKS)) or _THREE_SPACES.search(line) is not None
    first = _SEGMENT_SPLIT.split(line, maxsplit=1)[0].strip() if has_separator else line
    if not line or not _looks_like_name(first, sender_name):
        return False
    rest = [ln for ln in lines[i + 1:i + 5] if ln.strip()]
    if first != line:
        return bool(_ROLE.search(line) or _LEGAL.search(line))
    if sender_name and " " in sender_name and line.lower() == sender_name.lower() and len(rest) <= 4 \
            and not any(_sentence_like(ln) and not _FOOTER.search(ln) for ln in rest):
        return True
    if not rest:
        return bool(sender_name and line.lower() in sender_name.lower())
    head = rest[0]
    return not _sentence_like(head) and bool(
        _ROLE.search(head) or _LEGAL.search(head) or _PHONE.search(head) or _URL.search(head)
        or _EMAIL.search(head)
    )


def find_signature_start(lines: list[str], sender_name: str | None = None) -> int | None:
    """Index of the first line of the signature block in `lines`, or None when there is none."""
    n = len(lines)
    first = max(0, n - _REGION_LINES)
    starts: list[int] = []
    # "--" is the standard delimiter; long rules ("_____") often only fence off a legal footer.
    delimiters = [i for i in range(max(first, 1), n) if _is_delimiter(lines[i])]  # one pass for both
    strong = next((i for i in delimiters if lines[i].strip() in ("--", "—", "–")), None)
    weak = delimiters[0] if delimiters else None
    if strong is not None:
        starts.append(strong)
    # The last sign-off that is followed by signature-looking lines rather than more sentences.
    for i in range(n - 1, first - 1, -1):
        if _is_sign_off(lines[i]) or _is_generic_sign_off(lines, i, sender_name):
            following = next((ln for ln in lines[i + 1:] if ln.strip()), "")
            if not following or not _sentence_like(following) or _FOOTER.search(following) \
                    or _is_delimiter(following):
                starts.append(i)
                break
    if not starts:
        for i in range(max(first, n - 12, 1), n):
            if _INITIAL_SIGN.match(lines[i]) or _is_name_line(lines, i, sender_name):
                starts.append(i)
                break
    if not starts and weak is not None:
        starts.append(weak)
    if not starts:
        starts.extend(i for i in range(max(first, 1), n) if _DEVICE.match(lines[i]))
    return min(starts) if starts else None


def _is_department(text: str) -> bool:
    words = [w for w in re.split(r"[\s,/]+", text.lower()) if w]
    return bool(words) and all(w in _DEPARTMENT_WORDS for w in words)


def _split_title_company(segment: str) -> tuple[str, str] | None:
    """Split "Title, Company" / "Title at Company" when the left side is a role and the right is not."""
    for splitter in (", ", ",", " at "):
        if splitter == " at ":
            parts = _AT_SPLIT.split(segment, maxsplit=1)
        else:
            left, sep, right = segment.rpartition(splitter) if splitter in segment else ("", "", "")
            parts = [left, right] if sep else [segment]
        if len(parts) != 2:
            continue
        left, right = parts[0].strip(), parts[1].strip()
        if not left or not right or not _ROLE.search(left):
            continue
        if _LEGAL.search(right) or not (_ROLE.search(right) or _is_department(right)):
            return left, right
    return None


def _phone(segment: str) -> str | None:
    label = _PHONE_LABEL.match(segment)
    body = segment[label.end():] if label else segment
    match = _PHONE.search(body)
    if not match:
        return None
    digits = len(_DIGIT.findall(match.group(0)))
    if digits < 7 or digits > 16:
        return None
    # Without a label the segment must be mostly the number, so "Suite 1400, 60606" is not a phone.
    if not label and len(match.group(0)) < 0.6 * len(body.strip()):
        return None
    return match.group(0).strip()


def _is_address(segment: str) -> bool:
    has_digit = _DIGIT.search(segment) is not None
    if _CITY_STATE.match(segment.strip()):
        return True
    return (has_digit and bool(_ADDRESS.search(segment) or _POSTCODE.search(segment))) or "〒" in segment


def parse_signature(block: str, sender_name: str | None = None) -> Signature:
    """Read name, title, company, phone, address and website from a signature block."""
    name = title = company = phone = website = None
    address: list[str] = []
    leftovers: list[tuple[int, str]] = []
    name_line = -1
    lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
    for index, line in enumerate(lines[:_MAX_FIELD_LINES]):
        if len(line) > 110 or ((len(line) > 25 or ":" in line) and _FOOTER.search(line)) or _DEVICE.match(line):
            break
        if _is_delimiter(line):
            continue
        if index == 0:
            is_sign_off, signed_name = _sign_off(line)
            if is_sign_off or (line.endswith(",") and len(line) <= 40):
                if signed_name:
                    name, name_line = signed_name, index
                continue
        if _INITIAL_SIGN.match(line):
            continue
        segments = _SEGMENT_SPLIT.split(line) if _SEGMENT_CHARS.search(line) else [line]
        for segment in (s.strip() for s in segments):
            if not segment:
                continue
            lowered = segment.lower()
            if ("@" in segment and _EMAIL.fullmatch(segment)) or lowered.startswith(_EMAIL_LABELS):
                continue
            url = _URL.search(segment) if ("www" in lowered or "http" in lowered) else None
            if url or ("." in segment and " " not in segment and _BARE_DOMAIN.match(segment)):
                website = website or (url.group(0) if url else segment).rstrip(".,;")
                continue
            has_digit = _DIGIT.search(segment) is not None
            number = _phone(segment) if has_digit else None
            if number:
                phone = phone or number
                continue
            if (has_digit or "," in segment or "〒" in segment) and _is_address(segment):
                address.append(segment)
                continue
            left, _, right = segment.partition(", ")
            if right and name is None and _looks_like_name(left, sender_name) and _ROLE.search(right):
                name, name_line, title = left, index, title or right  # "Omar Rossi, Head of Data"
                continue
            role = _ROLE.search(segment) is not None
            # A title part is a role, and a role in a part is a role in the segment: no role, no split.
            pair = _split_title_company(segment) if role else None
            if pair and title is None:
                title, company = pair[0], company or pair[1]
                continue
            legal = _LEGAL.search(segment) is not None
            if legal and not role:
                company = company or segment
                continue
            if role and not legal:
                if title is None:
                    title = segment
                continue
            if _looks_like_name(segment, sender_name):
                # "Renee" then "Renee Castellano": the fuller form of the same name wins.
                if name is None and index <= 2:
                    name, name_line = segment, index
                    continue
                if name is not None and name.lower() in segment.lower():
                    if len(segment) >= len(name):
                        name, name_line = segment, index
                    continue
            if name is None and index == 0 and len(segment.split()) == 1 and segment[:1].isupper() \
                    and segment.isalpha():
                name, name_line = segment, index  # a first-name-only sign-off
                continue
            leftovers.append((index, segment))
    for index, segment in leftovers:
        if len(segment) > 70 or segment.endswith((".", "?", "!")):
            continue
        if title is None and name is not None and index == name_line + 1 and not _ORG_WORD.search(segment):
            title = segment
        elif company is None and (title is not None or name is not None) and segment[:1].isupper():
            company = segment.split(", ")[0]  # "Hochschule X, Fakultät Y": the organisation comes first
    return Signature(
        name=name, title=title, company=company, phone=phone,
        address=", ".join(address) if address else None, website=website, text=block.strip(),
    )


def split_signature(text: str, sender_name: str | None = None) -> tuple[str, Signature | None]:
    """Split `text` into the message without its signature, and the parsed signature (or None)."""
    lines = text.rstrip().split("\n")
    start = find_signature_start(lines, sender_name)
    if start is None:
        return text.strip(), None
    body = "\n".join(lines[:start]).rstrip()
    block = "\n".join(lines[start:]).strip()
    return body, parse_signature(block, sender_name)
