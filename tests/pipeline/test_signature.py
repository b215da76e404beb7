from __future__ import annotations

import pytest

from leadrelay.pipeline.signature import parse_signature, split_signature


def test_sign_off_block_with_pipes_and_address() -> None:
    text = (
        "Can we talk next week?\n\nKind regards,\nSarah O'Neill\nVP Data | Harbour Analytics Ltd\n"
        "22 Dock Street, Leeds LS10 1JF\nM: +44 7700 900123\nhttps://harbour-analytics.example\n\n"
        "CONFIDENTIALITY: this e-mail is for the intended recipient only."
    )
    body, sig = split_signature(text, "Sarah O'Neill")
    assert body == "Can we talk next week?"
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == ("Sarah O'Neill", "VP Data", "Harbour Analytics Ltd")
    assert sig.address == "22 Dock Street, Leeds LS10 1JF"
    assert sig.phone == "+44 7700 900123"
    assert sig.website == "https://harbour-analytics.example"
    assert sig.text.startswith("Kind regards,")


@pytest.mark.parametrize("sign_off", [
    "Viele Grüße", "Mit freundlichen Grüßen", "Cordialement,", "Saludos,", "Atenciosamente,",
    "Met vriendelijke groet,", "Cordiali saluti", "Best,", "Thanks!", "Mit freundlichen Grüßen / Kind regards",
])
def test_multilingual_sign_offs(sign_off: str) -> None:
    body, sig = split_signature(f"Bitte um ein Angebot.\n\n{sign_off}\nKlaus Meyer\nLeiter IT\nMeyer Logistik GmbH")
    assert body == "Bitte um ein Angebot."
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == ("Klaus Meyer", "Leiter IT", "Meyer Logistik GmbH")


@pytest.mark.parametrize(("line", "title", "company"), [
    ("Senior Data Engineer, Falcon Works", "Senior Data Engineer", "Falcon Works"),
    ("Director, Data Engineering", "Director, Data Engineering", None),
    ("Head of Analytics at Brightpath", "Head of Analytics", "Brightpath"),
    ("Gerente de Datos | Almacenes Sol S.L.", "Gerente de Datos", "Almacenes Sol S.L."),
    ("CTO", "CTO", None),
])
def test_title_company_splits(line: str, title: str, company: str | None) -> None:
    sig = parse_signature(f"Best,\nJohn Park\n{line}")
    assert (sig.name, sig.title, sig.company) == ("John Park", title, company)


def test_company_follows_title_without_legal_suffix() -> None:
    sig = parse_signature("Thanks,\nMia Chen\nHead of Data\nPinewood Credit Union\n(614) 555-0100")
    assert (sig.title, sig.company, sig.phone) == ("Head of Data", "Pinewood Credit Union", "(614) 555-0100")


def test_name_line_without_sign_off() -> None:
    body, sig = split_signature("Please send pricing.\n\nAnna Weber\nCTO, Weber Data GmbH", "Anna Weber")
    assert body == "Please send pricing."
    assert sig is not None and (sig.title, sig.company) == ("CTO", "Weber Data GmbH")


def test_thanks_mid_message_is_not_a_signature() -> None:
    text = "Thanks for the quick call.\nOne more question: do you support Oracle CDC on 19c with RAC enabled?"
    assert split_signature(text) == (text, None)


def test_question_ending_in_thanks_is_kept() -> None:
    body, sig = split_signature("What does it cost for a small team? Thanks")
    assert (body, sig) == ("What does it cost for a small team? Thanks", None)


def test_dash_delimiter_and_device_line() -> None:
    body, sig = split_signature("See attached.\n\nSent from my iPhone")
    assert body == "See attached."
    assert sig is not None and sig.name is None
    body, sig = split_signature("Hello there\n-- \nJo Smith\nOwner, Smith Bakery")
    assert body == "Hello there"
    assert sig is not None and sig.title == "Owner"


def test_japanese_signature() -> None:
    text = "資料をお願いします。\n\nよろしくお願いいたします。\n山田 太郎\n営業部長\n株式会社サンプル"
    body, sig = split_signature(text)
    assert body == "資料をお願いします。"
    assert sig is not None
    assert (sig.name, sig.title, sig.company) == ("山田 太郎", "営業部長", "株式会社サンプル")


def test_empty_text() -> None:
    assert split_signature("") == ("", None)


def test_every_sign_off_phrase_is_still_read() -> None:
    from leadrelay.pipeline.signature import _SIGN_OFF_SET, _sign_off

    for phrase in sorted(_SIGN_OFF_SET):
        for line in (phrase, phrase.title() + ",", f"-- {phrase}!", f"Thanks and {phrase}", f"{phrase}, Sam"):
            assert _sign_off(line)[0], line
    assert _sign_off("Kind regards, Sam Lee") == (True, "Sam Lee")
    assert _sign_off("LG Lena") == (True, "Lena")


def test_lines_without_a_sign_off_word_are_not_sign_offs() -> None:
    from leadrelay.pipeline.signature import _sign_off

    for line in ("We need a demo next week.", "Head of Data", "+49 30 1234567", "Acme GmbH, Berlin", "---"):
        assert _sign_off(line) == (False, None)


def test_delimiter_lines() -> None:
    from leadrelay.pipeline.signature import _DELIMITER, _is_delimiter

    for line in ("--", "-- ", "  —", "–", "_____", "------  ", "-", " - x", "", "  ", "text", "__init__", "\t--"):
        assert _is_delimiter(line) == (_DELIMITER.match(line) is not None), line
