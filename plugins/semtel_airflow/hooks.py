"""Endpoints from Airflow connections.

A connection carries one LLM endpoint: the key in ``password``, the base URL in ``host`` (a full URL such as
``https://api.openai.com/v1``), and in ``extra``: ``model``, ``kind`` (openai | azure), ``deployment``,
``api_version``, ``rpm``, ``tpm``, ``weight``, ``timeout_s``. Looked up only when a task runs, never at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

if TYPE_CHECKING:
    from pydantic import SecretStr

    from semtel_core.config import EndpointSettings

_EXTRA_FIELDS = ("model", "kind", "deployment", "api_version", "rpm", "tpm", "weight", "timeout_s")


class SemtelEndpointHook(BaseHook):
    conn_name_attr = "semtel_conn_id"
    default_conn_name = "semtel_default"
    conn_type = "semtel_llm"
    hook_name = "semtel LLM endpoint"

    def __init__(self, semtel_conn_id: str = default_conn_name) -> None:
        super().__init__()
        self.semtel_conn_id = semtel_conn_id

    def get_endpoint(self) -> EndpointSettings:
        """The connection as a validated :class:`EndpointSettings` (the key stays a ``SecretStr``)."""
        from semtel_core.config import EndpointSettings
        from semtel_core.errors import ConfigError

        conn = self.get_connection(self.semtel_conn_id)
        extra: dict[str, Any] = conn.extra_dejson or {}
        unknown = sorted(set(extra) - set(_EXTRA_FIELDS))
        if unknown:
            raise ConfigError(
                f"connection {self.semtel_conn_id!r}: unknown extra field(s) {unknown}",
                field=f"connections.{self.semtel_conn_id}.extra",
            )
        fields: dict[str, Any] = {k: extra[k] for k in _EXTRA_FIELDS if k in extra}
        if conn.host:
            fields["base_url"] = conn.host
        if conn.password:
            fields["api_key"] = conn.password
        try:
            return EndpointSettings(name=self.semtel_conn_id, airflow_conn_id=self.semtel_conn_id, **fields)
        except ValueError as exc:
            raise ConfigError(
                f"connection {self.semtel_conn_id!r} is not a valid endpoint: {exc}",
                field=f"connections.{self.semtel_conn_id}",
            ) from None

    @classmethod
    def get_endpoints(cls, conn_ids: list[str]) -> list[EndpointSettings]:
        return [cls(c).get_endpoint() for c in conn_ids]


def connection_key_resolver(endpoint: EndpointSettings) -> SecretStr:
    """The LLM client's ``key_resolver`` in Airflow: keys of endpoints naming a connection come from it."""
    if endpoint.airflow_conn_id and endpoint.api_key is None and not endpoint.api_key_env:
        return SemtelEndpointHook(endpoint.airflow_conn_id).get_endpoint().resolved_api_key()
    return endpoint.resolved_api_key()
