"""What a company's website says about it: name, description, a size hint.

Pluggable: the enrich step calls any `WebsiteEnricher`. The default, `OfflineWebsiteEnricher`,
touches no network and answers at once, so the hot path never waits on a website.
`HttpWebsiteEnricher` fetches ``https://<domain>/`` with httpx (a timeout, a byte limit, a cache);
it blocks, so run it in a background job or behind a warm cache, not inline on every event.
Its failures never propagate: a site that is down, slow or odd yields ``{}`` and a log line.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx

__all__ = ["HttpWebsiteEnricher", "OfflineWebsiteEnricher", "WebsiteEnricher", "parse_homepage"]

log = logging.getLogger(__name__)

# A hostname with at least one dot; no IP literals, ports or userinfo, so a message cannot steer the
# fetch at an arbitrary address (DNS can still point anywhere: see the class docstring).
_DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
_SPACE_RE = re.compile(r"\s+")
_SIZE_HINT_RE = re.compile(
    r"\b(\d{1,3}(?:[,.]\d{3})+|\d+)\s*\+?\s*(?:employees|people|staff|team members|mitarbeiter|salariés)\b",
    re.IGNORECASE,
)
_TITLE_SPLIT_RE = re.compile(r"\s+[|–—-]\s+|\s*[|–—]\s*|:\s+")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_MAX_FACT_CHARS = 300


@runtime_checkable
class WebsiteEnricher(Protocol):
    """Facts about a company from its website."""

    def lookup(self, domain: str) -> dict[str, str]:
        """Facts for `domain` (keys among name, title, description, size_hint, url); ``{}`` when unknown.

        Never raises: a failure is an empty answer.
        """
        ...


class OfflineWebsiteEnricher:
    """The default: no network at all, so it knows nothing and answers at once."""

    def lookup(self, domain: str) -> dict[str, str]:
        """Always ``{}``: nothing is known offline beyond what the domain itself says."""
        return {}


class _HeadParser(HTMLParser):
    """Reads <title>, og:site_name and the meta descriptions; stops caring after </head>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {k.lower(): (v or "") for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key in {"og:site_name", "og:title", "description", "og:description", "application-name"}:
                self.meta.setdefault(key, values.get("content", ""))
        elif tag == "body":
            self.done = True  # facts live in the head; a body can be megabytes

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and not self.done:
            self.title += data


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()[:_MAX_FACT_CHARS]


def parse_homepage(html: str) -> dict[str, str]:
    """Facts from a homepage's HTML: name, title, description and a size hint when stated."""
    parser = _HeadParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # html.parser raises these on some broken markup
        pass
    facts: dict[str, str] = {}
    title = _clean(parser.title)
    if title:
        facts["title"] = title
    name = _clean(parser.meta.get("og:site_name") or parser.meta.get("application-name") or "")
    if not name and title:
        # "Acme | Data pipelines for retail" -> "Acme": the brand is usually the first part.
        name = _TITLE_SPLIT_RE.split(title, maxsplit=1)[0].strip()
    if name:
        facts["name"] = name
    description = _clean(parser.meta.get("description") or parser.meta.get("og:description") or "")
    if description:
        facts["description"] = description
    size = _SIZE_HINT_RE.search(description)
    if size:
        facts["size_hint"] = re.sub(r"[,.]", "", size.group(1))
    return facts


class HttpWebsiteEnricher:
    """Fetches a company's homepage and reads its head; results are cached in memory and, optionally, a file.

    Args:
        timeout_s: the most one lookup may take, connect to last byte.
        max_bytes: read at most this much of a page (the head comes first; the rest is ignored).
        ttl_s: how long an answer is reused; failures are cached for `failure_ttl_s` so a dead site
            is not retried on every event.
        cache_path: a JSON file that keeps answers across runs; written after each new answer.
        client: an httpx client to use (tests and the service pass theirs); one is made otherwise.
        url_template: where a domain's homepage is; ``{domain}`` is replaced.

    Only hostnames are fetched (no IP literals, ports or credentials). A hostile domain could still
    resolve to an internal address: run this where the network allows only public egress.
    """

    def __init__(self, *, timeout_s: float = 3.0, max_bytes: int = 256_000, ttl_s: float = 7 * 86400,
                 failure_ttl_s: float = 3600, cache_path: Path | str | None = None,
                 client: httpx.Client | None = None, url_template: str = "https://{domain}/",
                 user_agent: str = "LeadRelay/0.1 (+website enrichment)") -> None:
        if timeout_s <= 0 or max_bytes <= 0:
            raise ValueError("timeout_s and max_bytes must be positive")
        self._timeout_s = timeout_s
        self._max_bytes = max_bytes
        self._ttl_s = ttl_s
        self._failure_ttl_s = failure_ttl_s
        self._cache_path = Path(cache_path) if cache_path else None
        self._url_template = url_template
        self._owns_client = client is None
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(timeout_s), follow_redirects=True, max_redirects=3,
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml"},
        )
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, dict[str, str]]] = {}
        self._load_cache()

    def close(self) -> None:
        """Close the HTTP client if this enricher made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpWebsiteEnricher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, domain: str) -> dict[str, str]:
        """Facts for `domain` from the cache or its homepage; ``{}`` on any failure (logged)."""
        key = (domain or "").strip().lower().rstrip(".")
        if not _DOMAIN_RE.match(key):
            return {}
        now = time.time()
        with self._lock:
            cached = self._cache.get(key)
        if cached and cached[0] > now:
            return dict(cached[1])
        try:
            facts = self._fetch(key)
            expires = now + self._ttl_s
        except Exception as exc:  # any failure of a website must not fail the lead
            log.warning("website lookup failed",
                        extra={"domain": key, "error": f"{type(exc).__name__}: {exc}"})
            facts, expires = {}, now + self._failure_ttl_s
        with self._lock:
            self._cache[key] = (expires, facts)
        self._save_cache()
        return dict(facts)

    def _fetch(self, domain: str) -> dict[str, str]:
        url = self._url_template.format(domain=domain)
        deadline = time.monotonic() + self._timeout_s
        with self._client.stream("GET", url, timeout=self._timeout_s) as response:
            response.raise_for_status()
            kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if kind and kind not in _HTML_TYPES:
                return {}
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= self._max_bytes:
                    del body[self._max_bytes :]
                    break
                if time.monotonic() > deadline:  # a server trickling bytes must not hold us
                    raise httpx.ReadTimeout("website exceeded the total time limit", request=response.request)
            encoding = response.charset_encoding or "utf-8"
            final_url = str(response.url)
        try:
            html = body.decode(encoding, errors="replace")
        except LookupError:  # an unknown charset name
            html = body.decode("utf-8", errors="replace")
        facts = parse_homepage(html)
        if facts:
            facts["url"] = final_url
        return facts

    def _load_cache(self) -> None:
        if not self._cache_path or not self._cache_path.is_file():
            return
        try:
            raw = json.loads(self._cache_path.read_text(encoding="utf-8"))
            for domain, (expires, facts) in raw.items():
                if isinstance(facts, dict):
                    self._cache[str(domain)] = (float(expires), {str(k): str(v) for k, v in facts.items()})
        except (OSError, ValueError, TypeError) as exc:
            log.warning("website cache unreadable; starting empty",
                        extra={"path": str(self._cache_path), "error": str(exc)})

    def _save_cache(self) -> None:
        if not self._cache_path:
            return
        with self._lock:
            now = time.time()
            data = {d: [e, f] for d, (e, f) in self._cache.items() if e > now}
        try:
            self._cache_path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a crash never leaves half a file.
            fd, tmp = tempfile.mkstemp(dir=self._cache_path.parent, prefix=".website-cache-")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(tmp, self._cache_path)
        except OSError as exc:
            log.warning("website cache not saved", extra={"path": str(self._cache_path), "error": str(exc)})
