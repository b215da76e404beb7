from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrelay.pipeline.parse import ParseStep, guess_language, split_thread, subject_tags
from leadrelay.pipeline.records import Event, Message

EMAILS = Path(__file__).resolve().parents[1] / "fixtures" / "emails"
OWN = ["cobaltdata.com"]


@pytest.fixture(scope="module")
def step() -> ParseStep:
    parse = ParseStep(own_domains=OWN)
    parse.warm_up()
    return parse


def raw(name: str) -> str:
    # Raw mail arrives as a JSON string: 8-bit bytes survive as surrogate escapes.
    return (EMAILS / name).read_bytes().decode("utf-8", "surrogateescape")


def email_event(body: str, **kw: str) -> Event:
    return Event(id="e1", channel="email", body=body, **kw)


def test_plain_email_splits_text_signature_and_quote(step: ParseStep) -> None:
    body = (
        "Hi team,\n\nWe are 120 people in Lyon and want Postgres in BigQuery. Demo next week?\n\n"
        "Best regards,\nJean Martin\nHead of Data, Transports Rivière SAS\n+33 4 72 00 11 22\n"
        "www.transports-riviere.fr\n\n"
        "On Mon, Nov 2, 2026 at 9:00 AM Ana <ana@cobaltdata.com> wrote:\n> Thanks for signing up\n"
    )
    msg = step.run(email_event(body, from_name="Martin, Jean", from_email="Jean@TR.fr", subject="Re: demo"))
    assert msg.text == "Hi team,\n\nWe are 120 people in Lyon and want Postgres in BigQuery. Demo next week?"
    assert msg.quoted.startswith("On Mon, Nov 2, 2026")
    assert msg.sender_name == "Jean Martin"
    assert msg.sender_email == "jean@tr.fr"
    assert msg.is_reply and not msg.is_forward
    assert msg.source == "email"
    assert msg.language == "en"
    sig = msg.signature
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == ("Jean Martin", "Head of Data", "Transports Rivière SAS")
    assert sig.phone == "+33 4 72 00 11 22"
    assert sig.website == "www.transports-riviere.fr"
    assert sig.text.startswith("Best regards,")


def test_gmail_forward_from_own_domain_is_a_referral(step: ParseStep) -> None:
    msg = step.run(Event(id="f1", channel="email", raw_email=raw("gmail_forward_intro.eml")))
    assert msg.source == "referral"
    assert msg.is_forward
    assert msg.sender_name == "Oskar Lindqvist"
    assert msg.sender_email == "oskar.lindqvist@nordvik-freight.se"
    assert msg.referrer_name == "Priya Natarajan"
    assert msg.referrer_email == "priya.natarajan@cobaltdata.com"
    assert msg.subject == "Moving our Oracle data into Snowflake"
    assert msg.forwarded_note == "Met Oskar at the Berlin data meetup, he asked me to pass this on. Can EMEA take it?"
    assert msg.text.startswith("Hi Priya,") and msg.text.endswith("Could someone walk us through pricing?")
    assert msg.signature is not None
    assert msg.signature.company == "Nordvik Freight AB"
    assert msg.signature.title == "Head of Data Platform"
    assert msg.links == ("https://www.nordvik-freight.se",)
    assert any("intro forwarded" in e.detail for e in msg.evidence)


def test_apple_forward_from_own_domain(step: ParseStep) -> None:
    msg = step.run(Event(id="f2", channel="email", raw_email=raw("apple_forward_intro.eml")))
    assert msg.source == "referral"
    assert msg.sender_email == "lucia.ferrer@almacenes-sol.es"
    assert msg.referrer_email == "tom.becker@cobaltdata.com"
    assert msg.forwarded_note == "FYI - came in through my personal inbox."
    assert msg.text.startswith("Hola Tom,")
    assert msg.signature is not None and msg.signature.company == "Almacenes Sol S.L."
    assert msg.language == "es"


def test_outlook_forward_by_outsider_keeps_sender_and_both_texts(step: ParseStep) -> None:
    msg = step.run(Event(id="f3", channel="email", raw_email=raw("outlook_forward_de.eml")))
    assert msg.is_forward and msg.source == "email"
    assert msg.sender_name == "Jörg Bäumler"
    assert msg.sender_email == "j.baeumler@kessler-maschinenbau.de"
    assert msg.referrer_email is None
    assert msg.forwarded_note.startswith("Hallo zusammen,")
    assert msg.text.startswith("Hallo zusammen,")
    assert "Budget ist freigegeben." in msg.text
    assert msg.signature is not None
    assert msg.signature.title == "Teamleiter Business Intelligence"
    assert msg.signature.company == "Kessler Maschinenbau GmbH"
    assert msg.language == "de"


def test_forward_marker_in_body_field_without_raw(step: ParseStep) -> None:
    body = (
        "Please log this one.\n\n-J\n\n---------- Weitergeleitete Nachricht ---------\n"
        "Von: Max Weber <max@weber-data.de>\nDatum: Di., 3. Nov. 2026\nBetreff: Angebot\n"
        "An: Jan <jan@cobaltdata.com>\n\nHallo Jan, wir brauchen ein Angebot.\n"
    )
    msg = step.run(email_event(body, from_name="Jan Ott", from_email="jan@cobaltdata.com", subject="WG: Angebot"))
    assert msg.source == "referral"
    assert (msg.sender_name, msg.sender_email) == ("Max Weber", "max@weber-data.de")
    assert msg.text == "Hallo Jan, wir brauchen ein Angebot."
    assert msg.forwarded_note == "Please log this one."


def test_french_reply_chain(step: ParseStep) -> None:
    msg = step.run(Event(id="r1", channel="email", raw_email=raw("reply_chain_fr.eml")))
    assert msg.is_reply
    assert msg.sender_name == "Hélène Dupuis"
    assert msg.text == (
        "Bonjour Claire,\n\nMerci pour la démo. Nous souhaitons passer au plan Enterprise avant la fin du mois."
    )
    assert msg.quoted.startswith("Le mar. 3 nov. 2026")
    assert msg.signature is not None and msg.signature.company == "Groupe Lumière SAS"
    assert msg.signature.title == "Responsable Data"
    assert msg.language == "fr"


@pytest.mark.parametrize(("marker", "expected_text"), [
    ("Am 02.11.2026 um 10:00 schrieb Max Muster <max@example.de>:", "Neue Frage."),
    ("El lun, 2 nov 2026 a las 10:00, Ana <ana@example.es> escribió:", "Neue Frage."),
    ("Em seg., 2 de nov. de 2026 às 10:00, Ana <ana@example.pt> escreveu:", "Neue Frage."),
    ("Op ma 2 nov. 2026 om 10:00 schreef Sanne <s@example.nl>:", "Neue Frage."),
    ("Il giorno lun 2 nov 2026 alle ore 10:00 Luca <l@example.it> ha scritto:", "Neue Frage."),
    ("2026年11月2日(月) 10:00 山田 <y@example.jp>:", "Neue Frage."),
    ("-----Original Message-----\nFrom: a@example.com", "Neue Frage."),
    ("From: Ana <ana@example.com>\nSent: Monday, 2 November 2026 10:00\nTo: x@y.com", "Neue Frage."),
    ("> quoted line one\n> quoted line two", "Neue Frage."),
])
def test_quoted_history_markers(marker: str, expected_text: str) -> None:
    split = split_thread(f"Neue Frage.\n\n{marker}\nalte Nachricht\n")
    assert split.newest == expected_text
    assert split.rest.startswith(marker.split("\n")[0].strip())


def test_bottom_posted_reply_keeps_the_answer() -> None:
    split = split_thread("> Can you do CDC from MySQL?\n> Thanks\n\nYes, and we need it by Friday.")
    assert split.newest == "Yes, and we need it by Friday."
    assert split.rest == "> Can you do CDC from MySQL?\n> Thanks"


def test_html_only_body(step: ParseStep) -> None:
    msg = step.run(Event(id="h1", channel="email", raw_email=raw("html_only.eml")))
    assert "alert" not in msg.text and "color" not in msg.text
    assert msg.text == "Hi there,\n\nWe run Postgres and want it in Redshift. See our stack."
    assert msg.links == ("https://example-logistics.com/stack",)
    assert msg.signature is not None
    assert (msg.signature.name, msg.signature.title, msg.signature.company) == (
        "Maya Rossi", "Data Engineer", "Example Logistics Inc.")


def test_html_in_a_body_field(step: ParseStep) -> None:
    msg = step.run(email_event("<div>Hello<br>we need <a href='https://x.example/a'>ETL</a></div>"))
    assert msg.text == "Hello\nwe need ETL"
    assert msg.links == ("https://x.example/a",)


def test_iso_2022_jp(step: ParseStep) -> None:
    msg = step.run(Event(id="j1", channel="email", raw_email=raw("iso2022jp.eml")))
    assert msg.subject == "データ連携についてのお問い合わせ"
    assert msg.sender_name == "山田 太郎"
    assert msg.sender_email == "t.yamada@sample-shoji.co.jp"
    assert msg.text.startswith("お世話になっております。")
    assert "よろしく" not in msg.text
    assert msg.signature is not None and msg.signature.company == "株式会社サンプル商事"
    assert msg.language == "ja"


def test_auto_reply_header_and_subject(step: ParseStep) -> None:
    msg = step.run(Event(id="a1", channel="email", raw_email=raw("auto_reply_de.eml")))
    assert msg.is_auto_reply and not msg.is_bounce
    assert any(e.detail == "auto-reply: Auto-Submitted: auto-replied" for e in msg.evidence)


@pytest.mark.parametrize("subject", [
    "Out of Office: your request", "Automatic reply: Pricing", "Absence du bureau", "Fuera de la oficina",
    "Risposta automatica: demo", "不在のお知らせ",
])
def test_auto_reply_subject_cues(step: ParseStep, subject: str) -> None:
    assert step.run(email_event("back on Monday", subject=subject)).is_auto_reply


def test_reply_about_out_of_office_is_not_auto(step: ParseStep) -> None:
    msg = step.run(email_event("Can your tool sync our out-of-office calendar?", subject="Re: Out of office sync"))
    assert not msg.is_auto_reply


def test_auto_reply_body_cue(step: ParseStep) -> None:
    msg = step.run(email_event("Thank you for your email. I am currently out of the office until 12 Nov."))
    assert msg.is_auto_reply


def test_bounce_report(step: ParseStep) -> None:
    msg = step.run(Event(id="b1", channel="email", raw_email=raw("bounce.eml")))
    assert msg.is_bounce and not msg.is_auto_reply
    assert msg.sender_email == "mailer-daemon@mx.cobaltdata.com"
    assert msg.text.startswith("This is the mail system")
    assert any(e.detail == "bounce: multipart/report delivery-status" for e in msg.evidence)


def test_postmaster_without_failure_text_is_not_a_bounce(step: ParseStep) -> None:
    # Phishing borrows "postmaster" senders; only delivery-failure wording makes a bounce.
    msg = step.run(email_event("Your mailbox is full, click here to keep your messages.",
                               from_email="postmaster@mailbox-alerts.example", subject="Mailbox full"))
    assert not msg.is_bounce


def test_bounce_subject(step: ParseStep) -> None:
    assert step.run(email_event("x", subject="Delivery Status Notification (Failure)")).is_bounce


def test_attachments_and_auth_failures(step: ParseStep) -> None:
    msg = step.run(Event(id="x1", channel="email", raw_email=raw("attachments_authfail.eml")))
    assert msg.attachments == ("Anforderungen_Übersicht.pdf",)
    assert msg.auth_failures == ("spf=softfail", "dkim=fail", "dmarc=fail")
    assert any(e.source == "header:Authentication-Results" for e in msg.evidence)
    assert msg.text == "Please find our requirements attached."
    assert msg.signature is not None and msg.signature.title == "CTO"
    assert msg.signature.company == "Gruber Analytics GmbH"


def test_malformed_mime_is_salvaged(step: ParseStep) -> None:
    msg = step.run(Event(id="m1", channel="email", raw_email=raw("malformed.eml")))
    assert msg.parse_error is None
    assert msg.sender_email == "broken@example.net"
    assert "data pipeline" in msg.text


def test_web_form_fields_and_sender_fallback(step: ParseStep) -> None:
    event = Event(id="w1", channel="web_form", body="Wir suchen eine ETL-Lösung für unser Team.",
                  fields={"Vorname": "Lena", "Nachname": "Graf", "E-Mail": "lena@graf.de",
                          "Unternehmen": " Graf AG ", "Unternehmensgröße": "51-200", "utm_source": "ads"})
    msg = step.run(event)
    assert msg.form == {"first_name": "Lena", "last_name": "Graf", "email": "lena@graf.de", "company": "Graf AG",
                        "company_size": "51-200", "utm_source": "ads"}
    assert (msg.sender_name, msg.sender_email) == ("Lena Graf", "lena@graf.de")
    assert msg.source == "web_form"
    assert msg.signature is None
    assert msg.language == "de"


def test_form_message_field_becomes_text(step: ParseStep) -> None:
    fields = {"nome": "Ana Lima", "mensagem": "Queremos uma demo."}
    msg = step.run(Event(id="w2", channel="demo_request", fields=fields))
    assert msg.text == "Queremos uma demo."
    assert msg.sender_name == "Ana Lima"


def test_non_email_body_with_signature(step: ParseStep) -> None:
    body = "Could we get pricing for 20 connectors?\n\nThanks,\nOmar Brown\nDirector of Analytics | Kestrel Health"
    msg = step.run(Event(id="t1", channel="support_ticket", from_name="Omar Brown", body=body))
    assert msg.text == "Could we get pricing for 20 connectors?"
    assert msg.signature is not None and msg.signature.company == "Kestrel Health"


def test_empty_event(step: ParseStep) -> None:
    msg = step.run(Event(id="z", channel="chat"))
    assert (msg.text, msg.subject, msg.parse_error, msg.language) == ("", "", None, None)


def test_empty_raw_email_body(step: ParseStep) -> None:
    msg = step.run(Event(id="z", channel="email", raw_email="From: a@b.example\nSubject: hi\n\n"))
    assert (msg.text, msg.subject, msg.sender_email) == ("", "hi", "a@b.example")


def test_binary_garbage_raw_email(step: ParseStep) -> None:
    garbage = bytes(range(256)).decode("latin-1") * 40
    msg = step.run(Event(id="g", channel="email", raw_email=garbage))
    assert isinstance(msg, Message)
    assert msg.source == "email"


def test_lone_surrogates_are_cleaned(step: ParseStep) -> None:
    msg = step.run(Event(id="s", channel="email", raw_email="Subject: x\n\nhello \ud800 world"))
    assert msg.text.startswith("hello")
    msg.model_dump_json(exclude={"event"})  # our output must be serialisable (the input is not)


def test_large_message_is_fast_enough(step: ParseStep) -> None:
    big = "From: Big <big@example.com>\nSubject: big\nContent-Type: text/plain\n\n" + ("lorem ipsum dolor " * 120_000)
    msg = step.run(Event(id="big", channel="email", raw_email=big))
    assert len(big) > 2_000_000
    assert msg.parse_error is None
    assert len(msg.text) <= 200_000


def test_failure_sets_parse_error(step: ParseStep, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(raw: str) -> None:
        raise RuntimeError("bad mime")

    monkeypatch.setattr("leadrelay.pipeline.parse.parse_raw_email", boom)
    msg = step.run(Event(id="p", channel="email", raw_email="Subject: x\n\nbody text"))
    assert msg.parse_error == "could not parse event: RuntimeError: bad mime"
    assert msg.text == "Subject: x\n\nbody text"
    assert msg.source == "email"


def test_subject_tags() -> None:
    assert subject_tags("AW: Fwd: RE[2]: Pricing") == ["aw", "fwd", "re"]
    assert subject_tags("Rework of pipelines") == []


@pytest.mark.parametrize(("text", "lang"), [
    ("We would like to get a demo of the product for our team.", "en"),
    ("Wir möchten gern eine Demo für unser Team und die Preise.", "de"),
    ("Nous voulons une démo pour notre équipe et les prix.", "fr"),
    ("Queremos una demo para nuestro equipo y los precios, gracias.", "es"),
    ("Gostaríamos de uma demo para a nossa equipe, obrigado. Você pode?", "pt"),
    ("Wij willen graag een demo voor ons team en de prijzen.", "nl"),
    ("Vorremmo una demo per il nostro team e anche i prezzi, grazie.", "it"),
    ("データ連携について教えてください。", "ja"),
    ("ok", None),
])
def test_guess_language(text: str, lang: str | None) -> None:
    assert guess_language(text) == lang


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_run_never_raises_on_arbitrary_raw_email(text: str) -> None:
    msg = ParseStep(OWN).run(Event(id="h", channel="email", raw_email=text))
    assert msg.source in ("email", "referral")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_run_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    msg = ParseStep(OWN).run(Event(id="h", channel="email", raw_email=data.decode("utf-8", "surrogateescape")))
    assert isinstance(msg, Message)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000), st.dictionaries(st.text(max_size=20), st.text(max_size=50), max_size=5))
def test_run_never_raises_on_arbitrary_body_and_fields(body: str, fields: dict[str, str]) -> None:
    msg = ParseStep(OWN).run(Event(id="h", channel="web_form", body=body, fields=fields))
    assert msg.parse_error is None
    assert msg.source == "web_form"


def test_chat_transcript_keeps_only_the_visitors_lines() -> None:
    from leadrelay.pipeline.parse import visitor_lines

    body = ("[Bot] Hi! How can we help today?\n[Visitor] hello?\n[Bot] What can we help you with?\n"
            "[Visitor left the chat]")
    event = Event(id="c1", channel="chat", body=body)
    message = ParseStep(own_domains=["cobaltdata.com"]).run(event)
    assert message.text == "hello?"
    assert any(r.source == "rule:parse.chat" for r in message.evidence)
    assert visitor_lines("Agent: Welcome!\nAna: We need CDC into Snowflake\nfor 40 tables") == (
        "We need CDC into Snowflake\nfor 40 tables", "Agent: Welcome!\nAna: We need CDC into Snowflake\nfor 40 tables")
    assert visitor_lines("Hi: just one line with a colon") == ("Hi: just one line with a colon", "")
