"""The integrations by slug: CRM sinks, notifiers and mailers, built fresh from settings for each use.

Built-ins are registered here; add-on packages may add entries through the entry-point group
``leadrelay.integrations`` (an object with optional ``crm_sinks``, ``notifiers`` and ``mailers`` dicts of
slug -> factory), read on first use. An unknown slug is an operator mistake named with a "did you mean".
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import httpx
from sqlalchemy import Engine

from leadrelay.config import Settings
from leadrelay.errors import ConfigError
from leadrelay.integrations.base import CrmSink, Mailer, Notifier
from leadrelay.workspace import Workspace

__all__ = ["CRM_SINKS", "MAILERS", "NOTIFIERS", "known", "make_crm_sink", "make_mailer", "make_notifier",
           "missing_settings"]

log = logging.getLogger(__name__)

CrmFactory = Callable[[Settings, Workspace, httpx.Client, Engine | None], CrmSink]
NotifierFactory = Callable[[Settings, Workspace, httpx.Client], Notifier]
MailerFactory = Callable[[Settings, Workspace], Mailer]


def _mapping(workspace: Workspace, slug: str) -> dict[str, str]:
    return dict(workspace.config.actions.field_mapping.get(slug, {}))


def _builtin(settings: Settings, workspace: Workspace, http: httpx.Client, engine: Engine | None) -> CrmSink:
    from leadrelay.integrations.crm_builtin import BuiltinCrmSink

    if engine is None:
        raise ConfigError("the built-in CRM needs the service's database engine")
    return BuiltinCrmSink(engine, field_mapping=_mapping(workspace, "builtin"))


def _hubspot(settings: Settings, workspace: Workspace, http: httpx.Client, engine: Engine | None) -> CrmSink:
    from leadrelay.integrations.hubspot import HubSpotSink

    if settings.hubspot is None:
        raise ConfigError("the workspace writes to HubSpot but LEADRELAY_HUBSPOT__ACCESS_TOKEN is not set")
    return HubSpotSink(settings.hubspot, http, field_mapping=_mapping(workspace, "hubspot"))


def _salesforce(settings: Settings, workspace: Workspace, http: httpx.Client, engine: Engine | None) -> CrmSink:
    from leadrelay.integrations.salesforce import SalesforceSink

    if settings.salesforce is None:
        raise ConfigError("the workspace writes to Salesforce but LEADRELAY_SALESFORCE__INSTANCE_URL and "
                          "__ACCESS_TOKEN are not set")
    return SalesforceSink(settings.salesforce, http, field_mapping=_mapping(workspace, "salesforce"))


def _slack(settings: Settings, workspace: Workspace, http: httpx.Client) -> Notifier:
    from leadrelay.integrations.slack import SlackNotifier

    if settings.slack is None:
        raise ConfigError("Slack alerts are on but LEADRELAY_SLACK__WEBHOOK_URL (or __BOT_TOKEN) is not set")
    return SlackNotifier(settings.slack, http)


def _smtp(settings: Settings, workspace: Workspace) -> Mailer:
    from leadrelay.integrations.email import SmtpMailer

    if settings.smtp_out is None:
        raise ConfigError("emails are to be sent but LEADRELAY_SMTP_OUT__HOST is not set")
    return SmtpMailer(settings.smtp_out)


CRM_SINKS: dict[str, CrmFactory] = {"builtin": _builtin, "hubspot": _hubspot, "salesforce": _salesforce}
NOTIFIERS: dict[str, NotifierFactory] = {"slack": _slack}
MAILERS: dict[str, MailerFactory] = {"smtp": _smtp}
_plugins_loaded = False


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for entry in entry_points(group="leadrelay.integrations"):
        try:
            plugin: Any = entry.load()
        except Exception:  # a broken add-on must not take the built-ins down with it
            log.exception("cannot load integration add-on", extra={"entry_point": entry.name})
            continue
        for attribute, table in (("crm_sinks", CRM_SINKS), ("notifiers", NOTIFIERS), ("mailers", MAILERS)):
            table.update(getattr(plugin, attribute, None) or {})


def _unknown(kind: str, slug: str, table: dict[str, Any]) -> ConfigError:
    close = difflib.get_close_matches(slug, table, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return ConfigError(f"unknown {kind} {slug!r}{hint} known: {', '.join(sorted(table))}")


def known(kind: str) -> list[str]:
    """The registered slugs of one kind: ``crm``, ``notifier`` or ``mailer``."""
    _load_plugins()
    tables: dict[str, dict[str, Any]] = {"crm": CRM_SINKS, "notifier": NOTIFIERS, "mailer": MAILERS}
    return sorted(tables[kind])


def make_crm_sink(slug: str, settings: Settings, workspace: Workspace, http: httpx.Client, *,
                  engine: Engine | None = None) -> CrmSink:
    """A fresh CRM sink for `slug` (``builtin``, ``hubspot``, ``salesforce``, or an add-on's).

    Raises:
        ConfigError: unknown slug, or its settings are missing.
    """
    _load_plugins()
    if slug not in CRM_SINKS:
        raise _unknown("CRM", slug, CRM_SINKS)
    return CRM_SINKS[slug](settings, workspace, http, engine)


def make_notifier(slug: str, settings: Settings, workspace: Workspace, http: httpx.Client) -> Notifier:
    """A fresh notifier for `slug` (``slack``).

    Raises:
        ConfigError: unknown slug, or its settings are missing.
    """
    _load_plugins()
    if slug not in NOTIFIERS:
        raise _unknown("notifier", slug, NOTIFIERS)
    return NOTIFIERS[slug](settings, workspace, http)


def make_mailer(slug: str, settings: Settings, workspace: Workspace) -> Mailer:
    """A fresh mailer for `slug` (``smtp``).

    Raises:
        ConfigError: unknown slug, or its settings are missing.
    """
    _load_plugins()
    if slug not in MAILERS:
        raise _unknown("mailer", slug, MAILERS)
    return MAILERS[slug](settings, workspace)


def missing_settings(settings: Settings, workspace: Workspace) -> list[str]:
    """What the workspace's actions will need that `settings` lack, one sentence per integration.

    Such actions are still planned and go ``dead`` at once with the same message, visible and retryable
    once the setting is there; saying so when the service starts saves finding out from the dashboard.
    """
    actions = workspace.config.actions
    needed: list[tuple[str, str]] = [("crm", slug) for slug in actions.crm if slug != "builtin"]
    if actions.slack.alert_on:
        needed.append(("notifier", "slack"))
    if actions.email.auto_send or workspace.config.follow_ups.steps:
        needed.append(("mailer", "smtp"))
    missing: list[str] = []
    with httpx.Client() as http:  # built, never used: the factories make no call
        for kind, slug in needed:
            try:
                if kind == "crm":
                    make_crm_sink(slug, settings, workspace, http)
                elif kind == "notifier":
                    make_notifier(slug, settings, workspace, http)
                else:
                    make_mailer(slug, settings, workspace)
            except ConfigError as exc:
                missing.append(str(exc))
    return missing
