"""Reading a whole RFC 822 message: headers, MIME parts, charsets, HTML bodies and attachments.

Everything here is defensive: real inbound mail carries wrong charsets, broken base64, 8-bit
headers and truncated MIME. A part that cannot be decoded falls back to a lossy decoding rather
than failing the message, because a half-readable lead is worth more than a parse error.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

__all__ = ["MailParts", "clean_text", "decode_bytes", "flip_name", "html_to_text", "parse_raw_email"]

# compat32 rather than policy.default: the default policy's header classes cost ~5 ms a message, ten
# times the whole parse; we decode the few headers we read ourselves (_decode_header).
_PARSER = BytesParser(policy=policy.compat32)
_MAX_DEPTH = 12  # nesting of MIME parts worth walking; deeper trees are junk or attacks
_MAX_HTML_CHARS = 400_000  # converting more HTML than this costs time and never adds a lead's words
_MAX_ATTACHMENTS = 50

# Charsets that are single-byte Western encodings: when such a part turns out to be valid UTF-8
# with non-ASCII bytes, the label is wrong (or the text was re-encoded on the way to us).
_SINGLE_BYTE = frozenset({"ascii", "iso8859-1", "cp1252", "iso8859-15", "iso8859-2", "latin-1"})
# Supersets that decode what senders mislabel (browsers do the same).
_SUPERSET = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "iso2022_jp": "iso2022_jp_2",
}
_AUTH_FAIL = re.compile(r"\b(spf|dkim|dmarc|arc)\s*=\s*(fail|softfail|permerror|hardfail)\b", re.I)
_ADDRESS = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
_SPF_HEADER_FAIL = re.compile(r"^\s*(softfail|fail|permerror)\b", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")
_HREF = re.compile(r"""href\s*=\s*["']?(https?://[^"'\s>]+)""", re.I)
_FOLD = re.compile(r"\r?\n[ \t]+")
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u200b]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_HTML_WS = re.compile(r"\s+")


@dataclass(slots=True)
class MailParts:
    """What a raw email says, before any reading of its text."""

    sender_name: str | None = None
    sender_email: str | None = None
    recipients: tuple[str, ...] = ()
    subject: str = ""
    text: str = ""
    links: list[str] = field(default_factory=list)  # hrefs of the HTML body
    attachments: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased name -> first value, for cues
    auth_failures: list[str] = field(default_factory=list)
    in_reply_to: bool = False
    is_report: bool = False  # multipart/report with a delivery-status part: a bounce
    content_type: str = ""
    attached: list[MailParts] = field(default_factory=list)  # message/rfc822 parts (forward as attachment)
    problems: list[str] = field(default_factory=list)


def clean_text(value: str) -> str:
    """Replace lone surrogates (from undecodable bytes) so the text is valid Unicode."""
    if value.isascii() or not _SURROGATE.search(value):  # isascii is a flag look-up, not a scan
        return value
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeError:
        return value.encode("utf-8", "replace").decode("utf-8", "replace")


def flip_name(name: str | None) -> str | None:
    """Turn a directory-style "Last, First" display name into "First Last"."""
    if not name:
        return None
    name = name.strip().strip("\"'").strip()
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        # Only a plain "Last, First": "VP, Data" or "Acme, Inc." are not names.
        if first and last and len(first.split()) <= 2 and len(last.split()) <= 2 \
                and first[:1].isupper() and last[:1].isupper() and "." not in first \
                and not any(len(t) > 1 and t.isupper() for t in f"{first} {last}".split()):
            return f"{first} {last}"
    return name or None


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Decode a MIME part's bytes, trusting the declared charset only as far as the bytes allow."""
    codec = _codec(charset)
    if not data.isascii() and (codec is None or codec in _SINGLE_BYTE):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    tried: list[str] = []
    for name in (_SUPERSET.get(codec or "", codec), codec):
        if name and name not in tried:
            tried.append(name)
            try:
                return data.decode(name)
            except (UnicodeError, LookupError):
                continue
    for name in tried:
        try:
            return data.decode(name, "replace")
        except (UnicodeError, LookupError):
            continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


class _HtmlText(HTMLParser):
    """Collects the readable text and the links of an HTML body."""

    _SKIP = frozenset({"style", "script", "head", "title", "noscript", "template", "xml"})
    _BLOCK = frozenset({
        "p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "section",
        "article", "header", "footer", "hr", "pre", "blockquote", "address", "center", "dl", "dt", "dd",
        "form", "tbody", "thead",
    })

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._quote = 0
        self._pre = 0
        self._at_line_start = True

    def _newline(self) -> None:
        self.out.append("\n")
        self._at_line_start = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "br":
            self._newline()
        elif tag == "li":
            if not self._at_line_start:
                self._newline()
            self.out.append("- ")
            self._at_line_start = False
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag in self._BLOCK:
            self._newline()
            if tag == "blockquote":
                self._quote += 1
            elif tag == "pre":
                self._pre += 1
        if tag == "a":
            for key, value in attrs:
                if key == "href" and value and value.strip().lower().startswith(("http://", "https://")):
                    self.links.append(value.strip())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in self._BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK or tag == "li":
            if tag == "blockquote":
                self._quote = max(0, self._quote - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            self._newline()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._pre:
            data = _HTML_WS.sub(" ", data)
            if self._at_line_start:
                data = data.lstrip()
        if not data:
            return
        if self._quote and self._at_line_start:
            self.out.append("> " * self._quote)
        self.out.append(data)
        self._at_line_start = data.endswith("\n")


def _tidy(text: str) -> str:
    """Normalise line ends and blank runs, strip each line's trailing spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).rstrip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Readable text and http(s) links of an HTML document (style and script dropped)."""
    parser = _HtmlText()
    try:
        parser.feed(html[:_MAX_HTML_CHARS])
        parser.close()
    except Exception:
        pass
    return _tidy("".join(parser.out)), parser.links


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words chunk by chunk, so one bad charset does not lose the rest."""
    try:
        chunks = decode_header(value)
    except Exception:  # malformed encoded words: keep the raw value
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        out.append(chunk if isinstance(chunk, str) else decode_bytes(chunk, charset))
    return "".join(out)


def _decode_header(raw: object) -> str:
    """A raw header value as text: unfolded, 8-bit bytes recovered, encoded words decoded."""
    value = raw if isinstance(raw, str) else str(raw)
    value = _FOLD.sub(" ", value)
    if _SURROGATE.search(value):
        # Raw 8-bit bytes in a header (against the RFC, common in practice): usually UTF-8.
        value = decode_bytes(value.encode("utf-8", "surrogateescape"), None)
    if "=?" in value:
        value = _decode_words(value)
    return clean_text(value).strip()


class _Headers:
    """The headers of one message, decoded on demand (lower-cased names, in order)."""

    def __init__(self, msg: Message) -> None:
        self._raw: dict[str, list[object]] = {}
        for key, value in msg.raw_items():
            self._raw.setdefault(key.lower(), []).append(value)

    def first(self, name: str) -> str:
        values = self._raw.get(name)
        return _decode_header(values[0]) if values else ""

    def all(self, name: str) -> list[str]:
        return [_decode_header(v) for v in self._raw.get(name, ())]


def _addresses(values: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    try:
        pairs = getaddresses(values)
    except Exception:
        return ()
    for _, address in pairs:
        address = address.strip().lower()
        if "@" in address and address not in out:
            out.append(address)
    return tuple(out)


def _part_text(part: Message) -> str:
    """The decoded text of a leaf part, falling back step by step."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        try:
            charset = part.get_content_charset()
        except Exception:
            charset = None
        return clean_text(decode_bytes(payload, charset))
    raw = part.get_payload()
    return clean_text(raw) if isinstance(raw, str) else ""


class _Walk:
    def __init__(self) -> None:
        self.plain: str | None = None
        self.html: str | None = None
        self.attachments: list[str] = []
        self.attached: list[Message] = []
        self.is_report = False

    def visit(self, part: Message, depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        try:
            ctype = part.get_content_type()
        except Exception:
            ctype = "text/plain"
        try:
            filename = part.get_filename()
            if filename and "=?" in filename:
                filename = _decode_words(filename)  # Outlook puts RFC 2047 words in filenames
        except Exception:
            filename = None
        try:
            disposition = part.get_content_disposition()
        except Exception:
            disposition = None
        if ctype == "message/delivery-status":
            self.is_report = True
            return
        if ctype == "message/rfc822":
            self._add_attachment(filename or "forwarded-message.eml")
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                self.attached.append(payload[0])
            return
        if ctype.startswith("multipart/"):
            payload = part.get_payload()
            if isinstance(payload, list):
                for sub in payload:
                    if isinstance(sub, Message):
                        self.visit(sub, depth + 1)
            elif isinstance(payload, str) and self.plain is None and payload.strip():
                # A multipart without parts (missing boundary): its payload is the only text there is.
                self.plain = clean_text(payload)
            return
        if filename or disposition == "attachment":
            self._add_attachment(clean_text(filename) if filename else f"unnamed.{ctype.split('/')[-1]}")
            return
        if ctype == "text/plain" and self.plain is None:
            self.plain = _part_text(part)
        elif ctype == "text/html" and self.html is None:
            self.html = _part_text(part)

    def _add_attachment(self, name: str) -> None:
        if len(self.attachments) < _MAX_ATTACHMENTS:
            self.attachments.append(name)


_CUE_HEADERS = (
    "auto-submitted", "x-autoreply", "x-autorespond", "x-auto-response-suppress", "precedence",
    "x-failed-recipients", "return-path", "reply-to", "list-id", "list-unsubscribe", "x-mailer",
)


def _read_message(msg: Message, depth: int = 0) -> MailParts:
    parts = MailParts()
    name, address = "", ""
    headers = _Headers(msg)
    sender = headers.first("from")
    if sender:
        try:
            name, address = parseaddr(sender)
        except Exception:
            name, address = "", ""
    if sender and not _ADDRESS.fullmatch(address.strip()):
        # A whole "Name <addr>" inside one encoded word, or other mangling: find the address in the text.
        found = _ADDRESS.search(sender)
        address = found.group(0) if found else ""
        name = re.sub(r"<[^>]*>|" + re.escape(address), "", sender) if address else name
    parts.sender_name = flip_name(clean_text(name)) if name and name.strip() else None
    parts.sender_email = address.strip().lower() if address else None
    parts.recipients = _addresses(headers.all("to") + headers.all("cc"))
    parts.subject = headers.first("subject").replace("\n", " ").replace("\r", "")
    for key in _CUE_HEADERS:
        value = headers.first(key)
        if value:
            parts.headers[key] = value
    parts.in_reply_to = bool(headers.first("in-reply-to"))
    failures: list[str] = []
    for value in headers.all("authentication-results") + headers.all("arc-authentication-results"):
        failures.extend(f"{m.group(1).lower()}={m.group(2).lower()}" for m in _AUTH_FAIL.finditer(value))
    for value in headers.all("received-spf"):
        match = _SPF_HEADER_FAIL.match(value)
        if match:
            failures.append(f"spf={match.group(1).lower()}")
    parts.auth_failures = list(dict.fromkeys(failures))
    try:
        parts.content_type = msg.get_content_type()
        report_type = str(msg.get_param("report-type", "") or "").lower()
    except Exception:
        parts.content_type, report_type = "text/plain", ""
    walk = _Walk()
    walk.visit(msg, 0)
    parts.is_report = walk.is_report or (parts.content_type == "multipart/report" and "delivery" in report_type)
    parts.attachments = walk.attachments
    plain = _tidy(walk.plain) if walk.plain else ""
    if walk.html is not None:
        if len(plain) >= 40:
            # The plain part is the text; the HTML twin only adds its links, which a regex finds
            # at a fraction of the cost of parsing Outlook's HTML.
            parts.links = [m.group(1) for m in _HREF.finditer(walk.html[:_MAX_HTML_CHARS])]
        else:
            # No plain part, or only a stub ("view this email in a browser"): read the HTML.
            html_text, parts.links = html_to_text(walk.html)
            if len(html_text) > len(plain):
                plain = html_text
    parts.text = plain
    if depth == 0:
        for attached in walk.attached[:3]:
            try:
                parts.attached.append(_read_message(attached, depth + 1))
            except Exception as exc:
                parts.problems.append(f"attached message unreadable: {type(exc).__name__}")
    return parts


def _to_bytes(raw: str) -> bytes:
    try:
        return raw.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return raw.encode("utf-8", "replace")


def parse_raw_email(raw: str | bytes) -> MailParts:
    """Read a whole RFC 822 message into its sender, subject, body text, links and attachments."""
    data = raw if isinstance(raw, bytes) else _to_bytes(raw)
    msg = _PARSER.parsebytes(data)
    parts = _read_message(msg)
    if msg.defects and not parts.text:
        parts.problems.append("malformed MIME: " + type(msg.defects[0]).__name__)
    return parts
