"""Find a lead's CRM account and contact: by email, by domain, by company name.

A wrong account is worse than none (it sends a stranger to a customer's owner), so every lookup
refuses to guess: ambiguous keys (two accounts on one domain, two accounts with one name) match
nothing, and the fuzzy name match needs every word of both names to line up, allowing only
one-letter typos in longer words and plurals.

Name matching normalises case, accents, punctuation, "&"/"and", legal forms ("Inc.", "GmbH",
"S.p.A.", "株式会社"...) and trailing words like "Group" or a country ("Acme Software UK").
Lookups by email and domain are dictionary look-ups; name look-ups are blocked by the words of
the name, so they stay fast on 100k accounts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from leadrelay.pipeline.domains import (
    OwnDomains,
    domain_from_url,
    is_disposable,
    is_free_mail,
    registrable_domain,
)
from leadrelay.pipeline.records import CrmAccount, CrmContact
from leadrelay.text import strip_accents

__all__ = ["CrmIndex", "NameMatch", "company_key", "company_tokens", "normalize_email"]

log = logging.getLogger(__name__)

# Letters NFKD does not take apart.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                       "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "þ": "th", "ı": "i"})
# Japanese legal forms are written without spaces, before or after the name.
_CJK_LEGAL_RE = re.compile(r"株式会社|有限会社|合同会社|合資会社|\(株\)|（株）|㈱|\(有\)|㈲")
_SLASH_FORMS_RE = re.compile(r"\b([a-z])/([a-z])\b")  # "A/S" -> "as"
_JOIN_RE = re.compile(r"[.'’`´]")  # "S.A." -> "sa", "O'Brien" -> "obrien"
_AND_RE = re.compile(r"[&+]")
_SPLIT_RE = re.compile(r"[\W_]+")
_PLUS_TAG_RE = re.compile(r"\+[^@]*(?=@)")

# Legal forms, after case folding and joining dots; longest first so "pty ltd" goes as one.
_LEGAL_FORM_LIST: tuple[tuple[str, ...], ...] = tuple(sorted((tuple(f.split()) for f in (
    "inc", "incorporated", "llc", "llp", "lp", "pllc", "ltd", "ltda", "limited", "gmbh", "mbh", "ag", "kg",
    "kgaa", "ohg", "ug", "ek", "ev", "se", "sa", "sas", "sasu", "sarl", "eurl", "sca", "spa", "srl", "srls",
    "sl", "slu", "bv", "nv", "vof", "cv", "pty", "pty ltd", "pty limited", "corp", "corporation", "co",
    "company", "plc", "kk", "gk", "oy", "oyj", "ab", "publ", "aps", "as", "asa", "sro", "sp z oo", "zoo",
    "sa de cv", "pvt", "pvt ltd", "private limited", "pte", "pte ltd", "bhd", "sdn bhd", "tbk", "pt",
    "doo", "kft", "zrt", "nyrt", "sae", "ooo", "oao", "zao", "lda", "aps", "ivs", "hf", "ehf",
)), key=len, reverse=True))
# By length, longest first, for a set look-up per length instead of a scan of every form.
_LEGAL_FORMS: tuple[tuple[int, frozenset[tuple[str, ...]]], ...] = tuple(
    (n, frozenset(f for f in _LEGAL_FORM_LIST if len(f) == n))
    for n in sorted({len(f) for f in _LEGAL_FORM_LIST}, reverse=True)
)
# Trailing words that say "a company" or "a branch" rather than which one ("Acme Group", "Acme UK").
_TRAILING_FILLER = frozenset({"group", "holding", "holdings", "international", "intl", "global",
                              "worldwide", "hq", "headquarters"})
_TRAILING_REGION = frozenset({
    "uk", "us", "usa", "eu", "europe", "emea", "apac", "americas", "na", "latam", "nordics", "nordic",
    "dach", "benelux", "deutschland", "germany", "france", "nederland", "netherlands", "espana", "spain",
    "italia", "italy", "japan", "australia", "canada", "india", "brasil", "brazil", "mexico", "ireland",
    "sverige", "sweden", "norge", "norway", "danmark", "denmark", "suomi", "finland", "schweiz", "suisse",
    "switzerland", "osterreich", "austria", "belgium", "belgie", "belgique", "portugal", "singapore",
})

_AMBIGUOUS = object()  # a key shared by different accounts: it must match nothing
_FUZZY_MIN_SCORE = 0.88
_FUZZY_MARGIN = 0.03  # the best fuzzy candidate must beat the runner-up by this much
_MAX_NAME_TOKENS = 6  # longer "names" are sentences, not companies
_TYPO_MIN_LEN = 5  # words shorter than this must match exactly (or as a plural)
_CACHE_MAX = 50_000
_BLOCK_INTERSECT = 500  # candidates above which the second-rarest word narrows the block


def _fold(text: str) -> str:
    if text.isascii():  # most names: nothing to fold but case
        return text.lower()
    text = _CJK_LEGAL_RE.sub(" ", text.translate(_FOLD))
    return strip_accents(text).casefold()


def company_tokens(name: str | None) -> tuple[str, ...]:
    """The words of a company name with case, accents, punctuation, "and" and legal forms removed."""
    if not name:
        return ()
    text = _fold(name)
    if "/" in text:  # a sub with a group template is costly; most names have no slash
        text = _SLASH_FORMS_RE.sub(r"\1\2", text)
    text = _AND_RE.sub(" ", _JOIN_RE.sub("", text))
    tokens = [t for t in _SPLIT_RE.split(text) if t and t != "and"]
    if len(tokens) > 1 and tokens[0] == "the":
        tokens.pop(0)
    stripped = True
    while stripped and len(tokens) > 1:
        stripped = False
        for n, forms in _LEGAL_FORMS:
            if len(tokens) > n and tuple(tokens[-n:]) in forms:
                del tokens[-n:]
                stripped = True
                break
    return tuple(tokens)


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    out = list(tokens)
    while len(out) > 1:
        if out[-1] in _TRAILING_FILLER or (out[-1] in _TRAILING_REGION and len(out) > 2):
            out.pop()
        else:
            break
    return tuple(out)


def company_key(name: str | None) -> str:
    """The normalised name used for exact matching ("Acme Software, Inc." -> "acme software")."""
    return " ".join(company_tokens(name))


@lru_cache(maxsize=4096)  # one event asks about its sender several times (CRM, history look-ups, record)
def normalize_email(email: str | None) -> str | None:
    """Lower-cased address without a "+tag" ("Jo+crm@X.com" -> "jo@x.com"); None when not an address."""
    if not email:
        return None
    email = email.strip().lower()
    if "<" in email:
        email = email[email.rfind("<") + 1 :].split(">", 1)[0].strip()
    if email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
        return None
    return _PLUS_TAG_RE.sub("", email) if "+" in email else email


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


def _plural_pair(singular: str, plural: str) -> bool:
    return len(singular) >= 3 and plural in (singular + "s", singular + "es")


def _similar(a: str, b: str) -> bool:
    """Same word allowing a plural and, in longer words, one typo (edit or swap)."""
    if a == b or _plural_pair(a, b) or _plural_pair(b, a):
        return True
    return min(len(a), len(b)) >= _TYPO_MIN_LEN and OSA.distance(a, b, score_cutoff=1) <= 1


def _align(query: tuple[str, ...], candidate: tuple[str, ...]) -> int | None:
    """How many words match exactly, when every word of each name pairs with one of the other; else None."""
    if len(query) != len(candidate):
        return None
    rest = list(candidate)
    pending = []
    exact = 0
    for token in query:
        if token in rest:
            rest.remove(token)
            exact += 1
        else:
            pending.append(token)
    for token in pending:
        for i, other in enumerate(rest):
            if _similar(token, other):
                del rest[i]
                break
        else:
            return None
    return exact


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A CRM account found by company name: how (`name` or `fuzzy-name`) and how sure (0-1)."""

    account: CrmAccount
    score: float
    kind: str


@dataclass(frozen=True, slots=True)
class _Named:
    account: CrmAccount
    core: tuple[str, ...]


class CrmIndex:
    """CRM accounts and contacts indexed for matching a lead: email and domain O(1), names blocked by word.

    Args:
        accounts: the workspace's CRM accounts.
        contacts: the workspace's CRM contacts.
        own_domains: the workspace's own domains; accounts on them are never matched.
        own_names: the workspace's own company names; never matched either.
    """

    def __init__(self, accounts: Sequence[CrmAccount], contacts: Sequence[CrmContact], *,
                 own_domains: Iterable[str] = (), own_names: Iterable[str] = ()) -> None:
        self._own = OwnDomains(own_domains)
        self._own_keys = {company_key(n) for n in own_names} - {""}
        self._accounts: dict[str, CrmAccount] = {}
        self._by_domain: dict[str, object] = {}
        self._by_label: dict[str, object] = {}
        self._by_full: dict[str, object] = {}
        self._by_core: dict[str, object] = {}
        self._by_compact: dict[str, object] = {}
        self._named: list[_Named] = []
        self._postings: dict[str, list[int]] = {}
        # word with one letter deleted -> the word(s) it came from; a str while only one (saves memory)
        self._typo_keys: dict[str, str | list[str]] = {}
        self._name_cache: dict[str, NameMatch | None] = {}
        for account in accounts:
            self._add_account(account)
        self._by_email: dict[str, CrmContact] = {}
        for contact in contacts:
            self._add_contact(contact)

    def __len__(self) -> int:
        return len(self._accounts)

    # -- building ---------------------------------------------------------------------------------

    @staticmethod
    def _put(index: dict[str, object], key: str, account: CrmAccount) -> None:
        if not key:
            return
        seen = index.get(key)
        if seen is None:
            index[key] = account
        elif seen is not _AMBIGUOUS and seen is not account:
            index[key] = _AMBIGUOUS

    def _add_account(self, account: CrmAccount) -> None:
        host = domain_from_url(account.domain) if account.domain else None
        if host and host in self._own:
            log.info("crm account on our own domain ignored", extra={"account_id": account.account_id})
            return
        tokens = company_tokens(account.name)
        if " ".join(tokens) in self._own_keys:
            log.info("crm account named like our own company ignored",
                     extra={"account_id": account.account_id})
            return
        self._accounts[account.account_id] = account
        if host and (is_free_mail(host) or is_disposable(host)):
            # A personal-mail domain on an account would match every gmail sender to it.
            log.warning("crm account domain is a free-mail provider; not used for matching",
                        extra={"account_id": account.account_id, "domain": host})
        elif host:
            self._put(self._by_domain, host, account)
            label = _domain_label(host)
            if label:
                self._put(self._by_label, label, account)
        if not tokens:
            return
        core = _core(tokens)
        self._put(self._by_full, " ".join(tokens), account)
        self._put(self._by_core, " ".join(sorted(core)), account)
        self._put(self._by_compact, "".join(core), account)
        idx = len(self._named)
        self._named.append(_Named(account, core))
        for token in set(core):
            postings = self._postings.get(token)
            if postings is None:
                self._postings[token] = [idx]
                if len(token) >= _TYPO_MIN_LEN:
                    self._add_typo_keys(token)
            else:
                postings.append(idx)

    def _add_typo_keys(self, token: str) -> None:
        keys = self._typo_keys
        for key in (token, *_deletes(token)):
            seen = keys.get(key)
            if seen is None:
                keys[key] = token
            elif isinstance(seen, str):
                if seen != token:
                    keys[key] = [seen, token]
            elif token not in seen:
                seen.append(token)

    def _add_contact(self, contact: CrmContact) -> None:
        email = normalize_email(contact.email)
        if not email:
            return
        if contact.account_id and contact.account_id not in self._accounts:
            return  # its account was left out (our own company)
        seen = self._by_email.get(email)
        # One address on two contacts: trust the most recently active one.
        if seen is None or (contact.last_activity or "") > (seen.last_activity or ""):
            self._by_email[email] = contact

    # -- lookups ----------------------------------------------------------------------------------

    def account(self, account_id: str | None) -> CrmAccount | None:
        """The indexed account with this id (accounts of our own company are not indexed)."""
        return self._accounts.get(account_id) if account_id else None

    def by_email(self, email: str | None) -> CrmContact | None:
        """The CRM contact with this address (case and "+tag" ignored)."""
        key = normalize_email(email)
        if not key:
            return None
        return self._by_email.get(key)

    def by_domain(self, domain: str | None) -> CrmAccount | None:
        """The account whose domain is `domain` or a parent of it (down to the registrable domain)."""
        host = domain_from_url(domain) if domain else None
        if not host or host in self._own:
            return None
        reg = registrable_domain(host)
        parts = host.split(".")
        for i in range(len(parts) - 1):
            candidate = ".".join(parts[i:])
            hit = self._by_domain.get(candidate)
            if hit is not None:
                return hit if isinstance(hit, CrmAccount) else None
            if candidate == reg:
                break
        return None

    def by_domain_label(self, domain: str | None) -> CrmAccount | None:
        """The account of the same brand on another suffix ("acme.de" for "acme.com", or "irissoftware.de"
        for an account named "Iris Software"), when exactly one account fits."""
        host = domain_from_url(domain) if domain else None
        if not host or host in self._own or is_free_mail(host) or is_disposable(host):
            return None
        label = _domain_label(host)
        if not label or len(label) < 5:
            return None
        by_label = self._by_label.get(label)
        by_name = self._by_compact.get(label)
        hits = {id(h): h for h in (by_label, by_name) if h is not None}
        if len(hits) != 1:
            return None
        hit = next(iter(hits.values()))
        return hit if isinstance(hit, CrmAccount) else None

    def by_name(self, name: str | None) -> tuple[CrmAccount, float] | None:
        """The account with this company name and a score: 1.0 exact, 0.95+ normalised, 0.88+ fuzzy."""
        match = self.match_name(name)
        return (match.account, match.score) if match else None

    def match_name(self, name: str | None) -> NameMatch | None:
        """Like `by_name`, also telling whether the match was exact (`name`) or fuzzy (`fuzzy-name`)."""
        if not name:
            return None
        cached = self._name_cache.get(name, _AMBIGUOUS)
        if cached is not _AMBIGUOUS:
            return cached  # type: ignore[return-value]
        match = self._match_name(name)
        if len(self._name_cache) >= _CACHE_MAX:
            self._name_cache.clear()
        self._name_cache[name] = match
        return match

    def _match_name(self, name: str) -> NameMatch | None:
        tokens = company_tokens(name)
        if not tokens or len(tokens) > _MAX_NAME_TOKENS or " ".join(tokens) in self._own_keys:
            return None
        core = _core(tokens)
        for index, key, score in ((self._by_full, " ".join(tokens), 1.0),
                                  (self._by_core, " ".join(sorted(core)), 0.97),
                                  (self._by_compact, "".join(core), 0.95)):
            hit = index.get(key)
            if hit is _AMBIGUOUS:
                return None
            if isinstance(hit, CrmAccount):
                return NameMatch(hit, score, "name")
        return self._fuzzy(core)

    def _similar_vocab(self, token: str) -> set[str]:
        variants = {token, token + "s", token + "es", token[:-1], token[:-2]}
        out = {t for t in variants if t in self._postings and _similar(token, t)}
        if len(token) >= _TYPO_MIN_LEN:
            for key in (token, *_deletes(token)):
                seen = self._typo_keys.get(key)
                if seen is None:
                    continue
                for vocab in (seen,) if isinstance(seen, str) else seen:
                    if vocab not in out and OSA.distance(token, vocab, score_cutoff=1) <= 1:
                        out.add(vocab)
        return out

    def _fuzzy(self, core: tuple[str, ...]) -> NameMatch | None:
        if len(core) == 1 and len(core[0]) < 7:
            return None  # a short one-word name with a typo could be anyone
        blocks: list[tuple[int, list[list[int]]]] = []
        for token in set(core):
            vocab = self._similar_vocab(token)
            if not vocab:
                return None  # some word of the name is in no account name: every word must match
            lists = [self._postings[v] for v in vocab]
            blocks.append((sum(len(p) for p in lists), lists))
        # Block on the rarest word; `_align` checks the others. Only when even the rarest word is common
        # is it worth building a second set to intersect.
        blocks.sort(key=lambda b: b[0])
        candidates = {i for p in blocks[0][1] for i in p}
        if len(candidates) > _BLOCK_INTERSECT and len(blocks) > 1:
            candidates.intersection_update({i for p in blocks[1][1] for i in p})
        query = " ".join(sorted(core))
        scored: dict[str, tuple[float, CrmAccount]] = {}
        for idx in candidates:
            named = self._named[idx]
            exact = _align(core, named.core)
            if exact is None or (len(core) > 1 and exact == 0):
                continue  # every word must pair up, and one of them exactly
            score = fuzz.ratio(query, " ".join(sorted(named.core))) / 100.0
            aid = named.account.account_id
            if score >= _FUZZY_MIN_SCORE and score > scored.get(aid, (0.0,))[0]:
                scored[aid] = (score, named.account)
        if not scored:
            return None
        ranked = sorted(scored.values(), key=lambda s: s[0], reverse=True)
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < _FUZZY_MARGIN:
            return None
        best_score, best = ranked[0]
        return NameMatch(best, round(min(best_score, 0.94), 3), "fuzzy-name")


def _domain_label(host: str) -> str | None:
    """The registered name without its public suffix ("mail.acme.co.uk" -> "acme")."""
    reg = registrable_domain(host)
    if not reg:
        return None
    return reg.split(".", 1)[0]
