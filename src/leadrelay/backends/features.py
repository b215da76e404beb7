"""Features for the local type classifier: what a lead looks like to a linear model.

`from_lead` reduces an `EnrichedLead` to a `ClassifierInput` (the texts, a few form values, the
channel and flags). `featurize` turns that into a hashed sparse vector: word unigrams and bigrams
(lowercased, accents folded), 5-letter word prefixes (for typos and inflections), character bigrams
for Japanese and Chinese script, namespaced form tokens and flag tokens. Training and inference both
go through these two functions, so the model never sees features built two different ways.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from leadrelay.backends.type_cues import type_cues
from leadrelay.pipeline.records import EnrichedLead

__all__ = [
    "FEATURE_CONFIG",
    "N_BUCKETS",
    "ClassifierInput",
    "SparseFeatures",
    "featurize",
    "from_lead",
    "tokenize",
]

N_BUCKETS = 1 << 18
_MASK = N_BUCKETS - 1
# Long emails carry little extra signal past the first screenful; cap the cost of a pathological one.
_MAX_TEXT_CHARS = 2500
_MAX_NOTE_CHARS = 600
_PREFIX_LEN = 5

# Form keys whose values say what the sender wants or who they are; company names add little beyond
# words such as "university", "capital" or "recruiting", which the co: namespace keeps.
_FORM_INTENT_KEYS = frozenset({
    "topic", "inquiry", "inquiry_type", "enquiry", "enquiry_type", "reason", "interest", "request_type",
    "department", "category", "subject", "product_area", "priority", "how_can_we_help", "type", "page",
})
_FORM_ROLE_KEYS = frozenset({"job_title", "title", "role", "position", "jobtitle"})
_FORM_COMPANY_KEYS = frozenset({"company", "company_name", "organisation", "organization"})
_FORM_TEXT_KEYS = ("message", "comments", "comment", "details", "description", "notes", "question")

FEATURE_CONFIG: dict[str, object] = {
    "version": 2,
    "n_buckets": N_BUCKETS,
    "hash": "crc32(utf-8 token) & (n_buckets - 1)",
    "text": "unigrams, bigrams, 5-letter prefixes of words longer than 6, CJK char bigrams; L2-normalised",
    "flags": "channel, sender domain kind, CRM status, auto-reply, bounce, auth failures, links, length, "
             "type cues (backends/type_cues.py)",
    "max_text_chars": _MAX_TEXT_CHARS,
}

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_URL_RE = re.compile(r"https?://|www\.", re.IGNORECASE)
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")


def _fold_table() -> dict[int, str]:
    """Map accented Latin letters to their base letters (é -> e, ß -> ss), computed once."""
    table: dict[int, str] = {0xDF: "ss", 0x2019: "'", 0xC6: "ae", 0xE6: "ae", 0x152: "oe", 0x153: "oe"}
    # Digits become 0 in the same pass, so numbers don't memorise slot values (sizes, dates, ids).
    table.update({code: "0" for code in range(ord("1"), ord("9") + 1)})
    for code in range(0xC0, 0x250):
        if code in table:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base and base != chr(code) and base.isascii():
            table[code] = base.lower()
    return table


_FOLD = _fold_table()


@dataclass(frozen=True, slots=True)
class ClassifierInput:
    """What the type classifier reads from a lead: texts, a few form values, channel and flags."""

    channel: str
    subject: str = ""
    text: str = ""
    forwarded_note: str = ""
    form: tuple[tuple[str, str], ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SparseFeatures:
    """A hashed sparse feature vector: unique bucket ids, their values and the source tokens."""

    indices: np.ndarray  # int32, unique; text features first, then flags
    values: np.ndarray  # float32
    tokens: tuple[str, ...]  # one token per index (the first that hashed there), for explanations


def _may_have_url(text: str) -> bool:
    """False only when `_URL_RE` cannot match: it needs "://" or "www." in some case (so "ww." in some case)."""
    return "://" in text or "ww." in text or "WW." in text or "wW." in text or "Ww." in text


def _length_bucket(n_chars: int) -> str:
    if n_chars == 0:
        return "0"
    if n_chars <= 20:
        return "1-20"
    if n_chars <= 80:
        return "21-80"
    if n_chars <= 300:
        return "81-300"
    if n_chars <= 1000:
        return "301-1000"
    return "1000+"


def _links_bucket(n_links: int) -> str:
    if n_links >= 4:
        return "4+"
    if n_links >= 2:
        return "2-3"
    return str(n_links)


def from_lead(lead: EnrichedLead) -> ClassifierInput:
    """Reduce an enriched lead to the classifier's view of it."""
    message = lead.message
    enrichment = lead.enrichment
    text = message.text
    form_items: list[tuple[str, str]] = []
    for key, value in message.form.items():
        value = value.strip()
        if not value:
            continue
        norm_key = key.strip().lower().replace(" ", "_").replace("-", "_")
        if norm_key in _FORM_INTENT_KEYS:
            form_items.append(("f", value))
        elif norm_key in _FORM_ROLE_KEYS:
            form_items.append(("t", value))
        elif norm_key in _FORM_COMPANY_KEYS:
            form_items.append(("co", value))
    if not text:
        # A form whose message field the parser did not lift into the text still says something.
        for key in _FORM_TEXT_KEYS:
            if message.form.get(key, "").strip():
                text = message.form[key].strip()
                break
    head = text[:_MAX_TEXT_CHARS]
    n_links = max(len(message.links), len(_URL_RE.findall(head)) if _may_have_url(head) else 0)
    flags = [
        f"channel={message.event.channel}",
        f"len={_length_bucket(len(text.strip()))}",
        f"links={_links_bucket(n_links)}",
    ]
    if not message.subject.strip():
        flags.append("no_subject")
    if enrichment.is_disposable:
        flags.append("disposable")
    elif enrichment.is_free_mail:
        flags.append("free_mail")
    elif enrichment.email_domain:
        flags.append("company_mail")
    else:
        flags.append("no_email")
    if enrichment.is_own_domain or message.referrer_email:
        flags.append("own_domain")
    if enrichment.account is not None:
        flags.append(f"crm={(enrichment.account.status or 'unknown').strip().lower()}")
    if message.is_auto_reply:
        flags.append("auto_reply")
    if message.is_bounce:
        flags.append("bounce")
    if message.auth_failures:
        flags.append("auth_fail")
    if message.parse_error:
        flags.append("parse_error")
    if message.is_reply:
        flags.append("reply")
    if message.is_forward:
        flags.append("forward")
    if not form_items and message.event.channel in ("web_form", "demo_request") and not message.form:
        flags.append("no_form")
    # Lexicon cues generalise to phrasings the corpus templates never had (see type_cues.py).
    cue_text = "\n".join((message.subject, text[:_MAX_TEXT_CHARS], message.forwarded_note,
                          *(value for _, value in form_items)))
    flags.extend(f"cue={name}" for name in type_cues(cue_text))
    return ClassifierInput(
        channel=message.event.channel,
        subject=message.subject,
        text=text,
        forwarded_note=message.forwarded_note,
        form=tuple(form_items),
        flags=tuple(flags),
    )


# The ASCII part of `_FOLD` (digits 1-9 become 0) as a byte table: `bytes.translate` is one C loop, where
# `str.translate` with a dict looks each distinct character up in the dict on every call.
_ASCII_FOLD = bytes(ord(_FOLD.get(code, chr(code))) for code in range(128)) + bytes(range(128, 256))


def _normalise(text: str) -> str:
    low = text.lower()
    if low.isascii():
        return low.encode("ascii").translate(_ASCII_FOLD).decode("ascii")
    return low.translate(_FOLD)


def tokenize(text: str) -> list[str]:
    """Lowercased, accent-folded word tokens; digits become 0 so numbers don't memorise slot values."""
    return _WORD_RE.findall(_normalise(text))


# crc32 of a token is stable across processes (unlike hash()); the cache saves the encode + crc32 for
# the common vocabulary. It is bounded so a stream of unique junk tokens cannot grow it forever.
_CACHE_LIMIT = 400_000


class _BucketCache(dict[str, int]):
    """token -> bucket; a miss is hashed (and kept while the cache is under `_CACHE_LIMIT`)."""

    def __missing__(self, token: str) -> int:
        bucket = zlib.crc32(token.encode("utf-8")) & _MASK
        if len(self) < _CACHE_LIMIT:
            self[token] = bucket
        return bucket


_BUCKET_CACHE = _BucketCache()


def _bucket(token: str) -> int:
    return _BUCKET_CACHE[token]


_WORD_CACHE_LIMIT = 100_000


class _WordTokens(dict[str, tuple[str, str | None]]):
    """word -> its unigram token and its prefix token (None for a word of six letters or fewer).

    The same token strings serve every message, so they are neither rebuilt nor re-hashed per message.
    Bounded like `_BUCKET_CACHE`.
    """

    def __missing__(self, word: str) -> tuple[str, str | None]:
        tokens = ("w:" + word, "p:" + word[:_PREFIX_LEN] if len(word) > _PREFIX_LEN + 1 else None)
        if len(self) < _WORD_CACHE_LIMIT:
            self[word] = tokens
        return tokens


_WORD_TOKENS = _WordTokens()


def _text_tokens(text: str, out: list[str]) -> list[str]:
    """Unigrams, bigrams, prefixes and CJK char bigrams of one text, appended to `out`; returns the words."""
    normalised = _normalise(text)
    words: list[str] = _WORD_RE.findall(normalised)
    if normalised.isascii() or not _CJK_RE.search(normalised):
        # The common case, as comprehensions (several times faster than a loop with branches).
        tokens = list(map(_WORD_TOKENS.__getitem__, words))
        out.extend([unigram for unigram, _ in tokens])
        out.extend([f"b:{a} {b}" for a, b in pairwise(words)])
        out.extend([prefix for _, prefix in tokens if prefix is not None])
        return words
    append = out.append
    prev = ""
    for word in words:
        if _CJK_RE.search(word):
            # Japanese has no spaces: a run of kana/kanji is one "word"; its char bigrams carry the meaning.
            if len(word) == 1:
                append("j:" + word)
            for i in range(len(word) - 1):
                append("j:" + word[i:i + 2])
            prev = ""
            continue
        append("w:" + word)
        if prev:
            append("b:" + prev + " " + word)
        if len(word) > _PREFIX_LEN + 1:
            append("p:" + word[:_PREFIX_LEN])
        prev = word
    return words


def _buckets(tokens: list[str] | tuple[str, ...]) -> dict[int, str]:
    """bucket -> token for the distinct `tokens`, in order (a later token wins a shared bucket)."""
    unique = list(dict.fromkeys(tokens))
    return dict(zip(map(_BUCKET_CACHE.__getitem__, unique), unique, strict=True))


def featurize(inp: ClassifierInput) -> SparseFeatures:
    """Hash a classifier input into a sparse vector (text part L2-normalised, flags at weight 1)."""
    text_tokens: list[str] = []
    if inp.subject:
        subject_words = _text_tokens(inp.subject[:300], text_tokens)
        text_tokens.extend(["s:" + w for w in subject_words])
    _text_tokens(inp.text[:_MAX_TEXT_CHARS], text_tokens)
    if inp.forwarded_note:
        _text_tokens(inp.forwarded_note[:_MAX_NOTE_CHARS], text_tokens)
    for namespace, value in inp.form:
        words = tokenize(value[:200])
        text_tokens.extend([namespace + ":" + w for w in words])
        if namespace == "f" and words:
            text_tokens.append(namespace + "=" + " ".join(words))
    # Binary presence per bucket: repeated words should not dominate a short vector.
    buckets = _buckets(text_tokens)
    n_text = len(buckets)
    for b, token in _buckets(["flag:" + f for f in inp.flags]).items():
        buckets.setdefault(b, token)
    values = np.ones(len(buckets), dtype=np.float32)
    if n_text:
        values[:n_text] = 1.0 / (n_text ** 0.5)
    indices = np.fromiter(buckets, dtype=np.int32, count=len(buckets))
    return SparseFeatures(indices=indices, values=values, tokens=tuple(buckets.values()))
