from __future__ import annotations

import json
from pathlib import Path

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


def _llm_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, host: str, model: str) -> None:
    monkeypatch.setenv(
        f"AIRFLOW_CONN_{conn_id.upper()}",
        json.dumps({"conn_type": "semtel_llm", "host": host, "password": "k", "extra": {"model": model}}),
    )


def test_settings_endpoints_naming_a_connection_are_completed_on_every_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One connection = one endpoint: whatever loads the settings (classify, grade, batch, the eval DAG, the
    notifiers all go through load_settings / RunParams) gets the connection's URL, key and model."""
    from semtel_core.config import load_settings
    from semtel_core.pipeline.params import RunParams

    _llm_connection(monkeypatch, "semtel_default", "http://127.0.0.1:9/v1", "gpt-x")
    config = tmp_path / "s.yaml"
    config.write_text("endpoints: [{name: main, airflow_conn_id: semtel_default, rpm: 60}]\n")
    (ep,) = load_settings(str(config)).endpoints
    assert (ep.name, ep.base_url, ep.model, ep.rpm, ep.airflow_conn_id) == (
        "main",
        "http://127.0.0.1:9/v1",
        "gpt-x",
        60,
        None,
    )
    assert ep.resolved_api_key().get_secret_value() == "k"
    # The run's model parameter still beats the connection's.
    (run_ep,) = RunParams.parse({"config_path": str(config), "model": "instant"}).settings().endpoints
    assert (run_ep.model, run_ep.base_url) == ("instant", "http://127.0.0.1:9/v1")


def test_test_button_asks_the_endpoint_for_its_models(
    monkeypatch: pytest.MonkeyPatch, endpoint_url: str
) -> None:
    from semtel_airflow.hooks import SemtelEndpointHook
    from semtel_core.endpoint.testing import free_port

    _llm_connection(monkeypatch, "good", endpoint_url, "local-zeroshot")
    ok, message = SemtelEndpointHook("good").test_connection()
    assert ok, message
    _llm_connection(monkeypatch, "typo", endpoint_url, "local-zeroshoot")
    ok, message = SemtelEndpointHook("typo").test_connection()
    assert not ok and "local-zeroshoot" in message
    _llm_connection(monkeypatch, "down", f"http://127.0.0.1:{free_port()}/v1", "local-zeroshot")
    ok, message = SemtelEndpointHook("down").test_connection()
    assert not ok and "ConnectError" in message


def test_provider_registers_the_connection_type_with_labelled_fields() -> None:
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    assert "semtel" in manager.providers
    (conn_type,) = manager.providers["semtel"].data["connection-types"]
    assert conn_type["hook-class-name"] == "semtel_airflow.hooks.SemtelEndpointHook"
    widgets = manager.connection_form_widgets
    assert widgets["extra__semtel_llm__model"].field["schema"]["title"] == "Model"
    assert manager.field_behaviours["semtel_llm"]["relabeling"] == {"host": "Base URL", "password": "API key"}


def test_the_test_button_fix_touches_only_portless_semtel_connections() -> None:
    from semtel_airflow.connection_test_fix import normalised

    assert json.loads(normalised(b'{"conn_type": "semtel_llm", "port": 0, "host": "h"}') or b"") == {
        "conn_type": "semtel_llm",
        "port": None,
        "host": "h",
    }
    for body in (
        b'{"conn_type": "postgres", "port": 0}',
        b'{"conn_type": "semtel_llm", "port": 8765}',
        b"not json",
    ):
        assert normalised(body) is None
