"""A workspace: one company's ICP, routing policy, queues and CRM, loaded from a directory.

A workspace is data, not code: ``workspace.yaml`` plus CSV files for the CRM. Loading validates
everything and reports each mistake with the file, the key and what is wrong.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from leadrelay.errors import WorkspaceError
from leadrelay.pipeline.records import TYPES, Action, CrmAccount, CrmContact

__all__ = ["ActionsConfig", "FormConfig", "Owner", "QueueConfig", "QueueMember", "SlaConfig", "Workspace",
           "WorkspaceConfig", "load_workspace", "parse_duration"]

_COUNTRY_KEYWORDS = {"served", "other"}


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompanyConfig(_Config):
    name: str = Field(min_length=1)
    domains: list[str] = Field(min_length=1)
    product: str = ""
    plans: list[str] = Field(default_factory=list)

    @field_validator("domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return [d.strip().lower() for d in value]


class FitConfig(_Config):
    strong_min_employees: int = Field(default=50, ge=1)
    moderate_min_employees: int = Field(default=11, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> FitConfig:
        if self.moderate_min_employees > self.strong_min_employees:
            raise ValueError("moderate_min_employees must not exceed strong_min_employees")
        return self


def _check_countries(value: list[Any]) -> list[str]:
    out = []
    for code in value:
        if isinstance(code, bool):
            raise ValueError(f"got {str(code).lower()}: YAML reads an unquoted NO/YES/ON/OFF as a boolean; "
                             "quote country codes, e.g. \"NO\"")
        if not isinstance(code, str):
            raise ValueError(f"{code!r} is not a country code")
        code = code.strip()
        if code.lower() in _COUNTRY_KEYWORDS:
            out.append(code.lower())
        elif len(code) == 2 and code.isalpha():
            out.append(code.upper())
        else:
            raise ValueError(f"{code!r} is not an ISO 3166 alpha-2 country code, 'served' or 'other'")
    return out


class IcpConfig(_Config):
    relevant_terms: list[str] = Field(default_factory=list)
    other_product_terms: list[str] = Field(default_factory=list)
    # An individual rather than a company (a hobby, a side project, a sole trader): a weak fit.
    individual_terms: list[str] = Field(default_factory=list)
    served_countries: list[Any] = Field(min_length=1)
    fit: FitConfig = Field(default_factory=FitConfig)

    @field_validator("served_countries")
    @classmethod
    def _served(cls, value: list[Any]) -> list[str]:
        return _check_countries(value)


class SegmentConfig(_Config):
    name: str = Field(min_length=1)
    min_employees: int | None = Field(default=None, ge=0)
    max_employees: int | None = Field(default=None, ge=0)
    countries: list[Any] | None = None
    when_size_unknown: bool = False

    @field_validator("countries")
    @classmethod
    def _territory(cls, value: list[Any] | None) -> list[str] | None:
        return None if value is None else _check_countries(value)


class ActionOwner(_Config):
    action: Action
    owner: str | None = None
    escalate_on_high_urgency: bool = False


UrgencyName = Literal["high", "normal", "low"]


def _high_only() -> list[UrgencyName]:
    return ["high"]


class EscalateConfig(_Config):
    urgency: list[UrgencyName] = Field(default_factory=_high_only)
    min_employees: int | None = None


class SalesRouting(_Config):
    account_owner_statuses: list[str] = Field(default_factory=lambda: ["customer", "prospect"])
    fallback_owner: str = Field(min_length=1)
    weak_fit: ActionOwner
    unknown_fit: ActionOwner
    escalate: EscalateConfig = Field(default_factory=EscalateConfig)


class RoutingConfig(_Config):
    sales: SalesRouting
    types: dict[str, ActionOwner]

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: dict[str, ActionOwner]) -> dict[str, ActionOwner]:
        unknown = sorted(set(value) - set(TYPES))
        if unknown:
            raise ValueError(f"unknown inbound type(s) {unknown}; known: {', '.join(TYPES)}")
        missing = sorted(set(TYPES) - {"sales"} - set(value))
        if missing:
            raise ValueError(f"no routing for type(s) {missing}")
        return value


class ReviewConfig(_Config):
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    owner: str = "review"


class DuplicatesConfig(_Config):
    window_hours: float = Field(default=168, gt=0)


class BackendsConfig(_Config):
    """Which backend runs each model step: the local default, an LLM, or both (ensemble)."""

    extract: Literal["local", "llm"] = "local"
    classify: Literal["local", "llm", "ensemble"] = "local"


class CrmFiles(_Config):
    accounts: str = "crm_accounts.csv"
    contacts: str = "crm_contacts.csv"
    owners: str = "owners.csv"


_FORM_TARGETS = ("from_email", "from_name", "subject", "body", "ignore")


class FormConfig(_Config):
    """One HTML form posting to ``/intake/forms/{form_id}``: where its fields go and who may post it."""

    channel: Literal["web_form", "demo_request", "support_ticket", "chat"] = "web_form"
    # posted field name -> from_email, from_name, subject, body, ignore, or fields.NAME (renamed form field);
    # unmapped fields are kept in the event's `fields` under their own name.
    fields: dict[str, str] = Field(default_factory=dict)
    redirect: str | None = None  # answer 303 to this URL (a thank-you page) instead of JSON
    # A key the form's HTML carries in a hidden field: it ties posts to this form but is visible in the page.
    secret: str | None = None
    secret_field: str = "_secret"
    # When set, a post must come from one of these origins (the browser's Origin, else Referer header).
    allowed_origins: list[str] = Field(default_factory=list)

    @field_validator("fields")
    @classmethod
    def _targets(cls, value: dict[str, str]) -> dict[str, str]:
        for name, target in value.items():
            if target not in _FORM_TARGETS and not (target.startswith("fields.") and len(target) > 7):
                raise ValueError(f"field {name!r} maps to {target!r}; use one of {', '.join(_FORM_TARGETS)} "
                                 "or fields.NAME")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return [o.strip().rstrip("/").lower() for o in value]


# --- Owners, SLAs and actions (issue 4) ----------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> timedelta:
    """A duration written as ``30s``, ``15m``, ``4h``, ``3d`` or ``1w`` (or a number of seconds)."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=float(value))
    match = _DURATION.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a duration; write e.g. 30s, 15m, 4h, 3d or 1w")
    return timedelta(seconds=float(match.group(1)) * _UNIT_S[match.group(2)])


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class QueueMember(_Config):
    """A person in a queue: their share of the round robin and how many open leads they may hold."""

    email: str = Field(min_length=3)
    weight: int = Field(default=1, ge=0)  # 0 keeps someone in the queue without new leads
    cap: int | None = Field(default=None, ge=0)  # max open leads; None: no cap

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()


def _member(value: Any) -> Any:
    return {"email": value} if isinstance(value, str) else value


class QueueConfig(_Config):
    """A queue the routing policy names: its members, its manager, and where leads go when nobody is free."""

    members: list[Annotated[QueueMember, BeforeValidator(_member)]] = Field(default_factory=list)
    manager: str | None = None  # an owner's email: reminders escalate to them, and the last resort
    fallback: str | None = None  # another queue's name or a person's email

    @field_validator("manager", "fallback")
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip().lower() if value and "@" in value else (value.strip() if value else None)


SlaStepName = Literal["remind", "reassign", "escalate"]


class SlaStep(_Config):
    """What to do when a lead was not touched in time; `after` counts from the previous step (or the due time)."""

    do: SlaStepName
    after: Duration = timedelta(0)


def _default_sla_due() -> dict[Action, timedelta]:
    return {"escalate": timedelta(minutes=15), "route": timedelta(hours=4), "review": timedelta(hours=1)}


def _default_sla_steps() -> list[SlaStep]:
    return [SlaStep(do="remind"), SlaStep(do="reassign", after=timedelta(minutes=15)),
            SlaStep(do="escalate", after=timedelta(minutes=30))]


class SlaConfig(_Config):
    """Due times per action for the first touch, and the steps taken when one passes."""

    due: dict[Action, Duration] = Field(default_factory=_default_sla_due)
    when_missed: list[SlaStep] = Field(default_factory=_default_sla_steps)


ReplySituation = Literal["weak_fit", "student", "insufficient_info"]


class FollowUpStep(_Config):
    """One email of the sequence to a lead who did not answer; `after` counts from the previous email."""

    after: Duration
    situation: str | None = None  # a template name; None: follow_up_1 for the first step, follow_up_2 after


class FollowUpsConfig(_Config):
    """Follow-up emails after an auto-sent reply, until the lead answers or opts out."""

    steps: list[FollowUpStep] = Field(default_factory=list)


CrmSlug = Literal["builtin", "hubspot", "salesforce"]


def _escalate_only() -> list[Action]:
    return ["escalate"]


def _builtin_only() -> list[CrmSlug]:
    return ["builtin"]


class SlackActionsConfig(_Config):
    alert_on: list[Action] = Field(default_factory=_escalate_only)


class EmailActionsConfig(_Config):
    from_address: str = "sales@example.com"
    sender_name: str = "The sales team"  # signs the emails
    reply_to: str | None = None
    # Extra template values: self_serve_url, docs_url, education_url, meeting_url ...
    links: dict[str, str] = Field(default_factory=dict)
    # Situations whose reply is sent by itself; the others are kept as drafts for a person.
    auto_send: list[ReplySituation] = Field(default_factory=list)
    templates: str | None = None  # a folder of the workspace with Jinja templates overriding the built-in ones

    @field_validator("from_address", "reply_to")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or any(c in value for c in "\r\n")):
            raise ValueError(f"{value!r} is not an email address")
        return value


class ActionsConfig(_Config):
    """Which integrations a decision's actions use."""

    crm: list[CrmSlug] = Field(default_factory=_builtin_only)
    field_mapping: dict[str, dict[str, str]] = Field(default_factory=dict)  # crm -> our field -> theirs
    slack: SlackActionsConfig = Field(default_factory=SlackActionsConfig)
    email: EmailActionsConfig = Field(default_factory=EmailActionsConfig)
    base_url: str = "http://127.0.0.1:8000"  # lead links in alerts, tasks and emails

    @field_validator("field_mapping")
    @classmethod
    def _known_crms(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        unknown = sorted(set(value) - {"builtin", "hubspot", "salesforce"})
        if unknown:
            raise ValueError(f"field_mapping for unknown CRM(s) {unknown}; known: builtin, hubspot, salesforce")
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")


class WorkspaceConfig(_Config):
    """The contents of ``workspace.yaml``."""

    version: str = "1"
    company: CompanyConfig
    icp: IcpConfig
    segments: list[SegmentConfig] = Field(min_length=1)
    routing: RoutingConfig
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    duplicates: DuplicatesConfig = Field(default_factory=DuplicatesConfig)
    crm: CrmFiles = Field(default_factory=CrmFiles)
    backends: BackendsConfig = Field(default_factory=BackendsConfig)
    forms: dict[str, FormConfig] = Field(default_factory=dict)
    queues: dict[str, QueueConfig] = Field(default_factory=dict)
    # Out-of-office periods per owner email: [[from, to], ...], dates (whole days, UTC) or ISO times.
    out_of_office: dict[str, list[tuple[Any, Any]]] = Field(default_factory=dict)
    sla: SlaConfig = Field(default_factory=SlaConfig)
    follow_ups: FollowUpsConfig = Field(default_factory=FollowUpsConfig)
    actions: ActionsConfig = Field(default_factory=ActionsConfig)


@dataclass(frozen=True)
class Owner:
    email: str
    name: str
    team: str
    title: str = ""


@dataclass
class Workspace:
    """A loaded, validated workspace."""

    path: Path
    config: WorkspaceConfig
    accounts: list[CrmAccount]
    contacts: list[CrmContact]
    owners: list[Owner]
    digest: str = ""
    # Out-of-office periods per owner email, [start, end) in UTC, from `out_of_office`.
    away_periods: dict[str, list[tuple[datetime, datetime]]] = field(default_factory=dict)
    _accounts_by_id: dict[str, CrmAccount] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._accounts_by_id = {a.account_id: a for a in self.accounts}

    @property
    def version(self) -> str:
        """The declared version plus a digest of the files, so decisions name what they ran on."""
        return f"{self.config.version}+{self.digest[:8]}"

    @property
    def own_domains(self) -> list[str]:
        return self.config.company.domains

    @property
    def served_countries(self) -> set[str]:
        return set(self.config.icp.served_countries)

    def account(self, account_id: str | None) -> CrmAccount | None:
        return self._accounts_by_id.get(account_id) if account_id else None

    def queues(self) -> set[str]:
        """Every owner name the routing policy can produce that is not a person."""
        names = {s.name for s in self.config.segments}
        names |= {self.config.routing.sales.fallback_owner, self.config.review.owner}
        for ao in (self.config.routing.sales.weak_fit, self.config.routing.sales.unknown_fit,
                   *self.config.routing.types.values()):
            if ao.owner:
                names.add(ao.owner)
        return names

    def queue(self, name: str) -> QueueConfig:
        """A queue's members, manager and fallback; without a `queues:` entry, the owners whose team is `name`."""
        configured = self.config.queues.get(name)
        if configured is not None:
            return configured
        return QueueConfig(members=[QueueMember(email=o.email) for o in self.owners if o.team == name])

    def is_queue(self, name: str) -> bool:
        """Whether `name` names a queue (configured, named by the policy, or a team in owners.csv)."""
        return name in self.config.queues or name in self.queues() or any(o.team == name for o in self.owners)

    def is_away(self, email: str, at: datetime) -> bool:
        """Whether the owner is out of office at `at`."""
        return any(start <= at < end for start, end in self.away_periods.get(email.lower(), ()))


def _when(value: str, *, end: bool) -> datetime:
    text = value.strip()
    if len(text) == 10:  # a date: the whole day, so an end date is inclusive
        day = date.fromisoformat(text)
        return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _away_periods(config: WorkspaceConfig, problems: list[str]) -> dict[str, list[tuple[datetime, datetime]]]:
    out: dict[str, list[tuple[datetime, datetime]]] = {}
    for email, periods in config.out_of_office.items():
        for i, (start_text, end_text) in enumerate(periods):
            where = f"workspace.yaml: out_of_office.{email}.{i}"
            try:
                start, end = _when(str(start_text), end=False), _when(str(end_text), end=True)
            except ValueError as exc:
                problems.append(f"{where}: not an ISO date or time: {exc}")
                continue
            if end <= start:
                problems.append(f"{where}: the period ends before it starts")
                continue
            out.setdefault(email.strip().lower(), []).append((start, end))
    return out


def _check_queues(config: WorkspaceConfig, people: set[str], owners_file: str, problems: list[str]) -> None:
    for name, queue in config.queues.items():
        for i, member in enumerate(queue.members):
            if member.email not in people:
                problems.append(f"workspace.yaml: queues.{name}.members.{i}: {member.email!r} is not in {owners_file}")
        if queue.manager and queue.manager not in people:
            problems.append(f"workspace.yaml: queues.{name}.manager: {queue.manager!r} is not in {owners_file}")
        if queue.fallback and "@" in queue.fallback and queue.fallback not in people:
            problems.append(f"workspace.yaml: queues.{name}.fallback: {queue.fallback!r} is not in {owners_file}")
        elif queue.fallback and "@" not in queue.fallback and queue.fallback not in config.queues:
            problems.append(f"workspace.yaml: queues.{name}.fallback: {queue.fallback!r} is neither a queue "
                            "under queues: nor an email")
    for email in config.out_of_office:
        if email.strip().lower() not in people:
            problems.append(f"workspace.yaml: out_of_office.{email}: not in {owners_file}")


def _read_csv(path: Path, required: Iterable[str], problems: list[str]) -> list[dict[str, str]]:
    if not path.is_file():
        problems.append(f"{path.name}: file not found at {path}")
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                problems.append(f"{path.name}: missing column(s) {', '.join(missing)}")
                return []
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (UnicodeDecodeError, csv.Error) as exc:
        problems.append(f"{path.name}: cannot read: {exc}")
        return []


def _opt(value: str) -> str | None:
    return value or None


def _load_accounts(path: Path, problems: list[str]) -> list[CrmAccount]:
    rows = _read_csv(path, ["account_id", "name", "domain"], problems)
    out: list[CrmAccount] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        where = f"{path.name}:{line}"
        if not row.get("account_id") or not row.get("name"):
            problems.append(f"{where}: account_id and name are required")
            continue
        if row["account_id"] in seen:
            problems.append(f"{where}: account_id {row['account_id']!r} appears twice")
            continue
        seen.add(row["account_id"])
        employees: int | None = None
        if row.get("employees"):
            try:
                employees = int(row["employees"].replace(",", ""))
            except ValueError:
                problems.append(f"{where}: employees {row['employees']!r} is not a whole number")
                continue
        country = _opt(row.get("country", "").upper())
        if country and (len(country) != 2 or not country.isalpha()):
            problems.append(f"{where}: country {country!r} is not an ISO 3166 alpha-2 code")
            continue
        out.append(CrmAccount(
            account_id=row["account_id"], name=row["name"], domain=_opt(row.get("domain", "").lower()),
            industry=_opt(row.get("industry", "")), employees=employees, country=country,
            status=_opt(row.get("status", "").lower()), owner_email=_opt(row.get("owner_email", "").lower()),
            plan=_opt(row.get("plan", "")),
        ))
    return out


def _load_contacts(path: Path, account_ids: set[str], problems: list[str]) -> list[CrmContact]:
    rows = _read_csv(path, ["contact_id", "email"], problems)
    out: list[CrmContact] = []
    for line, row in enumerate(rows, start=2):
        where = f"{path.name}:{line}"
        if not row.get("contact_id"):
            problems.append(f"{where}: contact_id is required")
            continue
        account_id = _opt(row.get("account_id", ""))
        if account_id and account_id not in account_ids:
            problems.append(f"{where}: account_id {account_id!r} is not in the accounts file")
            continue
        out.append(CrmContact(
            contact_id=row["contact_id"], account_id=account_id, name=_opt(row.get("name", "")),
            email=_opt(row.get("email", "").lower()), title=_opt(row.get("title", "")),
            last_activity=_opt(row.get("last_activity", "")),
        ))
    return out


def _load_owners(path: Path, problems: list[str]) -> list[Owner]:
    rows = _read_csv(path, ["email", "name", "team"], problems)
    out = []
    for line, row in enumerate(rows, start=2):
        if "@" not in row.get("email", ""):
            problems.append(f"{path.name}:{line}: email {row.get('email')!r} is not an email address")
            continue
        out.append(Owner(email=row["email"].lower(), name=row["name"], team=row["team"],
                         title=row.get("title", "")))
    return out


def _format_validation(file: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        out.append(f"{file}: {key}: {err['msg']}")
    return out


def load_workspace(path: str | Path) -> Workspace:
    """Load and validate the workspace in directory `path`.

    Raises:
        WorkspaceError: listing every problem found, each with file, key and what is wrong.
    """
    root = Path(path)
    config_path = root / "workspace.yaml"
    if not root.is_dir():
        raise WorkspaceError([f"{root}: not a directory"])
    if not config_path.is_file():
        raise WorkspaceError([f"workspace.yaml: not found in {root}"])
    raw_bytes = config_path.read_bytes()
    try:
        raw: Any = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise WorkspaceError([f"workspace.yaml: not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict):
        raise WorkspaceError(["workspace.yaml: the top level must be a mapping"])
    try:
        config = WorkspaceConfig.model_validate(raw)
    except ValidationError as exc:
        raise WorkspaceError(_format_validation("workspace.yaml", exc)) from exc

    problems: list[str] = []
    accounts = _load_accounts(root / config.crm.accounts, problems)
    contacts = _load_contacts(root / config.crm.contacts, {a.account_id for a in accounts}, problems)
    owners = _load_owners(root / config.crm.owners, problems)
    known_people = {o.email for o in owners}
    for account in accounts:
        if account.owner_email and account.owner_email not in known_people:
            problems.append(f"{config.crm.accounts}: account {account.account_id}: owner_email "
                            f"{account.owner_email!r} is not in {config.crm.owners}")
    _check_queues(config, known_people, config.crm.owners, problems)
    away = _away_periods(config, problems)
    if problems:
        raise WorkspaceError(problems)

    digest = hashlib.sha256(raw_bytes)
    for name in (config.crm.accounts, config.crm.contacts, config.crm.owners):
        digest.update((root / name).read_bytes())
    return Workspace(path=root, config=config, accounts=accounts, contacts=contacts, owners=owners,
                     digest=digest.hexdigest(), away_periods=away)
