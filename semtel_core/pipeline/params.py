"""The weekly run's parameters (what the DAG's trigger form and backfills override) and the settings they give.

The DAG hands its ``params`` dict to every step as is; each step validates it here, so a typo in a trigger form
fails the first task with a clear message instead of running with defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from semtel_core.config import Settings, load_settings
from semtel_core.errors import ConfigError


class RunParams(BaseModel):
    """One weekly run's choices; ``None`` / empty means "as configured"."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    config_path: str | None = None
    classifiers: list[str] = Field(default_factory=list, description="empty: settings.classifiers")
    batch_classifiers: list[str] = Field(
        default_factory=list,
        description="classifiers sent through the provider Batch API; the rest go online",
    )
    strategy: str | None = Field(default=None, description="online strategy: single, multi, batched, ...")
    model: str | None = Field(default=None, description="model of every endpoint of the pool")
    sample_rate: float | None = Field(default=None, gt=0, le=1)
    engine: Literal["polars", "spark"] = "polars"
    partition_tokens: int = Field(default=2_000_000, ge=1, description="conversation tokens per partition")
    poll_interval_s: float | None = Field(default=None, gt=0, description="default: batch.poll_interval_s")

    @classmethod
    def parse(cls, params: Mapping[str, Any] | RunParams) -> RunParams:
        if isinstance(params, RunParams):
            return params
        try:
            return cls.model_validate(dict(params))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise ConfigError(
                f"invalid run parameter {field}: {first['msg']}", field=f"params.{field}"
            ) from None

    def settings(self) -> Settings:
        """Settings from ``config_path`` (or ``SEMTEL_CONFIG``) with this run's overrides applied."""
        base = load_settings(self.config_path)
        data = base.model_dump()
        if self.model is not None:
            data["endpoints"] = [{**ep, "model": self.model} for ep in data["endpoints"]]
        if self.sample_rate is not None:
            data["sampling"] = {**data["sampling"], "rate": self.sample_rate}
        if self.strategy is not None:
            data["classify"] = {**data["classify"], "strategy": self.strategy}
        data["classify"] = {**data["classify"], "engine": self.engine}
        return Settings(**data)

    def split(self, settings: Settings) -> tuple[list[str], list[str]]:
        """(online classifiers, batch classifiers); unknown batch classifiers are refused."""
        names = list(self.classifiers or settings.classifiers)
        unknown = sorted(set(self.batch_classifiers) - set(names))
        if unknown:
            raise ConfigError(
                f"batch_classifiers {unknown} are not among the run's classifiers {names}",
                field="params.batch_classifiers",
            )
        batch = [c for c in names if c in self.batch_classifiers]
        return [c for c in names if c not in batch], batch
