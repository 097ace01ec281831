"""Endpoints from Airflow connections: one connection of type ``semtel_llm`` = one LLM endpoint.

The base URL in ``host`` (a full URL such as ``https://api.openai.com/v1``), the key in ``password``, and in
``extra``: ``model``, ``kind`` (openai | azure), ``deployment``, ``api_version``, ``rpm``, ``tpm``, ``weight``,
``timeout_s`` (the UI's Add Connection form shows them as labelled fields). An endpoint of the settings that names
the connection (``airflow_conn_id``) takes every field the connection sets; the connection wins over the file.
:func:`endpoint_from_connection` is semtel's endpoint resolver (entry point ``semtel.endpoint_resolvers``), so every
task that loads settings (classify, grade, batch, eval, the notifiers) gets it. Looked up only when a task runs, never at parse time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

from semtel_airflow.provider_info import CONN_TYPE

if TYPE_CHECKING:
    from pydantic import SecretStr

    from semtel_core.config import EndpointSettings

_EXTRA_FIELDS = ("model", "kind", "deployment", "api_version", "rpm", "tpm", "weight", "timeout_s")


def _extra_fields(conn_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The connection's extra as endpoint fields; the UI may store them prefixed (``extra__semtel_llm__model``)."""
    from semtel_core.errors import ConfigError

    prefix = f"extra__{CONN_TYPE}__"
    plain = {k.removeprefix(prefix): v for k, v in extra.items()}
    unknown = sorted(set(plain) - set(_EXTRA_FIELDS))
    if unknown:
        raise ConfigError(
            f"connection {conn_id!r}: unknown extra field(s) {unknown}; known: {', '.join(_EXTRA_FIELDS)}",
            field=f"connections.{conn_id}.extra",
        )
    # The form sends empty strings for fields left blank: those are unset.
    return {k: v for k, v in plain.items() if v not in (None, "")}


class SemtelEndpointHook(BaseHook):
    """An OpenAI-compatible LLM endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, semtel's local endpoint)."""

    conn_name_attr = "semtel_conn_id"
    default_conn_name = "semtel_default"
    conn_type = CONN_TYPE
    hook_name = "semtel LLM endpoint"

    def __init__(self, semtel_conn_id: str = default_conn_name, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.semtel_conn_id = semtel_conn_id

    def connection_fields(self) -> dict[str, Any]:
        """The endpoint fields the connection sets (``base_url``, ``api_key``, extra fields)."""
        conn = self.get_connection(self.semtel_conn_id)
        fields = _extra_fields(self.semtel_conn_id, conn.extra_dejson or {})
        if conn.host:
            fields["base_url"] = conn.host
        if conn.password:
            fields["api_key"] = conn.password
        return fields

    def get_endpoint(self, base: EndpointSettings | None = None) -> EndpointSettings:
        """The connection as a validated :class:`EndpointSettings` over ``base`` (the settings' endpoint naming
        it, if any); the key stays a ``SecretStr``."""
        from semtel_core.config import EndpointSettings
        from semtel_core.errors import ConfigError

        data: dict[str, Any] = base.model_dump() if base is not None else {"name": self.semtel_conn_id}
        data.update(self.connection_fields())
        data["airflow_conn_id"] = None  # resolved: nothing more to read
        if "api_key" in data and data["api_key"] is not None:
            data["api_key_env"] = None
        try:
            return EndpointSettings(**data)
        except ValueError as exc:
            raise ConfigError(
                f"connection {self.semtel_conn_id!r} is not a valid endpoint: {exc}",
                field=f"connections.{self.semtel_conn_id}",
            ) from None

    @classmethod
    def get_endpoints(cls, conn_ids: list[str]) -> list[EndpointSettings]:
        return [cls(c).get_endpoint() for c in conn_ids]

    def test_connection(self) -> tuple[bool, str]:
        """The UI's Test button: ask the endpoint's ``/models`` with the connection's key."""
        import httpx

        try:
            endpoint = self.get_endpoint()
        except Exception as exc:
            return False, str(exc)
        key = endpoint.resolved_api_key().get_secret_value()
        base = endpoint.base_url.rstrip("/")
        if endpoint.kind == "azure":
            url, headers, query = (
                f"{base}/openai/models",
                {"api-key": key},
                {"api-version": endpoint.api_version},
            )
        else:
            url, headers, query = f"{base}/models", {"Authorization": f"Bearer {key}"}, {}
        try:
            response = httpx.get(url, headers=headers, params=query, timeout=min(endpoint.timeout_s, 15.0))
        except httpx.HTTPError as exc:
            return False, f"{url}: {type(exc).__name__}: {exc}"
        if response.status_code != 200:
            return False, f"{url} answered {response.status_code}: {response.text[:200]}"
        try:
            models = [m.get("id") for m in response.json().get("data", [])]
        except ValueError:
            return False, f"{url} did not answer JSON"
        if endpoint.model not in models and endpoint.kind != "azure":
            return (
                False,
                f"{url} is reachable but does not serve model {endpoint.model!r} (it serves {models})",
            )
        return True, f"{url} is reachable and serves {endpoint.model!r} ({len(models)} model(s))"


def endpoint_from_connection(endpoint: EndpointSettings) -> EndpointSettings:
    """semtel's endpoint resolver inside Airflow: an endpoint naming a connection, completed from it."""
    if not endpoint.airflow_conn_id:
        return endpoint
    return SemtelEndpointHook(endpoint.airflow_conn_id).get_endpoint(endpoint)


def connection_key_resolver(endpoint: EndpointSettings) -> SecretStr:
    """The LLM client's ``key_resolver`` in Airflow (kept for callers that pass one): the endpoint's key, from
    its connection when it still names one."""
    return endpoint_from_connection(endpoint).resolved_api_key()
