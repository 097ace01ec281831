"""The one validated place for configuration.

Precedence, highest first: explicit overrides (a run's parameters, an A/B configuration, CLI flags), then
``SEMTEL_*`` environment variables (nested fields with ``__``, e.g. ``SEMTEL_SAMPLING__RATE=0.1``), then the YAML
file, then the defaults here. Sections merge field by field across the sources. Secrets never live in the YAML: an endpoint names the environment
variable (or Airflow connection) that holds its key, and every secret is a ``SecretStr`` so it is redacted in
``repr`` and logs. Invalid configuration fails at load time with a :class:`ConfigError` naming the field.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from semtel_core.errors import ConfigError

LOCAL_ENDPOINT_URL = "http://127.0.0.1:8765/v1"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Price(_Section):
    """USD per million tokens."""

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)
    batch_discount: float = Field(default=0.5, ge=0, le=1)


class EndpointSettings(_Section):
    """One LLM endpoint: OpenAI, Azure OpenAI or any OpenAI-compatible server (vLLM, Ollama, the local one)."""

    name: str
    kind: Literal["openai", "azure"] = "openai"
    base_url: str = LOCAL_ENDPOINT_URL
    model: str = "local-zeroshot"
    deployment: str | None = None
    api_version: str | None = None
    api_key: SecretStr | None = None
    api_key_env: str | None = None
    airflow_conn_id: str | None = Field(
        default=None,
        description="Airflow connection holding this endpoint's URL, key, model and limits (read in tasks)",
    )
    rpm: int | None = Field(default=None, gt=0)
    tpm: int | None = Field(default=None, gt=0)
    weight: float = Field(default=1.0, gt=0)
    timeout_s: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _azure_needs_deployment(self) -> EndpointSettings:
        if self.kind == "azure" and not (self.deployment and self.api_version):
            raise ValueError("an azure endpoint needs 'deployment' and 'api_version'")
        return self

    def resolved_api_key(self) -> SecretStr:
        """The key from ``api_key``, else from ``api_key_env``; the local endpoint accepts any key."""
        if self.api_key is not None:
            return self.api_key
        if self.api_key_env:
            value = os.environ.get(self.api_key_env)
            if not value:
                raise ConfigError(
                    f"endpoint {self.name!r}: environment variable {self.api_key_env} is not set",
                    field=f"endpoints.{self.name}.api_key_env",
                )
            return SecretStr(value)
        return SecretStr("semtel-local")


class ClientSettings(_Section):
    """The rate-limit-aware LLM client (``semtel_core.llm``): retries, deadlines and adaptive concurrency."""

    max_attempts: int = Field(
        default=6, ge=1, description="HTTP attempts per request, all endpoints together"
    )
    deadline_s: float = Field(default=600.0, gt=0, description="total time budget of one request")
    backoff_base_s: float = Field(default=0.5, gt=0)
    backoff_max_s: float = Field(default=30.0, gt=0)
    retry_after_cap_s: float = Field(
        default=60.0, gt=0, description="server retry-after is honoured up to this"
    )
    initial_concurrency: int = Field(
        default=32, ge=1, description="starting in-flight limit per endpoint, split among the active tasks"
    )
    min_concurrency: int = Field(default=1, ge=1)
    max_concurrency: int = Field(default=512, ge=1)
    latency_tolerance: float = Field(default=1.5, ge=1.0, description="short/long latency ratio tolerated")
    backoff_ratio: float = Field(default=0.7, gt=0, lt=1, description="limit multiplier on a 429 or timeout")
    limit_headroom: float = Field(
        default=0.98, gt=0, le=1, description="fraction of a learned rate limit used"
    )
    burst_s: float = Field(default=1.0, gt=0, description="seconds of rate our limiter may send at once")
    charge_max_tokens: bool = Field(
        default=True, description="providers charge prompt + max_tokens at admission"
    )
    breaker_failures: int = Field(default=5, ge=1, description="consecutive failures that open the breaker")
    breaker_cooldown_s: float = Field(default=10.0, gt=0)
    outage_s: float = Field(
        default=180.0,
        gt=0,
        description="every endpoint's breaker open this long: the client stops (error rows naming the cause) and "
        "the step raises an LLMError, instead of each request waiting out its deadline",
    )
    log_every_s: float = Field(default=30.0, gt=0)
    shared_budget_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="Redis holding one rate budget per provider key for every process that uses it; 'local' for a "
        "budget of this process only. An unreachable Redis falls back to local with a WARNING",
    )
    shared_budget_prefix: str = Field(
        default="semtel:budget", min_length=1, description="Redis key prefix of the shared budgets"
    )

    @field_validator("shared_budget_url")
    @classmethod
    def _budget_url(cls, value: str) -> str:
        if value != "local" and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("shared_budget_url must be 'local' or a redis://, rediss:// or unix:// URL")
        return value

    @model_validator(mode="after")
    def _ordered_bounds(self) -> ClientSettings:
        if self.min_concurrency > self.max_concurrency:
            raise ValueError("min_concurrency must not exceed max_concurrency")
        return self


class InputSettings(_Section):
    max_text_chars: int = Field(default=200_000, gt=0, description="longer conversations are rejected")
    max_messages: int = Field(default=1_000, gt=0)
    max_id_chars: int = Field(default=256, gt=0, description="longer conversation ids are rejected")
    chunk_rows: int = Field(default=5_000, gt=0, description="rows per streamed chunk")


class PrivacySettings(_Section):
    enabled: bool = True
    extra_patterns: dict[str, str] = Field(default_factory=dict, description="placeholder name -> regex")
    engine: Literal["regex", "presidio"] = "regex"
    phone_regions: list[str] = Field(
        default_factory=lambda: ["US"], description="regions whose national-format phone numbers are found"
    )


class SamplingSettings(_Section):
    rate: float = Field(default=1.0, gt=0, le=1)
    salt: str = "semtel"


class PathSettings(_Section):
    output_dir: Path = Path("semtel-output")
    prompts_dir: Path | None = None


class PromptSettings(_Section):
    """The prompt layer (``semtel_core.prompts``): token budget per conversation and output normalization."""

    truncation: Literal["none", "head", "tail", "head_tail", "turns"] = "head_tail"
    max_conversation_tokens: int | None = Field(default=2048, ge=32, description="tokens of turn text")
    turn_cap_tokens: int | None = Field(default=None, ge=16, description="per-turn cap of 'turns'")
    compress: bool = Field(default=False, description="squeeze whitespace, elide repeats, long code and logs")
    fuzzy_threshold: float = Field(
        default=85.0, ge=0, le=100, description="rapidfuzz ratio to accept a label"
    )
    fuzzy_margin: float = Field(default=5.0, ge=0, le=100, description="lead over the runner-up label")


class EvaluationSettings(_Section):
    """A/B comparison (``semtel eval compare``): bootstrap and the gate's thresholds, checked per classifier."""

    min_agreement: float = Field(default=0.90, ge=0, le=1, description="share of paired labels that agree")
    min_kappa: float = Field(default=0.80, ge=-1, le=1, description="Cohen's kappa between A and B")
    max_jsd: float = Field(default=0.02, ge=0, le=1, description="Jensen-Shannon divergence (base 2)")
    chi_square_alpha: float | None = Field(
        default=0.01, gt=0, lt=1, description="fail when the chi-square p-value is below; null: off"
    )
    max_unlabelled_increase: float = Field(
        default=0.02, ge=0, le=1, description="rise in the share of invalid/error rows from A to B"
    )
    bootstrap_resamples: int = Field(default=2000, ge=100)
    confidence_level: float = Field(default=0.95, gt=0.5, lt=1)
    seed: int = 0
    embedding_bundle: str | None = Field(
        default=None, description="folder of a 'semtel embed train' bundle, used by the 'embedding' strategy"
    )
    cascade_threshold: float | None = Field(
        default=None, ge=0, le=1, description="rows whose top probability is below go to cascade_strategy"
    )
    cascade_strategy: str = Field(
        default="multi", description="LLM strategy of the cascade: single/multi/batched"
    )
    embedding_endpoint: str | None = Field(
        default=None, description="endpoint name for provider 'endpoint' bundles; default: the first endpoint"
    )


class ClassifySettings(_Section):
    """The classification engine (``semtel_core.classify``): strategies, partitions, engines."""

    strategy: str = Field(default="multi", description="default strategy: single, multi, batched, embedding")
    strategies: dict[str, str] = Field(default_factory=dict, description="classifier -> strategy override")
    strategy_plugins: dict[str, str] = Field(
        default_factory=dict, description="strategy name -> 'module:attribute' of its factory"
    )
    batch_size: int = Field(default=10, ge=1, le=100, description="conversations per batched call")
    shuffle_seed: int = Field(default=0, description="seed of the batched order (against position bias)")
    label_max_tokens: int = Field(default=48, ge=8, description="completion budget per label in a call")
    temperature: float = Field(default=0.0, ge=0, le=2)
    partitions: int | None = Field(default=None, ge=1, description="content-hash buckets; None: by size")
    partition_bytes: int = Field(default=32 << 20, gt=0, description="input bytes per bucket when by size")
    engine: Literal["polars", "spark"] = "polars"
    partition_tokens: int = Field(
        default=2_000_000,
        ge=1,
        description="weekly run: estimated conversation tokens (4 characters a token) per planned partition",
    )
    max_shards: int = Field(
        default=256,
        ge=1,
        le=1024,
        description="weekly run: most mapped classify / batch tasks; the week's partitions are dealt round-robin "
        "to at most this many shards (Airflow maps at most core.max_map_length = 1024 by default)",
    )
    workers: int = Field(
        default=1, ge=1, description="polars engine: buckets classified at once, each in its own process"
    )
    spark_master: str = Field(default="local[2]", description="used when no Spark session is active")


class BatchSettings(_Section):
    """The provider Batch API path (``semtel_core.batch``): file limits, window, request shape, fallback."""

    endpoint: str | None = Field(default=None, description="endpoint name for batches; default: the first")
    max_requests_per_file: int = Field(default=50_000, ge=1, description="provider limit per input file")
    max_file_bytes: int = Field(default=200_000_000, ge=1024, description="provider limit per input file")
    completion_window: str = Field(default="24h", pattern=r"^\d+[hm]$")
    request_style: Literal["single", "multi"] = Field(
        default="multi", description="one request per conversation x classifier, or per conversation"
    )
    fallback_strategy: str = Field(
        default="multi", description="online strategy for failed, expired and missing batch items"
    )
    poll_interval_s: float = Field(default=30.0, gt=0, description="seconds between status polls")
    list_page_size: int = Field(default=100, ge=1, le=100, description="batches per page when re-attaching")


class GraderSettings(_Section):
    """The grader re-check (``semtel_core.grader``): which rows are flagged, which models judge and fix."""

    endpoint: str | None = Field(
        default=None, description="endpoint name for grader calls; default: the first"
    )
    grader_model: str | None = Field(
        default=None, description="model of the grader prompt; default: endpoint's"
    )
    reclassify_model: str | None = Field(
        default=None, description="stronger model re-classifying rows judged wrong; default: endpoint's"
    )
    audit_rate: float = Field(default=0.02, ge=0, le=1, description="share of rows re-checked at random")
    audit_seed: int = Field(default=0, description="seed of the audit sample")
    flag_repaired: bool = True
    flag_invalid: bool = True
    shared_call_strategies: list[str] = Field(
        default_factory=lambda: ["multi", "batched", "batch"],
        description="strategies whose labels share a call: checked against other signals",
    )
    signal_strategy: str | None = Field(
        default="auto",
        description="weekly run: a second, independent strategy whose labels are compared with shared-call "
        "rows (disagreement is flagged); 'auto': 'embedding' when evaluation.embedding_bundle is set, "
        "else none; e.g. 'single' buys one extra call per shared-call row",
    )

    signal_model: str | None = Field(
        default=None, description="model of the signal strategy (an independent opinion); default: endpoint's"
    )

    def resolved_signal_strategy(self, embedding_bundle: str | None) -> str | None:
        if self.signal_strategy == "auto":
            return "embedding" if embedding_bundle else None
        return self.signal_strategy


class LoadSettings(_Section):
    """Loading a week's results (``semtel_core.load``): the Parquet dataset and the Postgres aggregates."""

    dataset_root: str | None = Field(
        default=None, description="root of the results dataset (folder or URI); default: <output_dir>/dataset"
    )
    max_rows_per_file: int = Field(default=1_000_000, ge=1, description="rows per Parquet part file")
    postgres_dsn: SecretStr | None = Field(
        default=None, description="libpq DSN of the aggregates database; unset: aggregates are not loaded"
    )
    postgres_schema: str = Field(default="public", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    postgres_table: str = Field(default="semtel_weekly_aggregates", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")


class ReportSettings(_Section):
    """The HTML report (``semtel_core.report``)."""

    min_cell_size: int = Field(
        default=5, ge=1, description="k: cells counting fewer conversations are suppressed"
    )
    title: str = "semtel weekly report"
    trend_weeks: int = Field(
        default=12, ge=1, le=104, description="weeks of label shares in the trends section"
    )


class TopicsSettings(_Section):
    """Topic discovery (``semtel topics discover``, :mod:`semtel_core.topics`)."""

    min_conversations: int = Field(
        default=10,
        ge=2,
        description="a cluster (and a term naming it) is shown only when this many distinct conversations hold "
        "it, and this many distinct users when the input carries user ids",
    )
    user_id_key: str = Field(default="user_id", description="the key of metadata.extra that holds a user id")
    max_clusters: int = Field(default=40, ge=2, le=500, description="the most clusters k-means may choose")
    terms: int = Field(default=5, ge=1, le=20, description="distinctive terms kept per cluster")
    embedding_model: str = Field(default="local-minilm", description="in-process encoder of the texts")
    max_tokens: int = Field(default=224, ge=32, description="cl100k tokens of user text embedded (head_tail)")
    naming: Literal["auto", "llm", "terms"] = Field(
        default="auto",
        description="llm: summarise each conversation and name each cluster with the endpoint's LLM; terms: name "
        "clusters from their distinctive terms; auto: llm unless the endpoint's model writes no text "
        "(local-zeroshot, instant)",
    )
    llm_concurrency: int = Field(
        default=8, ge=1, le=256, description="discovery's LLM calls in flight at once"
    )
    name_examples: int = Field(
        default=5, ge=1, le=20, description="member summaries (nearest the centroid) a cluster is named from"
    )
    max_topic_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="TnT-LLM's split of oversized topics: a cluster holding more than this share of the clustered "
        "conversations is split in two while both halves keep min_conversations; 1 never splits",
    )
    seed: int = 0
    emerging_fdr: float = Field(
        default=0.05, gt=0, lt=1, description="Benjamini-Hochberg level over the topics tested each week"
    )
    emerging_min_growth: float = Field(
        default=2.0, ge=1, description="an emerging topic holds at least this many times its expected count"
    )
    emerging_weeks: int = Field(
        default=12, ge=1, description="earlier weeks a topic's rate is estimated from"
    )
    emerging_clusters: int = Field(
        default=200,
        ge=2,
        le=2000,
        description="clusters of a week with its remembered weeks (fewer when the week could not fill each with "
        "min_conversations): fine enough that a new topic is a cluster of its own",
    )
    emerging: bool = Field(
        default=False,
        description="the weekly run's emerging task looks for new topics (it embeds a sample of the week in the "
        "task process: about 0.1 CPU-s a conversation with the in-process encoder); off: it removes the week's "
        "topics folder and says it is off",
    )
    emerging_scope: Literal["all", "uncertain"] = Field(
        default="all",
        description="the weekly run's emerging-topics task looks at every conversation (all), or only at those "
        "the emerging_classifier could not place (uncertain)",
    )
    emerging_classifier: str = Field(
        default="topic", description="the classifier whose uncertain conversations scope 'uncertain' takes"
    )
    emerging_labels: list[str] = Field(
        default_factory=lambda: ["other"],
        min_length=1,
        description="labels of emerging_classifier that mean 'not placed' (scope 'uncertain')",
    )
    emerging_confidence: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="a row with a confidence under this is 'not placed' too (embedding classifiers give one)",
    )
    emerging_sample: int = Field(
        default=4000,
        ge=2,
        description="the most conversations of a week embedded and tested (a fixed hash sample of the scope)",
    )
    emerging_alert_growth: float | None = Field(
        default=None,
        ge=1,
        description="alert on-call (the alerts section's channels) when an emerging topic grew at least this "
        "many times its expected count; empty: no alert",
    )


class QualitySettings(_Section):
    """The weekly data-quality suite (``semtel_core.quality``): thresholds checked per classifier."""

    max_unlabelled_rate: float = Field(
        default=0.05, ge=0, le=1, description="share of invalid + error rows allowed per classifier"
    )
    max_flip_rate: float = Field(
        default=0.25, ge=0, le=1, description="share of grader-checked rows whose label flipped"
    )
    jsd_warn: float = Field(
        default=0.02, ge=0, le=1, description="week-over-week JS divergence (base 2) that is reported"
    )
    jsd_fail: float = Field(
        default=0.10, ge=0, le=1, description="week-over-week JS divergence (base 2) that fails the run"
    )
    shift_alpha: float = Field(
        default=0.01,
        gt=0,
        lt=1,
        description="a shift warns or fails only when a chi-square test of the two weeks' label counts "
        "rejects 'same distribution' at this level (small weeks differ by chance)",
    )

    @model_validator(mode="after")
    def _warn_below_fail(self) -> QualitySettings:
        if self.jsd_warn > self.jsd_fail:
            raise ValueError("jsd_warn must not exceed jsd_fail")
        return self


class WeeklySettings(_Section):
    """Deployment settings of the weekly Airflow DAG, read by its tasks (never at parse time). Each can be
    overridden per run by the DAG's parameter of the same name."""

    sources: list[str] = Field(
        default_factory=list,
        description="input files, folders or URIs of the conversations; empty: the bundled sample",
    )
    output_root: str = Field(
        default="semtel-output/weekly", description="working folders of the weeks, the dataset, the reports"
    )
    spark_conn_id: str = Field(
        default="semtel_spark", description="Airflow connection of the Spark master; undefined: local[*]"
    )
    batch_wait_timeout_h: float = Field(
        default=26.0, gt=0, description="batch_wait fails (naming the batches) after this many hours"
    )
    report_roots: list[str] = Field(
        default_factory=list,
        description="besides output_root, folders whose week=*/report.html the Airflow UI may serve",
    )


class AlertSettings(_Section):
    """On-call alerts (``semtel_core.alerts``). Secrets (SMTP password, webhook URL) come from the environment:
    ``SEMTEL_ALERTS__SMTP_PASSWORD``, ``SEMTEL_ALERTS__WEBHOOK_URL``."""

    smtp_host: str | None = Field(default=None, description="no host: no email alerts")
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "semtel@localhost"
    smtp_to: list[str] = Field(default_factory=list)
    webhook_url: SecretStr | None = Field(default=None, description="no URL: no webhook alerts")
    timeout_s: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _email_needs_recipients(self) -> AlertSettings:
        if self.smtp_host and not self.smtp_to:
            raise ValueError("smtp_host is set but smtp_to lists no recipient")
        return self


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SEMTEL_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    endpoints: list[EndpointSettings] = Field(
        default_factory=lambda: [EndpointSettings(name="local")], min_length=1
    )
    classifiers: list[str] = Field(
        default_factory=lambda: [
            "user_expertise",
            "topic",
            "satisfaction",
            "task_complexity",
            "knowledge_work",
        ]
    )
    input: InputSettings = Field(default_factory=InputSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    sampling: SamplingSettings = Field(default_factory=SamplingSettings)
    paths: PathSettings = Field(default_factory=PathSettings)
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    prices: dict[str, Price] = Field(default_factory=dict)
    client: ClientSettings = Field(default_factory=ClientSettings)
    classify: ClassifySettings = Field(default_factory=ClassifySettings)
    evaluation: EvaluationSettings = Field(default_factory=EvaluationSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)
    grader: GraderSettings = Field(default_factory=GraderSettings)
    quality: QualitySettings = Field(default_factory=QualitySettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    load: LoadSettings = Field(default_factory=LoadSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    weekly: WeeklySettings = Field(default_factory=WeeklySettings)
    topics: TopicsSettings = Field(default_factory=TopicsSettings)

    @field_validator("endpoints")
    @classmethod
    def _unique_endpoint_names(cls, v: list[EndpointSettings]) -> list[EndpointSettings]:
        names = [e.name for e in v]
        if len(names) != len(set(names)):
            raise ValueError(f"endpoint names must be unique, got {names}")
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Highest first: explicit overrides (init kwargs), the environment, the YAML file. pydantic-settings
        # merges the sources field by field, so an override of one field keeps the rest of its section.
        return (init_settings, env_settings, _FileSource(settings_cls))


# The YAML file's content while load_settings builds Settings: a source of its own, below the environment.
_FILE_DATA: ContextVar[dict[str, Any] | None] = ContextVar("semtel_settings_file", default=None)


class _FileSource(PydanticBaseSettingsSource):
    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # unused: __call__ returns the whole mapping

    def __call__(self) -> dict[str, Any]:
        return dict(_FILE_DATA.get() or {})


EndpointResolver = Callable[[EndpointSettings], EndpointSettings]
_endpoint_resolver: EndpointResolver | None = None


RESOLVER_ENTRY_POINTS = "semtel.endpoint_resolvers"


def set_endpoint_resolver(resolver: EndpointResolver | None) -> None:
    """Install how endpoints naming an Airflow connection are completed (tests; by default the first resolver
    registered under the ``semtel.endpoint_resolvers`` entry point group, the Airflow provider's, is used)."""
    global _endpoint_resolver
    _endpoint_resolver = resolver


def _installed_resolver() -> EndpointResolver | None:
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=RESOLVER_ENTRY_POINTS):
        resolver: EndpointResolver = entry_point.load()
        return resolver
    return None


def _resolve_connections(settings: Settings) -> Settings:
    named = [e for e in settings.endpoints if e.airflow_conn_id]
    if not named:
        return settings
    resolve = _endpoint_resolver or _installed_resolver()
    if resolve is None:
        raise ConfigError(
            f"endpoint {named[0].name!r} names Airflow connection {named[0].airflow_conn_id!r}, which can only "
            "be read inside Airflow (install semtel's Airflow provider); outside Airflow give base_url and "
            "api_key_env instead",
            field=f"endpoints.{named[0].name}.airflow_conn_id",
        )
    endpoints = [resolve(e) if e.airflow_conn_id else e for e in settings.endpoints]
    return settings.model_copy(update={"endpoints": endpoints})


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc)


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from ``overrides`` > ``SEMTEL_*`` environment > the YAML file (``path``, else ``SEMTEL_CONFIG``)
    > defaults; endpoints naming an Airflow connection are completed from it."""
    path = path or os.environ.get("SEMTEL_CONFIG")
    data: dict[str, Any] = {}
    if path:
        p = Path(path)
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(
                f"cannot read config file {p}: {exc.strerror}", field="(file)", path=str(p)
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(
                f"config file {p} is not valid YAML: {exc}", field="(file)", path=str(p)
            ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(
                f"config file {p} must hold a mapping at top level", field="(root)", path=str(p)
            )
        data = loaded
    token = _FILE_DATA.set(data)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _field_path(first["loc"]) or "(root)"
        raise ConfigError(
            f"invalid configuration: {field}: {first['msg']} ({len(exc.errors())} error(s) in all)",
            field=field,
            errors=[{"field": _field_path(e["loc"]), "message": e["msg"]} for e in exc.errors()],
        ) from None
    finally:
        _FILE_DATA.reset(token)
    settings = _resolve_connections(settings)
    for endpoint in settings.endpoints:
        endpoint.resolved_api_key()  # a key named but not set fails here, before any work, not at the first call
    return settings
