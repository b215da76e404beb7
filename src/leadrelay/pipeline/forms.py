"""Form-field keys in any language and spelling, mapped to the canonical names later steps read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from leadrelay.text import strip_accents

__all__ = ["CANONICAL_KEYS", "canonical_key", "normalize_form"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "company": (
        "company", "company_name", "companyname", "organization", "organisation", "org", "organization_name",
        "account_name", "your_company", "pre_chat_company", "business_name", "empresa", "nome_da_empresa",
        "nombre_de_la_empresa", "nombre_empresa", "entreprise", "societe", "nom_de_l_entreprise",
        "nom_entreprise", "firma", "firmenname", "unternehmen", "bedrijf", "bedrijfsnaam", "organisatie",
        "azienda", "societa", "nome_azienda", "会社名", "会社", "企業名", "御社名", "貴社名",
    ),
    "job_title": (
        "job_title", "jobtitle", "title", "role", "job_role", "position", "job_position", "job_function",
        "your_role", "your_title", "cargo", "puesto", "poste", "fonction", "titre", "funktion",
        "berufsbezeichnung", "jobtitel", "stellenbezeichnung", "functie", "functietitel", "ruolo",
        "qualifica", "役職", "職種", "役職名",
    ),
    "company_size": (
        "company_size", "companysize", "size", "employees", "employee_count", "number_of_employees",
        "num_employees", "no_of_employees", "headcount", "company_headcount", "organization_size",
        "tamano", "tamano_de_la_empresa", "tamano_empresa", "empleados", "numero_de_empleados",
        "tamanho", "tamanho_da_empresa", "dimensao", "dimensao_da_empresa", "funcionarios",
        "numero_de_funcionarios", "taille", "taille_de_l_entreprise", "taille_entreprise", "effectif",
        "effectifs", "unternehmensgrosse", "unternehmensgroesse", "mitarbeiter", "mitarbeiterzahl",
        "anzahl_mitarbeiter", "anzahl_der_mitarbeiter", "bedrijfsgrootte", "medewerkers",
        "aantal_medewerkers", "dimensione", "dimensione_azienda", "dipendenti", "numero_di_dipendenti",
        "従業員数", "社員数", "企業規模",
    ),
    "country": (
        "country", "country_region", "country_name", "your_country", "pais", "pays", "land", "paese",
        "nazione", "国", "国名", "国・地域",
    ),
    "phone": (
        "phone", "phone_number", "phonenumber", "telephone", "tel", "mobile", "mobile_phone", "cell",
        "business_phone", "work_phone", "telefone", "telefono", "telefon", "telefonnummer", "telefoon",
        "telefoonnummer", "numero_de_telephone", "numero_de_telefono", "celular", "movil", "portable",
        "電話", "電話番号",
    ),
    "website": (
        "website", "web_site", "company_website", "url", "company_url", "homepage", "web", "site",
        "site_web", "site_internet", "sitio_web", "pagina_web", "webseite", "internetseite", "sito",
        "sito_web", "ホームページ", "ウェブサイト",
    ),
    "name": (
        "name", "full_name", "fullname", "your_name", "contact_name", "nome", "nome_completo", "nom",
        "nom_complet", "nombre", "nombre_completo", "naam", "volledige_naam", "vollstandiger_name",
        "名前", "氏名", "お名前",
    ),
    "first_name": (
        "first_name", "firstname", "given_name", "fname", "prenom", "vorname", "primeiro_nome",
        "nombre_de_pila", "voornaam", "nome_proprio", "名",
    ),
    "last_name": (
        "last_name", "lastname", "surname", "family_name", "lname", "nom_de_famille", "nachname",
        "apellido", "apellidos", "sobrenome", "ultimo_nome", "achternaam", "cognome", "姓",
    ),
    "email": (
        "email", "e_mail", "email_address", "emailaddress", "mail", "work_email", "business_email",
        "your_email", "correo", "correo_electronico", "courriel", "adresse_e_mail", "adresse_email",
        "e_mail_adresse", "emailadres", "indirizzo_email", "メール", "メールアドレス",
    ),
    "message": (
        "message", "comments", "comment", "details", "description", "how_can_we_help",
        "how_can_we_help_you", "your_message", "inquiry", "enquiry", "question", "questions",
        "mensaje", "mensagem", "nachricht", "ihre_nachricht", "bericht", "uw_bericht", "messaggio",
        "commentaires", "votre_message", "お問い合わせ内容", "メッセージ",
    ),
    "topic": (
        "topic", "subject", "inquiry_type", "enquiry_type", "request_type", "reason", "interest",
        "interested_in", "asunto", "motivo", "assunto", "sujet", "objet", "betreff", "anliegen",
        "onderwerp", "oggetto", "argomento", "件名", "お問い合わせ種別",
    ),
    "headline": ("headline", "profile_headline", "linkedin_headline"),
}

CANONICAL_KEYS: tuple[str, ...] = tuple(_ALIASES)
_NOT_WORD = re.compile(r"[^0-9a-z\u3000-\u9fff\uff00-\uffef]+")


@lru_cache(maxsize=4096)
def _normal(key: str) -> str:
    """Lower-case, accents stripped, punctuation runs turned into one underscore."""
    text = key.strip().lower().replace("ß", "ss")
    text = strip_accents(text)
    return _NOT_WORD.sub("_", text).strip("_")


@lru_cache(maxsize=4096)
def canonical_key(key: str) -> str | None:
    """The canonical name of a form key ("Unternehmensgröße" -> "company_size"), or None if unknown."""
    return _KEY_OF.get(_normal(key))


# Aliases go through the same normalisation as incoming keys, so both sides agree on accents and kana.
_KEY_OF = {_normal(alias): canonical for canonical, aliases in _ALIASES.items() for alias in aliases}


def normalize_form(fields: Mapping[str, str]) -> dict[str, str]:
    """Form fields under canonical keys, values stripped; unknown keys keep their original names."""
    out: dict[str, str] = {}
    leftovers: list[tuple[str, str]] = []
    for key, value in fields.items():
        text = value.strip() if isinstance(value, str) else str(value)
        canonical = canonical_key(key)
        if canonical is None:
            leftovers.append((key, text))
        elif canonical not in out or (not out[canonical] and text):
            out[canonical] = text
        else:
            # A second key for the same field (e.g. "Name" and "nombre"): keep it, under its own name.
            leftovers.append((key, text))
    for key, text in leftovers:
        out.setdefault(key, text)
    return out
