from __future__ import annotations

from leadrelay.backends.base import TypeVerdict
from leadrelay.pipeline.classify import ClassifyStep
from leadrelay.pipeline.records import EnrichedLead, Enrichment, Event, Fields, Message


class _Always:
    """A stand-in backend that answers one type and counts its calls."""

    name = "always"

    def __init__(self, kind: str = "sales") -> None:
        self.kind = kind
        self.calls = 0

    def load(self) -> None:
        pass

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        self.calls += 1
        return TypeVerdict(type=self.kind, confidence=0.8, probabilities={self.kind: 0.8}, model="always/1")


def lead(text: str = "", *, subject: str = "", form: dict[str, str] | None = None, **flags: object) -> EnrichedLead:
    event = Event(id="e", channel="web_form", body=text, fields=form or {})
    message = Message(event=event, source="web_form", subject=subject, text=text, form=form or {}, **flags)
    return EnrichedLead(message=message, fields=Fields(source="web_form"), enrichment=Enrichment())


def test_the_model_decides_ordinary_messages() -> None:
    backend = _Always("press")
    out = ClassifyStep(backend).run(lead("I'm writing a story about data teams and would love a comment."))
    assert (out.classification.type, out.classification.model, backend.calls) == ("press", "always/1", 1)
    assert any(r.kind == "model" and r.source == "always/1" for r in out.evidence)


def test_auto_replies_bounces_and_parse_failures_are_not_enough_information() -> None:
    backend = _Always()
    for flags in ({"is_auto_reply": True}, {"is_bounce": True}, {"parse_error": "bad MIME"}):
        out = ClassifyStep(backend).run(lead("I am out of the office until Monday, limited access to email.",
                                             **flags))
        assert out.classification.type == "unknown"
        assert out.classification.insufficient_information
    assert backend.calls == 0


def test_a_message_that_says_nothing_is_unknown_but_a_short_ask_is_not() -> None:
    backend = _Always()
    assert ClassifyStep(backend).run(lead("hello?")).classification.type == "unknown"
    assert ClassifyStep(backend).run(lead("pricing?")).classification.type == "sales"
    assert ClassifyStep(backend).run(lead("", form={"company": "Acme", "job_title": "CTO"})).classification.type \
        == "sales"


def test_a_bot_form_fill_is_spam() -> None:
    form = {"company": "dfgdfgdfg", "job_title": "xcvxcv", "message": "qwrtzpsdf"}
    out = ClassifyStep(_Always()).run(lead("qwrtzpsdf", form=form))
    assert (out.classification.type, out.classification.insufficient_information) == ("spam", False)
    assert any(r.source == "rule:classify.bot_form" for r in out.evidence)
