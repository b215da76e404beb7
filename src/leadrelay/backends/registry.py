"""Backends by name: `local` (the default, offline), `llm` (an OpenAI-compatible server), `ensemble`."""

from __future__ import annotations

from leadrelay.backends.base import FieldExtractor, TypeClassifier
from leadrelay.errors import ConfigError

__all__ = ["CLASSIFIERS", "EXTRACTORS", "make_classifier", "make_extractor"]

CLASSIFIERS = ("local", "llm", "ensemble")
EXTRACTORS = ("local", "llm")


def _llm_settings():  # type: ignore[no-untyped-def]
    from leadrelay.settings import LlmSettings

    settings = LlmSettings()
    if not settings.base_url or not settings.model:
        raise ConfigError("the llm backend needs LEADRELAY_LLM__BASE_URL and LEADRELAY_LLM__MODEL")
    return settings


def make_classifier(name: str) -> TypeClassifier:
    """A fresh type classifier for `name`.

    Raises:
        ConfigError: unknown name, or the LLM is not configured.
    """
    from leadrelay.backends.local import LocalTypeClassifier

    if name == "local":
        return LocalTypeClassifier()
    if name in ("llm", "ensemble"):
        from leadrelay.backends.openai_compat import OpenAICompatibleClassifier

        local = LocalTypeClassifier()
        llm = OpenAICompatibleClassifier(_llm_settings(), fallback=local)
        if name == "llm":
            return llm
        from leadrelay.backends.ensemble import EnsembleClassifier

        return EnsembleClassifier(llm, local)
    raise ConfigError(f"unknown classify backend {name!r}; known: {', '.join(CLASSIFIERS)}")


def make_extractor(name: str) -> FieldExtractor:
    """A fresh field extractor for `name`.

    Raises:
        ConfigError: unknown name, or the LLM is not configured.
    """
    from leadrelay.pipeline.extract import LocalFieldExtractor

    if name == "local":
        return LocalFieldExtractor()
    if name == "llm":
        from leadrelay.backends.openai_compat import OpenAICompatibleExtractor

        return OpenAICompatibleExtractor(_llm_settings(), fallback=LocalFieldExtractor())
    raise ConfigError(f"unknown extract backend {name!r}; known: {', '.join(EXTRACTORS)}")
