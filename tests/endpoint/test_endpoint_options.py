from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from semtel_core.endpoint.options import load_options
from semtel_core.errors import ConfigError

pytestmark = [pytest.mark.unit]


def test_flags_override_the_scenario_and_unset_flags_do_not(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        yaml.safe_dump(
            {
                "rate_limit": {
                    "rpm": 60,
                    "keys": {"a": {"tpm": 1000}},
                    "capacity_steps": [{"at_s": 60, "tpm_factor": 0.5}],
                },
                "faults": {"error_500": 0.1},
            }
        )
    )
    options = load_options(
        scenario, {"rate_limit.rpm": 120, "faults.error_503": None, "batch.time_scale": 0.01}
    )
    assert options.rate_limit.rpm == 120 and options.rate_limit.keys["a"].tpm == 1000
    assert options.rate_limit.capacity_steps[0].tpm_factor == 0.5
    assert (options.faults.error_500, options.faults.error_503, options.batch.time_scale) == (0.1, 0.0, 0.01)


def test_defaults_simulate_nothing() -> None:
    options = load_options()
    assert not options.rate_limit.enabled and not options.latency.enabled
    assert options.batch.max_requests == 50_000 and options.batch.max_file_bytes == 200 * 1024 * 1024


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"faults.error_500": 0.8, "faults.drop": 0.5}, "faults"),
        ({"rate_limit.rpm": 0}, "rate_limit.rpm"),
        ({"faults.malformed_kinds": ["prose", "haiku"]}, "faults.malformed_kinds.1"),
    ],
)
def test_invalid_options_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_options(None, overrides)
    assert caught.value.details["field"] == field


def test_a_capacity_step_must_change_something(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("rate_limit:\n  capacity_steps:\n    - at_s: 10\n")
    with pytest.raises(ConfigError, match="capacity_steps"):
        load_options(scenario)
