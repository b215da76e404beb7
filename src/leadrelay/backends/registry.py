"""Backends by name: `local` (the default, offline), `llm` (an OpenAI-compatible server), `ensemble`.

`make_backends` builds the extract and classify backends a workspace asks for. When both use the
LLM they share one client, so they share its cache, cost ledger, budget and the JSON mode that
worked with the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from leadrelay.backends.base import FieldExtractor, TypeClassifier
from leadrelay.errors import ConfigError

if TYPE_CHECKING:
    from leadrelay.backends.llm_cache import CostLedger
    from leadrelay.backends.openai_compat import LlmClient
    from leadrelay.settings import LlmSettings
    from leadrelay.workspace import Workspace

__all__ = ["CLASSIFIERS", "EXTRACTORS", "Backends", "make_backends"]

CLASSIFIERS = ("local", "llm", "ensemble")
EXTRACTORS = ("local", "llm")


def _llm(settings: LlmSettings | None) -> tuple[LlmSettings, LlmClient]:
    from leadrelay.backends.openai_compat import LlmClient
    from leadrelay.settings import LlmSettings

    settings = settings or LlmSettings.from_env()
    if not settings.enabled:
        raise ConfigError("the llm backend is off: set LEADRELAY_LLM__ENABLED=true, LEADRELAY_LLM__BASE_URL and "
                          "LEADRELAY_LLM__MODEL (see docs/llm.md)")
    return settings, LlmClient(settings)


@dataclass(frozen=True)
class Backends:
    """The model backends of one pipeline, and the LLM cost ledger when an LLM is used."""

    extractor: FieldExtractor
    classifier: TypeClassifier
    ledger: CostLedger | None = None


def make_backends(workspace: Workspace, *, classify: str, extract: str,
                  llm_settings: LlmSettings | None = None) -> Backends:
    """Fresh extract and classify backends for the names given.

    Raises:
        ConfigError: an unknown name, or the LLM is not configured.
    """
    from leadrelay.backends.local import LocalTypeClassifier
    from leadrelay.pipeline.extract import LocalFieldExtractor

    if classify not in CLASSIFIERS:
        raise ConfigError(f"unknown classify backend {classify!r}; known: {', '.join(CLASSIFIERS)}")
    if extract not in EXTRACTORS:
        raise ConfigError(f"unknown extract backend {extract!r}; known: {', '.join(EXTRACTORS)}")
    local_extractor = LocalFieldExtractor(own_names=[workspace.config.company.name],
                                          own_domains=workspace.own_domains)
    local_classifier = LocalTypeClassifier()
    if classify == "local" and extract == "local":
        return Backends(local_extractor, local_classifier)

    from leadrelay.backends.ensemble import EnsembleClassifier
    from leadrelay.backends.openai_compat import OpenAICompatibleClassifier, OpenAICompatibleExtractor

    settings, client = _llm(llm_settings)
    company = workspace.config.company
    context = {"client": client, "company": company.name, "company_context": company.product}
    extractor: FieldExtractor = local_extractor
    if extract == "llm":
        extractor = OpenAICompatibleExtractor(settings, local_extractor, **context)  # type: ignore[arg-type]
    classifier: TypeClassifier = local_classifier
    if classify == "llm":
        classifier = OpenAICompatibleClassifier(settings, local_classifier, **context)  # type: ignore[arg-type]
    elif classify == "ensemble":
        llm = OpenAICompatibleClassifier(settings, local_classifier, blend_with_fallback=False,
                                         **context)  # type: ignore[arg-type]
        classifier = EnsembleClassifier(llm, local_classifier)
    return Backends(extractor, classifier, client.ledger)
