from __future__ import annotations

import pytest

from leadrelay.pipeline.forms import canonical_key, normalize_form


@pytest.mark.parametrize(("key", "canonical"), [
    ("Company", "company"), ("empresa", "company"), ("Entreprise", "company"), ("Firma", "company"),
    ("Unternehmen", "company"), ("bedrijf", "company"), ("azienda", "company"), ("会社名", "company"),
    ("cargo", "job_title"), ("Puesto", "job_title"), ("poste", "job_title"), ("fonction", "job_title"),
    ("Position", "job_title"), ("functie", "job_title"), ("ruolo", "job_title"), ("Job Title", "job_title"),
    ("tamaño", "company_size"), ("tamanho", "company_size"), ("dimensão", "company_size"),
    ("taille", "company_size"), ("Unternehmensgröße", "company_size"), ("Mitarbeiter", "company_size"),
    ("bedrijfsgrootte", "company_size"), ("dimensione", "company_size"), ("Company size", "company_size"),
    ("país", "country"), ("pais", "country"), ("pays", "country"), ("Land", "country"), ("paese", "country"),
    ("国", "country"), ("telefone", "phone"), ("teléfono", "phone"), ("téléphone", "phone"),
    ("Telefon", "phone"), ("telefoon", "phone"), ("telefono", "phone"), ("電話", "phone"),
    ("nome", "name"), ("nom", "name"), ("nombre", "name"), ("Name", "name"), ("naam", "name"),
    ("First Name", "first_name"), ("last-name", "last_name"), ("E-Mail", "email"), ("メールアドレス", "email"),
    ("profile_headline", "headline"), ("headline", "headline"), ("inquiry_type", "topic"),
    ("page_url", None), ("utm_source", None), ("", None),
])
def test_canonical_key(key: str, canonical: str | None) -> None:
    assert canonical_key(key) == canonical


def test_normalize_form_keeps_unknown_keys_and_strips_values() -> None:
    form = normalize_form({"Empresa": "  Grupo Alcor ", "page_url": "/pricing", "Tamaño": "200-500 "})
    assert form == {"company": "Grupo Alcor", "company_size": "200-500", "page_url": "/pricing"}


def test_normalize_form_duplicate_canonical_keeps_both() -> None:
    form = normalize_form({"name": "Ana", "Nombre": "Ana Lima"})
    assert form == {"name": "Ana", "Nombre": "Ana Lima"}


def test_normalize_form_empty_value_is_replaced_by_later_value() -> None:
    assert normalize_form({"company": "", "Firma": "Graf AG"}) == {"company": "Graf AG"}
