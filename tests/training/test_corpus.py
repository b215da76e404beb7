from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from training.build_corpus import DEFAULT_SEED, OUT
from training.corpus.engine import LANGS, add_typos, expand
from training.corpus.generate import FAMILIES, generate, summary
from training.leads import enriched_lead
from training.train import ece, family_folds, fit_temperature, softmax

from leadrelay.pipeline.records import CHANNELS, TYPES, URGENCIES, Event


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return generate(DEFAULT_SEED)


def test_generation_is_deterministic_and_matches_the_committed_file(corpus: list[dict[str, Any]]) -> None:
    again = generate(DEFAULT_SEED)
    assert again == corpus
    text = "".join(json.dumps(i, ensure_ascii=False, sort_keys=True) + "\n" for i in corpus)
    assert hashlib.sha256(text.encode()).hexdigest() == hashlib.sha256(Path(OUT).read_bytes()).hexdigest()
    assert generate(DEFAULT_SEED + 1) != corpus


def test_every_item_is_a_valid_event_with_labels(corpus: list[dict[str, Any]]) -> None:
    ids = set()
    for item in corpus:
        event = Event.model_validate(item)
        ids.add(event.id)
        assert item["labels"]["type"] in TYPES
        assert item["labels"]["urgency"] in URGENCIES
    assert len(ids) == len(corpus) >= 6000


def test_coverage_of_types_channels_and_languages(corpus: list[dict[str, Any]]) -> None:
    counts = summary(corpus)
    assert set(counts["type"]) == set(TYPES)
    assert min(counts["type"].values()) >= 400
    assert set(counts["channel"]) == set(CHANNELS)
    assert set(counts["lang"]) == set(LANGS)
    for lang in LANGS:  # a real share of each language, not a token example
        assert counts["lang"][lang] / len(corpus) >= 0.03, lang
    families_per_type = Counter(f.type for f in FAMILIES)
    assert min(families_per_type.values()) >= 3


def test_every_type_is_written_in_several_languages(corpus: list[dict[str, Any]]) -> None:
    by_type: dict[str, Counter[str]] = {}
    for item in corpus:
        by_type.setdefault(item["labels"]["type"], Counter())[item["meta"]["lang"]] += 1
    for type_, langs in by_type.items():
        assert sum(1 for n in langs.values() if n >= 5) >= 6, (type_, langs)


def test_low_urgency_types_and_injections_keep_their_labels(corpus: list[dict[str, Any]]) -> None:
    injected = Counter()
    for item in corpus:
        if item["labels"]["type"] in ("vendor", "spam", "student"):
            assert item["labels"]["urgency"] == "low"
        if "injection" in item["meta"]["noise"]:
            injected[item["labels"]["type"]] += 1
    assert injected["spam"] >= 20 and injected["vendor"] >= 20 and injected["sales"] >= 10


def test_messy_cases_are_present(corpus: list[dict[str, Any]]) -> None:
    noise = Counter(n for item in corpus for n in item["meta"]["noise"])
    assert min(noise["typos"], noise["lowercase"], noise["reply"], noise["forward"], noise["signature"]) >= 100
    lengths = [len(item["body"]) for item in corpus]
    assert min(lengths) == 0 and max(lengths) > 1000
    assert any(item["from_email"].endswith("@cobaltdata.com") for item in corpus if item.get("from_email"))
    assert sum(item["meta"]["crm_status"] == "customer" for item in corpus) >= 500


def test_items_become_enriched_leads(corpus: list[dict[str, Any]]) -> None:
    forwarded = next(i for i in corpus if "forward" in i["meta"]["noise"])
    lead = enriched_lead(forwarded)
    assert lead.message.referrer_email and lead.message.referrer_email.endswith("@cobaltdata.com")
    customer = next(i for i in corpus if i["meta"]["crm_status"] == "customer")
    assert enriched_lead(customer).enrichment.account is not None


def test_folds_hold_out_whole_families(corpus: list[dict[str, Any]]) -> None:
    folds = family_folds(corpus, 5, 1)
    fold_of: dict[str, set[int]] = {}
    for item, fold in zip(corpus, folds, strict=True):
        fold_of.setdefault(item["meta"]["family"], set()).add(int(fold))
    assert all(len(f) == 1 for f in fold_of.values())
    assert set(int(f) for f in folds) == set(range(5))


def test_expand_alternatives_optional_segments_and_slots() -> None:
    rng = random.Random(0)
    outs = {expand("[a|b] {x}||?maybe", rng, {"x": lambda: "X"}) for _ in range(60)}
    assert {o.split()[0] for o in outs} == {"a", "b"}
    assert any("maybe" in o for o in outs) and any("maybe" not in o for o in outs)
    assert expand("[one [two|three]]", random.Random(1), {}) in ("one two", "one three")
    with pytest.raises(KeyError, match="nope"):
        expand("{nope}", rng, {})


def test_typos_change_some_words_only() -> None:
    text = "please integrate salesforce into snowflake tomorrow"
    noisy = add_typos(text, random.Random(3), 1.0)
    assert noisy != text and len(noisy.split()) == len(text.split())
    assert add_typos(text, random.Random(3), 0.0) == text


def test_calibration_helpers() -> None:
    import numpy as np

    logits = np.array([[4.0, 0.0], [0.0, 4.0], [3.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1, 1, 1])
    t = fit_temperature(logits, y)
    assert t > 1.0  # a wrong confident answer means the logits must be softened
    p = softmax(logits / t)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert ece(np.array([0.95, 0.95]), np.array([True, False])) == pytest.approx(0.45)


def test_boundary_families_keep_the_readme_labels(corpus: list[dict[str, Any]]) -> None:
    from training.corpus import boundaries

    families = [f for group in (boundaries.SALES, boundaries.SUPPORT, boundaries.PARTNERSHIP, boundaries.PRESS,
                                boundaries.VENDOR, boundaries.RECRUITING, boundaries.STUDENT, boundaries.SPAM,
                                boundaries.UNKNOWN) for f in group]
    assert len(families) >= 20 and all(f in FAMILIES for f in families)
    assert all(f.name.split(".")[0] == f.type for f in families)
    by_family: dict[str, list[dict[str, Any]]] = {}
    for item in corpus:
        by_family.setdefault(item["meta"]["family"], []).append(item)
    for family in families:
        items = by_family[family.name]
        assert len(items) >= 80, family.name
        assert {i["labels"]["type"] for i in items} == {family.type}
    # Agency recruiters and executive search are mostly low urgency; native-language buyers are mostly not English.
    search = Counter(i["labels"]["urgency"] for i in by_family["recruiting.search_firms"])
    assert search["low"] > search["normal"] and not search["high"]
    native = Counter(i["meta"]["lang"] for i in by_family["sales.native_language_buyers"])
    assert native["en"] / sum(native.values()) < 0.3
    bounces = by_family["unknown.delivery_failures"]
    assert all(i["from_email"].lower().startswith(("mailer-daemon@", "postmaster@")) for i in bounces)


def test_types_stay_balanced(corpus: list[dict[str, Any]]) -> None:
    counts = summary(corpus)["type"]
    assert max(counts.values()) / len(corpus) < 0.25
    assert max(counts.values()) / min(counts.values()) < 5
