from __future__ import annotations

from pathlib import Path

import pytest

from semtel_core.config import load_settings
from semtel_core.errors import ConfigError

pytestmark = [pytest.mark.unit]


def test_defaults_point_at_the_local_endpoint() -> None:
    s = load_settings()
    assert s.endpoints[0].base_url.startswith("http://127.0.0.1")
    assert "topic" in s.classifiers


def test_yaml_then_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "semtel.yaml"
    cfg.write_text("sampling:\n  rate: 0.5\ninput:\n  max_text_chars: 1000\n")
    monkeypatch.setenv("SEMTEL_SAMPLING__RATE", "0.25")
    s = load_settings(cfg)
    assert s.sampling.rate == 0.25
    assert s.input.max_text_chars == 1000


def test_invalid_config_names_the_field(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("sampling:\n  rate: 3\n")
    with pytest.raises(ConfigError) as exc:
        load_settings(cfg)
    assert exc.value.details["field"] == "sampling.rate"
    assert "sampling.rate" in str(exc.value)


def test_unknown_field_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("sampling:\n  rat: 0.3\n")
    with pytest.raises(ConfigError, match=r"sampling\.rat"):
        load_settings(cfg)


def test_secrets_are_redacted_and_come_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_KEY", "sk-very-secret-value")
    s = load_settings(
        endpoints=[{"name": "oai", "base_url": "https://api.openai.com/v1", "api_key_env": "MY_KEY"}]
    )
    key = s.endpoints[0].resolved_api_key()
    assert key.get_secret_value() == "sk-very-secret-value"
    assert "sk-very-secret-value" not in repr(s) + str(key) + repr(key)
    inline = load_settings(endpoints=[{"name": "x", "api_key": "sk-inline-secret"}])
    assert "sk-inline-secret" not in repr(inline) + str(inline.model_dump())


def test_missing_key_env_is_a_config_error_at_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ABSENT_KEY", raising=False)
    with pytest.raises(ConfigError, match="ABSENT_KEY is not set"):
        load_settings(endpoints=[{"name": "oai", "api_key_env": "ABSENT_KEY"}])


def test_azure_endpoint_needs_deployment() -> None:
    with pytest.raises(ConfigError, match="deployment"):
        load_settings(endpoints=[{"name": "az", "kind": "azure", "base_url": "https://x.openai.azure.com"}])


def test_duplicate_endpoint_names_rejected() -> None:
    with pytest.raises(ConfigError, match="unique"):
        load_settings(endpoints=[{"name": "a"}, {"name": "a"}])


def test_unreadable_yaml(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.yaml"
    cfg.write_text("a: [1,\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(cfg)
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "absent.yaml")
