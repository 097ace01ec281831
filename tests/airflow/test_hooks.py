from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.integration]


def test_endpoint_from_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    from semtel_airflow.hooks import SemtelEndpointHook

    monkeypatch.setenv(
        "AIRFLOW_CONN_OAI_EAST",
        json.dumps(
            {
                "conn_type": "semtel_llm",
                "host": "https://api.openai.com/v1",
                "password": "sk-secret-from-connection",
                "extra": {"model": "gpt-4o-mini", "tpm": 2000000, "rpm": 5000},
            }
        ),
    )
    ep = SemtelEndpointHook("oai_east").get_endpoint()
    assert (ep.base_url, ep.model, ep.tpm, ep.rpm) == ("https://api.openai.com/v1", "gpt-4o-mini", 2000000, 5000)
    assert ep.resolved_api_key().get_secret_value() == "sk-secret-from-connection"
    assert "sk-secret" not in repr(ep)


def test_azure_connection_and_bad_extras(monkeypatch: pytest.MonkeyPatch) -> None:
    from semtel_airflow.hooks import SemtelEndpointHook
    from semtel_core.errors import ConfigError

    monkeypatch.setenv(
        "AIRFLOW_CONN_AZ",
        json.dumps(
            {
                "conn_type": "semtel_llm",
                "host": "https://res.openai.azure.com",
                "password": "k",
                "extra": {"kind": "azure", "deployment": "gpt4o", "api_version": "2024-10-21"},
            }
        ),
    )
    assert SemtelEndpointHook("az").get_endpoint().deployment == "gpt4o"
    monkeypatch.setenv("AIRFLOW_CONN_BAD", json.dumps({"conn_type": "semtel_llm", "extra": {"modle": "x"}}))
    with pytest.raises(ConfigError, match="unknown extra"):
        SemtelEndpointHook("bad").get_endpoint()
    monkeypatch.setenv("AIRFLOW_CONN_AZ2", json.dumps({"conn_type": "semtel_llm", "extra": {"kind": "azure"}}))
    with pytest.raises(ConfigError, match="deployment"):
        SemtelEndpointHook("az2").get_endpoint()
