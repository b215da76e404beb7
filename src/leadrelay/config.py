"""The service's settings: one typed object built once per entry point and passed down.

Every value can come from the environment with the prefix ``LEADRELAY_`` (nested keys with ``__``),
e.g. ``LEADRELAY_DATABASE_URL=postgresql+psycopg://...`` or ``LEADRELAY_QUEUE=redis``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leadrelay.integrations.email import SmtpSettings
from leadrelay.integrations.hubspot import HubSpotSettings
from leadrelay.integrations.salesforce import SalesforceSettings
from leadrelay.integrations.slack import SlackSettings

__all__ = ["QueueKind", "Settings"]

QueueKind = Literal["sqlite", "redis", "postgres"]


class Settings(BaseSettings):
    """Where the service keeps its data, how it queues work, and the limits it enforces on intake."""

    # extra="ignore": other parts of LeadRelay read their own LEADRELAY_* variables (LLM settings, ...).
    model_config = SettingsConfigDict(env_prefix="LEADRELAY_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Path("./data")
    # None means a SQLite file in the data dir; PostgreSQL through e.g. postgresql+psycopg://user@host/db.
    database_url: str | None = None
    workspace: Path = Path("examples/cobalt")

    queue: QueueKind = "sqlite"
    queue_url: str | None = None  # redis://host:6379/0 or a PostgreSQL DSN; the sqlite queue is a file in data_dir
    queue_name: str = "leadrelay"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    consume_in_serve: bool = True  # `leadrelay serve` also runs a consumer unless dedicated workers do
    worker_threads: int = Field(default=1, ge=1, le=64)
    # The CPU priority of serve's own consumer process, so answering senders comes first (it also yields
    # to a busy intake, below): "low" nice 10; "idle" Linux's SCHED_IDLE, which runs only when a CPU would
    # otherwise be idle (nice 19 elsewhere) and so may starve on a machine other programs keep busy;
    # "normal". `leadrelay worker` always keeps its normal priority.
    consumer_priority: Literal["idle", "low", "normal"] = "low"
    # Before each job serve's own consumer waits while this many event requests are in flight (0: never),
    # at most `consumer_yield_max_s` a job (leadrelay.jobs.pressure).
    consumer_yield_at: int = Field(default=4, ge=0)
    consumer_yield_max_s: float = Field(default=0.25, ge=0, le=5)

    # Intake limits.
    require_auth: bool = True
    metrics_require_auth: bool = False  # GET /metrics asks for an API token too (docs/monitoring.md)
    max_body_bytes: int = Field(default=1_000_000, ge=1_024)
    rate_limit_per_min: int = Field(default=600, ge=1)  # per source, per API process
    idempotency_window_s: int = Field(default=24 * 3600, ge=1)

    # Jobs: retries with backoff, then the dead-letter state.
    job_retries: int = Field(default=3, ge=0, le=20)
    job_retry_delay_s: float = Field(default=2.0, ge=0)
    job_retry_backoff: float = Field(default=2.0, ge=1.0)
    # A job neither done nor dead whose row has not moved for this long is presumed lost (a killed
    # process) and re-enqueued by the sweeper; re-running is safe because decisions are idempotent.
    stalled_after_s: float = Field(default=300.0, gt=0)
    sweep_interval_s: float = Field(default=30.0, gt=0)

    # Intake channels (docs/channels.md). A provider webhook whose secret is unset answers 404.
    email_max_bytes: int = Field(default=5_000_000, ge=1_024)  # one raw RFC 822 message, any channel
    mailgun_signing_key: SecretStr | None = None  # the domain's HTTP webhook signing key
    mailgun_max_age_s: int = Field(default=300, ge=1)  # older signed timestamps are refused (replays)
    sendgrid_secret: SecretStr | None = None  # in the Inbound Parse URL path, or as the basic-auth password
    zendesk_signing_secret: SecretStr | None = None  # when unset, the Zendesk webhook needs a bearer token
    zendesk_max_age_s: int = Field(default=300, ge=1)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=2525, ge=0, le=65535)
    # Recipient domains `leadrelay smtp` accepts mail for; empty means the workspace company's domains.
    smtp_domains: list[str] = Field(default_factory=list)
    imap_host: str = "127.0.0.1"
    imap_port: int | None = Field(default=None, ge=1, le=65535)  # None: 993 with ssl, else 143
    imap_security: Literal["ssl", "starttls", "none"] = "ssl"
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_mailbox: str = "INBOX"
    imap_move_to: str | None = None  # move stored messages here instead of only flagging them \Seen
    imap_batch: int = Field(default=100, ge=1, le=10_000)  # messages per poll
    imap_poll_interval_s: float = Field(default=60.0, gt=0)
    imap_timeout_s: float = Field(default=30.0, gt=0)

    # Notifications (docs/notifications.md): Slack alerts and callbacks, replies over SMTP, opt-out links.
    slack: SlackSettings | None = None  # LEADRELAY_SLACK__MODE, __WEBHOOK_URL, __BOT_TOKEN, __SIGNING_SECRET, ...
    smtp_out: SmtpSettings | None = None  # LEADRELAY_SMTP_OUT__HOST, __PORT, __SECURITY, __USERNAME, ...
    unsubscribe_secret: SecretStr | None = None  # signs /unsubscribe/{token} links; None turns opt-out links off

    # CRMs (docs/actions.md): HubSpot and Salesforce are written when the workspace lists them and these are set.
    hubspot: HubSpotSettings | None = None  # LEADRELAY_HUBSPOT__ACCESS_TOKEN, __BASE_URL, ...
    salesforce: SalesforceSettings | None = None  # LEADRELAY_SALESFORCE__INSTANCE_URL, __ACCESS_TOKEN, ...
    # The outbox (docs/actions.md): attempts per action, backoff, and when a running action is presumed lost.
    public_url: str | None = None  # where people reach this service (lead links); None: the workspace's base_url
    action_attempts: int = Field(default=8, ge=1, le=50)
    action_retry_delay_s: float = Field(default=5.0, ge=0)
    action_retry_backoff: float = Field(default=2.0, ge=1.0)
    action_max_delay_s: float = Field(default=3600.0, gt=0)
    action_lost_after_s: float = Field(default=600.0, gt=0)  # a running action older than this is retried
    action_timeout_s: float = Field(default=20.0, gt=0)  # HTTP timeout of integration calls

    @model_validator(mode="after")
    def _queue_needs_url(self) -> Settings:
        if self.queue != "sqlite" and not self.queue_url:
            raise ValueError(f"queue {self.queue!r} needs queue_url (LEADRELAY_QUEUE_URL)")
        return self

    @property
    def db_url(self) -> str:
        """The database URL in use: the configured one, else a SQLite file in the data dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'leadrelay.db').resolve()}"

    @property
    def queue_file(self) -> Path:
        """The embedded queue's SQLite file (used when queue is ``sqlite``)."""
        return (self.data_dir / "queue.db").resolve()

    def ensure_data_dir(self) -> None:
        """Create the data dir, where the embedded database and queue live."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
