from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from leadrelay.pipeline.website import (
    HttpWebsiteEnricher,
    OfflineWebsiteEnricher,
    WebsiteEnricher,
    parse_homepage,
)

HOMEPAGE = b"""<!doctype html><html><head>
<meta charset="utf-8"><title>Brightline Freight | Freight forwarding &amp; customs</title>
<meta property="og:site_name" content="Brightline Freight">
<meta name="description" content="Freight forwarding by 1,200 employees.">
</head><body><h1>Hello</h1></body></html>"""


class _Site(BaseHTTPRequestHandler):
    """Serves one behaviour per path: /<domain> where the domain's first label names it."""

    hits: ClassVar[Counter[str]] = Counter()

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        domain = self.path.strip("/")
        self.hits[domain] += 1
        label = domain.split(".", 1)[0]
        try:
            if label == "ok":
                self._send(200, HOMEPAGE)
            elif label == "slow":
                time.sleep(2.0)
                self._send(200, HOMEPAGE)
            elif label == "error":
                self._send(500, b"oops")
            elif label == "json":
                self._send(200, b'{"title": "not html"}', "application/json")
            elif label == "latin":
                page = "<title>Société Générale</title>".encode("latin-1")
                self._send(200, page, "text/html; charset=iso-8859-1")
            elif label == "redirect":
                self.send_response(302)
                self.send_header("Location", "/ok.example.com")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif label == "huge":
                # A head, then 20 MB of body: only the first bytes may be read.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><head><title>Huge Co</title></head><body>")
                chunk = b"x" * 65536
                for _ in range(320):
                    self.wfile.write(chunk)
            elif label == "trickle":
                # Bytes keep coming, each within the read timeout, for longer than the total limit.
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                for _ in range(40):
                    self.wfile.write(b"<!-- still loading -->")
                    self.wfile.flush()
                    time.sleep(0.1)
            elif label == "broken":
                self._send(200, b"<html><head><title>Broken <b>Co</title><meta name=description content=")
            else:
                self._send(404, b"no such site")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{domain}}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def enricher(site: str) -> Iterator[HttpWebsiteEnricher]:
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5, max_bytes=64_000) as e:
        yield e


# -- parsing ----------------------------------------------------------------------------------------

def test_parse_homepage_reads_the_head() -> None:
    facts = parse_homepage(HOMEPAGE.decode())
    assert facts == {
        "title": "Brightline Freight | Freight forwarding & customs",
        "name": "Brightline Freight",
        "description": "Freight forwarding by 1,200 employees.",
        "size_hint": "1200",
    }


def test_parse_homepage_name_from_the_title_when_no_site_name() -> None:
    assert parse_homepage("<title>Acme – Data pipelines</title>")["name"] == "Acme"
    assert parse_homepage("<title>Acme-Corp</title>")["name"] == "Acme-Corp"
    assert parse_homepage("<title>  Acme\n  Inc </title>")["title"] == "Acme Inc"


def test_parse_homepage_ignores_the_body_and_survives_nonsense() -> None:
    assert parse_homepage("<html><body><title>In the body</title></body></html>") == {}
    assert parse_homepage("") == {}
    assert parse_homepage("<<<>>> not html at all </head>") == {}
    assert parse_homepage("<meta name='description' content='We are 85 people'>")["size_hint"] == "85"


# -- fetching ---------------------------------------------------------------------------------------

def test_fetches_and_parses_a_homepage(enricher: HttpWebsiteEnricher, site: str) -> None:
    facts = enricher.lookup("ok.example.com")
    assert facts["name"] == "Brightline Freight"
    assert facts["size_hint"] == "1200"
    assert facts["url"] == site.format(domain="ok.example.com")


def test_slow_server_times_out_quickly(enricher: HttpWebsiteEnricher) -> None:
    started = time.monotonic()
    assert enricher.lookup("slow.example.com") == {}
    assert time.monotonic() - started < 1.5


def test_trickling_server_hits_the_total_time_limit(enricher: HttpWebsiteEnricher) -> None:
    started = time.monotonic()
    assert enricher.lookup("trickle.example.com") == {}
    assert time.monotonic() - started < 1.5


def test_server_error_gives_nothing_and_is_cached_as_a_failure(enricher: HttpWebsiteEnricher) -> None:
    before = _Site.hits["error.example.com"]
    assert enricher.lookup("error.example.com") == {}
    assert enricher.lookup("error.example.com") == {}
    assert _Site.hits["error.example.com"] == before + 1


def test_huge_page_is_cut_at_max_bytes(enricher: HttpWebsiteEnricher) -> None:
    started = time.monotonic()
    assert enricher.lookup("huge.example.com")["name"] == "Huge Co"
    assert time.monotonic() - started < 1.5  # did not read 20 MB


def test_not_html_gives_nothing(enricher: HttpWebsiteEnricher) -> None:
    assert enricher.lookup("json.example.com") == {}


def test_declared_charset_and_redirects(enricher: HttpWebsiteEnricher) -> None:
    assert enricher.lookup("latin.example.com")["name"] == "Société Générale"
    assert enricher.lookup("redirect.example.com")["name"] == "Brightline Freight"


def test_broken_html_gives_what_can_be_read(enricher: HttpWebsiteEnricher) -> None:
    assert enricher.lookup("broken.example.com")["title"] == "Broken Co"


def test_unknown_site_gives_nothing(enricher: HttpWebsiteEnricher) -> None:
    assert enricher.lookup("missing.example.com") == {}


@pytest.mark.parametrize("domain", ["127.0.0.1", "localhost", "ok.example.com:8080", "user@ok.example.com",
                                    "ok example.com", "ok.example.com/path", "", "-bad.example.com"])
def test_only_hostnames_are_fetched(enricher: HttpWebsiteEnricher, domain: str) -> None:
    before = sum(_Site.hits.values())
    assert enricher.lookup(domain) == {}
    assert sum(_Site.hits.values()) == before


def test_unreachable_server_gives_nothing() -> None:
    with HttpWebsiteEnricher(url_template="http://127.0.0.1:9/{domain}", timeout_s=0.5) as e:
        assert e.lookup("ok.example.com") == {}


# -- caching ----------------------------------------------------------------------------------------

def test_answers_are_cached_in_memory(site: str) -> None:
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5) as e:
        before = _Site.hits["ok.cached.com"]
        first = e.lookup("OK.Cached.com")
        first["name"] = "changed by the caller"
        assert e.lookup("ok.cached.com")["name"] == "Brightline Freight"
        assert _Site.hits["ok.cached.com"] == before + 1


def test_expired_answers_are_fetched_again(site: str) -> None:
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5, ttl_s=0) as e:
        before = _Site.hits["ok.expired.com"]
        e.lookup("ok.expired.com")
        e.lookup("ok.expired.com")
        assert _Site.hits["ok.expired.com"] == before + 2


def test_file_cache_survives_a_restart_and_a_corrupt_file(site: str, tmp_path: Path) -> None:
    path = tmp_path / "cache" / "websites.json"
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5, cache_path=path) as e:
        e.lookup("ok.file.com")
    assert path.is_file()
    before = _Site.hits["ok.file.com"]
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5, cache_path=path) as e:
        assert e.lookup("ok.file.com")["name"] == "Brightline Freight"
    assert _Site.hits["ok.file.com"] == before
    path.write_text("{not json", encoding="utf-8")
    with HttpWebsiteEnricher(url_template=site, timeout_s=0.5, cache_path=path) as e:
        assert e.lookup("ok.file.com")["name"] == "Brightline Freight"
    assert _Site.hits["ok.file.com"] == before + 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        HttpWebsiteEnricher(timeout_s=0)
    with pytest.raises(ValueError, match="positive"):
        HttpWebsiteEnricher(max_bytes=0)


def test_offline_enricher_knows_nothing_and_both_fit_the_protocol() -> None:
    assert OfflineWebsiteEnricher().lookup("ok.example.com") == {}
    assert isinstance(OfflineWebsiteEnricher(), WebsiteEnricher)
    with HttpWebsiteEnricher() as e:
        assert isinstance(e, WebsiteEnricher)
