"""Rate-limit benchmark: scenarios S1-S6, our client beside the anchors, in one run, repeated for a spread.

    .venv/bin/python benchmarks/rate_limit.py [--repeat 3] [--window 40] [--warmup 20] [--litellm-python PATH]

Every client runs in its own process and sends the same stream of topic-classification prompts built from real
conversations (``../shared/data``; synthetic text when absent), each cut to exactly 240 prompt tokens, with
``max_tokens`` 64. Per key the simulator allows C = 10 requests/s, bound by its token limit (prompt + max_tokens
charged at admission, counted by the server; the request limit is 1.5x higher), 10 s burst window, latency
lognormal with median 0.5 s. Each scenario runs on a fresh server and a fresh Redis key space, in both charging
modes (refused attempts not charged / charged, debt floored at one bucket):

- S1 headers on; S2 no limit headers (``--no-limit-headers``); S3 the capacity halved mid-run without the
  headers saying so (they go on showing the old limit); S4 the server counts 1.2x the client's prompt tokens.
  Clients, each on its own key: ``ours`` (LLMClient, nothing configured, shared Redis budget), ``naive``
  (AsyncOpenAI, SDK retries, 16 workers), ``cookbook-60s`` and ``cookbook-1s`` (the OpenAI cookbook throttle of
  api_request_parallel_processor.py given the true limits, with its own one-minute bucket and with a one-second
  bucket), ``litellm`` (Router with rpm/tpm, from its own virtualenv: it pins openai<3).
- S5 four ``ours`` processes on one key plus an unknown ``intruder`` (fixed 0.2 C, deaf to 429s), no headers;
  three processes stop taking work at the end of the window (they finish what they hold), the intruder 15 s
  later, the straggler goes on alone. Measured: from the last of the three finishing, the straggler's time to
  0.9 x (C - intruder); from the intruder's stop, its time to 0.9 x C.
- S6 a process learns a key (no headers) and finishes; 5 s after it exited a cold process starts on it (the
  time to 0.9 x C counts from that process's spawn, its interpreter start included).

Goodput and CPU come from the clients' success timestamps and CPU samples, the 429 share from the server's
counters (``/v1/_stats``: per key, and per ``x-client-name`` on a shared key), all over the steady window (the
first ``--warmup`` seconds are discarded). Recovery = seconds after the step from which every 10 s window holds
>= 90 % of the new C; the goodput and 429 share
after the step are taken over a window as long as the steady one that opens 30 s after the step, and the 429
share of those first 30 s (the refusals that teach the client the new C) is printed apart. The CPU test runs
the bare SDK and our client one after the other on an endpoint without limits and divides CPU seconds by
answered requests.

This file runs under another interpreter as a worker (``--worker KIND``), so only the standard library is
imported at module level.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data" / "arena_conversations.jsonl"
MAX_TOKENS = 64
NAIVE_CONCURRENCY = 16
CLIENTS = ("ours", "naive", "cookbook", "litellm")


# ---------------------------------------------------------------- workers (one process per client)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class _Recorder:
    def __init__(self) -> None:
        self.successes: list[float] = []
        self.failures = 0
        self.budget = ""
        self.cpu: list[tuple[float, float]] = []

    async def sample_cpu(self) -> None:
        while True:
            self.cpu.append((time.monotonic(), _cpu_s()))
            await asyncio.sleep(1.0)


async def _fixed_concurrency(send: Any, prompts: list[Any], end: float, rec: _Recorder, workers: int) -> None:
    counter = iter(range(10**9))

    async def loop() -> None:
        while time.monotonic() < end:
            messages = prompts[next(counter) % len(prompts)]
            try:
                await send(messages)
                rec.successes.append(time.monotonic())
            except Exception:
                rec.failures += 1

    await asyncio.gather(*(loop() for _ in range(workers)))


async def _run_naive(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    import openai

    sdk = openai.AsyncOpenAI(base_url=args.base_url, api_key=args.key)  # default retries (2)

    async def send(messages: Any) -> None:
        await sdk.chat.completions.create(model="instant", messages=messages, max_tokens=MAX_TOKENS)

    await _fixed_concurrency(send, prompts, end, rec, NAIVE_CONCURRENCY)


async def _run_litellm(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    from litellm import Router

    params = {"model": "openai/instant", "api_base": args.base_url, "api_key": args.key}
    deployment = {"model_name": "bench", "litellm_params": {**params, "rpm": args.rpm, "tpm": args.tpm}}
    router = Router(model_list=[deployment], routing_strategy="usage-based-routing-v2", num_retries=3)

    async def send(messages: Any) -> None:
        await router.acompletion(model="bench", messages=messages, max_tokens=MAX_TOKENS)

    await _fixed_concurrency(send, prompts, end, rec, NAIVE_CONCURRENCY)


async def _run_ours(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    import openai

    from semtel_core.config import ClientSettings, EndpointSettings, PrivacySettings
    from semtel_core.llm import CallRequest, LLMClient, complete_many
    from semtel_core.prompts.tokens import count_message_tokens

    endpoint = EndpointSettings(name="sim", base_url=args.base_url, model="instant", api_key=args.key)
    fixed = (
        {"initial_concurrency": args.concurrency, "max_concurrency": args.concurrency}
        if args.concurrency
        else {}
    )
    settings = ClientSettings(
        shared_budget_url=args.budget_url, shared_budget_prefix=args.budget_prefix, **fixed
    )
    privacy = PrivacySettings(enabled=not args.no_scrub)

    def sdk(endpoint: EndpointSettings, key: Any) -> openai.AsyncOpenAI:
        plain = key if isinstance(key, str) else key.get_secret_value()
        headers = {"x-client-name": args.name}  # the server counts this process's attempts on the shared key
        return openai.AsyncOpenAI(
            base_url=endpoint.base_url, api_key=plain, max_retries=0, default_headers=headers
        )

    # --token-hint: the prompt's token count comes with the request, as the classify engine sends it (its
    # renderer counts while it truncates); without it the client counts each prompt itself.
    hints = [count_message_tokens(p) if args.token_hint else None for p in prompts]

    def requests() -> Any:
        i = 0
        while time.monotonic() < end:
            n = i % len(prompts)
            yield CallRequest(messages=prompts[n], max_tokens=MAX_TOKENS, prompt_tokens_hint=hints[n])
            i += 1

    def on_result(_index: int, result: Any) -> None:
        if result.ok:
            rec.successes.append(time.monotonic())
        else:
            rec.failures += 1

    async with LLMClient([endpoint], settings, sdk_factory=sdk, privacy=privacy) as client:
        tracer = asyncio.create_task(_trace(client, rec)) if os.environ.get("SEMTEL_BENCH_TRACE") else None
        await complete_many(client, requests(), on_result)
        rec.budget = client.stats().budget
        if tracer:
            tracer.cancel()


async def _trace(client: Any, rec: _Recorder) -> None:
    """SEMTEL_BENCH_TRACE=1: one stderr line per 0.5 s of what paces this process (a diagnosis aid)."""
    state = client._pool.states[0]
    zero = time.monotonic()
    while True:
        await asyncio.sleep(0.5)
        b, c, now = state.budget, state.concurrency, time.monotonic()
        done = sum(1 for t in rec.successes if t > now - 1.0)
        print(
            f"[{os.environ.get('SEMTEL_BENCH_NAME', '?')} {now - zero:5.1f}s] ok/s {done:3d} rates "
            f"{b.rates[0]:6.2f} r/s {b.rates[1]:7.0f} t/s queued {b._queued:3d} qlim {b.queue_limit(700):5.1f} "
            f"limit {c.limit:6.1f} holders {c.holders:3d} wire {c.on_wire:3d} cut {b.last_cut:8.1f}",
            file=sys.stderr,
            flush=True,
        )


async def _run_intruder(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    """An unknown client on the same key: a fixed rate, no retries, deaf to 429s."""
    import openai

    sdk = openai.AsyncOpenAI(
        base_url=args.base_url, api_key=args.key, max_retries=0, default_headers={"x-client-name": args.name}
    )

    async def one(messages: Any) -> None:
        try:
            await sdk.chat.completions.create(model="instant", messages=messages, max_tokens=MAX_TOKENS)
            rec.successes.append(time.monotonic())
        except openai.APIError:
            rec.failures += 1

    tasks = set()
    i = 0
    while time.monotonic() < end:
        task = asyncio.create_task(one(prompts[i % len(prompts)]))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        i += 1
        await asyncio.sleep(1.0 / args.intruder_rps)
    await asyncio.gather(*tasks, return_exceptions=True)


async def _run_bare(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    """The bare openai SDK at a fixed concurrency, no limits: the CPU anchor (an endpoint without limits)."""
    import openai

    sdk = openai.AsyncOpenAI(base_url=args.base_url, api_key=args.key, max_retries=0)

    async def send(messages: Any) -> None:
        await sdk.chat.completions.create(model="instant", messages=messages, max_tokens=MAX_TOKENS)

    await _fixed_concurrency(send, prompts, end, rec, NAIVE_CONCURRENCY)


class _CookbookThrottle:
    """The throttle of openai-cookbook ``examples/api_request_parallel_processor.py``: request and token
    capacity refilled continuously up to one minute's worth, a request sent when both cover it (tokens =
    prompt + max_tokens), every send paused for 15 s after a rate-limit error, up to 5 attempts."""

    def __init__(self, args: argparse.Namespace, prompts: list[Any], rec: _Recorder) -> None:
        import openai

        self.sdk = openai.AsyncOpenAI(base_url=args.base_url, api_key=args.key, max_retries=0)
        self.rpm, self.tpm = float(args.rpm), float(args.tpm)
        self.bucket_s = float(args.bucket_s)
        self.requests, self.tokens = self.rpm * self.bucket_s / 60, self.tpm * self.bucket_s / 60
        self.prompts, self.rec = prompts, rec
        self.last_update = time.monotonic()
        self.last_rate_limit = -1e9
        self.retry_queue: list[tuple[Any, int]] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.sent = 0

    async def call(self, messages: Any, attempts_left: int) -> None:
        import openai

        try:
            await self.sdk.chat.completions.create(model="instant", messages=messages, max_tokens=MAX_TOKENS)
            self.rec.successes.append(time.monotonic())
        except openai.APIError as exc:
            if isinstance(exc, openai.RateLimitError):
                self.last_rate_limit = time.monotonic()
            if attempts_left > 1:
                self.retry_queue.append((messages, attempts_left - 1))
            else:
                self.rec.failures += 1

    def _next(self) -> tuple[Any, int]:
        if self.retry_queue:
            return self.retry_queue.pop(0)
        self.sent += 1
        return self.prompts[self.sent % len(self.prompts)], 5

    def _refill(self) -> None:
        now = time.monotonic()
        elapsed, self.last_update = now - self.last_update, now
        bucket = self.bucket_s / 60  # the cookbook's own: one minute's worth; the variant: one second's
        self.requests = min(self.rpm * bucket, self.requests + self.rpm * elapsed / 60)
        self.tokens = min(self.tpm * bucket, self.tokens + self.tpm * elapsed / 60)

    async def run(self, end: float) -> None:
        from semtel_core.prompts.tokens import count_message_tokens

        pending = None
        while time.monotonic() < end:
            pending = pending or self._next()
            self._refill()
            needed = count_message_tokens(pending[0]) + MAX_TOKENS
            if self.requests >= 1 and self.tokens >= needed:
                self.requests, self.tokens = self.requests - 1, self.tokens - needed
                task = asyncio.create_task(self.call(*pending))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                pending = None
            await asyncio.sleep(0.001)
            pause = self.last_rate_limit + 15 - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
        for task in self.tasks:
            task.cancel()


async def _run_cookbook(args: argparse.Namespace, prompts: list[Any], end: float, rec: _Recorder) -> None:
    await _CookbookThrottle(args, prompts, rec).run(end)


_RUNNERS = {
    "ours": _run_ours,
    "naive": _run_naive,
    "cookbook": _run_cookbook,
    "litellm": _run_litellm,
    "intruder": _run_intruder,
    "bare": _run_bare,
}


def worker(args: argparse.Namespace) -> None:
    prompts = json.loads(Path(args.prompts).read_text())
    rec = _Recorder()

    async def main() -> None:
        sampler = asyncio.create_task(rec.sample_cpu())
        end = time.monotonic() + args.duration
        await _RUNNERS[args.worker](args, prompts, end, rec)
        sampler.cancel()
        rec.cpu.append((time.monotonic(), _cpu_s()))

    asyncio.run(main())
    out = {"successes": rec.successes, "failures": rec.failures, "cpu": rec.cpu, "budget": rec.budget}
    out["finished"] = time.monotonic()  # every request it took is answered
    Path(args.out).write_text(json.dumps(out))
    os._exit(0)  # do not wait for SDK clients left open by anchors (litellm keeps some)


# ---------------------------------------------------------------- orchestration


def _load_prompts(n: int = 400) -> list[list[dict[str, str]]]:
    """``n`` topic-classification prompts of exactly ``PROMPT_TOKENS`` tokens each.

    Equal sizes matter: under a token limit a client that drops the items the server rejects most (the long
    ones) would otherwise "classify" more items per second than the ceiling, on an easier subset."""

    conversations: list[tuple[str, list[tuple[str, str]]]] = []
    if SHARED_DATA.is_file():
        for line in SHARED_DATA.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            conversations.append(
                (row["conversation_id"], [(m["role"], m["content"]) for m in row["messages"]])
            )
    else:
        conversations = [
            (f"syn-{i}", [("user", f"How do I sort {i} items in Python? " * 40)]) for i in range(n)
        ]
    prompts = []
    for cid, turns in conversations:
        prompt = _fit([{"role": "system", "content": _SYSTEM}, {"role": "user", "content": ""}], cid, turns)
        if prompt is not None:
            prompts.append(prompt)
        if len(prompts) == n:
            break
    return prompts


_SYSTEM = "Classify the topic of the conversation. Answer with one word from the taxonomy."
PROMPT_TOKENS = 240
INTRUDER_STAYS_S = 15.0  # S5: how long the intruder outlives the three processes that stop


def _fit(
    messages: list[dict[str, str]], cid: str, turns: list[tuple[str, str]]
) -> list[dict[str, str]] | None:
    """Cut the conversation's text so that the whole prompt counts exactly ``PROMPT_TOKENS`` tokens."""
    from semtel_core.prompts.delimiters import render_conversation_block
    from semtel_core.prompts.tokens import count_message_tokens, encoding

    text = "\n".join(content for _role, content in turns)
    ids = encoding().encode(text, disallowed_special=())
    for keep in range(min(len(ids), PROMPT_TOKENS), 0, -1):
        block = render_conversation_block(cid, [("user", encoding().decode(ids[:keep]))])
        candidate = [messages[0], {"role": "user", "content": block}]
        tokens = count_message_tokens(candidate)
        if tokens == PROMPT_TOKENS:
            return candidate
        if tokens < PROMPT_TOKENS:
            return None
    return None


def _stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_stats", timeout=10) as response:
        stats: dict[str, Any] = json.loads(response.read())
    return stats


def _goodput(successes: list[float], start: float, end: float, ceiling: float) -> float:
    return sum(start <= t < end for t in successes) / (end - start) / ceiling


def _cpu_share(cpu: list[list[float]], start: float, end: float) -> float:
    inside = [(t, c) for t, c in cpu if start <= t <= end]
    if len(inside) < 2:
        return float("nan")
    return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])


def _recovery_s(
    successes: list[float], step: float, end: float, new_ceiling: float, bin_s: float = 10.0
) -> float:
    """Seconds after the step from which every later ``bin_s`` window holds >= 90% of the new ceiling."""
    offsets = [o * 1.0 for o in range(int(end - step - bin_s) + 1)]
    good = [_goodput(successes, step + o, step + o + bin_s, new_ceiling) >= 0.9 for o in offsets]
    for i, o in enumerate(offsets):
        if all(good[i:]):
            return o
    return float("inf")


@dataclass
class Proc:
    """One client process of a scenario."""

    name: str  # row label; also its x-client-name, so the server counts its attempts on a shared key
    kind: str
    key: str
    start: float = 0.0  # seconds after the scenario starts
    duration: float = 0.0
    bucket_s: float = 60.0  # the cookbook throttle's bucket
    after: str | None = (
        None  # spawn ``start`` seconds after this process exited, not after the scenario start
    )


@dataclass
class Scenario:
    name: str
    mode: str  # not_charged | charged
    flags: list[str]
    procs: list[Proc]
    window: tuple[float, float]
    token_factor: float = 1.0
    step_at: float | None = None  # an unannounced halving of the capacity
    post: tuple[float, float] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return sum(p.start + p.duration for p in self.procs if p.after) + max(
            p.start + p.duration for p in self.procs
        )


def _anchors(args: argparse.Namespace, duration: float) -> list[Proc]:
    procs = [
        Proc("ours", "ours", "k-ours", duration=duration),
        Proc("naive", "naive", "k-naive", duration=duration),
        Proc("cookbook-60s", "cookbook", "k-cook60", duration=duration, bucket_s=60.0),
        Proc("cookbook-1s", "cookbook", "k-cook1", duration=duration, bucket_s=1.0),
    ]
    if args.litellm_python:
        procs.append(Proc("litellm", "litellm", "k-litellm", duration=duration))
    return procs


def _scenarios(args: argparse.Namespace) -> list[Scenario]:
    w, n = args.warmup, args.window
    out: list[Scenario] = []
    for mode in args.modes:
        charge = ["--charge-rejected" if mode == "charged" else "--no-charge-rejected"]
        plain = (w, w + n)
        if "S1" in args.scenarios:
            out.append(Scenario("S1 headers", mode, charge, _anchors(args, w + n), plain))
        if "S2" in args.scenarios:
            out.append(
                Scenario("S2 no headers", mode, [*charge, "--no-limit-headers"], _anchors(args, w + n), plain)
            )
        if "S3" in args.scenarios:
            step = w + n
            out.append(
                Scenario(
                    "S3 unannounced halving",
                    mode,
                    charge,
                    _anchors(args, w + 2 * n + 30),
                    plain,
                    step_at=step,
                    post=(step + 30, step + 30 + n),
                )
            )
        if "S4" in args.scenarios:
            procs = _anchors(args, w + n)
            out.append(Scenario("S4 server counts 1.2x", mode, charge, procs, plain, token_factor=1.2))
        if "S5" in args.scenarios:
            end = w + n
            procs = [Proc(f"ours-{i}", "ours", "k-shared", duration=end) for i in range(1, 4)]
            procs.append(Proc("ours-4 (straggler)", "ours", "k-shared", duration=end + 35))
            procs.append(Proc("intruder", "intruder", "k-shared", duration=end + INTRUDER_STAYS_S))
            out.append(
                Scenario("S5 4 processes + intruder", mode, [*charge, "--no-limit-headers"], procs, plain)
            )
        if "S6" in args.scenarios:
            procs = [
                Proc("learner", "ours", "k-learn", duration=25.0),
                Proc("cold start", "ours", "k-learn", start=5.0, duration=20.0, after="learner"),
            ]
            # The window opens at the cold start's spawn (see _run): (0, 20) after it.
            out.append(
                Scenario(
                    "S6 cold start on a learned key",
                    mode,
                    [*charge, "--no-limit-headers"],
                    procs,
                    (0.0, 20.0),
                )
            )
    return out


def _run(scenario: Scenario, args: argparse.Namespace, prompts_file: str, charged: float) -> dict[str, Any]:
    from semtel_core.endpoint.testing import running_endpoint

    server_tokens = PROMPT_TOKENS * scenario.token_factor + MAX_TOKENS
    tpm = round(args.rps * 60 * server_tokens)  # C = args.rps requests/s in the server's own token count
    rpm = round(args.rps * 60 * 1.5)
    flags = ["--lazy-load", "--stats-interval", "600", "--rpm", str(rpm), "--tpm", str(tpm)]
    flags += [
        "--burst-window",
        str(args.burst_window),
        "--ttft-median",
        str(args.latency),
        "--ttft-sigma",
        "0.3",
    ]
    flags += ["--token-factor", str(scenario.token_factor), *scenario.flags]
    tmp = Path(tempfile.mkdtemp())
    if scenario.step_at is not None:
        (tmp / "scenario.yaml").write_text(
            "rate_limit:\n  capacity_steps:\n"
            f"    - {{at_s: {scenario.step_at}, rpm_factor: 0.5, tpm_factor: 0.5, announce: false}}\n"
        )
        flags += ["--scenario", str(tmp / "scenario.yaml")]
    prefix = f"semtel-bench-{uuid.uuid4().hex[:8]}:budget"  # a fresh key space: nothing learned before
    outs = {p.name: str(tmp / f"{p.name.replace(' ', '_')}.json") for p in scenario.procs}
    procs = sorted(scenario.procs, key=lambda p: p.start)
    snaps: dict[str, dict[str, Any]] = {}
    with running_endpoint(*flags) as url:
        server_zero = time.monotonic() - _stats(url)["uptime_s"]
        started = time.monotonic()
        marks = {"window_start": scenario.window[0], "window_end": scenario.window[1]}
        if scenario.post:
            marks.update(post_start=scenario.post[0], post_end=scenario.post[1])
        pending_marks = sorted(marks.items(), key=lambda kv: kv[1])
        running: dict[str, subprocess.Popen[bytes]] = {}
        spawned: dict[str, float] = {}
        for proc in procs:
            if proc.after:  # S6: the window and its marks start at this spawn
                running[proc.after].wait(timeout=scenario.duration + 120)
                time.sleep(proc.start)
                started, pending_marks = time.monotonic(), []
                snaps["window_start"] = _stats(url)
                marks = {"window_end": scenario.window[1]}
            while pending_marks and pending_marks[0][1] <= proc.start:
                name, at = pending_marks.pop(0)
                time.sleep(max(0.0, started + at - time.monotonic()))
                snaps[name] = _stats(url)
            if not proc.after:
                time.sleep(max(0.0, started + proc.start - time.monotonic()))
            spawned[proc.name] = time.monotonic()
            running[proc.name] = _spawn(proc, args, url, prompts_file, outs[proc.name], tpm, rpm, prefix)
        pending_marks += [m for m in marks.items() if m[0] not in snaps and m not in pending_marks]
        for name, at in sorted(pending_marks, key=lambda kv: kv[1]):
            time.sleep(max(0.0, started + at - time.monotonic()))
            snaps[name] = _stats(url)
        for child in running.values():
            child.wait(timeout=scenario.duration + 120)
    _delete_prefix(prefix)
    data = {p.name: json.loads(Path(outs[p.name]).read_text()) for p in scenario.procs}
    step_time = server_zero + scenario.step_at if scenario.step_at is not None else None
    return _measure(scenario, args, data, snaps, started, step_time)


def _measure(
    scenario: Scenario,
    args: argparse.Namespace,
    data: dict[str, dict[str, Any]],
    snaps: dict[str, dict[str, Any]],
    started: float,
    step_time: float | None,
) -> dict[str, Any]:
    c = args.rps
    w0, w1 = (started + t for t in scenario.window)
    rows: dict[str, dict[str, Any]] = {}
    for proc in scenario.procs:
        d = data[proc.name]
        row: dict[str, Any] = {"failed": d["failures"], "budget": d.get("budget", "")}
        share, attempts = _window_429(snaps["window_start"], snaps["window_end"], proc)
        row.update(goodput=_goodput(d["successes"], w0, w1, c), share_429=share, attempts=attempts)
        row["cpu"] = _cpu_share(d["cpu"], w0, w1)
        if step_time is not None and scenario.post:
            p0, p1 = (started + t for t in scenario.post)
            row["post_goodput"] = _goodput(d["successes"], p0, p1, c / 2)
            # the steady state at the new C, over the same window as its goodput; the step's own transient
            # (the refusals that teach the controller the new C) is counted apart
            row["post_share_429"] = _window_429(snaps["post_start"], snaps["post_end"], proc)[0]
            row["step_429"] = _window_429(snaps["window_end"], snaps["post_start"], proc)[0]
            row["recovery_s"] = _recovery_s(d["successes"], step_time, p1, c / 2)
        rows[proc.name] = row
    if scenario.name.startswith("S5"):
        ours = [p for p in scenario.procs if p.kind == "ours"]
        intruder = _goodput(data["intruder"]["successes"], w0, w1, c)
        together = sum(rows[p.name]["goodput"] for p in ours)
        attempts = sum(rows[p.name]["attempts"] for p in ours)
        limited = sum(rows[p.name]["share_429"] * rows[p.name]["attempts"] for p in ours)
        end = started + scenario.window[1]
        finished = max(data[f"ours-{i}"]["finished"] for i in range(1, 4))
        intruder_gone = data["intruder"]["finished"]
        straggler = data["ours-4 (straggler)"]["successes"]
        rows["all 4 ours"] = {
            "goodput": together,
            "of_available": together / max(1e-9, 1 - intruder),
            "share_429": limited / attempts if attempts else 0.0,
            "attempts": attempts,
            "drain_s": finished - end,
            "shared_reach_s": _reach_s(straggler, finished, c * (1 - intruder), 0.9),
            "reach_s": _reach_s(straggler, intruder_gone, c, 0.9),
            "straggler_after": _goodput(straggler, intruder_gone + 5, intruder_gone + 15, c),
        }
    if scenario.name.startswith("S6"):
        cold = data["cold start"]["successes"]
        rows["cold start"]["reach_s"] = _reach_s(cold, started, c, 0.9)
    return rows


def _reach_s(successes: list[float], since: float, ceiling: float, level: float) -> float:
    """Seconds from ``since`` to the end of the first 1 s bin holding >= ``level`` x the ceiling."""
    for offset in range(0, 60):
        if _goodput(successes, since + offset, since + offset + 1, ceiling) >= level:
            return offset + 1.0
    return float("inf")


def _window_429(before: dict[str, Any], after: dict[str, Any], proc: Proc) -> tuple[float, int]:
    """Server-counted, per process: by its x-client-name on a shared key, else by its own key."""
    if proc.kind in ("ours", "intruder") and proc.name in after.get("clients", {}):
        b, a = before.get("clients", {}).get(proc.name, {}), after["clients"][proc.name]
    else:
        b, a = before["keys"].get(proc.key, {}), after["keys"].get(proc.key, {})
    attempts = a.get("attempts", 0) - b.get("attempts", 0)
    limited = a.get("rate_limited", 0) - b.get("rate_limited", 0)
    return (limited / attempts if attempts else 0.0), attempts


def _delete_prefix(prefix: str) -> None:
    import redis

    try:
        client = redis.Redis(socket_connect_timeout=1)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
    except redis.RedisError:  # no Redis: nothing was stored there
        pass


def _spawn(
    proc: Proc,
    args: argparse.Namespace,
    url: str,
    prompts: str,
    out: str,
    tpm: int,
    rpm: int,
    prefix: str,
    concurrency: int = 0,
    no_scrub: bool = False,
) -> subprocess.Popen[bytes]:
    python = args.litellm_python if proc.kind == "litellm" else sys.executable
    command = [
        python,
        __file__,
        "--worker",
        proc.kind,
        "--base-url",
        url,
        "--key",
        proc.key,
        "--prompts",
        prompts,
    ]
    command += ["--out", out, "--duration", str(proc.duration), "--rpm", str(rpm), "--tpm", str(tpm)]
    command += ["--name", proc.name, "--bucket-s", str(proc.bucket_s), "--budget-prefix", prefix]
    command += ["--budget-url", args.budget_url, "--intruder-rps", str(args.rps * 0.2)]
    command += ["--concurrency", str(concurrency)] + (["--no-scrub"] if no_scrub else [])
    env = (
        {**os.environ, "PYTHONPATH": str(REPO), "SEMTEL_BENCH_NAME": proc.name}
        if proc.kind != "litellm"
        else dict(os.environ)
    )
    quiet = subprocess.DEVNULL if proc.kind == "litellm" else None
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=quiet)


def _cpu_per_request(args: argparse.Namespace, prompts_file: str) -> dict[str, float]:
    """CPU milliseconds per answered request, one client after the other against an endpoint without limits
    (latency 50 ms), all at the same 16 requests in flight (HTTP-pool bookkeeping grows with open connections),
    the first 5 s of each discarded: the bare openai SDK, ours (shared Redis budget, outbound PII scrub on, the
    default), and ours with the scrub off (the bare SDK scrubs nothing). Run in the order A B C, then C B A, and
    summed: a machine whose speed drifts during the test then weighs on every client alike."""
    from semtel_core.endpoint.testing import running_endpoint

    tmp = Path(tempfile.mkdtemp())
    runs = (("bare", "bare", False), ("ours", "ours", False), ("ours, no scrub", "ours", True))
    spent = {label: [0.0, 0] for label, _, _ in runs}  # CPU seconds, answered requests
    with running_endpoint("--lazy-load", "--stats-interval", "600", "--ttft-median", "0.05") as url:
        for label, kind, no_scrub in [*runs, *reversed(runs)]:
            proc = Proc(label, kind, f"k-cpu-{kind}", duration=args.cpu_seconds)
            out = tmp / f"{label.replace(' ', '_').replace(',', '')}.json"
            prefix = f"semtel-bench-{uuid.uuid4().hex[:8]}:budget"
            child = _spawn(proc, args, url, prompts_file, str(out), 0, 0, prefix, NAIVE_CONCURRENCY, no_scrub)
            child.wait(timeout=args.cpu_seconds + 120)
            _delete_prefix(prefix)
            d = json.loads(out.read_text())
            start = d["cpu"][0][0] + 5.0
            cpu = [(t, c) for t, c in d["cpu"] if t >= start]
            spent[label][0] += cpu[-1][1] - cpu[0][1]
            spent[label][1] += sum(cpu[0][0] <= t <= cpu[-1][0] for t in d["successes"])
    return {label: seconds / max(done, 1) * 1000 for label, (seconds, done) in spent.items()}


def _fmt(values: list[float], pattern: str) -> str:
    finite = [v for v in values if v == v and v != float("inf")]
    if not finite:
        return "∞" if values and values[0] == float("inf") else "-"
    median = statistics.median(finite)
    text = pattern.format(median)
    if len(values) > 1:
        text += f" [{pattern.format(min(values))}–{pattern.format(max(values))}]"
    return text


def _print_tables(runs: list[dict[tuple[str, str], dict[str, dict[str, Any]]]]) -> None:
    print(
        "\n| scenario | mode | client | goodput (× C) | 429 share | attempts | client CPU | failed | more |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for key, rows in runs[0].items():
        for client in rows:
            got = [run[key][client] for run in runs]

            def col(name: str, pattern: str, got: list[dict[str, Any]] = got) -> str:
                values = [g[name] for g in got if name in g]
                return _fmt(values, pattern) if values else "-"

            more = []
            if "post_goodput" in got[0]:
                more.append(
                    f"after step: {col('post_goodput', '{:.3f}')} × new C, 429 {col('post_share_429', '{:.2%}')}, "
                    f"recovery {col('recovery_s', '{:.0f}')} s; the step's first 30 s: 429 "
                    f"{col('step_429', '{:.2%}')}"
                )
            if "of_available" in got[0]:
                more.append(
                    f"of C − intruder: {col('of_available', '{:.3f}')}; the three finish "
                    f"{col('drain_s', '{:.1f}')} s after they stop taking work; from then the straggler "
                    f"≥ 0.9 (C − intruder) after {col('shared_reach_s', '{:.0f}')} s; from the intruder's stop "
                    f"≥ 0.9 C after {col('reach_s', '{:.0f}')} s"
                )
            elif "reach_s" in got[0]:
                more.append(f"≥ 0.9 C after {col('reach_s', '{:.0f}')} s from its spawn")
            if "straggler_after" in got[0]:
                more.append(f"straggler alone {col('straggler_after', '{:.3f}')} × C")
            budget = got[0].get("budget")
            if budget:
                more.append(f"budget: {budget}")
            print(
                f"| {key[0]} | {key[1]} | {client} | {col('goodput', '{:.3f}')} | {col('share_429', '{:.2%}')} | "
                f"{col('attempts', '{:.0f}')} | {col('cpu', '{:.1%}')} | {col('failed', '{:.0f}')} | "
                f"{'; '.join(more) or '-'} |"
            )


def orchestrate(args: argparse.Namespace) -> None:
    from semtel_core.prompts.tokens import count_message_tokens

    print("uptime before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    prompts = _load_prompts()
    charged = sum(count_message_tokens(p) + MAX_TOKENS for p in prompts) / len(prompts)
    prompts_file = Path(tempfile.mkdtemp()) / "prompts.json"
    prompts_file.write_text(json.dumps(prompts))
    source = "real conversations" if SHARED_DATA.is_file() else "synthetic prompts"
    print(
        f"{len(prompts)} prompts ({source}), {PROMPT_TOKENS} prompt + {MAX_TOKENS} max tokens = {charged:.0f}"
    )
    print(
        f"C = {args.rps} requests/s per key (tpm = C x 60 x tokens as the server counts them, rpm 1.5x higher); "
        f"warm-up {args.warmup}s, window {args.window}s, burst window {args.burst_window}s, latency median "
        f"{args.latency}s; {args.repeat} run(s); shared budget {args.budget_url}"
    )
    if not args.litellm_python:
        print("litellm: not run (pass --litellm-python; it cannot share the venv: it pins openai<3)")
    runs = []
    cpu_runs = []
    for repetition in range(args.repeat):
        results = {}
        for scenario in _scenarios(args):
            print(
                f"run {repetition + 1}: {scenario.name} ({scenario.mode}), {scenario.duration:.0f}s",
                flush=True,
            )
            results[(scenario.name, scenario.mode)] = _run(scenario, args, str(prompts_file), charged)
        runs.append(results)
        if args.cpu_seconds > 0:
            cpu_runs.append(_cpu_per_request(args, str(prompts_file)))
    _print_tables(runs)
    if cpu_runs:
        print(
            f"\nCPU per answered request (no limits, 16 in flight, each client twice for {args.cpu_seconds:.0f}s "
            "in the order A B C C B A, the first 5 s of each dropped):"
        )
        for label in cpu_runs[0]:
            ms = _fmt([r[label] for r in cpu_runs], "{:.2f}")
            ratio = _fmt([r[label] / r["bare"] for r in cpu_runs], "{:.2f}")
            print(f"  {label}: {ms} ms, {ratio} x the bare SDK")
    print("uptime after:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=40.0, help="steady-state window, seconds")
    parser.add_argument("--warmup", type=float, default=20.0, help="discarded start, seconds")
    parser.add_argument("--rps", type=float, default=10.0, help="ceiling C per key, requests/s")
    parser.add_argument("--latency", type=float, default=0.5, help="median time to first token")
    parser.add_argument("--burst-window", type=float, default=10.0, help="simulator bucket size, seconds")
    parser.add_argument(
        "--scenarios", type=lambda s: s.split(","), default=["S1", "S2", "S3", "S4", "S5", "S6"]
    )
    parser.add_argument("--modes", type=lambda s: s.split(","), default=["not_charged", "charged"])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of everything; medians and ranges printed"
    )
    parser.add_argument("--cpu-seconds", type=float, default=20.0, help="per client in the CPU test; 0: skip")
    parser.add_argument("--budget-url", default="redis://127.0.0.1:6379/0", help="'local' for no Redis")
    parser.add_argument(
        "--litellm-python", default=None, help="python of a virtualenv with litellm installed"
    )
    parser.add_argument("--worker", choices=sorted(_RUNNERS), help=argparse.SUPPRESS)
    for hidden in ("--base-url", "--key", "--prompts", "--out", "--name", "--budget-prefix"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    for hidden in ("--duration", "--bucket-s", "--intruder-rps"):
        parser.add_argument(hidden, type=float, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--no-scrub", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--token-hint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rpm", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tpm", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
