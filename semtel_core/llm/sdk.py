"""Building the official openai SDK client of an endpoint, with the SDK's own retries off (ours is the one loop)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
from pydantic import SecretStr

from semtel_core.config import EndpointSettings
from semtel_core.errors import ConfigError

KeyResolver = Callable[[EndpointSettings], SecretStr | str]
"""Returns the API key of an endpoint; the Airflow hook plugs in here to read keys from connections."""
SdkFactory = Callable[[EndpointSettings, SecretStr | str], openai.AsyncOpenAI]
"""Builds the SDK client of an endpoint (default :func:`build_sdk_client`): the seam for proxies, custom
``http_client`` s and tests that fake the HTTP boundary."""


def default_key_resolver(endpoint: EndpointSettings) -> SecretStr:
    """``api_key`` or the environment variable ``api_key_env``; Airflow connections need the hook's resolver."""
    if endpoint.airflow_conn_id and endpoint.api_key is None and not endpoint.api_key_env:
        raise ConfigError(
            f"endpoint {endpoint.name!r} takes its key from Airflow connection {endpoint.airflow_conn_id!r}: "
            "pass the Airflow hook's key resolver to the LLM client",
            field=f"endpoints.{endpoint.name}.airflow_conn_id",
        )
    return endpoint.resolved_api_key()


def _client_kwargs(
    endpoint: EndpointSettings, api_key: SecretStr | str, max_retries: int, per_deployment: bool
) -> dict[str, Any]:
    key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    common: dict[str, Any] = {"api_key": key, "max_retries": max_retries, "timeout": endpoint.timeout_s}
    if endpoint.kind != "azure":
        return {"base_url": endpoint.base_url, **common}
    azure = {"azure_endpoint": endpoint.base_url, "api_version": endpoint.api_version, **common}
    # Chat completions are per-deployment routes on Azure; files and batches are not.
    return {"azure_deployment": endpoint.deployment, **azure} if per_deployment else azure


def build_sdk_client(
    endpoint: EndpointSettings,
    api_key: SecretStr | str,
    *,
    max_retries: int = 0,
    per_deployment: bool = True,
) -> openai.AsyncOpenAI:
    """``AsyncAzureOpenAI`` for ``kind: azure`` (``base_url`` is the Azure endpoint), else ``AsyncOpenAI``.
    ``max_retries`` 0 by default: on the chat path :mod:`semtel_core.llm` runs the only retry loop."""
    kwargs = _client_kwargs(endpoint, api_key, max_retries, per_deployment)
    return openai.AsyncAzureOpenAI(**kwargs) if endpoint.kind == "azure" else openai.AsyncOpenAI(**kwargs)


def build_sync_sdk_client(
    endpoint: EndpointSettings,
    api_key: SecretStr | str,
    *,
    max_retries: int = 0,
    per_deployment: bool = True,
) -> openai.OpenAI:
    """The blocking twin of :func:`build_sdk_client` (same arguments, same routing)."""
    kwargs = _client_kwargs(endpoint, api_key, max_retries, per_deployment)
    return openai.AzureOpenAI(**kwargs) if endpoint.kind == "azure" else openai.OpenAI(**kwargs)


def model_name(endpoint: EndpointSettings) -> str:
    """The ``model`` argument of a request: the deployment on Azure, the model name elsewhere."""
    return endpoint.deployment or endpoint.model if endpoint.kind == "azure" else endpoint.model
