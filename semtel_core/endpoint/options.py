"""Every knob of the local endpoint, validated in one pydantic model.

Options come from an optional scenario YAML file (same shape as :class:`EndpointOptions`) and are then
overridden by command-line flags, addressed by dotted paths such as ``rate_limit.rpm``. Every simulation is off
by default, so a plain ``semtel endpoint serve`` behaves like a fast, well-behaved provider.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from semtel_core.errors import ConfigError

MalformedKind = Literal["prose", "code_fence", "near_miss", "wrong_case", "missing_field", "non_json"]
ALL_MALFORMED_KINDS: tuple[MalformedKind, ...] = (
    "prose",
    "code_fence",
    "near_miss",
    "wrong_case",
    "missing_field",
    "non_json",
)


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyLimits(_Options):
    """Limits of one API key; ``None`` means unlimited in that dimension."""

    rpm: int | None = Field(default=None, gt=0)
    tpm: int | None = Field(default=None, gt=0)


class CapacityStep(_Options):
    """At ``at_s`` seconds after start, change the limits of ``key`` (every key when ``None``).

    Either absolute (``rpm``/``tpm``) or relative to the configured limits (``rpm_factor``/``tpm_factor``).
    """

    at_s: float = Field(ge=0)
    key: str | None = None
    rpm: int | None = Field(default=None, gt=0)
    tpm: int | None = Field(default=None, gt=0)
    rpm_factor: float | None = Field(default=None, gt=0)
    tpm_factor: float | None = Field(default=None, gt=0)
    announce: bool = Field(
        default=True, description="the limit headers show the new limits (false: they go on showing the old)"
    )

    @model_validator(mode="after")
    def _changes_something(self) -> CapacityStep:
        if (self.rpm, self.tpm, self.rpm_factor, self.tpm_factor) == (None, None, None, None):
            raise ValueError("a capacity step needs one of rpm, tpm, rpm_factor, tpm_factor")
        return self


class RateLimitOptions(_Options):
    rpm: int | None = Field(default=None, gt=0, description="requests per minute for every key")
    tpm: int | None = Field(default=None, gt=0, description="tokens per minute for every key")
    keys: dict[str, KeyLimits] = Field(default_factory=dict, description="per-key limits replacing rpm/tpm")
    burst_window_s: float = Field(default=60.0, gt=0, description="bucket size = limit x window / 60 s")
    charge_rejected: bool = Field(default=False, description="429'd attempts still consume quota")
    default_max_tokens: int = Field(
        default=256, gt=0, description="charged when a request sets no max_tokens"
    )
    capacity_steps: list[CapacityStep] = Field(default_factory=list)
    limit_headers: bool = Field(
        default=True, description="send x-ratelimit-* headers (vLLM, Ollama and many gateways send none)"
    )
    retry_after_headers: bool = Field(
        default=True, description="send retry-after and retry-after-ms on a 429"
    )

    @property
    def enabled(self) -> bool:
        return bool(self.rpm or self.tpm or self.keys)


class LatencyOptions(_Options):
    ttft_median_s: float = Field(default=0.0, ge=0, description="median of the lognormal time to first token")
    ttft_sigma: float = Field(default=0.5, ge=0, description="sigma of log(time to first token)")
    per_token_s: float = Field(default=0.0, ge=0, description="seconds per completion token")
    inflight_slowdown: float = Field(default=0.0, ge=0, description="latency x (1 + this x other in-flight)")

    @property
    def enabled(self) -> bool:
        return self.ttft_median_s > 0 or self.per_token_s > 0


class FaultOptions(_Options):
    """Probabilities per admitted request, drawn in this order from one seeded generator."""

    error_500: float = Field(default=0.0, ge=0, le=1)
    error_503: float = Field(default=0.0, ge=0, le=1)
    drop: float = Field(default=0.0, ge=0, le=1, description="connection closed mid-response")
    hang: float = Field(
        default=0.0, ge=0, le=1, description="no answer for hang_s (or until the client leaves)"
    )
    hang_s: float = Field(default=600.0, gt=0)
    malformed: float = Field(default=0.0, ge=0, le=1, description="a 200 whose content breaks the schema")
    malformed_kinds: list[MalformedKind] = Field(
        default_factory=lambda: list(ALL_MALFORMED_KINDS), min_length=1
    )

    @model_validator(mode="after")
    def _at_most_one(self) -> FaultOptions:
        if self.error_500 + self.error_503 + self.drop + self.hang + self.malformed > 1:
            raise ValueError("fault probabilities must sum to at most 1")
        return self


class BatchOptions(_Options):
    time_scale: float = Field(default=1.0, gt=0, description="real seconds per simulated second")
    validating_s: float = Field(default=0.0, ge=0, description="simulated seconds spent validating")
    finalizing_s: float = Field(default=0.0, ge=0, description="simulated seconds spent finalizing")
    request_s: float = Field(default=0.0, ge=0, description="simulated seconds per request")
    fail_share: float = Field(default=0.0, ge=0, le=1, description="share of requests that fail (error file)")
    expire_after: float | None = Field(default=None, ge=0, le=1, description="expire once this share is done")
    max_requests: int = Field(default=50_000, gt=0)
    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    concurrency: int = Field(default=4, gt=0)


class EndpointOptions(_Options):
    seed: int = 0
    preload: bool = Field(default=True, description="load the sentence model in the background at startup")
    stats_interval_s: float = Field(default=60.0, gt=0)
    data_dir: Path | None = Field(default=None, description="uploaded and produced files (temp dir if unset)")
    max_context_tokens: int | None = Field(
        default=None, gt=0, description="chat prompts over this many tokens get a 400 context_length_exceeded"
    )
    token_factor: float = Field(
        default=1.0,
        gt=0,
        description="the server counts prompt tokens as the client's tokenizer times this (charged and reported)",
    )
    rate_limit: RateLimitOptions = Field(default_factory=RateLimitOptions)
    latency: LatencyOptions = Field(default_factory=LatencyOptions)
    faults: FaultOptions = Field(default_factory=FaultOptions)
    batch: BatchOptions = Field(default_factory=BatchOptions)


def _set_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node = data
    for part in parents:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"scenario field {part!r} must be a mapping", field=dotted)
        node = child
    node[leaf] = value


def load_options(scenario: Path | None = None, overrides: dict[str, Any] | None = None) -> EndpointOptions:
    """Scenario YAML (optional) plus dotted-path overrides (``None`` values are ignored)."""
    data: dict[str, Any] = {}
    if scenario is not None:
        try:
            loaded = yaml.safe_load(scenario.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"cannot read scenario {scenario}: {exc}", field="(file)", path=str(scenario)
            ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"scenario {scenario} must hold a mapping", field="(root)", path=str(scenario))
        data = loaded
    for dotted, value in (overrides or {}).items():
        if value is not None:
            _set_dotted(data, dotted, value)
    try:
        return EndpointOptions.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise ConfigError(f"invalid endpoint option {field}: {first['msg']}", field=field) from None
