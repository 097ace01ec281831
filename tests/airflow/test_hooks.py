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
    assert (ep.base_url, ep.model, ep.tpm, ep.rpm) == (
        "https://api.openai.com/v1",
        "gpt-4o-mini",
        2000000,
        5000,
    )
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
    monkeypatch.setenv(
        "AIRFLOW_CONN_AZ2", json.dumps({"conn_type": "semtel_llm", "extra": {"kind": "azure"}})
    )
    with pytest.raises(ConfigError, match="deployment"):
        SemtelEndpointHook("az2").get_endpoint()


@pytest.mark.slow
def test_key_resolver_reads_connection_for_config_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """An endpoint configured with `airflow_conn_id` gets its key from the connection when a task runs."""
    import httpx

    from semtel_airflow.hooks import connection_key_resolver
    from semtel_core.config import EndpointSettings
    from semtel_core.endpoint.testing import running_endpoint
    from semtel_core.llm import CallRequest, complete_many_sync

    assert connection_key_resolver(EndpointSettings(name="local")).get_secret_value() == "semtel-local"
    with running_endpoint("--lazy-load") as base_url:
        monkeypatch.setenv(
            "AIRFLOW_CONN_PROD_KEYS",
            json.dumps({"conn_type": "semtel_llm", "password": "af-key-1", "host": base_url}),
        )
        ep = EndpointSettings(name="prod", base_url=base_url, model="instant", airflow_conn_id="prod_keys")
        assert connection_key_resolver(ep).get_secret_value() == "af-key-1"
        request = CallRequest(messages=[{"role": "user", "content": "hello"}], max_tokens=16)
        results, _ = complete_many_sync([ep], [request], key_resolver=connection_key_resolver)
        assert results[0].ok, results[0].reason
        stats = httpx.get(f"{base_url}/_stats").json()
        assert stats["keys"]["af-key-1"]["successes"] == 1
