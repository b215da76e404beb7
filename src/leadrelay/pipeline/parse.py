"""The parse step: an inbound event becomes a Message (sender, newest text, quoted history, signature).

Email arrives as fields or as a whole RFC 822 message; forms, chats, tickets and LinkedIn messages
arrive as a body plus form fields. Whatever the channel, the step finds what the sender wrote
last, splits off quoted history and the signature, unwraps forwards (an intro forwarded by a
colleague becomes a referral from that colleague), and flags auto-replies, bounces and failed
sender authentication. It never raises: a broken event comes back with `parse_error` set.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from leadrelay.pipeline.forms import normalize_form
from leadrelay.pipeline.mail import MailParts, clean_text, flip_name, html_to_text, parse_raw_email
from leadrelay.pipeline.records import Event, Evidence, Message
from leadrelay.pipeline.signature import split_signature

__all__ = ["ParseStep", "guess_language", "split_thread", "subject_tags"]

log = logging.getLogger(__name__)

_MAX_TEXT_CHARS = 200_000  # a lead never writes more; beyond this we only pay time
_MAX_LINKS = 20
_MAX_FORWARD_DEPTH = 3

# --- subjects ----------------------------------------------------------------------------------
_SUBJECT_TAG = re.compile(
    r"\s*(re|aw|sv|vs|antw|antwort|rif|réf|ref|res|odp|wg|fw|fwd|tr|rv|enc|doorst|ws|転送|返信)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.I,
)
_REPLY_TAGS = frozenset({"re", "aw", "sv", "vs", "antw", "antwort", "rif", "réf", "ref", "res", "odp", "返信"})
# "RV:" is the Spanish Outlook prefix for *reenviado* (forwarded), so it counts as a forward.
_FORWARD_TAGS = frozenset({"wg", "fw", "fwd", "tr", "rv", "enc", "doorst", "ws", "転送"})

# --- thread boundaries ---------------------------------------------------------------------------
_FWD_MARKER = (
    r"^[ \t>]*(?:-{2,}[ \t]*)?(?:Forwarded message|Forwarded e-?mail|Begin forwarded message|"
    r"Weitergeleitete Nachricht|Anfang der weitergeleiteten (?:Nachricht|E-Mail)|Message transféré|"
    r"Début du message (?:réexpédié|transféré)|Mensaje reenviado|Mensaje original reenviado|"
    r"Mensagem encaminhada|Início da mensagem encaminhada|Doorgestuurd bericht|Begin doorgestuurd bericht|"
    r"Messaggio inoltrato|Inizio messaggio inoltrato|転送されたメッセージ|転送メッセージ)"
    r"[ \t]*[:：]?[ \t]*(?:-{2,})?[ \t]*$"
)
_ORIGINAL_MARKER = (
    r"^[ \t>]*-{2,}[ \t]*(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|"
    r"Message original|Mensaje original|Mensagem original|Oorspronkelijk bericht|Messaggio originale|"
    r"元のメッセージ)[ \t]*-{2,}[ \t]*$"
)
_WROTE = (
    r"^[ \t>]*(?:On|Am|Le|El|Em|Op|Il|Den|På)\b[^\n]{0,300}?(?:\n[^\n]{0,300}?){0,2}?"
    r"(?:wrote|schrieb|a écrit|escribió|escreveu|schreef|ha scritto|skrev)[^\n]{0,80}?[:：][ \t]*$"
    r"|^[ \t>]*[^\n]{0,200}(?:書きました|のメッセージ)[:：]?[ \t]*$"
    r"|^[ \t>]*\d{4}年\d{1,2}月\d{1,2}日[^\n]{0,150}[:：][ \t]*$"
)
_FROM_KEYS = r"From|Von|De|Van|Da|Fra|Från|Od|差出人|送信者"
_DATE_KEYS = (
    r"Sent|Date|Gesendet|Datum|Envoyé|Enviado|Enviada|Fecha|Data|Verzonden|Inviato|Skickat|Sendt|"
    r"Wysłano|送信日時|日付|日時"
)
_HEADER_BLOCK = (
    rf"^[ \t>]*\*{{0,2}}(?:{_FROM_KEYS})\*{{0,2}}[ \t]*[:：][^\n]*\n(?:[^\n]*\n){{0,3}}?"
    rf"[ \t>]*\*{{0,2}}(?:{_DATE_KEYS})\*{{0,2}}[ \t]*[:：]"
)
_BOUNDARY = re.compile(
    rf"(?P<fwd>{_FWD_MARKER})|(?P<orig>{_ORIGINAL_MARKER})|(?P<wrote>{_WROTE})|(?P<hdr>{_HEADER_BLOCK})"
    r"|(?P<quote>^[ \t]*>)",
    re.M | re.I,
)
# The same patterns for lower-cased text: same offsets, without the slow Unicode re.I.
_BOUNDARY_LOWER = re.compile(_BOUNDARY.pattern.lower().replace("(?p<", "(?P<"), re.M)
# How a line that starts a boundary begins (lower-cased, after leading ">", "*", "-", "_").
_BOUNDARY_STARTS = (
    "on ", "am ", "le ", "el ", "em ", "op ", "il ", "den ", "på ", "forwarded", "begin ", "weitergeleitete",
    "anfang der", "message transf", "début du", "mensaje", "mensagem", "início", "doorgestuurd", "messaggio",
    "inizio", "転送", "original", "ursprüngliche", "message d'origine", "message original", "oorspronkelijk",
    "元のメッセージ", "from", "von", "de", "van", "da", "fra", "från", "od", "差出人", "送信者",
)
_HEADER_LINE = re.compile(r"^[ \t>]*\*{0,2}([^\s:：*][^:：*\n]{0,20}?)\*{0,2}[ \t]*[:：][ \t]*(.*)$")
_HEADER_KEYS = {
    **dict.fromkeys("from von de van da fra från od 差出人 送信者".split(), "from"),
    **dict.fromkeys("subject betreff objet asunto assunto onderwerp oggetto ämne emne temat 件名".split(), "subject"),
    **dict.fromkeys(
        "date sent gesendet datum envoyé enviado enviada fecha data verzonden inviato skickat sendt wysłano "
        "送信日時 日付 日時".split(), "date",
    ),
    **dict.fromkeys("to an à a para aan til till do 宛先".split(), "to"),
    **dict.fromkeys("cc kopie cópia copia cci bcc".split(), "cc"),
    "reply-to": "reply-to",
}
_TRAILING_RULES = re.compile(r"(?:\n[ \t]*(?:_{5,}|-{5,}|={5,})[ \t]*)+\s*$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s<>\"'\])}]+", re.I)
_HTML_HINT = re.compile(r"<(?:html|body|div|p|br|table|span|a\s)[\s>/]", re.I)

# --- auto-replies and bounces --------------------------------------------------------------------
_AUTO_SUBJECT = re.compile(
    r"out of (?:the )?office|out-of-office|\booo\b|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"abwesenheitsnotiz|abwesenheit|automatische antwort|absence du bureau|absent du bureau|"
    r"réponse automatique|fuera de la oficina|respuesta automática|risposta automatica|fuori ufficio|"
    r"fuori sede|resposta automática|ausente do escritório|fora do escritório|afwezigheidsbericht|"
    r"automatisch antwoord|不在|自動応答|自動返信",
)
_AUTO_BODY = re.compile(
    r"\bi(?:'m| am) (?:currently )?(?:out of (?:the )?office|away from (?:the|my) (?:office|desk)|on (?:annual |"
    r"parental |maternity |paternity |sick )?leave)|\bi will be out of (?:the )?office|"
    r"with limited access to (?:my )?e-?mail|this (?:mailbox|e-?mail address|inbox) is no longer "
    r"(?:monitored|active|in use)|ich bin (?:derzeit |momentan |bis [^\n.]{0,30})?(?:nicht im büro|abwesend|"
    r"außer haus|im urlaub)|je suis (?:actuellement )?absente?|je serai absente?|estoy fuera de la oficina|"
    r"estaré fuera|sono fuori ufficio|sarò fuori|estou fora do escritório|estarei fora|"
    r"ik ben (?:momenteel |tot [^\n.]{0,30})?afwezig|不在にしております|不在です",
)
# Cheap substring checks before the auto-reply regex: most messages contain none of these.
_AUTO_BODY_WORDS = (
    "office", "away", "leave", "access", "mailbox", "inbox", "monitored", "büro", "abwesend", "haus", "urlaub",
    "absent", "oficina", "fuera", "ufficio", "fuori", "escritório", "fora", "afwezig", "不在",
)
_BOUNCE_SUBJECT = re.compile(
    r"undelivered mail returned to sender|delivery status notification \((?:failure|delay)\)|undeliverable|"
    r"undelivered|mail delivery (?:failed|failure)|returned mail|delivery failure|failure notice|"
    r"message not delivered|delivery has failed|unzustellbar|nicht zustellbar|non remis|non distribuable|"
    r"échec de (?:la )?remise|no se puede entregar|no entregado|não entregue|onbestelbaar|niet bezorgd|"
    r"non recapitabile|mancato recapito|配信不能|配送失敗",
)
_BOUNCE_BODY = re.compile(
    r"address not found|could(?:n't| not) be delivered|was(?:n't| not) delivered|delivery has failed|"
    r"permanent (?:error|failure)|user unknown|mailbox unavailable|recipient (?:address )?rejected|"
    r"no such user|\b55\d[ -]5\.\d\.\d+|message could not be delivered|delivery to the following recipient",
)
_DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mail.daemon"})

# --- language ------------------------------------------------------------------------------------
_STOPWORDS = {
    "en": "the and you we our is are for with this that have can would please thanks hi hello your will "
          "be not what how looking need from about they it's i'm we're",
    "de": "und der die das wir sie ist nicht mit für ein eine den dem zu auf ich ihr ihre uns unser unsere "
          "auch bitte danke sehr geehrte grüße können haben wird bei oder wie",
    "fr": "le les et nous vous est pour avec une des du dans sur pas que qui notre votre merci bonjour "
          "cordialement je sont au aux ce cette nos vos de la en à",
    "es": "el los las y que para con una por del es está estamos gracias hola saludos nuestro nuestra "
          "sus como pero muy usted ustedes nuestros también de la en a somos necesitamos al lo se nos",
    "pt": "os e que para com uma um por não do da dos das em é está estamos obrigado obrigada olá nosso "
          "nossa você vocês atenciosamente são também de a o somos precisamos no na ao",
    "nl": "de het een en wij we zijn is niet met voor van op dat die ons onze jullie u uw graag bedankt "
          "groet hebben wordt ook maar naar",
    "it": "il lo la gli le e che noi per con una un non del della dei è siamo grazie ciao buongiorno "
          "nostro nostra sono anche ma come saluti di da in al abbiamo",
}
_LANG_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words.split():
        _LANG_OF[_word] = (*_LANG_OF.get(_word, ()), _lang)
# Letters only one of the candidate languages uses.
_LETTER_HINTS = (("ñ", "es"), ("ã", "pt"), ("õ", "pt"), ("ß", "de"), ("ĳ", "nl"))
_WORD = re.compile(r"[a-zà-öø-ÿ']+")
_KANA = re.compile(r"[\u3040-\u30ff]")


def guess_language(text: str) -> str | None:
    """A cheap ISO 639-1 guess (en, de, fr, es, pt, nl, it, ja) from stopwords and script."""
    sample = text[:800]
    if not sample.isascii() and len(_KANA.findall(sample, 0, 600)) >= 3:
        return "ja"
    scores: dict[str, float] = {}
    # The stopwords among the first 120 words, in order, without a Python loop over the others.
    for langs in filter(None, map(_LANG_OF.get, _WORD.findall(sample.lower())[:120])):
        share = 1.0 / len(langs)
        for lang in langs:
            scores[lang] = scores.get(lang, 0.0) + share
    for char, lang in _LETTER_HINTS:
        if char in sample:
            scores[lang] = scores.get(lang, 0.0) + 1.0
    if not scores:
        return None
    best = max(scores, key=scores.__getitem__)
    return best if scores[best] >= 1.5 else None


def subject_tags(subject: str) -> list[str]:
    """The reply/forward prefixes of a subject, outermost first ("AW: Fwd: x" -> ["aw", "fwd"])."""
    tags: list[str] = []
    pos = 0
    while len(tags) < 10:
        match = _SUBJECT_TAG.match(subject, pos)
        if not match:
            break
        tags.append(match.group(1).lower())
        pos = match.end()
    return tags


def _strip_tags(subject: str) -> str:
    while True:
        match = _SUBJECT_TAG.match(subject)
        if not match:
            return subject.strip()
        subject = subject[match.end():]


def _find_boundary(text: str) -> re.Match[str] | None:
    """The first boundary in `text`: only lines that start like a marker are tried, which is ~10x faster."""
    lowered = text.lower()
    if len(lowered) != len(text):
        # Lower-casing changed the length (e.g. "İ"), so offsets would shift: use the slow regex.
        return _BOUNDARY.search(text)
    pos = 0
    for line in lowered.split("\n"):
        head = line.lstrip(" \t>*-_")
        if (head.startswith(_BOUNDARY_STARTS) or line.lstrip(" \t").startswith(">")
                or (not line.isascii() and ("書" in line or "の" in line or "年" in line))):
            match = _BOUNDARY_LOWER.match(lowered, pos)
            if match:
                return match
        pos += len(line) + 1
    return None


@dataclass(frozen=True, slots=True)
class ThreadSplit:
    """The newest text of a body and what follows it."""

    newest: str
    rest: str = ""  # the quoted history or forwarded block, marker included
    kind: str | None = None  # fwd, orig, wrote, hdr, quote; None when nothing is quoted
    after_marker: str = ""  # for fwd/orig: the text after the marker line


def split_thread(text: str) -> ThreadSplit:
    """Split a body at the first quoted-history or forward marker."""
    match = _find_boundary(text)
    if not match:
        return ThreadSplit(newest=text.strip())
    kind = match.lastgroup
    newest = _TRAILING_RULES.sub("", text[:match.start()]).strip()
    rest = text[match.start():]
    if not newest and kind in ("wrote", "quote"):
        # Bottom-posting: the sender's words come after the quoted lines.
        after = text[match.end():] if kind == "wrote" else rest
        unquoted = [ln for ln in after.split("\n") if not ln.lstrip().startswith(">")]
        quoted = [ln for ln in rest.split("\n") if ln.lstrip().startswith(">")]
        own = "\n".join(unquoted).strip()
        if own:
            head = match.group(0) + "\n" if kind == "wrote" else ""
            return ThreadSplit(newest=own, rest=head + "\n".join(quoted), kind=kind)
    return ThreadSplit(newest=newest, rest=rest.strip(), kind=kind, after_marker=text[match.end():])


@dataclass(frozen=True, slots=True)
class _Forwarded:
    name: str | None
    email: str | None
    subject: str
    recipients: tuple[str, ...]
    body: str


def _address(value: str) -> tuple[str | None, str | None]:
    found = _EMAIL.search(value)
    email = found.group(0).lower() if found else None
    name = re.sub(r"<[^>]*>|\[mailto:[^\]]*\]|\(mailto:[^)]*\)", "", value)
    if found:
        name = name.replace(found.group(0), "")
    name = name.strip().strip("\"'<>()[]").strip().rstrip(",").strip()
    return (flip_name(name) if name else None), email


def _read_forward_headers(block: str) -> _Forwarded:
    """The From/Subject/To of a forwarded message, and its body below the header lines."""
    lines = block.split("\n")
    headers: dict[str, str] = {}
    last: str | None = None
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    while index < len(lines) and index < 40:
        line = lines[index]
        if not line.strip():
            if headers:
                break
            index += 1
            continue
        match = _HEADER_LINE.match(line)
        key = _HEADER_KEYS.get(match.group(1).strip().lower()) if match else None
        if match and key:
            if key not in headers:
                headers[key] = match.group(2).strip()
            last = key
        elif last in ("to", "cc", "from") and headers and ("@" in line or line[:1].isspace()):
            headers[last] += " " + line.strip()  # a wrapped address list
        else:
            break
        index += 1
    name, email = _address(headers.get("from", ""))
    recipients = tuple(dict.fromkeys(
        m.group(0).lower() for key in ("to", "cc") for m in _EMAIL.finditer(headers.get(key, ""))
    ))
    body = "\n".join(lines[index:]).strip()
    return _Forwarded(name, email, headers.get("subject", ""), recipients, body)


def _is_own(email: str | None, own_domains: tuple[str, ...]) -> bool:
    if not email or "@" not in email:
        return False
    domain = email.rsplit("@", 1)[1].lower()
    return any(domain == own or domain.endswith("." + own) for own in own_domains)


def _links(text: str, extra: Sequence[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    found = (m.group(0) for m in _URL.finditer(text)) if "://" in text else ()  # every URL has "://"
    for link in [*extra, *found]:
        link = link.rstrip(".,;:!?")
        if link and link not in out:
            out[link] = None
            if len(out) >= _MAX_LINKS:
                break
    return tuple(out)


class ParseStep:
    """Turns an Event into a Message: sender, newest text, quoted history, signature and cues."""

    name = "parse"

    def __init__(self, own_domains: Sequence[str]) -> None:
        self._own = tuple(d.strip().lower().lstrip("@") for d in own_domains if d and d.strip())

    def warm_up(self) -> None:
        """Nothing heavy to load; regexes are compiled at import."""

    def run(self, event: Event) -> Message:
        """Parse `event` into a Message; never raises (failures set `parse_error`).

        Args:
            event: one inbound event.

        Returns:
            The parsed message; on an unexpected failure, a Message with `parse_error` and the raw text.
        """
        try:
            return self._parse(event)
        except Exception as exc:
            log.warning("parse failed", extra={"event_id": event.id, "error": type(exc).__name__})
            return _salvage(event, exc)

    # --- the parse itself --------------------------------------------------------------------------
    def _parse(self, event: Event) -> Message:
        form = normalize_form(event.fields) if event.fields else {}
        evidence: list[Evidence] = []
        mail: MailParts | None = None
        html_links: list[str] = []
        if event.raw_email:
            mail = parse_raw_email(event.raw_email)
            sender_name = mail.sender_name or flip_name(event.from_name)
            sender_email = mail.sender_email or _clean_email(event.from_email)
            subject = mail.subject or (event.subject or "")
            body = mail.text or (event.body or "")
            html_links = mail.links
            for problem in mail.problems:
                evidence.append(Evidence(kind="header", step=self.name, detail=problem, source="mime"))
        else:
            sender_name = flip_name(event.from_name)
            sender_email = _clean_email(event.from_email)
            subject = event.subject or ""
            body = event.body or ""
            if "<" in body and _HTML_HINT.search(body):
                body, html_links = html_to_text(body)
        if not body.strip() and form.get("message"):
            body = form["message"]
        if not sender_name:
            full = " ".join(p for p in (form.get("first_name", ""), form.get("last_name", "")) if p)
            sender_name = flip_name(form.get("name") or full or None)
        if not sender_email and "@" in form.get("email", ""):
            sender_email = _clean_email(form["email"])
        body = clean_text(body[:_MAX_TEXT_CHARS]).replace("\r\n", "\n").replace("\r", "\n").strip()
        subject = clean_text(subject).strip()
        transcript = ""
        if event.channel == "chat":
            visitor, transcript = visitor_lines(body)
            if transcript:
                body = visitor
                evidence.append(Evidence(kind="rule", step=self.name, source="rule:parse.chat",
                                         detail="a chat transcript: only the visitor's lines are the message"))

        tags = subject_tags(subject)
        is_reply = bool(tags and tags[0] in _REPLY_TAGS) or bool(mail and mail.in_reply_to)
        subject_forward = bool(tags and tags[0] in _FORWARD_TAGS)
        split = split_thread(body)
        forwarded: _Forwarded | None = None
        if split.kind == "fwd" or (split.kind in ("orig", "hdr") and subject_forward):
            block = split.after_marker if split.kind in ("fwd", "orig") else split.rest
            forwarded = _read_forward_headers(block)
        elif mail and mail.attached and subject_forward:
            inner = mail.attached[0]
            forwarded = _Forwarded(inner.sender_name, inner.sender_email, inner.subject, inner.recipients,
                                   inner.text)
        elif split.kind in ("wrote", "orig", "hdr"):
            is_reply = True

        fields: dict[str, object] = {}
        source: str = event.channel
        if forwarded is not None:
            note, _ = split_signature(split.newest, sender_name) if split.newest else ("", None)
            inner_split = split_thread(forwarded.body)
            # A colleague forwarding a colleague's forward: unwrap until the outside sender.
            depth = 1
            while (inner_split.kind == "fwd" and _is_own(forwarded.email, self._own)
                   and depth < _MAX_FORWARD_DEPTH):
                forwarded = _read_forward_headers(inner_split.after_marker)
                inner_split = split_thread(forwarded.body)
                depth += 1
            if _is_own(sender_email, self._own):
                text, signature = split_signature(inner_split.newest, forwarded.name)
                fields.update(
                    sender_name=forwarded.name, sender_email=forwarded.email,
                    referrer_name=sender_name, referrer_email=sender_email,
                    subject=forwarded.subject or _strip_tags(subject),
                    recipients=forwarded.recipients, quoted=inner_split.rest,
                )
                source = "referral"
                is_reply = bool(subject_tags(forwarded.subject)[:1] == ["re"])
                evidence.append(Evidence(
                    kind="text", step=self.name, source="forward",
                    detail=f"intro forwarded by {sender_email} (own domain); sender is "
                           f"{forwarded.email or 'unknown'}",
                ))
            else:
                note_text, signature = split_signature(split.newest, sender_name)
                text = "\n\n".join(p for p in (note_text, inner_split.newest) if p)
                fields.update(
                    sender_name=sender_name, sender_email=sender_email, subject=subject,
                    recipients=mail.recipients if mail else (), quoted=inner_split.rest,
                )
                evidence.append(Evidence(
                    kind="text", step=self.name, source="forward",
                    detail=f"forwarded message from {forwarded.email or 'unknown sender'} with a note by the sender",
                ))
            fields["forwarded_note"] = note
        else:
            text, signature = split_signature(split.newest, sender_name)
            fields.update(
                sender_name=sender_name, sender_email=sender_email, subject=subject,
                recipients=mail.recipients if mail else (), quoted=split.rest,
            )

        is_bounce = self._bounce(mail, sender_email, subject, body, evidence)
        # A bounce carries "Auto-Submitted: auto-replied" too; it is reported once, as a bounce.
        is_auto = not is_bounce and self._auto_reply(mail, subject, tags, text or body, evidence)
        auth = tuple(mail.auth_failures) if mail else ()
        if auth:
            evidence.append(Evidence(
                kind="header", step=self.name, source="header:Authentication-Results",
                detail="sender authentication failed: " + ", ".join(auth),
            ))
        language = guess_language(f"{fields.get('subject', '')}\n{text}")
        return Message(
            event=event,
            source=source,
            text=text,
            signature=signature,
            form=form,
            is_auto_reply=is_auto,
            is_bounce=is_bounce,
            is_reply=is_reply,
            is_forward=forwarded is not None,
            attachments=tuple(mail.attachments) if mail else (),
            links=_links(body, html_links),
            auth_failures=auth,
            language=language,
            evidence=tuple(evidence),
            **fields,
        )

    def _auto_reply(self, mail: MailParts | None, subject: str, tagged: list[str], text: str,
                    evidence: list[Evidence]) -> bool:
        """Whether the message is an automatic reply; `tagged` is `subject_tags(subject)`."""
        reason: str | None = None
        kind: Literal["header", "text"] = "header"
        if mail:
            auto = mail.headers.get("auto-submitted", "").lower()
            if auto.startswith("auto-replied"):
                reason = f"Auto-Submitted: {auto}"
            for key in ("x-autoreply", "x-autorespond"):
                value = mail.headers.get(key, "").lower()
                if reason is None and value and value not in ("no", "false", "0"):
                    reason = f"{key}: {value}"
            if reason is None and mail.headers.get("precedence", "").lower().strip() == "auto_reply":
                reason = "Precedence: auto_reply"
        if reason is None:
            kind = "text"
            # Only the subject line before any "Re:" chain: "Re: Out of office policy" is a person.
            cue = _AUTO_SUBJECT.search(subject.lower()) if not tagged or tagged[0] not in _REPLY_TAGS else None
            if cue is None and len(text) < 3000:
                head = text[:600].lower()
                if any(map(head.__contains__, _AUTO_BODY_WORDS)):
                    cue = _AUTO_BODY.search(head)
            if cue is not None:
                reason = f'says "{cue.group(0)}"'
        if reason is None:
            return False
        evidence.append(Evidence(kind=kind, step=self.name, detail=f"auto-reply: {reason}",
                                 source="header" if kind == "header" else "text"))
        return True

    def _bounce(self, mail: MailParts | None, sender: str | None, subject: str, body: str,
                evidence: list[Evidence]) -> bool:
        reason: str | None = None
        local = sender.split("@", 1)[0].lower() if sender else ""
        if mail and mail.is_report:
            reason = "multipart/report delivery-status"
        elif mail and mail.headers.get("x-failed-recipients"):
            reason = "X-Failed-Recipients header"
        elif cue := _BOUNCE_SUBJECT.search(subject.lower()):
            reason = f'subject says "{cue.group(0)}"'
        elif local in _DAEMONS:
            cue = _BOUNCE_BODY.search(body[:3000].lower())
            # A "postmaster" sender alone is not enough: phishing mail borrows it too.
            if cue:
                reason = f'sender {local} and body says "{cue.group(0)}"'
        if reason is None:
            return False
        evidence.append(Evidence(kind="header", step=self.name, detail=f"bounce: {reason}", source="header"))
        return True


def _clean_email(value: str | None) -> str | None:
    if not value:
        return None
    found = _EMAIL.search(value)
    return found.group(0).lower() if found else None


_SPEAKER = re.compile(r"^\s*(?:\[(?P<tag>[^\]\n]{1,40})\]|(?P<name>[A-Za-z][\w .'-]{0,30}):)\s*(?P<rest>.*)$")
_OUR_SIDE = re.compile(r"bot|assistant|agent|operator|support|sales|team|auto", re.IGNORECASE)


def visitor_lines(body: str) -> tuple[str, str]:
    """The visitor's own lines of a chat transcript, and the whole transcript ("" when it is not one).

    Transcripts tag each line with its speaker ("[Bot] Hi!", "Visitor: hello?"); the bot's or agent's
    lines say what we sell, not what the visitor wants, and system lines ("[Visitor left the chat]")
    say nothing.
    """
    lines = body.split("\n")
    tagged = [(_SPEAKER.match(line), line) for line in lines]
    if sum(1 for m, _ in tagged if m) < 2:
        return body, ""
    kept: list[str] = []
    speaker_is_us = False
    for match, line in tagged:
        if match is None:
            if not speaker_is_us and line.strip():
                kept.append(line.strip())  # a continuation of the visitor's message
            continue
        speaker = match.group("tag") or match.group("name") or ""
        rest = match.group("rest").strip()
        speaker_is_us = bool(_OUR_SIDE.search(speaker))
        if speaker_is_us or not rest:
            continue  # our side, or a system line such as "[Visitor left the chat]"
        kept.append(rest)
    return "\n".join(kept), body


def _salvage(event: Event, exc: BaseException) -> Message:
    """A Message that carries what could be read of a failed event and why it failed."""
    error = f"could not parse event: {type(exc).__name__}: {exc}"[:300]
    try:
        raw = event.body or event.raw_email or ""
        return Message(
            event=event, source=event.channel, text=clean_text(raw[:_MAX_TEXT_CHARS]),
            subject=clean_text(event.subject or ""), sender_name=event.from_name,
            sender_email=_clean_email(event.from_email), parse_error=clean_text(error),
        )
    except Exception:
        return Message(event=event, source=event.channel, parse_error="could not parse event")

