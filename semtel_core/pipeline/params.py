"""The weekly run's parameters (what the DAG's trigger form and backfills override) and the settings they give.

Every parameter defaults to ``None`` (or an empty list): "as configured". The one order, highest first: a run's
explicit parameters, then ``SEMTEL_*`` environment variables, then the settings file, then the defaults
(``semtel_core.config``). The DAG hands its ``params`` dict to every step as is; the first task validates it with
:meth:`RunParams.check`, so a typo in a trigger form fails in seconds with the known names instead of running.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from semtel_core.config import Settings, load_settings
from semtel_core.errors import ConfigError


class RunParams(BaseModel):
    """One weekly run's choices; ``None`` / empty means "as configured"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    config_path: str | None = None
    sources: list[str] | None = Field(default=None, description="empty: weekly.sources, else the sample")
    output_root: str | None = Field(default=None, description="empty: weekly.output_root")
    classifiers: list[str] | None = Field(default=None, description="empty: settings.classifiers")
    batch_classifiers: list[str] | None = Field(
        default=None, description="classifiers sent through the provider Batch API; the rest go online"
    )
    strategy: str | None = Field(default=None, description="online strategy: single, multi, batched, ...")
    model: str | None = Field(default=None, description="model of every endpoint of the pool")
    sample_rate: float | None = Field(default=None, gt=0, le=1)
    engine: Literal["polars", "spark"] | None = None
    partition_tokens: int | None = Field(default=None, ge=1, description="conversation tokens per partition")
    poll_interval_s: float | None = Field(default=None, gt=0, description="default: batch.poll_interval_s")

    @field_validator("config_path", "output_root", "strategy", "model", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # A trigger form sends "" for a cleared text field: that means "as configured", not an empty path.
        return None if isinstance(value, str) and not value.strip() else value

    @classmethod
    def parse(cls, params: Mapping[str, Any] | RunParams) -> RunParams:
        if isinstance(params, RunParams):
            return params
        try:
            return cls.model_validate(dict(params))
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(root)"
            known = ", ".join(cls.model_fields)
            raise ConfigError(
                f"invalid run parameter {field}: {first['msg']} (parameters: {known})",
                field=f"params.{field}",
            ) from None

    def overrides(self) -> dict[str, Any]:
        """The settings fields this run sets explicitly (nested like the YAML file); ``model`` is applied to
        the loaded endpoints by :meth:`settings`."""
        data: dict[str, Any] = {}
        if self.sample_rate is not None:
            data["sampling"] = {"rate": self.sample_rate}
        classify = {
            k: v
            for k, v in (
                ("strategy", self.strategy),
                ("engine", self.engine),
                ("partition_tokens", self.partition_tokens),
            )
            if v is not None
        }
        if classify:
            data["classify"] = classify
        if self.poll_interval_s is not None:
            data["batch"] = {"poll_interval_s": self.poll_interval_s}
        weekly = {k: v for k, v in (("sources", self.sources), ("output_root", self.output_root)) if v}
        if weekly:
            data["weekly"] = weekly
        if self.classifiers:
            data["classifiers"] = list(self.classifiers)
        return data

    def settings(self) -> Settings:
        """Settings from ``config_path`` (or ``SEMTEL_CONFIG``) with this run's parameters on top: one load, so
        the file is read and connections are looked up once."""
        settings = load_settings(self.config_path, **self.overrides())
        if self.model is None:
            return settings
        # After the connections are resolved: the run's model beats the connection's.
        endpoints = [e.model_copy(update={"model": self.model}) for e in settings.endpoints]
        return settings.model_copy(update={"endpoints": endpoints})

    def split(self, settings: Settings) -> tuple[list[str], list[str]]:
        """(online classifiers, batch classifiers); unknown batch classifiers are refused."""
        names = list(settings.classifiers)
        batch_names = self.batch_classifiers or []
        unknown = sorted(set(batch_names) - set(names))
        if unknown:
            raise ConfigError(
                f"batch_classifiers {unknown} are not among the run's classifiers {names}",
                field="params.batch_classifiers",
            )
        batch = [c for c in names if c in batch_names]
        return [c for c in names if c not in batch], batch

    def check(self) -> Settings:
        """Everything a run's parameters can get wrong, checked before any work: the settings load, every
        classifier exists, the strategy is known, batch classifiers are among the run's. The settings."""
        from semtel_core.classify.strategies import known_strategies
        from semtel_core.prompts import ClassifierRegistry

        settings = self.settings()
        registry = ClassifierRegistry.from_settings(settings)
        known = sorted(registry.names)
        unknown = sorted(set(settings.classifiers) - set(known))
        if unknown:
            raise ConfigError(
                f"unknown classifier(s) {unknown}; known: {', '.join(known)}", field="params.classifiers"
            )
        strategies = known_strategies(settings)
        if settings.classify.strategy not in strategies:
            raise ConfigError(
                f"unknown strategy {settings.classify.strategy!r}; known: {', '.join(strategies)}",
                field="params.strategy",
            )
        self.split(settings)
        return settings
