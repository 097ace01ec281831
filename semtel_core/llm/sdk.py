"""Building the official openai SDK client of an endpoint, with the SDK's own retries off (ours is the one loop)."""

from __future__ import annotations

from collections.abc import Callable

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


def build_sdk_client(endpoint: EndpointSettings, api_key: SecretStr | str) -> openai.AsyncOpenAI:
    """``AsyncAzureOpenAI`` for ``kind: azure`` (``base_url`` is the Azure endpoint), else ``AsyncOpenAI``."""
    key = api_key.get_secret_value() if isinstance(api_key, SecretStr) else api_key
    if endpoint.kind == "azure":
        return openai.AsyncAzureOpenAI(
            azure_endpoint=endpoint.base_url,
            azure_deployment=endpoint.deployment,
            api_version=endpoint.api_version,
            api_key=key,
            max_retries=0,
            timeout=endpoint.timeout_s,
        )
    return openai.AsyncOpenAI(
        base_url=endpoint.base_url, api_key=key, max_retries=0, timeout=endpoint.timeout_s
    )


def model_name(endpoint: EndpointSettings) -> str:
    """The ``model`` argument of a request: the deployment on Azure, the model name elsewhere."""
    return endpoint.deployment or endpoint.model if endpoint.kind == "azure" else endpoint.model
