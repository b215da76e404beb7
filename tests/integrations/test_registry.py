"""The registry says which of the workspace's integrations lack their settings."""

from __future__ import annotations

from pathlib import Path

from leadrelay.config import Settings
from leadrelay.integrations.hubspot import HubSpotSettings
from leadrelay.integrations.registry import missing_settings
from leadrelay.integrations.slack import SlackSettings
from leadrelay.workspace import load_workspace

COBALT = Path(__file__).resolve().parents[2] / "examples" / "cobalt"


def test_each_integration_the_workspace_uses_without_settings_is_named(tmp_path: Path) -> None:
    missing = missing_settings(Settings(data_dir=tmp_path), load_workspace(COBALT))
    assert [m.split(" but ")[0] for m in missing] == [
        "the workspace writes to HubSpot", "the workspace writes to Salesforce", "Slack alerts are on",
        "emails are to be sent"]
    assert "LEADRELAY_HUBSPOT__ACCESS_TOKEN" in missing[0]


def test_configured_integrations_are_not_named(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, hubspot=HubSpotSettings(access_token="pat-x"),
                        slack=SlackSettings(webhook_url="http://127.0.0.1:9/hook"))
    missing = missing_settings(settings, load_workspace(COBALT))
    assert [m.split(" but ")[0] for m in missing] == ["the workspace writes to Salesforce", "emails are to be sent"]
