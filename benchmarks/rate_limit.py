"""Rate-limit benchmark: our client against three anchors on the local endpoint's simulator, in one run.

    .venv/bin/python benchmarks/rate_limit.py [--window 120] [--warmup 30] [--litellm-python PATH]

Every client runs in its own process with its own API key (so each has its own quota on the simulator and its
CPU is measured alone) and sends the same stream of topic-classification prompts built from real conversations
(``../shared/data``; synthetic text when absent), each cut to exactly 240 prompt tokens. Per key the simulator allows C = 10 requests/s, bound by the
token limit (prompt + max_tokens charged at admission; the request limit is 1.5x higher). Scenarios, each on a
fresh server: rejected attempts not charged, charged, and charged with the capacity halved mid-run. Goodput and
CPU come from the clients' success timestamps; the 429 share from the server's per-key counters (``/v1/_stats``),
both over the steady window only (the first ``--warmup`` seconds are discarded).

Clients: ``ours`` (semtel LLMClient, no limits configured); ``naive`` (AsyncOpenAI, default SDK retries, fixed
concurrency); ``cookbook`` (the OpenAI cookbook's api_request_parallel_processor throttle, given the true
limits); ``litellm`` (LiteLLM Router with rpm/tpm, run with ``--litellm-python``: LiteLLM pins an older
openai SDK, so it lives in its own virtualenv).

This file runs under another interpreter as a worker (``--worker KIND``), so only the standard library is
imported at module level.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
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
    from semtel_core.config import EndpointSettings
    from semtel_core.llm import CallRequest, LLMClient, complete_many

    endpoint = EndpointSettings(name="sim", base_url=args.base_url, model="instant", api_key=args.key)

    def requests() -> Any:
        i = 0
        while time.monotonic() < end:
            yield CallRequest(messages=prompts[i % len(prompts)], max_tokens=MAX_TOKENS)
            i += 1

    def on_result(_index: int, result: Any) -> None:
        if result.ok:
            rec.successes.append(time.monotonic())
        else:
            rec.failures += 1

    async with LLMClient([endpoint]) as client:
        await complete_many(client, requests(), on_result)


class _CookbookThrottle:
    """The throttle of openai-cookbook ``examples/api_request_parallel_processor.py``: request and token
    capacity refilled continuously up to one minute's worth, a request sent when both cover it (tokens =
    prompt + max_tokens), every send paused for 15 s after a rate-limit error, up to 5 attempts."""

    def __init__(self, args: argparse.Namespace, prompts: list[Any], rec: _Recorder) -> None:
        import openai

        self.sdk = openai.AsyncOpenAI(base_url=args.base_url, api_key=args.key, max_retries=0)
        self.rpm, self.tpm = float(args.rpm), float(args.tpm)
        self.requests, self.tokens = self.rpm, self.tpm
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
        self.requests = min(self.rpm, self.requests + self.rpm * elapsed / 60)
        self.tokens = min(self.tpm, self.tokens + self.tpm * elapsed / 60)

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


_RUNNERS = {"ours": _run_ours, "naive": _run_naive, "cookbook": _run_cookbook, "litellm": _run_litellm}


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
    out = {"successes": rec.successes, "failures": rec.failures, "cpu": rec.cpu}
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


def _window_429(before: dict[str, Any], after: dict[str, Any], key: str) -> tuple[float, int]:
    b, a = before["keys"].get(key, {}), after["keys"].get(key, {})
    attempts = a.get("attempts", 0) - b.get("attempts", 0)
    limited = a.get("rate_limited", 0) - b.get("rate_limited", 0)
    return (limited / attempts if attempts else 0.0), attempts


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


def _run_scenario(
    name: str, args: argparse.Namespace, prompts_file: str, rpm: int, tpm: int
) -> dict[str, Any]:
    from semtel_core.endpoint.testing import running_endpoint

    step = name == "step_down"
    duration = args.warmup + (2 * args.window + 40 if step else args.window)
    flags = ["--lazy-load", "--stats-interval", "600", "--rpm", str(rpm), "--tpm", str(tpm)]
    flags += [
        "--burst-window",
        str(args.burst_window),
        "--ttft-median",
        str(args.latency),
        "--ttft-sigma",
        "0.3",
    ]
    flags += ["--charge-rejected" if name != "not_charged" else "--no-charge-rejected"]
    scenario = Path(tempfile.mkdtemp()) / "scenario.yaml"
    step_at = args.warmup + args.window + 5.0  # server clock; aligned below through its uptime
    if step:
        scenario.write_text(
            f"rate_limit:\n  capacity_steps:\n    - {{at_s: {step_at}, rpm_factor: 0.5, tpm_factor: 0.5}}\n"
        )
        flags += ["--scenario", str(scenario)]
    clients = [c for c in args.clients if c != "litellm" or args.litellm_python]
    outs = {c: str(scenario.parent / f"{c}.json") for c in clients}
    with running_endpoint(*flags) as url:
        server_zero = time.monotonic() - _stats(url)["uptime_s"]
        started = time.monotonic()
        procs = [_spawn(c, args, url, prompts_file, outs[c], duration, rpm, tpm) for c in clients]
        step_time = server_zero + step_at if step else None
        window_start = started + args.warmup
        window_end = step_time if step_time else window_start + args.window
        time.sleep(max(0.0, window_start - time.monotonic()))
        before = _stats(url)
        time.sleep(max(0.0, window_end - time.monotonic()))
        middle = _stats(url)
        after = middle
        if step_time:
            time.sleep(max(0.0, started + duration - 1 - time.monotonic()))
            after = _stats(url)
        for proc in procs:
            proc.wait(timeout=duration + 120)
    rows = {}
    for c in clients:
        data = json.loads(Path(outs[c]).read_text())
        share, attempts = _window_429(before, middle, _key(c))
        row = {
            "goodput": _goodput(data["successes"], window_start, window_end, args.ceiling),
            "share_429": share,
            "attempts": attempts,
            "cpu": _cpu_share(data["cpu"], window_start, window_end),
            "failed_items": data["failures"],
        }
        if step_time:
            post_end = started + duration - 1
            row["post_goodput"] = _goodput(data["successes"], step_time + 30, post_end, args.ceiling / 2)
            row["post_share_429"] = _window_429(middle, after, _key(c))[0]
            row["recovery_s"] = _recovery_s(data["successes"], step_time, post_end, args.ceiling / 2)
        rows[c] = row
    return rows


def _key(client: str) -> str:
    return f"key-{client[:4]}"  # short: the simulator shows keys over 12 characters only redacted


def _spawn(
    client: str,
    args: argparse.Namespace,
    url: str,
    prompts: str,
    out: str,
    duration: float,
    rpm: int,
    tpm: int,
) -> subprocess.Popen[bytes]:
    python = args.litellm_python if client == "litellm" else sys.executable
    command = [
        python,
        __file__,
        "--worker",
        client,
        "--base-url",
        url,
        "--key",
        _key(client),
        "--prompts",
        prompts,
    ]
    command += ["--out", out, "--duration", str(duration), "--rpm", str(rpm), "--tpm", str(tpm)]
    env = {**os.environ, "PYTHONPATH": str(REPO)} if client != "litellm" else dict(os.environ)
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if client == "litellm" else None,
    )


def _print_table(results: dict[str, dict[str, dict[str, Any]]]) -> None:
    print(
        "| scenario | client | goodput (x C) | 429 share | attempts | client CPU | failed items | after step: goodput (x new C) / 429 share / recovery |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for scenario, rows in results.items():
        for client, r in rows.items():
            post = "-"
            if "post_goodput" in r:
                post = f"{r['post_goodput']:.3f} / {r['post_share_429']:.2%} / {r['recovery_s']:.0f} s"
            print(
                f"| {scenario} | {client} | {r['goodput']:.3f} | {r['share_429']:.2%} | {r['attempts']} | "
                f"{r['cpu']:.1%} | {r['failed_items']} | {post} |"
            )


def orchestrate(args: argparse.Namespace) -> None:
    from semtel_core.prompts.tokens import count_message_tokens

    prompts = _load_prompts()
    charged = sum(count_message_tokens(p) + MAX_TOKENS for p in prompts) / len(prompts)
    args.ceiling = args.rps
    tpm = round(args.rps * 60 * charged)
    rpm = round(args.rps * 60 * 1.5)
    prompts_file = Path(tempfile.mkdtemp()) / "prompts.json"
    prompts_file.write_text(json.dumps(prompts))
    source = "real conversations" if SHARED_DATA.is_file() else "synthetic prompts"
    print(
        f"{len(prompts)} prompts ({source}), mean charged tokens {charged:.0f}; per key rpm={rpm} tpm={tpm}"
    )
    print(
        f"C = {args.rps}/s per key; window {args.window}s after {args.warmup}s warm-up; burst window "
        f"{args.burst_window}s; latency median {args.latency}s; clients {', '.join(args.clients)}"
    )
    if "litellm" in args.clients and not args.litellm_python:
        print("litellm: not run (pass --litellm-python; it cannot share the venv: it pins openai<3)")
    results = {s: _run_scenario(s, args, str(prompts_file), rpm, tpm) for s in args.scenarios}
    _print_table(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=120.0, help="steady-state window, seconds")
    parser.add_argument("--warmup", type=float, default=30.0, help="discarded start, seconds")
    parser.add_argument("--rps", type=float, default=10.0, help="ceiling C per key, requests/s")
    parser.add_argument("--latency", type=float, default=0.5, help="median time to first token")
    parser.add_argument("--burst-window", type=float, default=10.0, help="simulator bucket size, seconds")
    parser.add_argument(
        "--scenarios", type=lambda s: s.split(","), default=["not_charged", "charged", "step_down"]
    )
    parser.add_argument("--clients", type=lambda s: s.split(","), default=list(CLIENTS))
    parser.add_argument(
        "--litellm-python", default=None, help="python of a virtualenv with litellm installed"
    )
    parser.add_argument("--worker", choices=CLIENTS, help=argparse.SUPPRESS)
    for hidden in ("--base-url", "--key", "--prompts", "--out"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    parser.add_argument("--duration", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--rpm", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tpm", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
