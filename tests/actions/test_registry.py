"""The integrations registry: slugs to fresh adapters, settings checked, "did you mean" on typos."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from leadrelay.config import Settings
from leadrelay.errors import ConfigError
from leadrelay.integrations import registry
from leadrelay.integrations.crm_builtin import BuiltinCrmSink
from leadrelay.integrations.hubspot import HubSpotSettings, HubSpotSink
from leadrelay.integrations.slack import SlackNotifier, SlackSettings
from leadrelay.workspace import Workspace
from tests.conftest import COBALT


def test_known_slugs_make_fresh_adapters(tmp_path: Path, engine: Engine, cobalt: Workspace) -> None:
    settings = Settings(data_dir=tmp_path, workspace=COBALT,
                        hubspot=HubSpotSettings(base_url="http://127.0.0.1:9", access_token="t"),  # type: ignore[arg-type]
                        slack=SlackSettings(mode="webhook", webhook_url="http://127.0.0.1:9/services/x"))
    with httpx.Client() as http:
        first = registry.make_crm_sink("hubspot", settings, cobalt, http)
        assert isinstance(first, HubSpotSink)
        assert first is not registry.make_crm_sink("hubspot", settings, cobalt, http)
        assert isinstance(registry.make_crm_sink("builtin", settings, cobalt, http, engine=engine), BuiltinCrmSink)
        assert isinstance(registry.make_notifier("slack", settings, cobalt, http), SlackNotifier)
    assert registry.known("crm") == ["builtin", "hubspot", "salesforce"]


def test_typos_and_missing_settings_are_operator_errors(tmp_path: Path, cobalt: Workspace) -> None:
    settings = Settings(data_dir=tmp_path, workspace=COBALT)
    with httpx.Client() as http:
        with pytest.raises(ConfigError, match="unknown CRM 'hubspott'; did you mean 'hubspot'"):
            registry.make_crm_sink("hubspott", settings, cobalt, http)
        with pytest.raises(ConfigError, match="LEADRELAY_SALESFORCE__INSTANCE_URL"):
            registry.make_crm_sink("salesforce", settings, cobalt, http)
        with pytest.raises(ConfigError, match="unknown notifier 'slak'; did you mean 'slack'"):
            registry.make_notifier("slak", settings, cobalt, http)
    with pytest.raises(ConfigError, match="LEADRELAY_SMTP_OUT__HOST"):
        registry.make_mailer("smtp", settings, cobalt)
