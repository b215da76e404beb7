"""The extract step: a parsed Message becomes a Lead with company, role, use case, size and country.

`LocalFieldExtractor` is the offline, rule-based `FieldExtractor`: it reads form fields first, then
a LinkedIn headline and the signature, then sentences of the text in English, German, French,
Spanish, Portuguese, Dutch, Italian and Japanese. Every field it sets carries an Evidence item that
quotes where it came from; where sources disagree, a "rule" Evidence says which one won and why.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from publicsuffixlist import PublicSuffixList

from leadrelay.backends.base import ExtractedFields, FieldExtractor
from leadrelay.errors import BackendError
from leadrelay.pipeline import geo
from leadrelay.pipeline.records import Evidence, Fields, Lead, Message
from leadrelay.pipeline.sizes import Headcount, company_headcount, parse_company_size
from leadrelay.text import lower_keeping_offsets as _lower

__all__ = ["ExtractStep", "LocalFieldExtractor", "clean_company", "is_gibberish", "normalize_domain"]

log = logging.getLogger(__name__)

_STEP = "extract"
_Kind = Literal["text", "form", "rule"]
_MAX_TEXT = 20_000  # longer texts are cut: the facts we want sit in the first screens of a message
_USE_CASE_MAX = 140

# Form keys as forms in the handled languages name them; the parse step maps most to canonical keys.
_COMPANY_KEYS = ("company", "company_name", "organization", "organisation", "empresa", "entreprise",
                 "société", "unternehmen", "firma", "azienda", "bedrijf", "pre_chat_company", "会社名")
_TITLE_KEYS = ("job_title", "title", "role", "jobtitle", "position", "cargo", "poste", "fonction",
               "funktion", "ruolo", "functie", "役職")
_HEADLINE_KEYS = ("headline", "profile_headline")
_SIZE_KEYS = ("company_size", "employees", "size", "headcount", "taille", "taille_entreprise", "tamaño",
              "tamano", "dimensao", "dimensão", "groesse", "größe", "unternehmensgroesse", "dimensione",
              "bedrijfsgrootte", "従業員数")
_COUNTRY_KEYS = ("country", "pais", "país", "pays", "land", "paese", "country_region", "国")
_LOCATION_KEYS = ("location",)  # a LinkedIn profile's location: where the person is
_IP_LOCATION_KEYS = ("visitor_location", "ip_location", "geo")  # IP geolocation: VPNs and travel blur it
_PHONE_KEYS = ("phone", "phone_number", "telephone", "téléphone", "telefone", "telefono", "teléfono", "tel",
               "mobile", "telefon", "電話番号")
_WEBSITE_KEYS = ("website", "company_website", "url", "homepage", "site", "site_web", "sitio_web", "webseite")
_FREE_TEXT_KEYS = ("company", "job_title", "name", "first_name", "last_name", "message")

# Values people type when they have no company (or will not say).
_JUNK_VALUES = frozenset({
    "", "-", "--", "---", ".", "..", "...", "?", "x", "xx", "xxx", "n/a", "na", "n.a.", "n.a", "none", "no",
    "nil", "null", "test", "testing", "asdf", "private", "privat", "privé", "particular", "particulier",
    "self", "self-employed", "self employed", "individual", "personal", "home", "me", "myself", "no company",
    "nothing", "unemployed", "looking for a job", "job seeker", "jobseeker", "seeking employment",
    "keine", "keins", "aucune", "aucun", "ninguna", "ninguno", "nenhuma", "nenhum", "geen", "nessuna",
    "nessuno", "company", "my company", "student", "freelance", "freelancer", "independent", "retired",
    "not applicable", "prefer not to say", "confidential", "tbd", "unknown", "other", "various",
})
_JUNK_ROLES = _JUNK_VALUES - {"student", "freelance", "freelancer", "independent", "retired", "self-employed"}

_KEYBOARD_RUNS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "qwertzuiop", "yxcvbnm", "azertyuiop", "qsdfghjklm",
                  "wxcvbn", "1234567890")
_KEYBOARD_RE = re.compile(geo.word_pattern({row[i:i + 5] for row in _KEYBOARD_RUNS for i in range(len(row) - 4)}))
_REPEATED_RE = re.compile(r"(.{1,4})\1+.{0,3}")  # "dfgdfgdfg", "xcvxcv", "aaaa"
_NOT_LETTER_RE = re.compile(r"[^a-zA-Z]+")
_VOWEL_RE = re.compile(r"[aeiouy]")
_CONSONANT_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{6,}")

_ABBREVIATED_SUFFIXES = ("inc.", "ltd.", "co.", "corp.", "s.a.", "b.v.", "n.v.", "e.v.", "s.l.", "ltda.",
                         "s.p.a.", "s.r.l.", "l.l.c.", "p.c.", "plc.", "a.g.", "s.a.s.", "k.k.", "pty.", "s.e.")
_CONNECTORS = frozenset({"&", "and", "of", "de", "der", "du", "des", "la", "le", "von", "van", "y", "e", "und",
                         "et", "del", "da", "do", "dos", "das", "di", "the", "für", "for"})
_NOT_COMPANIES = frozenset({
    "i", "we", "the", "a", "an", "this", "that", "our", "my", "your", "you", "it", "us", "they", "he", "she",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
    "firma", "unternehmen", "company", "team", "abteilung", "gruppe", "group", "work", "home", "night",
    "christmas", "easter", "weekend", "lunch", "noon", "midnight", "least", "most", "all", "first",
    "scale", "present", "moment", "times", "some", "one", "once", "q1", "q2", "q3", "q4", "eod",
})
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž0-9"
_NAME = rf"(?P<name>(?-i:[{_UPPER}])[\w&'’.\-]*(?:[ \t]+(?:&|[\w&'’.\-]+)){{0,6}})"
_ROLE_WORDS = (
    r"head|director|vp|svp|evp|vice[- ]president|manager|engineer|engineering|analyst|cto|ceo|cfo|coo|cio|"
    r"cdo|cmo|cro|cpo|founder|co-?founder|lead|architect|scientist|consultant|owner|officer|president|"
    r"partner|developer|specialist|administrator|admin|student|intern|researcher|professor|editor|reporter|"
    r"journalist|recruiter|coordinator|chief|principal|associate|executive|strategist|designer|controller|"
    r"accountant|ops|operations|marketer|sdr|bdr|evangelist|advisor|adviser|freelancer|contractor|"
    r"programmer|dba|leiter(?:in)?|geschäftsführer(?:in)?|entwickler(?:in)?|ingenieur(?:in)?|"
    r"architekt(?:in)?|berater(?:in)?|teamleiter(?:in)?|abteilungsleiter(?:in)?|werkstudent(?:in)?|"
    r"referent(?:in)?|inhaber(?:in)?|gründer(?:in)?|vorstand|redakteur(?:in)?|directeur|directrice|"
    r"responsable|chef|ingénieure?|analyste|fondat(?:eur|rice)|dsi|gérante?|développeu(?:r|se)|consultante|"
    r"chargée?|stagiaire|étudiante?|journaliste|présidente?|directora?|jef[ea]|ingenier[oa]|analista|"
    r"fundador(?:a)?|gerente|desarrollador(?:a)?|consultor(?:a)?|coordinador(?:a)?|estudiante|periodista|"
    r"soci[oa]|diretora?|engenheir[oa]|coordenador(?:a)?|desenvolvedor(?:a)?|estudante|sóci[oa]|chefe|"
    r"líder|hoofd|analist|oprichter|eigenaar|teamleider|adviseur|ontwikkelaar|beheerder|responsabile|"
    r"direttore|direttrice|ingegnere|fondat(?:ore|rice)|sviluppatore|consulente|studente|titolare|"
    r"amministratore"
)
_ROLE_WORD_RE = re.compile(rf"\b(?:{_ROLE_WORDS})\b", re.IGNORECASE)
_JA = "\u30a0-\u30ff\u4e00-\u9fffA-Za-z0-9"

# --- company and role in text ------------------------------------------------------------------
# Each pattern names the sender's own company and is tried only where one of its lower-case anchors
# occurs (a `str.find` is far cheaper than letting `re` try every position). First-person first.
_COMPANY_PATTERNS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (anchors, re.compile(pattern)) for anchors, pattern in (
        (("i'm", "i am", "i work", "i've been", "i lead", "i run", "i head", "i manage", "i oversee", "i own"),
         rf"(?i:I'm|I am|I work|I've been|I lead|I run|I head|I manage|I oversee|I own)\b"
         rf"(?P<mid>[^.\n!?]{{0,60}}?)\s(?i:at|@)\s+{_NAME}"),
        (("here at", "we at", "us at", "team at", "folks at", "on behalf of", "representing"),
         rf"(?i:here at|we at|us at|all of us at|team at|folks at|on behalf of|representing)\s+{_NAME}"),
        (("i work for", "i am working for", "i have worked for"),
         rf"(?i:I work|I am working|I have worked) for\s+{_NAME}"),
        (("i'm ", "i am ", "this is ", "my name is ", "it's "),
         rf"(?i:I'm|I am|this is|my name is|it's)\s+(?-i:[A-Z][a-z]+)(?:\s+(?-i:[A-Z][a-z]+))?"
         rf"\s*,?\s+(?i:from|at|with)\s+{_NAME}"),
        (("founder", "owner", "ceo", "cto", "president"),
         rf"(?i:founder|co-?founder|cofounder|owner|ceo|cto|president)\s+(?i:of|at)\s+{_NAME}"),
        (("ich arbeite", "ich bin", "arbeite", "hier", "wir", "tätig"),
         rf"(?i:ich arbeite|ich bin\b[^.\n]{{0,50}}?|arbeite|hier|wir|tätig)\s+(?i:bei)\s+"
         rf"(?i:der\s+|dem\s+|den\s+)?{_NAME}"),
        (("wir von",), rf"(?i:wir von)\s+(?i:der\s+|dem\s+)?{_NAME}"),
        (("chez",), rf"(?i:chez)\s+{_NAME}"),
        (("trabajo", "trabajamos", "aquí"), rf"(?i:trabajo|trabajamos|aquí)\s+en\s+{_NAME}"),
        (("soy",), rf"(?i:soy)\b[^.\n]{{0,60}}?\sen\s+{_NAME}"),
        (("trabalho", "trabalhamos", "aqui"), rf"(?i:trabalho|trabalhamos|aqui)\s+(?:na|no|em)\s+{_NAME}"),
        (("sou",), rf"(?i:sou)\b[^.\n]{{0,60}}?\s(?:na|no)\s+{_NAME}"),
        (("presso",), rf"(?i:presso)\s+{_NAME}"),
        (("lavoro", "lavoriamo"), rf"(?i:lavoro|lavoriamo)\s+(?:in|per|da)\s+{_NAME}"),
        (("ik werk", "werk", "ik ben", "hier", "wij"),
         rf"(?i:ik werk|werk|ik ben\b[^.\n]{{0,50}}?|hier|wij)\s+bij\s+{_NAME}"),
        (("namens",), rf"(?i:namens)\s+{_NAME}"),
    )
)
# Anchor -> patterns to try. The anchor regex matches the longest anchor ("i work for"), so each
# anchor also lists the patterns of the shorter anchors it starts with ("i work").
_ANCHOR_OWNERS = [(anchor.strip(), index) for index, (anchors, _) in enumerate(_COMPANY_PATTERNS)
                  for anchor in anchors]
_COMPANY_ANCHORS: dict[str, list[int]] = {
    anchor: sorted({index for other, index in _ANCHOR_OWNERS if anchor.startswith(other)})
    for anchor, _ in _ANCHOR_OWNERS
}
_COMPANY_ANCHOR_RE = re.compile(rf"(?<![a-z0-9]){geo.word_pattern(_COMPANY_ANCHORS)}")
# Third person, for a colleague's intro note and headline-like lines: "Meet Sam, VP Data at Acme".
_ROLE_AT_ANCHORS = (" at ", " @ ", " with ", " from ")
_NAME_RE = re.compile(_NAME)
_ROLE_START_RE = re.compile(
    r"(?:\b(?:she's|he's|she is|he is|they're|they are|is|was|as)\s+|[,—–]\s+|\s-\s+)"
    r"(?:the\s+|a\s+|an\s+|our\s+)?", re.IGNORECASE
)
_JA_COMPANY_RE = re.compile(
    rf"(?:株式会社|有限会社|合同会社)[{_JA}ー・]{{1,20}}|[{_JA}ー・]{{1,20}}(?:株式会社|有限会社|合同会社)|"
    rf"[（(]株[）)][{_JA}ー・]{{1,20}}"
)
_JA_PREFIXES = ("弊社", "当社", "私たち", "私")

_ROLE_TRIGGERS = ("i'm ", "i am ", "i work as ", "in my role as ", "my role is ", "as ", "als ", "ich bin ",
                  "je suis ", "en tant que ", "soy ", "como ", "sou ", "sono ", "come ", "ik ben ",
                  "werkzaam als ", "in qualità di ")
_ROLE_TRIGGER_ANCHOR_RE = re.compile(rf"(?<![a-z0-9]){geo.word_pattern(_ROLE_TRIGGERS)}")
_ROLE_TRIGGER_RE = re.compile(
    r"(?:(?:i'm|i am|i work as|in my role as|my role is|as|als|ich bin|je suis|en tant que|soy|como|sou|"
    r"sono|come|ik ben|werkzaam als|in qualità di)\s+(?:the\s+|a\s+|an\s+|der\s+|die\s+|le\s+|la\s+|l'|"
    r"un\s+|une\s+|el\s+|o\s+|il\s+|lo\s+|de\s+|currently\s+(?:the\s+|a\s+)?)?)"
    r"(?P<role>[^.\n!?,;:()]{2,80})", re.IGNORECASE
)
_ROLE_CUT_RE = re.compile(
    r"\s(?:at|@|for|with|here|in charge|and i|and we|bei|chez|au sein|en|na|no|presso|bij|in|dans|"
    r"within|since|seit|depuis|desde|da|van|who|and|und|et|y|e|of (?:a|an|our|my|this))\b", re.IGNORECASE
)
_OF_CUT_RE = re.compile(r"\b(?:founder|co-?founder|cofounder|owner|ceo|cto|cfo|president)\s+of\b", re.IGNORECASE)
_ROLE_NOISE_RE = re.compile(r"\b(?:i|we|you|our|my|your|looking|reaching|writing|interested|trying|"
                            r"wondering|going|happy|glad|sure|not|also|just|still|very|currently)\b", re.IGNORECASE)
_JA_ROLE_NOUN_RE = re.compile(
    r"部長|課長|マネージャー|マネジャー|エンジニア|責任者|担当者|取締役|室長|本部長|リーダー|アナリスト|代表|CTO|CIO|CEO"
)
_JA_ROLE_PREFIX = re.compile(rf"[{_JA}ー]{{1,10}}$")


def _ja_role(text: str) -> str | None:
    """The first Japanese role noun with up to ten name characters before it ("営業本部長")."""
    noun = _JA_ROLE_NOUN_RE.search(text)
    if noun is None:
        return None
    # Found from the noun back (a search for the whole pattern tried every position of the text).
    prefix = _JA_ROLE_PREFIX.search(text, max(0, noun.start() - 10), noun.start())
    return text[prefix.start() if prefix else noun.start():noun.end()]
_HEADLINE_SPLIT_RE = re.compile(r"\s+(?:at|@|bei|chez|en|na|no|presso|bij|à)\s+", re.IGNORECASE)
_HEADLINE_PARTS_RE = re.compile(r"\s+[|•·–—]\s+|\s+-\s+")

# --- use case ----------------------------------------------------------------------------------
# Lower-case terms, matched on the lower-cased text as one trie-shaped alternation.
_DOMAIN_TERMS = (
    "pipeline", "etl", "elt", "reverse etl", "warehouse", "lakehouse", "snowflake", "bigquery", "redshift",
    "databricks", "sync", "connector", "connecteur", "konnektor", "cdc", "change data capture", "replicat",
    "replizier", "ingest", "salesforce", "hubspot", "netsuite", "sap", "postgres", "mysql", "oracle",
    "sql server", "mongodb", "kafka", "fivetran", "airbyte", "stitch", "dbt", "data stack", "data platform",
    "datenpipeline", "datenintegration", "entrepôt", "flux de données", "almacén de datos",
    "integración de datos", "integração de dados", "armazém de dados", "magazzino dati", "datawarehouse",
    "zendesk", "shopify", "stripe", "google analytics", "crm", "erp", "dashboard", "reporting", "analytics",
    "migrat", "data source", "sources de données", "fuentes de datos", "fontes de dados", "databronnen",
    "fonti dati", "daten", "données", "datos", "dados", "gegevens", "dati", "data", "データ", "連携",
)
_ASK_TERMS = (
    "looking for", "looking to", "looking into", "need", "want", "would like", "evaluat", "interested in",
    "trying to", "replace", "replacing", "moving", "consolidat", "centralis", "centraliz", "pricing", "demo",
    "quote", "trial", "how do i", "how do we", "how can i", "how can we", "can you", "suchen", "brauchen",
    "möchten", "wollen", "benötigen", "interessiert", "ersetzen", "cherchons", "besoin", "souhait",
    "voudrions", "intéress", "remplacer", "buscamos", "necesitamos", "queremos", "interesad", "reemplazar",
    "procuramos", "precisamos", "gostaríamos", "interessad", "substituir", "zoeken", "willen", "nodig",
    "vervangen", "cerchiamo", "bisogno", "vorremmo", "interessat", "sostituire", "検討", "探して", "導入",
    "移行", "したい",
)
# One scan finds both kinds: term -> True for a domain term, False for an ask.
_USE_CASE_TERMS = {**dict.fromkeys(_ASK_TERMS, False), **dict.fromkeys(_DOMAIN_TERMS, True)}
_USE_CASE_TERMS_RE = re.compile(rf"(?<![a-z]){geo.word_pattern(_USE_CASE_TERMS)}")
_SENTENCE_END_RE = re.compile(r"[.!?]+\s+|[。！？]+\s*|\n+")
_CHAT_PREFIX_RE = re.compile(r"\s*(?:\[[^\]]{0,40}\]\s*)*(?:(?P<speaker>[\w .'’-]{1,40}):\s+)?")
_GREETING_RE = re.compile(
    r"(?:hi|hello|hey|dear|good (?:morning|afternoon)|hallo|guten tag|moin|bonjour|salut|hola|buenas|"
    r"olá|ola|oi|ciao|buongiorno|hoi|goedemorgen|thanks|thank you|many thanks|best|regards|cheers|"
    r"kind regards|danke|vielen dank|merci|gracias|obrigad[oa]|grazie|bedankt|dank je|viele grüße|"
    r"mit freundlichen|cordialement|saludos|atenciosamente|cordiali saluti|met vriendelijke|sent from|"
    r"お世話になっております|よろしくお願い)\b[^\w]*(?:team|all|there|everyone|folks|zusammen)?[^\w]*",
    re.IGNORECASE,
)
_LEADING_FILLER_RE = re.compile(r"(?:so|basically|anyway|also|and|but|ok|okay|well|quick question)[,:]?\s+",
                                re.IGNORECASE)

# --- websites ----------------------------------------------------------------------------------
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\"'\]]+", re.IGNORECASE)
_WEBSITE_CONTEXT_RE = re.compile(
    r"our (?:web)?site|visit us|website is|unsere (?:web)?seite|unsere website|notre site|nuestro sitio|"
    r"nossa? (?:web)?site|onze website|il nostro sito|find us at", re.IGNORECASE
)
_NOT_COMPANY_SITES = frozenset({
    "linkedin.com", "twitter.com", "x.com", "facebook.com", "instagram.com", "youtube.com", "youtu.be",
    "github.com", "gitlab.com", "medium.com", "calendly.com", "zoom.us", "google.com", "goo.gl", "bit.ly",
    "notion.so", "notion.site", "loom.com", "docs.google.com", "drive.google.com", "dropbox.com",
    "wikipedia.org", "gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "aol.com",
    "gmx.de", "gmx.net", "web.de", "t-online.de", "orange.fr", "free.fr", "proton.me", "protonmail.com",
    "hubspot.com", "typeform.com", "forms.gle", "tiktok.com", "slack.com", "teams.microsoft.com",
    "example.com", "example.org", "mailchimp.com", "wa.me",
})
_HOST_CHARS_RE = re.compile(r"[a-z0-9.-]+")
_ADDRESS_LINE_RE = re.compile(r"\d|,|·|\|")
_DROPDOWN_DEFAULTS = frozenset({"AF", "AX", "AL"})  # first entries of country dropdowns: bots pick them
# Independent kinds of concrete country evidence; "form" is the dropdown itself (it backs its own value).
_VOTING_GROUPS = frozenset({"form", "location", "statement", "address", "phone", "domain"})


@dataclass(frozen=True)
class _Candidate:
    """One source's answer for a field, how much it is trusted, and its evidence."""

    value: str
    strength: int
    evidence: Evidence
    group: str = ""  # the independent kind of source, for country votes ("statement", "phone", "domain")


@lru_cache(maxsize=4096)  # a form's values are checked by extract and classify, and names repeat across events
def is_gibberish(value: str) -> bool:
    """Whether a form value looks like keyboard mashing ("dfgdfg", "xcvxcv", "asdfgh", "qpzlrmxo")."""
    if not value.isascii():
        return False
    letters = _NOT_LETTER_RE.sub("", value.casefold())
    if len(letters) < 4:
        return False
    if len(letters) <= 6 and _NOT_LETTER_RE.sub("", value).isupper():
        return False  # acronyms: IBM, KPMG, HSBC
    if _REPEATED_RE.fullmatch(letters) or _KEYBOARD_RE.search(letters):
        return True
    # A word of five or more letters without a vowel ("xcvbn", "KJHkjhs"); real names have vowels.
    if any(len(word) >= 5 and not _VOWEL_RE.search(word) for word in _NOT_LETTER_RE.split(value.casefold())):
        return True
    return _CONSONANT_RUN.search(value.casefold()) is not None  # per word: spaces break a run


def is_bot_form(form: Mapping[str, str]) -> bool:
    """A bot fills every free-text box with keyboard mash; then its dropdowns mean nothing either."""
    values = [form[k] for k in _FREE_TEXT_KEYS if form.get(k, "").strip()]
    mashed = sum(is_gibberish(v) for v in values)
    return mashed >= 2 and mashed * 2 >= len(values)


def _is_junk(value: str, junk: frozenset[str] = _JUNK_VALUES) -> bool:
    key = " ".join(value.casefold().split()).strip(" .,;:!?\"'")
    if key in junk or len(key) < 2 or len(key) > 100:
        return True
    if not any(c.isalpha() for c in key) or "@" in key:
        return True
    return is_gibberish(value)


def clean_company(value: str) -> str:
    """A company name with whitespace collapsed and trailing punctuation stripped (legal suffixes kept)."""
    name = " ".join(value.split())
    previous = None
    while name != previous:  # quotes and punctuation in any order: “Acme GmbH”,
        previous = name
        name = name.strip(" \"'“”‘’«»()[]").rstrip(" ,;:!?-–—")
    if name.endswith(".") and not name.casefold().endswith(_ABBREVIATED_SUFFIXES):
        name = name.rstrip(".")
    return name


_LEGAL_WORDS = frozenset({"gmbh", "mbh", "ag", "kg", "se", "e.v.", "inc", "inc.", "ltd", "ltd.", "llc", "plc",
                          "corp", "corp.", "co.", "s.a.", "sa", "s.l.", "sl", "b.v.", "bv", "n.v.", "nv",
                          "s.p.a.", "spa", "s.r.l.", "srl", "sas", "sarl", "ltda", "ltda.", "oy", "ab", "as",
                          "a/s", "aps", "pty", "k.k."})


def _trim_name(raw: str) -> str | None:
    """The company name at the start of a regex capture: capitalised words and connectors only."""
    words: list[str] = []
    for word in raw.split():
        bare = word.rstrip(",;:!?)\"'’").lstrip("(\"'")
        if not bare:
            break
        key = bare.casefold()
        legal = key in _LEGAL_WORDS or key.rstrip(".") in _LEGAL_WORDS
        # A full stop ends the sentence, unless it belongs to "Inc." or an initial ("J.").
        sentence_end = bare.endswith(".") and not legal and not (len(bare) == 2 and bare[0].isupper())
        if sentence_end:
            bare = bare[:-1]
        if not bare:
            break
        if bare[0].isupper() or bare[0].isdigit() or bare in ("&", "+") or legal or (
            key in _CONNECTORS and words
        ):
            words.append(bare)
        else:
            break
        if sentence_end or legal or word != word.rstrip(",;:!?)\"'’"):
            break  # a full stop, a legal form, a comma or a bracket ends the name
    while words and words[-1].casefold() in _CONNECTORS:
        words.pop()
    if not words:
        return None
    name = clean_company(" ".join(words))
    if name.casefold() in _NOT_COMPANIES or len(name) < 2 or name.isdigit():
        return None
    return name


def _clean_role(value: str) -> str | None:
    role = " ".join(value.split()).strip(" ,;:-–—.\"'")
    for article in ("the ", "a ", "an ", "der ", "die ", "le ", "la ", "l'", "un ", "une ", "el ", "o ",
                    "il ", "lo "):
        if role.casefold().startswith(article):
            role = role[len(article):]
    if not role or len(role) > 80 or _is_junk(role, _JUNK_ROLES):
        return None
    return role


@lru_cache(maxsize=65536)  # senders repeat their domains; the public-suffix look-up is the costly part
def normalize_domain(value: str, psl: PublicSuffixList | None = None) -> str | None:
    """A bare registrable domain from a URL or host ("https://www.shop.acme.co.uk/x" -> "acme.co.uk")."""
    host = value.strip().casefold()
    if not host or " " in host or len(host) > 300:
        return None
    host = host.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].strip(".")
    if host.startswith("www."):
        host = host[4:]
    if "." not in host or not _HOST_CHARS_RE.fullmatch(host):
        return None
    if psl is not None:
        return psl.privatesuffix(host) or None
    return host


def _form_get(form: Mapping[str, str], keys: Iterable[str]) -> tuple[str, str] | None:
    if not form:
        return None
    for key in keys:
        value = form.get(key)
        if value and value.strip():
            return key, value.strip()
    return None



def _find_all(low: str, needle: str, limit: int = 30) -> Iterable[int]:
    index = low.find(needle)
    found = 0
    while index >= 0 and found < limit:
        yield index
        found += 1
        index = low.find(needle, index + 1)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs, without chat-bot lines, chat prefixes and bullets."""
    out = []
    start = 0
    for end_match in [*_SENTENCE_END_RE.finditer(text), None]:
        end = end_match.start() if end_match else len(text)
        if end_match and end_match.group(0)[0] not in "\n ":
            end += len(end_match.group(0).rstrip())  # keep the full stop in the sentence
        chunk = text[start:end]
        next_start = end_match.end() if end_match else len(text)
        prefix = _CHAT_PREFIX_RE.match(chunk) if chunk[:1] == "[" or ":" in chunk[:42] else None
        offset = prefix.end() if prefix else 0
        speaker = prefix.group("speaker") if prefix else None
        if speaker and "bot" in speaker.casefold():
            start = next_start  # the chat bot's lines say what we sell, not what they want
            continue
        sentence = chunk[offset:].strip(" \t-*•>")
        if sentence:
            out.append((start + chunk.find(sentence), sentence))
        start = next_start
        if len(out) > 200:
            break
    return out


def _shorten(sentence: str, limit: int = _USE_CASE_MAX) -> str:
    sentence = " ".join(sentence.split())
    filler = _LEADING_FILLER_RE.match(sentence)
    if filler:
        sentence = sentence[filler.end():]
    sentence = sentence[:1].upper() + sentence[1:]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


def _band(size: int) -> int:
    return sum(size >= edge for edge in (11, 50, 200, 1000, 5000))


def _country_vote(form: _Candidate, candidates: list[_Candidate]) -> tuple[str, list[Evidence]] | None:
    """Another country when two or more independent concrete sources agree on it against the form.

    One stray source (a roaming phone, a .co.uk agency domain) does not beat what the sender chose; two
    kinds that agree (a statement and a phone prefix, an address and a ccTLD) do, unless as many kinds
    back the form. Several phones or two ccTLDs of one domain count once: they are one kind of source.
    """
    support = {c.group for c in candidates if c.value == form.value and c.group in _VOTING_GROUPS}
    against: dict[str, dict[str, _Candidate]] = {}
    for candidate in candidates:
        if candidate.value != form.value and candidate.group in _VOTING_GROUPS:
            groups = against.setdefault(candidate.value, {})
            if candidate.group not in groups or candidate.strength > groups[candidate.group].strength:
                groups[candidate.group] = candidate
    if not against:
        return None
    code, groups = max(against.items(), key=lambda item: (len(item[1]), max(c.strength for c in item[1].values())))
    if len(groups) < 2 or len(groups) <= len(support):
        return None
    voters = sorted(groups.values(), key=lambda c: -c.strength)
    names = ", ".join(f"{c.group} ({c.evidence.source})" for c in voters)
    rule = Evidence(kind="rule", step=_STEP, source="rule:extract.country-vote",
                    detail=f"country {code} over the form's {form.value} ({form.evidence.span}): {len(groups)} "
                           f"independent sources agree on {code}: {names}")
    return code, [voters[0].evidence, *(c.evidence for c in voters[1:]), rule]


def _roles_at(text: str, low: str) -> list[tuple[str, str, str]]:
    """(role, company, span) for "…, VP Data at Acme" and "she's Head of BI with Foo" in `text`."""
    out = []
    for anchor in _ROLE_AT_ANCHORS:
        for index in _find_all(low, anchor, limit=10):
            name_match = _NAME_RE.match(text, index + len(anchor))
            if not name_match:
                continue
            window = text[max(0, index - 60):index]
            starts = list(_ROLE_START_RE.finditer(window))
            if not starts:
                continue
            candidate = window[starts[-1].end():]
            if not _ROLE_WORD_RE.search(candidate) or _ROLE_NOISE_RE.search(candidate):
                continue
            role = _clean_role(candidate)
            name = _trim_name(name_match.group("name"))
            if role and name:
                out.append((role, name, f"{candidate}{anchor}{name}".strip()))
    return out


class LocalFieldExtractor:
    """Rule-based field extraction that runs offline in well under a millisecond per message."""

    name = "local-rules"

    def __init__(self, *, own_names: Iterable[str] = (), own_domains: Iterable[str] = ()) -> None:
        """Cheap set-up; `own_names`/`own_domains` are the workspace's company, never the sender's."""
        self._own_names = frozenset(n.casefold() for n in own_names)
        self._own_domains = frozenset(d.casefold() for d in own_domains)
        self._psl: PublicSuffixList | None = None

    def load(self) -> None:
        """Build the country tables and the public-suffix list."""
        geo.load()
        if self._psl is None:
            self._psl = PublicSuffixList()

    def extract(self, message: Message) -> ExtractedFields:
        """Extract company, role, use case, team size, country, source and website from `message`.

        Never raises: odd input gives empty fields and an Evidence item saying why.
        """
        try:
            return self._extract(message)
        except Exception as exc:  # a rule bug must not lose the lead; the evidence records it
            log.exception("field extraction failed", extra={"event_id": message.event.id})
            return ExtractedFields(
                fields=Fields(source=message.source or None),
                evidence=(Evidence(kind="rule", step=_STEP, detail=f"extraction failed: {type(exc).__name__}",
                                   source="rule:extract.error"),),
            )

    # -- orchestration ---------------------------------------------------------------------------
    def _extract(self, message: Message) -> ExtractedFields:
        if self._psl is None:
            self.load()
        form = {k.strip().casefold(): v for k, v in message.form.items() if isinstance(v, str)}
        evidence: list[Evidence] = []
        if self._form_is_junk(form):
            evidence.append(Evidence(kind="rule", step=_STEP, detail="form values look machine-made; ignored",
                                     source="rule:extract.junk-form"))
            form = {}
        text = message.text[:_MAX_TEXT]
        note = message.forwarded_note[:_MAX_TEXT]
        company = self._company(message, form, text, note)
        role = self._role(message, form, text, note)
        use_case = self._use_case(message, form, text, note)
        size, size_evidence = self._team_size(message, form, text, note)
        country, country_evidence = self._country(message, form, text, note)
        website = self._website(message, form, text)
        for candidate in (company, role, use_case, website):
            if candidate:
                evidence.append(candidate.evidence)
        evidence.extend(size_evidence)
        evidence.extend(country_evidence)
        fields = Fields(
            company=company.value if company else None,
            role=role.value if role else None,
            use_case=use_case.value if use_case else None,
            team_size=size,
            country=country,
            source=message.source or None,
        )
        return ExtractedFields(fields=fields, website=website.value if website else None, evidence=tuple(evidence))

    def _form_is_junk(self, form: Mapping[str, str]) -> bool:
        return is_bot_form(form)

    # -- company -----------------------------------------------------------------------------------
    def _own(self, name: str) -> bool:
        key = name.casefold()
        return any(key == own or key.startswith(own + " ") for own in self._own_names)

    def _company(self, message: Message, form: Mapping[str, str], text: str, note: str) -> _Candidate | None:
        hit = _form_get(form, _COMPANY_KEYS)
        if hit and not _is_junk(hit[1]) and not self._own(hit[1]):
            name = clean_company(hit[1])
            return _Candidate(name, 100, Evidence(kind="form", step=_STEP, detail=f"company {name!r} from the form",
                                                  span=hit[1], source=f"form:{hit[0]}"))
        headline = _form_get(form, _HEADLINE_KEYS)
        if headline:
            _, company = self._split_headline(headline[1])
            if company:
                return _Candidate(company, 90, Evidence(kind="form", step=_STEP,
                                                        detail=f"company {company!r} from the profile headline",
                                                        span=headline[1], source=f"form:{headline[0]}"))
        signature = message.signature
        if signature and signature.company and not _is_junk(signature.company) and not self._own(signature.company):
            name = clean_company(signature.company)
            return _Candidate(name, 80, Evidence(kind="text", step=_STEP, detail=f"company {name!r} from the signature",
                                                 span=signature.company, source="signature"))
        found = self._company_in_text(text, first_person=True)
        source = "text"
        if not found and note:
            found = self._company_in_text(note, first_person=False)
            source = "forwarded_note"
        if found:
            name, span = found
            return _Candidate(name, 60, Evidence(kind="text", step=_STEP, detail=f"company {name!r} stated in the text",
                                                 span=span, source=source))
        return None

    def _company_in_text(self, text: str, *, first_person: bool) -> tuple[str, str] | None:
        if not text:
            return None
        low = _lower(text)
        if first_person:
            # Pattern order first (first-person statements beat the rest), then position in the text.
            tries = sorted((index, hit.start()) for hit in _COMPANY_ANCHOR_RE.finditer(low)
                           for index in _COMPANY_ANCHORS[hit.group(0)])
            for index, position in tries:
                match = _COMPANY_PATTERNS[index][1].match(text, position)
                if not match:
                    continue
                name = _trim_name(match.group("name"))
                if name and not self._own(name) and not geo.place_country(name):
                    return name, text[match.start():match.start("name") + len(name)].strip()
        for _role, name, span in _roles_at(text, low):
            if not self._own(name) and not geo.place_country(name):
                return name, span
        if not text.isascii():
            # Every alternative has "会社" or "株": most non-ASCII texts skip the backtracking scan.
            match = _JA_COMPANY_RE.search(text) if ("会社" in text or "株" in text) else None
            if match:
                name = match.group(0)
                for prefix in _JA_PREFIXES:
                    if name.startswith(prefix) and len(name) > len(prefix) + 2:
                        name = name[len(prefix):]
                return name, match.group(0)
        return None

    def _split_headline(self, headline: str) -> tuple[str | None, str | None]:
        """Role and company from "Head of Data at Acme | ex-Foo"."""
        first = _HEADLINE_PARTS_RE.split(headline.strip(), maxsplit=1)[0]
        parts = _HEADLINE_SPLIT_RE.split(first, maxsplit=1)
        role = _clean_role(parts[0]) if _ROLE_WORD_RE.search(parts[0]) or len(parts) == 2 else None
        company = None
        if len(parts) == 2:
            name = clean_company(parts[1])
            if name and not _is_junk(name) and not self._own(name):
                company = name
        return role, company

    # -- role --------------------------------------------------------------------------------------
    def _role(self, message: Message, form: Mapping[str, str], text: str, note: str) -> _Candidate | None:
        hit = _form_get(form, _TITLE_KEYS)
        if hit:
            role = _clean_role(hit[1])
            if role:
                return _Candidate(role, 100, Evidence(kind="form", step=_STEP, detail=f"role {role!r} from the form",
                                                      span=hit[1], source=f"form:{hit[0]}"))
        headline = _form_get(form, _HEADLINE_KEYS)
        if headline:
            role, _ = self._split_headline(headline[1])
            if role:
                return _Candidate(role, 90, Evidence(kind="form", step=_STEP,
                                                     detail=f"role {role!r} from the profile headline",
                                                     span=headline[1], source=f"form:{headline[0]}"))
        signature = message.signature
        if signature and signature.title:
            role = _clean_role(signature.title)
            if role:
                return _Candidate(role, 80, Evidence(kind="text", step=_STEP,
                                                     detail=f"role {role!r} from the signature",
                                                     span=signature.title, source="signature"))
        for source, body, first_person in (("text", text, True), ("forwarded_note", note, False)):
            found = self._role_in_text(body, first_person=first_person)
            if found:
                role, span = found
                return _Candidate(role, 60, Evidence(kind="text", step=_STEP,
                                                     detail=f"role {role!r} stated in the text",
                                                     span=span, source=source))
        return None

    def _role_in_text(self, text: str, *, first_person: bool) -> tuple[str, str] | None:
        if not text:
            return None
        low = _lower(text)
        if first_person:
            starts = [hit.start() for hit in _ROLE_TRIGGER_ANCHOR_RE.finditer(low)]
            for match in (m for m in (_ROLE_TRIGGER_RE.match(text, i) for i in starts) if m):
                candidate = match.group("role")
                of_cut = _OF_CUT_RE.search(candidate)
                if of_cut:
                    candidate = candidate[:of_cut.end() - 3]
                cut = _ROLE_CUT_RE.search(candidate)
                if cut:
                    candidate = candidate[:cut.start()]
                words = candidate.split()
                if not words or len(words) > 7 or not _ROLE_WORD_RE.search(candidate):
                    continue
                if _ROLE_NOISE_RE.search(candidate):
                    continue
                role = _clean_role(candidate)
                if role:
                    return role, text[match.start():match.start("role") + len(candidate)].strip()
        for role, _, span in _roles_at(text, low):
            return role, span
        if not text.isascii():
            ja = _ja_role(text)
            if ja:
                return ja, ja
        return None

    # -- use case ----------------------------------------------------------------------------------
    def _use_case(self, message: Message, form: Mapping[str, str], text: str, note: str) -> _Candidate | None:
        subject = message.subject.strip()
        for prefix in ("re:", "aw:", "fw:", "fwd:", "wg:", "tr:", "rv:"):
            if subject.casefold().startswith(prefix):
                subject = subject[len(prefix):].strip()
        body = (text or form.get("message", ""))[:5000]
        found = self._best_sentence(body, subject)
        if found is None and note:
            found = self._best_sentence(note[:5000], "")
        if found is None:
            return None
        use_case = _shorten(found)
        return _Candidate(use_case, 60, Evidence(kind="text", step=_STEP, detail="use case: the sentence about the ask",
                                                 span=use_case, source="text"))

    def _best_sentence(self, body: str, subject: str) -> str | None:
        """The sentence that says most about data sources, warehouses, pipelines or the ask."""
        joined = f"{body}\n{subject}" if subject else body
        low = _lower(joined)
        domain_hits: list[int] = []
        ask_hits: list[int] = []
        for hit in _USE_CASE_TERMS_RE.finditer(low):
            (domain_hits if _USE_CASE_TERMS.get(hit.group(0), True) else ask_hits).append(hit.start())
        if not domain_hits and not ask_hits:
            return None
        candidates = _sentences(body)
        if subject:
            candidates.append((len(body) + 1, subject))
        best: tuple[int, str] | None = None
        for offset, sentence in candidates:
            end = offset + len(sentence)
            domain = bisect_left(domain_hits, end) - bisect_left(domain_hits, offset)
            ask = bisect_left(ask_hits, end) - bisect_left(ask_hits, offset)
            if not domain and not ask:
                continue
            greeting = _GREETING_RE.match(sentence)
            if greeting:
                sentence = sentence[greeting.end():]
            if not sentence or (not domain and not (ask and len(sentence.split()) >= 5)):
                continue
            is_subject = subject and offset > len(body)
            score = 2 * min(domain, 4) + min(ask, 2) + (1 if is_subject and domain else 0)
            if best is None or score > best[0]:
                best = (score, sentence)
        return best[1] if best else None

    # -- company size ----------------------------------------------------------------------------
    def _team_size(self, message: Message, form: Mapping[str, str], text: str,
                   note: str) -> tuple[int | None, list[Evidence]]:
        form_hit = _form_get(form, _SIZE_KEYS)
        form_size = parse_company_size(form_hit[1]) if form_hit else None
        stated: Headcount | None = company_headcount(f"{message.subject}\n{text}")
        stated_source = "text"
        if stated is None and note:
            stated = company_headcount(note)
            stated_source = "forwarded_note"
        evidence: list[Evidence] = []
        form_evidence = Evidence(kind="form", step=_STEP, detail=f"company size {form_size} from the form",
                                 span=form_hit[1], source=f"form:{form_hit[0]}") if form_hit and form_size else None
        stated_evidence = Evidence(kind="text", step=_STEP,
                                   detail=f"company size {stated.employees} stated"
                                   + (" (vague)" if stated.vague else ""),
                                   span=stated.span, source=stated_source) if stated else None
        if stated and stated_evidence and (not stated.vague or form_size is None):
            evidence.append(stated_evidence)
            if form_size is not None and form_evidence:
                evidence.append(form_evidence)
                if _band(form_size) != _band(stated.employees):
                    evidence.append(Evidence(
                        kind="rule", step=_STEP, source="rule:extract.size-conflict",
                        detail=f"the sender's own sentence ({stated.employees}) beats the form dropdown "
                               f"({form_hit[1] if form_hit else form_size}): a specific statement is more exact"))
            return stated.employees, evidence
        if form_size is not None and form_evidence:
            evidence.append(form_evidence)
            if stated and stated_evidence and _band(form_size) != _band(stated.employees):
                evidence.append(stated_evidence)
                evidence.append(Evidence(
                    kind="rule", step=_STEP, source="rule:extract.size-conflict",
                    detail=f"the form value ({form_size}) beats a vague phrase ({stated.span!r})"))
            return form_size, evidence
        return None, evidence

    # -- country -----------------------------------------------------------------------------------
    def _country(self, message: Message, form: Mapping[str, str], text: str,
                 note: str) -> tuple[str | None, list[Evidence]]:
        candidates: list[_Candidate] = []

        def add(code: str | None, strength: int, kind: _Kind, detail: str, span: str, source: str,
                group: str = "") -> None:
            if code and len(code) == 2:
                candidates.append(_Candidate(code, strength, Evidence(
                    kind=kind, step=_STEP, detail=f"country {code} {detail}", span=span[:200], source=source),
                    group))

        hit = _form_get(form, _COUNTRY_KEYS)
        if hit:
            add(geo.country_code(hit[1]) or geo.place_country(hit[1]), 100, "form", "from the form", hit[1],
                f"form:{hit[0]}", "form")
        hit = _form_get(form, _LOCATION_KEYS)
        if hit:
            add(geo.place_country(hit[1]), 95, "form", "from the profile location", hit[1], f"form:{hit[0]}",
                "location")
        for source, body, strength in (("text", f"{message.subject}\n{text}", 90), ("forwarded_note", note, 85)):
            for code, span, explicit in geo.stated_countries(body):
                if explicit:
                    add(code, strength, "text", "stated in the text", span, source, "statement")
                else:
                    add(code, 40, "text", "from a place named in the text", span, source)
        signature = message.signature
        if signature:
            if signature.address:
                address_code = geo.postcode_country(signature.address) or geo.place_country(signature.address)
                add(address_code, 70, "text", "from the signature address", signature.address, "signature",
                    "address")
            # Address-like lines only (a number or separators), when the parser found no address.
            lines = [] if signature.address else [
                line for line in signature.text.splitlines()[1:8] if _ADDRESS_LINE_RE.search(line)]
            for line in lines[:4]:
                line_code = geo.postcode_country(line) or geo.place_country(line)
                if line_code:
                    add(line_code, 65, "text", "from a signature line", line.strip(), "signature", "address")
                    break
            if signature.phone:
                add(geo.phone_country(signature.phone), 50, "text", "from the signature phone prefix",
                    signature.phone, "phone", "phone")
        hit = _form_get(form, _PHONE_KEYS)
        if hit:
            add(geo.phone_country(hit[1]), 50, "form", "from the phone prefix", hit[1], f"form:{hit[0]}", "phone")
        for code, number in geo.phone_countries_in_text(text)[:3]:
            add(code, 45, "text", "from a phone prefix in the text", number, "phone", "phone")
        if message.sender_email:
            add(geo.email_country(message.sender_email), 30, "rule", "from the email ccTLD", message.sender_email,
                "email-cctld", "domain")
        hit = _form_get(form, _WEBSITE_KEYS)
        if hit:
            domain = normalize_domain(hit[1])
            add(geo.tld_country(domain or ""), 28, "rule", "from the website ccTLD", hit[1], "website-cctld",
                "domain")
        hit = _form_get(form, _IP_LOCATION_KEYS)
        if hit:
            add(geo.place_country(hit[1]), 15, "form", "from the visitor's IP location", hit[1], f"form:{hit[0]}")
        if message.language == "ja":
            add("JP", 10, "rule", "from a message written in Japanese", message.language, "language")
        if not candidates:
            return None, []

        # A dropdown's first entries (Afghanistan, Åland, Albania) are what bots and hurried people
        # leave selected: when anything concrete contradicts them, believe the other source.
        ranked = []
        for candidate in candidates:
            strength = candidate.strength
            if candidate.strength == 100 and candidate.value in _DROPDOWN_DEFAULTS and any(
                c.value != candidate.value and c.strength >= 45 for c in candidates
            ):
                strength = 20
            ranked.append((strength, candidate))
        ranked.sort(key=lambda pair: -pair[0])
        best = ranked[0][1]
        if ranked[0][0] == 100 and best.group == "form":
            voted = _country_vote(best, candidates)
            if voted:
                return voted
        evidence = [best.evidence]
        rivals = [(s, c) for s, c in ranked[1:] if c.value != best.value and (s >= 30 or s != c.strength)]
        if rivals:
            rival_strength, rival = rivals[0]
            if rival_strength != rival.strength:
                why = "a dropdown's default entry loses to any concrete source"
            elif best.strength >= 85 > rival.strength:
                why = "an explicit statement beats an inferred source (address, phone, ccTLD)"
            else:
                why = "the stronger source wins (form > text > signature > phone > ccTLD)"
            evidence.append(Evidence(
                kind="rule", step=_STEP, source="rule:extract.country-conflict",
                detail=f"country {best.value} ({best.evidence.source}) over {rival.value} "
                       f"({rival.evidence.source}): {why}"))
        return best.value, evidence

    # -- website -----------------------------------------------------------------------------------
    def _website(self, message: Message, form: Mapping[str, str], text: str) -> _Candidate | None:
        hit = _form_get(form, _WEBSITE_KEYS)
        if hit:
            domain = self._company_domain(hit[1])
            if domain:
                return _Candidate(domain, 100, Evidence(kind="form", step=_STEP, detail=f"website {domain}",
                                                        span=hit[1], source=f"form:{hit[0]}"))
        signature = message.signature
        if signature and signature.website:
            domain = self._company_domain(signature.website)
            if domain:
                return _Candidate(domain, 80, Evidence(kind="text", step=_STEP, detail=f"website {domain}",
                                                       span=signature.website, source="signature"))
        sender_domain = None
        if message.sender_email and "@" in message.sender_email:
            sender_domain = normalize_domain(message.sender_email.rsplit("@", 1)[1], self._psl)
        low = _lower(text)
        if sender_domain and sender_domain in low and sender_domain not in _NOT_COMPANY_SITES:
            index = low.find(sender_domain)
            if not (index and low[index - 1] == "@"):  # "www.acme.com", not "jo@acme.com"
                return _Candidate(sender_domain, 60, Evidence(kind="text", step=_STEP,
                                                              detail=f"website {sender_domain}",
                                                              span=text[index:index + len(sender_domain)],
                                                              source="text"))
        urls = [(m.group(0), m.start()) for m in _URL_RE.finditer(text)] if ("http" in low or "www." in low) else []
        urls += [(link, -1) for link in message.links]
        for url, position in urls:
            domain = self._company_domain(url)
            if not domain:
                continue
            said_ours = position >= 0 and _WEBSITE_CONTEXT_RE.search(text[max(0, position - 50):position])
            if domain == sender_domain or said_ours:
                return _Candidate(domain, 60, Evidence(kind="text", step=_STEP, detail=f"website {domain}",
                                                       span=url[:200], source="text"))
        return None

    def _company_domain(self, value: str) -> str | None:
        domain = normalize_domain(value, self._psl)
        if not domain or domain in _NOT_COMPANY_SITES or domain in self._own_domains:
            return None
        if is_gibberish(domain.split(".", 1)[0]):
            return None
        return domain


class ExtractStep:
    """Pipeline step: Message -> Lead, through a pluggable `FieldExtractor`."""

    name = "extract"

    def __init__(self, extractor: FieldExtractor) -> None:
        """Keep the extractor; loading waits for `warm_up`."""
        self._extractor = extractor

    def warm_up(self) -> None:
        """Load the extractor (tables, models or connections) once, before the first event."""
        self._extractor.load()

    def run(self, message: Message) -> Lead:
        """Extract the lead's fields from `message`.

        Args:
            message: the parsed event.

        Returns:
            The Lead: the message, its fields (source always set), the website and the evidence.
            A backend that fails (BackendError) gives a Lead with only the source, and an Evidence
            item saying so: a lead is never lost because extraction failed.
        """
        try:
            extracted = self._extractor.extract(message)
        except BackendError as exc:
            log.warning("field extractor failed", extra={"event_id": message.event.id, "extractor":
                                                         self._extractor.name})
            return Lead(message=message, fields=Fields(source=message.source or None), evidence=(
                Evidence(kind="rule", step=_STEP, detail=f"extractor {self._extractor.name} failed: {exc}",
                         source="rule:extract.backend-error"),))
        fields = extracted.fields
        if fields.source is None and message.source:
            fields = fields.model_copy(update={"source": message.source})
        return Lead(message=message, fields=fields, website=extracted.website, evidence=extracted.evidence)
