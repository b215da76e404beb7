"""Turn template families into LeadBench-format events with labels, reproducibly from one seed."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from training.corpus import boundaries, commercial, extra, junk, outreach, people, shared
from training.corpus.engine import LANGS, Draft, Family, add_typos, expand, strip_punctuation
from training.corpus.slots import (
    COMPANY_SIZES,
    DISPOSABLE,
    FIRST,
    FREE_MAIL,
    LAST,
    TITLES,
    Person,
    make_person,
    make_slots,
)

FAMILIES: list[Family] = [
    *commercial.SALES, *extra.SALES, *commercial.SUPPORT, *extra.SUPPORT, *outreach.PARTNERSHIP, *extra.PARTNERSHIP,
    *outreach.VENDOR, *extra.VENDOR, *outreach.INVESTOR, *extra.INVESTOR, *people.PRESS, *extra.PRESS,
    *people.RECRUITING, *extra.RECRUITING, *people.STUDENT, *extra.STUDENT, *junk.SPAM, *extra.SPAM,
    *junk.UNKNOWN, *extra.UNKNOWN,
    # Boundary families (see boundaries.py), appended so each type's older families keep their order.
    *boundaries.SALES, *boundaries.SUPPORT, *boundaries.PARTNERSHIP, *boundaries.PRESS, *boundaries.VENDOR,
    *boundaries.RECRUITING, *boundaries.STUDENT, *boundaries.SPAM, *boundaries.UNKNOWN,
]
# Items per type; families of a type share it by weight. Sales and support dominate real inboxes.
TYPE_COUNTS = {"sales": 2300, "support": 1350, "partnership": 850, "press": 900, "recruiting": 820, "vendor": 1200,
               "investor": 560, "student": 760, "spam": 1100, "unknown": 1260}
ENGLISH_SHARE = 0.5
CHANNEL_MISUSE = 0.07  # people pick whatever form is in front of them
ALL_CHANNELS = ("web_form", "demo_request", "email", "linkedin", "support_ticket", "chat")
OWN_DOMAIN = "cobaltdata.com"

_TOPICS = {"Sales": ["Sales", "Talk to sales", "Pricing", "Demo"], "Support": ["Support", "Technical support",
           "Help"], "Billing": ["Billing", "Support"], "Partnership": ["Partnership", "Partners"],
           "Press": ["Press", "Media"], "Careers": ["Careers", "Jobs"], "Marketing": ["Marketing", "Other"],
           "Pricing": ["Pricing", "Sales"], "Demo": ["Demo", "Sales"], "Other": ["Other", "General"]}
_ALL_TOPICS = ["Sales", "Support", "Partnership", "Press", "Careers", "Other", "General", "Demo", "Pricing"]
_PAGES = {"sales": ["/pricing", "/product", "/", "/connectors"], "support": ["/docs", "/app", "/status", "/"],
          "other": ["/", "/blog", "/about", "/careers", "/pricing"]}
_NEUTRAL_SUBJECTS = ["Your request", "Meeting next week", "Cobalt update", "Following up", "Quick question",
                     "Introduction", "Your inquiry", "Next steps"]
_ASCII = str.maketrans("éèëäöüçãâíóúñàìòêô", "eeeaoucaaiounaioeo")
_WEIRD_TLDS = ["xyz", "top", "ru", "info", "biz", "click", "online"]
# Families whose items are delivery-failure notices: sent by a mail system, not a person.
BOUNCE_FAMILIES = frozenset({"unknown.bounce", "unknown.delivery_failures"})
_BOUNCE_NAMES = ["Mail Delivery Subsystem", "Microsoft Outlook", "Mail Delivery System", "MAILER-DAEMON",
                 "Postmaster"]


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _pick_lang(rng: random.Random, family: Family) -> str:
    share = ENGLISH_SHARE if family.english is None else family.english
    if rng.random() < share or len(family.bodies) == 1:
        return "en"
    others = [lang for lang in LANGS if lang != "en" and lang in family.bodies]
    # Spread over all seven languages; a family without a language falls back to English.
    lang = rng.choice([lang for lang in LANGS if lang != "en"])
    return lang if lang in others else rng.choice(others)


def _sender_email(rng: random.Random, family: Family, person: Person, lang: str) -> str | None:
    first = person.first.lower().replace(" ", "").translate(_ASCII)
    last = person.last.lower().replace(" ", "").translate(_ASCII)
    local = rng.choice([f"{first}.{last}", first, f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}"])
    kind = family.sender
    roll = rng.random()
    if kind == "business":
        domain = person.domain if roll < 0.88 else rng.choice(FREE_MAIL[lang])
    elif kind == "mixed":
        domain = person.domain if roll < 0.45 else rng.choice(FREE_MAIL[lang])
    elif kind == "free":
        domain = rng.choice(FREE_MAIL[lang])
    elif kind == "spam":
        if roll < 0.25:
            domain = rng.choice(DISPOSABLE)
        elif roll < 0.55:
            domain = rng.choice(FREE_MAIL["en"])
        else:
            domain = person.domain.split(".")[0] + str(rng.randint(1, 999)) + "." + rng.choice(_WEIRD_TLDS)
        if rng.random() < 0.4:
            local = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(6, 12)))
    else:
        return None
    return f"{local}@{domain}"


def _signature(rng: random.Random, person: Person, title: str, lang: str, email: str | None) -> str:
    lines = [person.name]
    if title:
        lines.append(rng.choice([f"{title} | {person.company}", f"{title}, {person.company}", title]))
    if title and lines[-1] == title:
        lines.append(person.company)
    if rng.random() < 0.6:
        lines.append(rng.choice(["+1 (555) 01", "+49 30 555 ", "+33 1 55 ", "+44 20 7946 0", "+81 3-5555-",
                                 "+34 91 555 ", "+31 20 555 ", "+39 02 555 ", "+55 11 5555-"]) +
                     str(rng.randint(100, 9999)))
    if rng.random() < 0.5:
        lines.append(f"www.{person.domain}")
    if email and rng.random() < 0.3:
        lines.append(email)
    sig = "\n".join(lines)
    if rng.random() < 0.2:
        sig = "--\n" + sig
    if rng.random() < 0.15:
        sig += "\n\n" + shared.DISCLAIMERS[lang]
    return sig


def _form_fields(rng: random.Random, family: Family, person: Person, lang: str, urgency: str,
                 channel: str, title: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    if channel in ("web_form", "demo_request"):
        if family.fields and rng.random() < 0.9:
            fields["company"] = person.company if family.sender != "spam" or rng.random() < 0.5 else \
                rng.choice(["asdf", "test", "none", "xxx", person.company])
        if family.fields and title and rng.random() < 0.75:
            fields["job_title"] = title
        if family.fields and rng.random() < 0.6:
            fields["company_size"] = rng.choice(COMPANY_SIZES)
        if rng.random() < 0.6:
            fields["country"] = rng.choice([person.country, person.country_name])
        if rng.random() < 0.4:
            fields["phone"] = "+" + str(rng.randint(1, 99)) + " " + str(rng.randint(10_000_000, 999_999_999))
        if rng.random() < 0.25 and family.sender != "none":
            fields["website"] = rng.choice([person.domain, f"https://www.{person.domain}"])
        if channel == "web_form" and rng.random() < 0.7:
            roll = rng.random()
            if roll < 0.55:
                fields["topic"] = rng.choice(_TOPICS[family.topic])
            elif roll < 0.8:
                fields["topic"] = rng.choice(["Other", "General", "General inquiry"])
            else:
                fields["topic"] = rng.choice(_ALL_TOPICS)  # a wrong or careless pick
    elif channel == "support_ticket":
        if rng.random() < 0.6:
            level = {"high": ["Urgent", "High", "High", "Normal"], "normal": ["Normal", "Low", "High"],
                     "low": ["Low", "Normal"]}[urgency]
            fields["priority"] = rng.choice(level)
        if rng.random() < 0.4:
            fields["product_area"] = rng.choice(["Connectors", "Billing", "Account", "API", "Destinations",
                                                 "Other"])
    elif channel == "chat" and rng.random() < 0.4:
        key = "sales" if family.type == "sales" else "support" if family.type == "support" else "other"
        fields["page"] = rng.choice(_PAGES[key])
    return fields


def _generic_subject(rng: random.Random, channel: str) -> str | None:
    if channel == "demo_request":
        return rng.choice(["Demo request", "New demo request", None])
    if channel == "web_form":
        return rng.choice(["Contact form submission", "New inquiry", "Website contact", None, None])
    if channel in ("chat", "linkedin"):
        return None
    return rng.choice(["Hello", "Question", "Inquiry", "(no subject)", ""])


def make_item(rng: random.Random, family: Family) -> Draft:
    """Generate one labelled event from a family."""
    lang = _pick_lang(rng, family)
    person = make_person(rng, lang)
    slots = make_slots(rng, lang, person)
    prev_subject = rng.choice(_NEUTRAL_SUBJECTS)
    slots["subj"] = lambda: prev_subject

    channel = _weighted(rng, family.channels)
    if rng.random() < CHANNEL_MISUSE and family.type not in ("unknown",):
        channel = rng.choice(ALL_CHANNELS)
    urgency = _weighted(rng, family.urgency)
    core = expand(rng.choice(family.bodies[lang]), rng, slots)
    notes: list[str] = []

    parts: list[str] = [core] if core else []
    if family.urgency_pool:
        pool = shared.URGENCY[family.urgency_pool][urgency]
        sentences = pool.get(lang) or pool["en"]
        sentence = expand(rng.choice(sentences), rng, slots)
        if sentence:
            parts.insert(rng.choice([0, len(parts), len(parts)]), sentence)
    if family.injection and rng.random() < family.injection:
        # A prompt injection never changes the true labels.
        line = rng.choice(shared.INJECTIONS.get(lang, []) + shared.INJECTIONS["en"])
        parts.insert(rng.randrange(len(parts) + 1), line)
        notes.append("injection")
    if channel == "email" and family.sender != "none" and rng.random() < 0.12:
        # A long email: paragraphs around the point, the point somewhere in the middle.
        for _ in range(rng.randint(2, 4)):
            filler = expand(rng.choice(shared.FILLER.get(lang) or shared.FILLER["en"]), rng, slots)
            parts.insert(rng.choice([0, len(parts)]), filler)
        notes.append("long")
    role_titles = TITLES[family.role]
    title = rng.choice(role_titles.get(lang) or role_titles["en"])

    formal = channel in ("email", "support_ticket") or (channel == "linkedin" and rng.random() < 0.5)
    body_text = " ".join(parts) if rng.random() < 0.5 else "\n\n".join(parts)
    if family.name == "unknown.near_empty" or family.name in BOUNCE_FAMILIES:
        formal = False
    greet_lang = lang if rng.random() < 0.9 else rng.choice(LANGS)
    if (body_text and formal and rng.random() < 0.7) or (body_text and rng.random() < 0.2):
        greeting = expand(rng.choice(shared.GREETINGS[greet_lang]), rng, slots)
        body_text = f"{greeting}\n\n{body_text}" if rng.random() < 0.7 else f"{greeting} {body_text}"
    email = _sender_email(rng, family, person, lang)
    if family.name in BOUNCE_FAMILIES:
        email = rng.choice(["mailer-daemon@googlemail.com", f"postmaster@{person.domain}", "MAILER-DAEMON@"
                            + person.domain])
    if body_text and formal and family.name not in BOUNCE_FAMILIES:
        if rng.random() < 0.75:
            body_text += "\n\n" + rng.choice(shared.CLOSINGS[greet_lang])
            body_text += "\n" + (person.first if rng.random() < 0.4 else person.name)
        if rng.random() < 0.35:
            body_text += "\n\n" + _signature(rng, person, title, lang, email)
            notes.append("signature")
    if rng.random() < 0.04:
        body_text += "\n\n" + rng.choice(shared.SENT_FROM)

    # Noise a real inbox adds.
    if channel == "chat" or rng.random() < 0.06:
        if rng.random() < 0.55:
            body_text = body_text.lower()
            notes.append("lowercase")
        if rng.random() < 0.4:
            body_text = strip_punctuation(body_text)
    if rng.random() < 0.2 and lang != "ja":
        body_text = add_typos(body_text, rng, rng.uniform(0.03, 0.1))
        notes.append("typos")
    if rng.random() < 0.03:
        body_text = body_text.replace(" ", "&nbsp;", 2)

    subject: str | None
    if (family.subjects and channel in ("email", "support_ticket")) or (family.subjects and rng.random() < 0.3):
        subjects = family.subjects.get(lang) or family.subjects.get("en") or ["Hello"]
        subject = expand(rng.choice(subjects), rng, slots)
    else:
        subject = _generic_subject(rng, channel)
    from_name: str | None = person.name
    if family.name == "unknown.bounce":
        from_name = "Mail Delivery Subsystem"
    elif family.name in BOUNCE_FAMILIES:
        from_name = rng.choice(_BOUNCE_NAMES)
    if channel == "linkedin":
        email = None

    if channel == "email" and family.reply and rng.random() < family.reply:
        header_lang = lang if lang in shared.QUOTE_HEADERS else "en"
        who = f"{rng.choice(FIRST['en'])} {rng.choice(LAST['en'])} <{rng.choice(FIRST['en']).lower()}@{OWN_DOMAIN}>"
        header = expand(rng.choice(shared.QUOTE_HEADERS[header_lang]).replace("{who}", who)
                        .replace("{subj}", prev_subject), rng, slots)
        quoted = "\n".join("> " + line for line in rng.choice(shared.QUOTED_BODIES).split("\n"))
        if rng.random() < 0.35:
            # A longer thread: older messages nested one level deeper, with a signature and disclaimer.
            older = "\n".join(f"> > {line}" for line in (rng.choice(shared.QUOTED_BODIES) + "\n\n"
                               + person.name + "\n" + person.company + "\n\n" + shared.DISCLAIMERS["en"]
                               ).split("\n"))
            quoted += f"\n>\n> {rng.choice(['On Monday', 'Earlier'])}, {person.name} wrote:\n{older}"
            notes.append("long_thread")
        body_text = f"{body_text}\n\n{header}\n{quoted}"
        subject = rng.choice(["Re: ", "RE: ", "AW: " if lang == "de" else "Re: "]) + (subject or prev_subject)
        notes.append("reply")

    if channel == "email" and family.forward and rng.random() < family.forward and family.sender != "none":
        colleague_first = rng.choice(FIRST["en"])
        colleague_last = rng.choice(LAST["en"])
        kind = family.type if family.type in shared.FORWARD_NOTES else "other"
        note = expand(rng.choice(shared.FORWARD_NOTES[kind]), rng, slots)
        header = expand(shared.FORWARD_HEADER.replace("{name}", person.name).replace("{email}", email or "")
                        .replace("{subj}", subject or prev_subject)
                        .replace("{to}", f"{colleague_first.lower()}@{OWN_DOMAIN}"), rng, slots)
        body_text = f"{note}\n\n{header}\n\n{body_text}"
        subject = "Fwd: " + (subject or prev_subject)
        from_name = f"{colleague_first} {colleague_last}"
        email = f"{colleague_first.lower()}.{colleague_last.lower()}@{OWN_DOMAIN}"
        notes.append("forward")

    crm_status = None
    if family.crm and rng.random() < sum(family.crm.values()):
        crm_status = _weighted(rng, family.crm)
    elif family.sender == "business" and rng.random() < 0.03:
        crm_status = rng.choice(["prospect", "none", "churned"])
    if email and email.endswith("@" + OWN_DOMAIN):
        crm_status = None

    fields = _form_fields(rng, family, person, lang, urgency, channel, title)
    return Draft(channel=channel, subject=subject, body=body_text.strip(), from_name=from_name, from_email=email,
                 fields=fields, type=family.type, urgency=urgency, family=family.name, lang=lang,
                 crm_status=crm_status, notes=notes)


def generate(seed: int = 20261129) -> list[dict[str, Any]]:
    """The whole corpus as a list of items, deterministic for a seed."""
    rng = random.Random(seed)
    by_type: dict[str, list[Family]] = {}
    for family in FAMILIES:
        by_type.setdefault(family.type, []).append(family)
    drafts: list[Draft] = []
    for type_, count in TYPE_COUNTS.items():
        families = by_type[type_]
        total_weight = sum(f.weight for f in families)
        for family in families:
            n = round(count * family.weight / total_weight)
            drafts.extend(make_item(rng, family) for _ in range(n))
    rng.shuffle(drafts)
    return [draft.to_item(f"c{i:05d}") for i, draft in enumerate(drafts)]


def summary(items: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Counts by type, urgency, language, channel and family, for the report and tests."""
    return {
        "type": Counter(i["labels"]["type"] for i in items),
        "urgency": Counter(i["labels"]["urgency"] for i in items),
        "lang": Counter(i["meta"]["lang"] for i in items),
        "channel": Counter(i["channel"] for i in items),
        "family": Counter(i["meta"]["family"] for i in items),
    }
