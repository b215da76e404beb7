"""Typed settings for LeadRelay.

For now only the LLM backend's settings live here; the lead wires them into the root settings
object (``LEADRELAY_LLM__BASE_URL``, ``LEADRELAY_LLM__MODEL``, ``LEADRELAY_LLM__API_KEY`` ...).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from leadrelay.errors import ConfigError

__all__ = ["ENV_PREFIX", "OPENAI_BASE_URL", "LlmSettings"]

OPENAI_BASE_URL = "https://api.openai.com/v1"
ENV_PREFIX = "LEADRELAY_LLM__"
_PLACEHOLDER_KEYS = {"", "changeme", "your-api-key", "sk-...", "<your key>"}


class LlmSettings(BaseModel):
    """How to reach an OpenAI-compatible chat-completions server, and what it may cost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = False  # opt-in: the local backends are the default
    base_url: str = OPENAI_BASE_URL
    model: str = "gpt-4o-mini"
    # Only the hosted OpenAI API falls back to $OPENAI_API_KEY; a custom base URL never gets a default key
    # (a key meant for one provider must not leak to another server).
    api_key: SecretStr | None = None
    timeout_s: float = Field(default=20.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)  # after the first attempt, on 429/5xx/connect errors
    retry_base_delay_s: float = Field(default=0.5, ge=0)  # backoff: base * 2**attempt
    retry_max_delay_s: float = Field(default=8.0, ge=0)  # cap on one backoff sleep, also on Retry-After
    budget_usd: float | None = Field(default=None, ge=0)  # None = no limit
    price_per_1k_input_usd: float = Field(default=0.0, ge=0)
    price_per_1k_output_usd: float = Field(default=0.0, ge=0)
    max_output_tokens: int = Field(default=400, ge=16)
    max_message_chars: int = Field(default=6000, ge=200)  # longer texts are cut to bound cost and latency
    cache_path: Path | None = None  # SQLite file for the answer cache; None = in memory only

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. http://127.0.0.1:11434/v1")
        return value.strip().rstrip("/")

    @field_validator("api_key")
    @classmethod
    def _no_placeholder_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip() in _PLACEHOLDER_KEYS:
            raise ValueError("api_key is empty or a placeholder; leave it unset for servers without a key")
        return value

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LlmSettings:
        """Settings from ``LEADRELAY_LLM__<NAME>`` variables (until the root settings object reads them)."""
        env = os.environ if environ is None else environ
        values = {k[len(ENV_PREFIX):].lower(): v for k, v in env.items() if k.upper().startswith(ENV_PREFIX)}
        unknown = sorted(set(values) - set(cls.model_fields))
        if unknown:
            known = ", ".join(ENV_PREFIX + name.upper() for name in cls.model_fields)
            raise ConfigError(f"unknown setting(s) {', '.join(ENV_PREFIX + u.upper() for u in unknown)}; "
                              f"known: {known}")
        try:
            return cls.model_validate({k: (None if v == "" else v) for k, v in values.items()})
        except ValidationError as exc:
            raise ConfigError(f"invalid LLM settings from the environment: {exc}") from None

    @property
    def is_openai(self) -> bool:
        """True when the base URL is the hosted OpenAI API."""
        return urlsplit(self.base_url).netloc.lower() == "api.openai.com"

    def resolved_api_key(self) -> str | None:
        """The key to send: the configured one, $OPENAI_API_KEY for the hosted OpenAI API only, else None."""
        if self.api_key is not None:
            return self.api_key.get_secret_value()
        if self.is_openai:
            return os.environ.get("OPENAI_API_KEY") or None
        return None

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        """What a call with these token counts costs at the configured prices."""
        dollars = input_tokens * self.price_per_1k_input_usd + output_tokens * self.price_per_1k_output_usd
        return dollars / 1000
