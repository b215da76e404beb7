from __future__ import annotations

import subprocess
import sys
import zlib

import numpy as np
import pytest

from leadrelay.backends.features import (
    N_BUCKETS,
    ClassifierInput,
    featurize,
    from_lead,
    tokenize,
)
from leadrelay.pipeline.records import CrmAccount, EnrichedLead, Enrichment, Event, Fields, Message


def make_lead(
    text: str = "",
    *,
    subject: str = "",
    channel: str = "email",
    form: dict[str, str] | None = None,
    enrichment: Enrichment | None = None,
    **message: object,
) -> EnrichedLead:
    event = Event(id="t1", channel=channel, body=text, subject=subject, fields=form or {})  # type: ignore[arg-type]
    msg = Message(event=event, source=channel, subject=subject, text=text, form=form or {}, **message)  # type: ignore[arg-type]
    return EnrichedLead(message=msg, fields=Fields(), enrichment=enrichment or Enrichment())


def test_tokenize_lowercases_folds_accents_and_masks_digits() -> None:
    assert tokenize("Démo für GRÜSSE, Straße 2024!") == ["demo", "fur", "grusse", "strasse", "0000"]
    assert tokenize("l'équipe d’Élodie") == ["l'equipe", "d'elodie"]


def test_tokenize_keeps_a_japanese_run_as_one_token() -> None:
    assert tokenize("デモを希望します。") == ["デモを希望します"]


def test_japanese_text_becomes_character_bigrams() -> None:
    feats = featurize(ClassifierInput(channel="email", text="デモ希望"))
    assert {"j:デモ", "j:モ希", "j:希望"} <= set(feats.tokens)


def test_words_bigrams_prefixes_subject_and_form_tokens() -> None:
    inp = ClassifierInput(channel="web_form", subject="Pricing", text="Integration pricing please",
                          form=(("f", "Talk to sales"), ("t", "Head of Data")), flags=("channel=web_form",))
    tokens = set(featurize(inp).tokens)
    assert {"w:integration", "b:integration pricing", "p:integ", "s:pricing", "f:sales", "f=talk to sales",
            "t:head", "flag:channel=web_form"} <= tokens


def test_values_are_l2_normalised_text_plus_unit_flags() -> None:
    feats = featurize(ClassifierInput(channel="chat", text="my sync is stuck", flags=("a", "b")))
    n_flags = sum(t.startswith("flag:") for t in feats.tokens)
    assert n_flags == 2
    text_values = feats.values[:-n_flags]
    assert float(np.sum(text_values**2)) == pytest.approx(1.0, abs=1e-5)
    assert feats.values[-n_flags:].tolist() == [1.0, 1.0]
    assert len(set(feats.indices.tolist())) == len(feats.indices)
    assert feats.indices.dtype == np.int32 and int(feats.indices.max()) < N_BUCKETS


def test_hashing_is_crc32_and_stable_across_processes() -> None:
    feats = featurize(ClassifierInput(channel="email", text="hello"))
    assert int(feats.indices[feats.tokens.index("w:hello")]) == zlib.crc32(b"w:hello") & (N_BUCKETS - 1)
    code = ("from leadrelay.backends.features import ClassifierInput, featurize;"
            "print(featurize(ClassifierInput(channel='email', text='Budget approved, demo this week'))"
            ".indices.tolist())")
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(runs) == 1
    local = featurize(ClassifierInput(channel="email", text="Budget approved, demo this week")).indices.tolist()
    assert runs == {f"{local}\n"}


def test_empty_input_gives_only_flags() -> None:
    feats = featurize(ClassifierInput(channel="email", flags=("len=0",)))
    assert feats.tokens == ("flag:len=0",)
    assert feats.values.tolist() == [1.0]
    assert len(featurize(ClassifierInput(channel="email")).indices) == 0


def test_from_lead_flags_sender_and_message_facts() -> None:
    lead = make_lead(
        "see https://a.example and www.b.example",
        channel="email",
        enrichment=Enrichment(email_domain="gmail.com", is_free_mail=True,
                              account=CrmAccount(account_id="A1", name="Acme", status="Customer")),
        is_auto_reply=True, is_bounce=True, auth_failures=("dmarc=fail",), is_reply=True,
    )
    flags = set(from_lead(lead).flags)
    assert {"channel=email", "free_mail", "crm=customer", "auto_reply", "bounce", "auth_fail", "reply",
            "links=2-3", "len=21-80", "no_subject"} <= flags
    assert "company_mail" not in flags


def test_from_lead_disposable_wins_over_free_mail_and_own_domain_from_referral() -> None:
    lead = make_lead("hi", subject="x", enrichment=Enrichment(email_domain="mailinator.com", is_free_mail=True,
                                                              is_disposable=True),
                     referrer_email="ana@cobaltdata.com")
    flags = set(from_lead(lead).flags)
    assert {"disposable", "own_domain", "len=1-20"} <= flags
    assert "free_mail" not in flags and "no_subject" not in flags


def test_from_lead_picks_form_values_by_key_and_ignores_the_rest() -> None:
    lead = make_lead("", channel="web_form", form={"Topic": "Partnership", "job-title": "CTO", "company": "Acme Labs",
                                                   "phone": "+1 555 0100", "message": "We want to resell"})
    inp = from_lead(lead)
    assert inp.form == (("f", "Partnership"), ("t", "CTO"), ("co", "Acme Labs"))
    assert inp.text == "We want to resell"  # the form's message stands in when the parser left text empty


def test_from_lead_and_featurize_are_deterministic() -> None:
    lead = make_lead("We need CDC from Postgres into Snowflake", subject="Demo", channel="demo_request",
                     form={"company": "Acme"}, enrichment=Enrichment(email_domain="acme.io"))
    a, b = featurize(from_lead(lead)), featurize(from_lead(lead))
    assert a.indices.tolist() == b.indices.tolist() and a.values.tolist() == b.values.tolist()


def test_a_huge_body_costs_bounded_time() -> None:
    lead = make_lead("pipeline " * 200_000)
    # Only the first part of a huge body is read, so the vector stays small.
    assert len(featurize(from_lead(lead)).indices) < 100


def test_ascii_and_unicode_text_normalise_alike() -> None:
    from leadrelay.backends.features import _FOLD, _normalise

    for text in ("Hello W0rld 123-456", "Zürich Straße 9 Œuvre", "KELVIN \u212a", "", "ÀÉÎÕÜ 2024"):
        assert _normalise(text) == text.lower().translate(_FOLD)


def test_the_url_gate_never_hides_a_url() -> None:
    from leadrelay.backends.features import _URL_RE, _may_have_url

    for text in ("see https://acme.io", "WWW.ACME.IO", "wWw.acme.io", "Www.x.de", "ftp://x", "no link here", "www"):
        assert _may_have_url(text) or not _URL_RE.findall(text), text


def test_a_bucket_shared_by_two_tokens_keeps_the_last_distinct_one() -> None:
    from leadrelay.backends import features

    cache = features._BUCKET_CACHE
    cache["w:alpha"], cache["w:beta"] = 5, 5  # a forced collision
    try:
        assert features._buckets(["w:alpha", "w:beta", "w:alpha"]) == {5: "w:beta"}
    finally:
        del cache["w:alpha"], cache["w:beta"]
    assert features._bucket("w:gamma") == zlib.crc32(b"w:gamma") & (N_BUCKETS - 1)
