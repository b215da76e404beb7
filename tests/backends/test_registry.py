from __future__ import annotations

import pytest

from leadrelay.backends.ensemble import EnsembleClassifier
from leadrelay.backends.local import LocalTypeClassifier
from leadrelay.backends.openai_compat import OpenAICompatibleClassifier, OpenAICompatibleExtractor
from leadrelay.backends.registry import make_backends
from leadrelay.errors import ConfigError
from leadrelay.pipeline.extract import LocalFieldExtractor
from leadrelay.settings import LlmSettings
from leadrelay.workspace import Workspace

LLM = LlmSettings(enabled=True, base_url="http://127.0.0.1:9/v1", model="tiny")


def test_local_by_default(cobalt: Workspace) -> None:
    made = make_backends(cobalt, classify="local", extract="local")
    assert isinstance(made.classifier, LocalTypeClassifier)
    assert isinstance(made.extractor, LocalFieldExtractor)
    assert made.ledger is None


def test_llm_backends_share_one_client(cobalt: Workspace) -> None:
    made = make_backends(cobalt, classify="llm", extract="llm", llm_settings=LLM)
    assert isinstance(made.classifier, OpenAICompatibleClassifier)
    assert isinstance(made.extractor, OpenAICompatibleExtractor)
    assert made.classifier.client is made.extractor.client
    assert made.ledger is made.classifier.ledger


def test_ensemble(cobalt: Workspace) -> None:
    made = make_backends(cobalt, classify="ensemble", extract="local", llm_settings=LLM)
    assert isinstance(made.classifier, EnsembleClassifier)


def test_unknown_names_and_an_llm_that_is_off(cobalt: Workspace) -> None:
    with pytest.raises(ConfigError, match="unknown classify backend 'gpt'"):
        make_backends(cobalt, classify="gpt", extract="local")
    with pytest.raises(ConfigError, match="LEADRELAY_LLM__ENABLED"):
        make_backends(cobalt, classify="llm", extract="local", llm_settings=LlmSettings())
