"""Field extraction and type classification by an LLM behind an OpenAI-compatible API.

Narrow and safe by construction:

- one task per call (extraction is one call, classification another), each with its own JSON schema;
- constrained output, tried in order: strict ``json_schema``, then ``json_object`` with the schema in
  the prompt, then plain text parsed as JSON; the mode a server accepts is remembered per client;
- answers are validated into the same typed records as the local backends; one re-ask that shows
  the model its error, then the local backend answers that call (recorded as Evidence);
- retries with exponential backoff on 429 (honouring Retry-After), 5xx and connection errors; no
  retry on other 4xx or on timeouts; then the local backend;
- a cache keyed by (task, model, prompt version, content), a cost/latency ledger and a budget switch;
- the sender's text is untrusted data in a delimited block; injection cues block an LLM "high" urgency.

The model never decides actions or owners: nothing it returns can name one.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from leadrelay.backends.base import ExtractedFields, FieldExtractor, TypeClassifier, TypeVerdict
from leadrelay.backends.ensemble import type_distribution
from leadrelay.backends.llm_cache import CostLedger, LedgerEntry, LlmCache, cache_key
from leadrelay.backends.llm_prompts import (
    CLASSIFY,
    EXTRACT,
    MODES,
    JsonMode,
    LlmTask,
    build_messages,
    find_injection,
    parse_json_answer,
    reask_messages,
    render_lead,
    render_message,
    response_format,
)
from leadrelay.errors import BackendError, ConfigError
from leadrelay.integrations.http import retry_after_s
from leadrelay.pipeline.records import TYPES, EnrichedLead, Evidence, Fields, InboundType, Message, Urgency
from leadrelay.settings import LlmSettings

if TYPE_CHECKING:
    import httpx2
    import openai

__all__ = [
    "LLM_CONFIDENCE_CAP",
    "LlmClient",
    "LlmFailure",
    "OpenAICompatibleClassifier",
    "OpenAICompatibleExtractor",
]

log = logging.getLogger(__name__)

# The model's self-reported confidence is not calibrated: never let it claim more than this.
LLM_CONFIDENCE_CAP = 0.9
# A key is required by the SDK; servers without auth (Ollama, llama.cpp, vLLM) ignore this placeholder.
_NO_KEY = "no-key"
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "response format", "structured output")

T = TypeVar("T")
F = TypeVar("F", FieldExtractor, TypeClassifier)
FailureKind = Literal["invalid", "error", "budget", "disabled"]


class LlmFailure(BackendError):
    """The LLM gave no usable answer for one call; `kind` says why (the caller falls back to local)."""

    def __init__(self, kind: FailureKind, detail: str) -> None:
        self.kind = kind
        self.detail = detail
        super().__init__(f"{kind}: {detail}")


class _FormatRejected(Exception):
    """The server rejected the `response_format` of this mode."""


@dataclass
class _CallState:
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    mode: JsonMode | None = None


def _validation_message(exc: ValidationError) -> str:
    """A short, model-readable list of what is wrong (pydantic's text has URLs and noise)."""
    parts = []
    for err in exc.errors(include_url=False):
        where = ".".join(str(p) for p in err["loc"]) or "answer"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


class LlmClient:
    """Sends one narrow task to an OpenAI-compatible server and returns a validated answer.

    Shared by the extractor and the classifier so they share the cache, the ledger, the budget and
    the knowledge of which JSON mode the server accepts.
    """

    def __init__(
        self,
        settings: LlmSettings,
        *,
        http_client: httpx2.Client | None = None,
        ledger: CostLedger | None = None,
        cache: LlmCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        first_mode: JsonMode = "json_schema",
    ) -> None:
        self.settings = settings
        self.ledger = ledger if ledger is not None else CostLedger()
        self.cache = cache if cache is not None else LlmCache(settings.cache_path)
        self._http_client = http_client
        self._sleep = sleep
        self._sdk: ModuleType | None = None
        self._client: openai.OpenAI | None = None
        # Index into MODES of the first mode worth trying on this server; it moves on when one is rejected.
        self._mode_index = MODES.index(first_mode)

    @property
    def mode(self) -> JsonMode:
        """The JSON mode this client tries first (the one that last worked)."""
        return MODES[self._mode_index]

    def load(self) -> None:
        """Open the cache and build the SDK client (imported here: the SDK takes ~1 s to import)."""
        self.cache.open()
        if self._client is not None or not self.settings.enabled:
            return
        import openai  # lazy on purpose

        key = self.settings.resolved_api_key()
        if key is None and self.settings.is_openai:
            raise ConfigError("the OpenAI API needs a key: set LEADRELAY_LLM__API_KEY or OPENAI_API_KEY")
        client = openai.OpenAI(
            api_key=key or _NO_KEY,
            base_url=self.settings.base_url,
            timeout=self.settings.timeout_s,
            max_retries=0,  # we retry ourselves: Retry-After, budget checks and the ledger see every attempt
            http_client=self._http_client,
        )
        if not self.settings.is_openai:
            # Never send OpenAI account identifiers picked up from the environment to another server.
            client.organization = None
            client.project = None
            client.admin_api_key = None
        self._sdk = openai
        self._client = client

    def close(self) -> None:
        """Close the HTTP client and the cache file."""
        if self._client is not None:
            self._client.close()
            self._client = None
        self.cache.close()

    def ask(
        self,
        task: LlmTask,
        content: str,
        *,
        event_id: str,
        validate: Callable[[dict[str, Any]], T],
        company: str,
        context: str = "",
    ) -> tuple[T, LedgerEntry]:
        """Ask `task` about `content` and return the validated answer with its ledger entry.

        Raises:
            LlmFailure: disabled, over budget, server errors, or an answer still invalid after one re-ask.
        """
        started = time.perf_counter()
        settings = self.settings
        key = cache_key(task.name, settings.model, task.prompt_version,
                        f"{company}\x1e{context}\x1e{content}")
        cached = self.cache.get(key)
        if cached is not None:
            try:
                value = validate(parse_json_answer(cached))
            except ValueError:
                log.warning("cached llm answer no longer validates", extra={"event_id": event_id})
            else:
                return value, self._record(event_id, task, "cached", _CallState(), started)
        state = _CallState()
        try:
            if not settings.enabled:
                raise LlmFailure("disabled", "llm disabled in settings")
            self._check_budget(state)
            answer, messages = self._complete(task, content, state, company=company, context=context)
            outcome = "ok"
            try:
                parsed = parse_json_answer(answer)
                value = validate(parsed)
            except ValueError as first:
                error = _validation_message(first) if isinstance(first, ValidationError) else str(first)
                log.info("llm answer invalid, asking again", extra={"event_id": event_id, "task": task.name})
                reask = reask_messages(messages, answer, error)
                answer = self._send(task, reask, state.mode or self.mode, state)
                outcome = "reasked"
                try:
                    parsed = parse_json_answer(answer)
                    value = validate(parsed)
                except ValidationError as second:
                    raise LlmFailure("invalid", _validation_message(second)) from None
                except ValueError as second:
                    raise LlmFailure("invalid", str(second)) from None
        except LlmFailure as failure:
            self._record(event_id, task, failure.kind, state, started, detail=failure.detail)
            raise
        self.cache.put(key, json.dumps(parsed, ensure_ascii=False, sort_keys=True))
        return value, self._record(event_id, task, outcome, state, started)

    def _record(self, event_id: str, task: LlmTask, outcome: str, state: _CallState, started: float,
                detail: str = "") -> LedgerEntry:
        entry = LedgerEntry(
            event_id=event_id,
            task=task.name,
            model=self.settings.model,
            outcome=outcome,
            requests=state.requests,
            input_tokens=state.input_tokens,
            output_tokens=state.output_tokens,
            cost_usd=state.cost_usd,
            latency_ms=(time.perf_counter() - started) * 1000,
            mode=state.mode,
            detail=detail,
        )
        self.ledger.add(entry)
        return entry

    def _check_budget(self, state: _CallState) -> None:
        budget = self.settings.budget_usd
        if budget is None:
            return
        spent = self.ledger.spent_usd + state.cost_usd
        if spent >= budget:
            raise LlmFailure("budget", f"llm budget exhausted: spent ${spent:.4f} of ${budget:.4f}")

    def _complete(self, task: LlmTask, content: str, state: _CallState, *, company: str,
                  context: str) -> tuple[str, list[dict[str, str]]]:
        """The first answer, trying JSON modes from the one that last worked on this server."""
        for index in range(self._mode_index, len(MODES)):
            mode = MODES[index]
            messages = build_messages(task, content, mode, company=company, context=context)
            try:
                answer = self._send(task, messages, mode, state)
            except _FormatRejected:
                log.info("server rejects response_format %s; trying the next mode", mode)
                self._mode_index = min(index + 1, len(MODES) - 1)
                continue
            state.mode = mode
            return answer, messages
        # Unreachable in practice: plain-text mode sends no response_format to reject.
        raise LlmFailure("error", "the server rejected every JSON mode")

    def _send(self, task: LlmTask, messages: list[dict[str, str]], mode: JsonMode, state: _CallState) -> str:
        """One chat completion with retries; returns the answer text."""
        if self._client is None or self._sdk is None:
            self.load()
        if self._client is None or self._sdk is None:
            raise LlmFailure("disabled", "llm client not available (disabled in settings)")
        sdk, settings = self._sdk, self.settings
        fmt = response_format(task, mode)
        last_problem = ""
        for attempt in range(settings.max_retries + 1):
            self._check_budget(state)
            state.requests += 1
            delay = min(settings.retry_base_delay_s * 2**attempt, settings.retry_max_delay_s)
            delay *= 1 + random.random() * 0.1  # a little jitter so parallel workers don't retry in lockstep
            try:
                completion = self._client.chat.completions.create(
                    model=settings.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=0,
                    max_tokens=settings.max_output_tokens,
                    response_format=fmt if fmt is not None else sdk.omit,  # type: ignore[arg-type]
                )
            except sdk.RateLimitError as exc:
                wait = retry_after_s(exc.response.headers)
                delay = delay if wait is None else min(wait, settings.retry_max_delay_s)
                last_problem = "HTTP 429 rate limited"
            except sdk.APIStatusError as exc:
                # llama.cpp's Python server answers a strict json_schema request with a 500 whose body
                # names response_format: that is a refusal of the format, not a server fault to retry.
                if mode != "text" and exc.status_code in {400, 422, 500} and _mentions_format(exc):
                    raise _FormatRejected from None
                if exc.status_code >= 500:
                    last_problem = f"HTTP {exc.status_code}"
                else:
                    raise LlmFailure("error", f"HTTP {exc.status_code}: {str(exc.message)[:200]}") from None
            except sdk.APITimeoutError:
                # A server that timed out once will likely do it again: don't double the wait, use local.
                raise LlmFailure("error", f"timed out after {settings.timeout_s:g} s") from None
            except sdk.APIConnectionError as exc:
                last_problem = f"connection error: {exc.message}"
            except sdk.APIError as exc:
                raise LlmFailure("error", f"bad response: {str(exc.message)[:200]}") from None
            else:
                return self._answer_text(completion, messages, state)
            if attempt < settings.max_retries:
                log.info("llm call failed (%s), retrying in %.2f s", last_problem, delay)
                self._sleep(delay)
        raise LlmFailure("error", f"{last_problem} after {state.requests} request(s)")

    def _answer_text(self, completion: Any, messages: list[dict[str, str]], state: _CallState) -> str:
        """Count tokens and cost of one completion and return its text."""
        choices = getattr(completion, "choices", None) or []
        text = ""
        if choices and choices[0].message is not None:
            text = choices[0].message.content or ""
        usage = getattr(completion, "usage", None)
        if usage is not None and usage.prompt_tokens is not None:
            tokens_in, tokens_out = int(usage.prompt_tokens), int(usage.completion_tokens or 0)
        else:
            # No usage reported (some local servers): estimate ~4 characters a token so budgets still bite.
            tokens_in = sum(len(m["content"]) for m in messages) // 4
            tokens_out = len(text) // 4
        state.input_tokens += tokens_in
        state.output_tokens += tokens_out
        state.cost_usd += self.settings.cost_usd(tokens_in, tokens_out)
        return text


def _mentions_format(exc: Any) -> bool:
    text = f"{exc.message} {exc.body}".lower()
    return any(word in text for word in _FORMAT_WORDS)


# --- answers ---------------------------------------------------------------------------------------

_COUNTRY_ALIASES = {"UK": "GB", "EL": "GR", "USA": "US", "UAE": "AE"}


def _clean_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if not value or value.lower() in {"null", "none", "unknown", "n/a", "not stated", "-"}:
        return None
    return value[:limit]


class _LlmFields(BaseModel):
    """The extraction answer as the model must give it."""

    model_config = ConfigDict(extra="ignore")

    company: str | None = None
    role: str | None = None
    use_case: str | None = None
    team_size: int | None = Field(default=None, ge=1, le=5_000_000)
    country: str | None = None
    website: str | None = None

    @field_validator("company", "role", "use_case", "website", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return _clean_text(value, 200) if isinstance(value, str) else value

    @field_validator("country", mode="before")
    @classmethod
    def _iso2(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text or text.lower() in {"null", "none", "unknown", "n/a"}:
            return None
        code = _COUNTRY_ALIASES.get(text.upper(), text.upper())
        if len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None:
            return code
        try:
            return str(pycountry.countries.lookup(text).alpha_2)
        except LookupError:
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 code such as US, GB or DE") from None


class _LlmVerdict(BaseModel):
    """The classification answer as the model must give it."""

    model_config = ConfigDict(extra="ignore")

    type: InboundType
    confidence: float = 0.5
    urgency: Urgency | None = None

    @field_validator("type", "urgency", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("confidence", mode="before")
    @classmethod
    def _clamp(cls, value: Any) -> Any:
        # Out-of-range numbers are clamped rather than re-asked: the number is only a hint anyway.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return min(1.0, max(0.0, float(value)))
        return value


def _validate_fields(data: dict[str, Any]) -> _LlmFields:
    return _LlmFields.model_validate(data)


def _validate_verdict(data: dict[str, Any]) -> _LlmVerdict:
    return _LlmVerdict.model_validate(data)


def _untrusted_text(message: Message) -> str:
    """Everything the sender controls, for the injection scan."""
    parts = [message.subject, message.text, message.forwarded_note, *message.form.values()]
    if message.signature is not None:
        parts.append(message.signature.text)
    return "\n".join(p for p in parts if p)


# The local extractor's form evidence reads "<field label> ... from the form"; labels to field names.
_FORM_LABELS = (("company size ", "team_size"), ("company ", "company"), ("role ", "role"), ("country ", "country"))


def _form_backed_fields(local: ExtractedFields | None) -> set[str]:
    """The fields the local extractor took from form fields (kind "form" evidence)."""
    if local is None:
        return set()
    names: set[str] = set()
    for ev in local.evidence:
        if ev.kind == "form":
            label = next((name for prefix, name in _FORM_LABELS if ev.detail.startswith(prefix)), None)
            if label is not None:
                names.add(label)
    return names


def _fallback_evidence(step: str, failure: LlmFailure) -> Evidence:
    if failure.kind == "invalid":
        detail = f"llm answer invalid, used local fallback: {failure.detail}"
    elif failure.kind == "budget":
        detail = f"{failure.detail}; used local fallback"
    elif failure.kind == "disabled":
        detail = "llm disabled, used local backend"
    else:
        detail = f"llm unavailable, used local fallback: {failure.detail}"
    return Evidence(kind="model", step=step, detail=detail, source="llm")


def _injection_evidence(step: str, cue: str, *, blocked_high: bool) -> Evidence:
    detail = "message contains instructions aimed at the model (possible prompt injection)"
    if blocked_high:
        detail += "; llm urgency 'high' not accepted"
    return Evidence(kind="text", step=step, detail=detail, span=cue[:120], source="rule:llm.injection")


class _LlmBackend(Generic[F]):
    """What both LLM backends share: the client (cache, ledger, budget), the local fallback, the company."""

    def __init__(self, settings: LlmSettings, fallback: F, *, client: LlmClient | None = None,
                 company: str = "our company", company_context: str = "") -> None:
        self.name = f"llm:{settings.model}"
        self._settings = settings
        self._fallback: F = fallback
        self._client = client if client is not None else LlmClient(settings)
        self._company = company
        self._context = company_context

    @property
    def ledger(self) -> CostLedger:
        """Tokens, cost and latency of every call."""
        return self._client.ledger

    @property
    def client(self) -> LlmClient:
        """The client this backend calls through."""
        return self._client

    def load(self) -> None:
        """Load the local fallback and build the HTTP client."""
        self._fallback.load()
        self._client.load()


class OpenAICompatibleExtractor(_LlmBackend[FieldExtractor]):
    """`FieldExtractor` backed by an LLM; fields it leaves empty come from the local extractor.

    Args:
        settings: how to reach the server.
        fallback: the local extractor, used for empty fields and whenever the LLM gives no usable answer.
        client: an `LlmClient` to share with the classifier (cache, ledger, budget); built when omitted.
        company: the workspace's company name (the recipient, never the sender's company).
        company_context: one or two sentences on what the company sells.
    """

    def extract(self, message: Message) -> ExtractedFields:
        """Extract fields with the LLM, filling its gaps from the local extractor.

        Raises:
            BackendError: both the LLM and the local extractor failed.
        """
        local: ExtractedFields | None = None
        local_error: BackendError | None = None
        try:
            local = self._fallback.extract(message)
        except BackendError as exc:
            local_error = exc
        extra: list[Evidence] = []
        cue = find_injection(_untrusted_text(message))
        if cue is not None:
            extra.append(_injection_evidence("extract", cue, blocked_high=False))
        try:
            answer, entry = self._client.ask(
                EXTRACT,
                render_message(message, max_chars=self._settings.max_message_chars),
                event_id=message.event.id,
                validate=_validate_fields,
                company=self._company,
                context=self._context,
            )
        except LlmFailure as failure:
            if local is None:
                raise BackendError(f"llm failed ({failure}); local failed ({local_error})") from None
            notes = (*local.evidence, *extra, _fallback_evidence("extract", failure))
            return local.model_copy(update={"evidence": notes})
        return self._merge(message, answer, entry, local, extra)

    def _merge(self, message: Message, answer: _LlmFields, entry: LedgerEntry, local: ExtractedFields | None,
               extra: list[Evidence]) -> ExtractedFields:
        local_fields = local.fields if local is not None else Fields()
        from_form = _form_backed_fields(local)
        merged: dict[str, Any] = {}
        evidence: list[Evidence] = []
        for name in ("company", "role", "use_case", "team_size", "country"):
            value = getattr(answer, name)
            local_value = getattr(local_fields, name)
            # What the sender typed into a form field beats the model's reading of the message.
            if value is None or (name in from_form and local_value is not None):
                merged[name] = local_value
                continue
            merged[name] = value
            evidence.append(Evidence(kind="model", step="extract", detail=f"{name} = {value} (llm)",
                                     source=f"{self.name}#{entry.outcome}"))
        # Where the lead came from is a fact of the channel, not something the model reads.
        merged["source"] = local_fields.source or message.source or None
        website = answer.website or (local.website if local is not None else None)
        local_evidence = local.evidence if local is not None else ()
        return ExtractedFields(fields=Fields(**merged), website=website,
                               evidence=(*evidence, *local_evidence, *extra))


class OpenAICompatibleClassifier(_LlmBackend[TypeClassifier]):
    """`TypeClassifier` backed by an LLM, its confidence blended with the local classifier's probabilities.

    Confidence: the model's self-report is clamped to [0, 1] and spread into a distribution (the rest
    shared evenly by the other types); when the local classifier answers, the two distributions are
    averaged. The verdict keeps the LLM's type with confidence = min(0.9, averaged probability of that
    type): an agreeing local model keeps it high, a confident disagreeing one pulls it down to review.

    Args:
        settings: how to reach the server.
        fallback: the local classifier, used for blending and whenever the LLM gives no usable answer.
        client: an `LlmClient` to share with the extractor; built when omitted.
        company: the workspace's company name.
        company_context: one or two sentences on what the company sells (tells sales from vendor).
        blend_with_fallback: average with the local classifier's probabilities (see above).
    """

    def __init__(self, settings: LlmSettings, fallback: TypeClassifier, *, client: LlmClient | None = None,
                 company: str = "our company", company_context: str = "",
                 blend_with_fallback: bool = True) -> None:
        super().__init__(settings, fallback, client=client, company=company, company_context=company_context)
        self._blend = blend_with_fallback

    def classify(self, lead: EnrichedLead) -> TypeVerdict:
        """Classify with the LLM; the local classifier blends in and answers when the LLM can't.

        Raises:
            BackendError: both the LLM and the local classifier failed.
        """
        local: TypeVerdict | None = None
        local_error: BackendError | None = None
        try:
            local = self._fallback.classify(lead)
        except BackendError as exc:
            local_error = exc
        cue = find_injection(_untrusted_text(lead.message))
        try:
            answer, entry = self._client.ask(
                CLASSIFY,
                render_lead(lead, max_chars=self._settings.max_message_chars),
                event_id=lead.message.event.id,
                validate=_validate_verdict,
                company=self._company,
                context=self._context,
            )
        except LlmFailure as failure:
            if local is None:
                raise BackendError(f"llm failed ({failure}); local failed ({local_error})") from None
            extra = [_injection_evidence("classify", cue, blocked_high=False)] if cue else []
            notes = (*local.evidence, *extra, _fallback_evidence("classify", failure))
            return local.model_copy(update={"evidence": notes})
        return self._verdict(answer, entry, local if self._blend else None, cue)

    def _verdict(self, answer: _LlmVerdict, entry: LedgerEntry, local: TypeVerdict | None,
                 cue: str | None) -> TypeVerdict:
        llm_conf = answer.confidence
        rest = (1.0 - llm_conf) / (len(TYPES) - 1)
        probs = {t: llm_conf if t == answer.type else rest for t in TYPES}
        if local is not None:
            local_probs = type_distribution(local)
            probs = {t: 0.5 * probs[t] + 0.5 * local_probs[t] for t in TYPES}
        confidence = min(LLM_CONFIDENCE_CAP, probs[answer.type])
        evidence = [
            Evidence(kind="model", step="classify",
                     detail=f"llm says {answer.type} (self-reported {llm_conf:.2f}, used {confidence:.2f})",
                     source=f"{self.name}#{entry.outcome}")
        ]
        urgency = answer.urgency
        if cue is not None:
            blocked = urgency == "high"
            if blocked:
                # The sender asked for priority in words aimed at the model: that is no evidence of urgency.
                urgency = "normal"
            evidence.append(_injection_evidence("classify", cue, blocked_high=blocked))
        return TypeVerdict(
            type=answer.type,
            confidence=round(confidence, 4),
            probabilities={t: round(p, 4) for t, p in probs.items()},
            urgency=urgency,
            urgency_confidence=None,  # the model's urgency has no calibrated confidence
            model=self.name,
            evidence=tuple(evidence),
        )

