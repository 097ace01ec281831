"""The rate-limit-aware LLM client: one retry loop over an endpoint pool, never raising for a row's failure.

One attempt = take a concurrency slot on the best endpoint (``pool``), reserve the estimate in its rate
budget (``budget``: shared by every process on the key) and sleep off any debt, send through the openai SDK
(its retries off), then feed the outcome back to the budget, concurrency controller (``concurrency``), circuit
breaker (``breaker``) and accounting. Failed attempts are classified (``retry``): retryable ones back off (honouring ``retry-after``)
and go round again, connection errors fail over to another endpoint, a context-length error is retried once
on the caller's shorter prompt, anything else becomes an ``error`` row.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

import httpx2
import openai

from semtel_core.config import ClientSettings, EndpointSettings, Price, PrivacySettings, Settings
from semtel_core.llm.accounting import Accounting, StatsSnapshot, cost_usd
from semtel_core.llm.budget import Reservation, open_store
from semtel_core.llm.limiter import RateLimitHeaders
from semtel_core.llm.pool import EndpointState, Pool, build_state
from semtel_core.llm.retry import Backoff, Failure, classify
from semtel_core.llm.sdk import KeyResolver, SdkFactory, build_sdk_client, default_key_resolver
from semtel_core.llm.types import CallRequest, CallResult, Message, Usage
from semtel_core.privacy.outbound import Outbound
from semtel_core.prompts.tokens import count_message_tokens, rough_prompt_tokens

logger = logging.getLogger(__name__)

# One request in this many, of those a token rate paces, is counted even with room to spare: the server/our-tokenizer
# ratio learns from counted prompts only.
RATIO_SAMPLE = 8


@dataclass(slots=True)
class _Run:
    """The state of one request across its attempts."""

    request: CallRequest
    started: float
    deadline: float
    tokens: int  # prompt estimate + max_tokens, for choosing an endpoint
    prompt_estimate: int
    counted: bool = True  # False: prompt_estimate is rough_prompt_tokens (see _count_if_decisive)
    attempts: int = 0
    truncated: bool = False
    usage: Usage = field(default_factory=Usage)
    last: Failure | None = None
    last_endpoint: EndpointState | None = None
    avoid: EndpointState | None = None


@dataclass(frozen=True, slots=True)
class _Success:
    state: EndpointState
    content: str | None
    usage: Usage
    server_request_id: str | None
    finish_reason: str | None


# create()'s request options, which CallRequest.extra may carry beside body parameters: where each one goes.
_OPTIONS = {"extra_headers": "headers", "extra_query": "params"}


def _request(model: str, request: CallRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON body and the SDK request options of a chat completion, as ``chat.completions.create`` builds
    them: ``extra_body`` is merged into the body, ``extra_headers`` and ``extra_query`` become options."""
    extra = dict(request.extra)
    options = {option: extra.pop(name) for name, option in _OPTIONS.items() if name in extra}
    more = extra.pop("extra_body", None) or {}
    body = {"model": model, "messages": list(request.messages), "max_tokens": request.max_tokens}
    return {**body, **extra, **more}, options


@dataclass(frozen=True, slots=True)
class _Completion:
    """What a chat completion answer tells us: its first choice, its usage and its id."""

    content: str | None
    finish_reason: str | None
    usage: Usage
    id: str | None


def _completion(response: httpx2.Response) -> _Completion:
    """Read a chat completion from the JSON body; an answer that is not one is the SDK's validation error."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise openai.APIResponseValidationError(
            response, response.text[:200], message="the endpoint's answer is not a JSON object"
        )
    choices = data.get("choices")
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    message = choice.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    raw_usage = data.get("usage")
    usage: dict[str, Any] = raw_usage if isinstance(raw_usage, dict) else {}
    return _Completion(
        content=content if isinstance(content, str) else None,
        finish_reason=_str_or_none(choice.get("finish_reason")),
        usage=Usage(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))),
        id=_str_or_none(data.get("id")),
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


class LLMClient:
    """Chat completions over a pool of OpenAI-compatible endpoints, close to their rate limits.

    ``share`` is the number of concurrently active tasks (Spark tasks, Airflow mapped tasks) using the same
    endpoints: each client starts at ``initial_concurrency / share`` in flight per endpoint and adapts from
    there. Use one client per event loop; ``complete`` is safe to call from many tasks of that loop.
    """

    def __init__(
        self,
        endpoints: Sequence[EndpointSettings],
        settings: ClientSettings | None = None,
        *,
        prices: Mapping[str, Price] | None = None,
        share: int = 1,
        key_resolver: KeyResolver = default_key_resolver,
        sdk_factory: SdkFactory = build_sdk_client,
        seed: int | None = None,
        privacy: PrivacySettings | None = None,
    ) -> None:
        if not endpoints:
            raise ValueError("an LLM client needs at least one endpoint")
        self.settings = settings or ClientSettings()
        # Every message is scrubbed right before it is sent (default: on), whatever path built it.
        self.outbound = Outbound(privacy)
        self._prices = dict(prices or {})
        self._store = open_store(self.settings.shared_budget_url)
        self._pool = Pool(
            [build_state(e, self.settings, key_resolver, share, self._store, sdk_factory) for e in endpoints],
            outage_s=self.settings.outage_s,
        )
        self._backoff = Backoff(
            self.settings.backoff_base_s, self.settings.backoff_max_s, self.settings.retry_after_cap_s
        )
        self._rng = random.Random(seed)
        self._accounting = Accounting()
        self._uncounted = 0  # paced requests that reached _count_if_decisive with a rough estimate
        self._last_log = time.monotonic()
        # Set once every endpoint has been down for settings.outage_s: every request then fails at once.
        self.outage: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> LLMClient:
        return cls(
            settings.endpoints, settings.client, prices=settings.prices, privacy=settings.privacy, **kwargs
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._pool.aclose()
        await self._store.aclose()

    @property
    def permits(self) -> int:
        """The current in-flight limit summed over the pool."""
        return sum(state.concurrency.permits for state in self._pool.states)

    @property
    def worth_starting(self) -> int:
        """How many requests are worth having started at once: twice the in-flight limit, but where the rate
        budget paces an endpoint only twice what it has on the wire plus the queue the budget lets this process
        hold. More would only wait inside this process: when the run stops pulling (or another process on the
        key could use the rate), they would still be here, seconds of backlog at the paced rate."""
        total = 0.0
        for state in self._pool.states:
            room = state.budget.queue_room()
            wanted = 2.0 * (state.concurrency.on_wire + room)
            total += min(2.0 * state.concurrency.permits, wanted)
        return int(total)

    def stats(self) -> StatsSnapshot:
        return self._accounting.snapshot(tuple(s.snapshot() for s in self._pool.states))

    async def complete(self, request: CallRequest) -> CallResult:
        """One request to a result row; cancellation propagates, every other failure becomes ``error``."""
        now = time.monotonic()
        # Scrubbed once per request (the attempts resend the same messages); the token estimate stays the caller's.
        request = dataclasses.replace(request, messages=self.outbound.messages(request.messages))
        estimate, counted = self._prompt_estimate(request)
        run = _Run(
            request=request,
            started=now,
            deadline=now + self.settings.deadline_s,
            tokens=estimate + request.max_tokens,
            prompt_estimate=estimate,
            counted=counted,
        )
        result = await self._run(run)
        self._accounting.record_result(result)
        self._maybe_log()
        return result

    def _prompt_estimate(self, request: CallRequest) -> tuple[int, bool]:
        """The caller's count of the prompt when it gave one; else a rough one from its length (``counted``
        False), which :meth:`_count_if_decisive` replaces by a count where the count decides something."""
        if request.prompt_tokens_hint is not None:
            return request.prompt_tokens_hint, True
        return rough_prompt_tokens(request.messages), False

    def _count_if_decisive(self, run: _Run, state: EndpointState) -> None:
        """Count the prompt (tiktoken, ~80 µs a 1 KB prompt: more client CPU than the rest of a request's
        bookkeeping) only where a token rate paces the endpoint and the count decides something: the bucket is
        under half full, so the reservation's size sets its turn, or it is one of every ``RATIO_SAMPLE``
        requests, from which the server/our-tokenizer ratio learns. Otherwise the reservation goes at once
        whatever its size, and the server's usage settles it."""
        if run.counted or not state.budget.paces_tokens:
            return
        sample = self._uncounted % RATIO_SAMPLE == 0
        self._uncounted += 1
        if not sample and state.budget.roomy(run.tokens):
            return
        run.prompt_estimate, run.counted = count_message_tokens(run.request.messages), True
        run.tokens = run.prompt_estimate + run.request.max_tokens

    def _outage_failure(self, run: _Run) -> Failure | None:
        if self.outage is None:
            down = self._pool.down_for(time.monotonic())
            if down < self.settings.outage_s:
                return None
            last = f"; last failure: {run.last.reason}" if run.last else ""
            self.outage = (
                f"outage: every endpoint of the pool ({', '.join(s.name for s in self._pool.states)}) has been "
                f"unavailable for {down:.0f}s (client.outage_s {self.settings.outage_s:.0f}){last}"
            )
            logger.error("llm client: %s; failing every remaining request", self.outage)
        return Failure("outage", self.outage, "EndpointOutage")

    async def _run(self, run: _Run) -> CallResult:
        while run.attempts < self.settings.max_attempts:
            outage = self._outage_failure(run)
            if outage is not None:
                return self._error(run, outage)
            outcome = await self._attempt(run)
            if isinstance(outcome, _Success):
                return self._ok(run, outcome)
            if outcome.kind not in ("skip", "unavailable") or run.last is None:
                run.last = outcome
            if outcome.kind == "context_length" and await self._retruncate(run):
                continue
            if not outcome.retryable:
                return self._error(run, outcome)
            if self._backoff.too_long(outcome):
                wait = outcome.headers.retry_after_s
                return self._error(
                    run, outcome, gave_up=f"server asked to wait {wait:.0f}s > retry_after_cap_s"
                )
            delay = self._retry_delay(run, outcome)
            if time.monotonic() + delay >= run.deadline:
                return self._error(run, outcome, gave_up="deadline")
            await asyncio.sleep(delay)
        assert run.last is not None  # the loop only ends after a counted, failed attempt
        return self._error(run, run.last, gave_up="max attempts")

    async def _attempt(self, run: _Run) -> _Success | Failure:
        left = run.deadline - time.monotonic()
        # Behind open breakers, wait one cooldown (not the whole deadline): that wait counts as an attempt, so a
        # dead pool ends requests in max_attempts cooldowns, and the outage clock is read again in between.
        blocked = self._pool.until_an_endpoint_may_send()
        wait = min(left, blocked + 0.05) if blocked > 0 else left
        state = await self._pool.acquire(run.tokens, run.avoid, timeout=max(wait, 0.0))
        if state is None:
            outage = self._outage_failure(run)
            if outage is not None:
                return outage
            if time.monotonic() >= run.deadline:
                return _deadline_failure(run, "no endpoint of the pool became available before the deadline")
            run.attempts += 1
            return Failure("unavailable", "every endpoint's circuit breaker is open", "EndpointUnavailable")
        try:
            reservation = await self._reserve(state, run)
            if isinstance(reservation, Failure):
                return reservation
            shared_open = state.budget.breaker_open_s()
            if shared_open > 0:
                state.breaker.hold_open(shared_open)  # another process on this key found the endpoint down
            outage = self._outage_failure(run)
            if outage is not None or not state.breaker.begin():
                state.budget.release(reservation)
                return outage or _skip_failure()
            return await self._send(state, run, reservation)
        finally:
            state.concurrency.release()

    async def _reserve(self, state: EndpointState, run: _Run) -> Reservation | Failure:
        """Reserve the request on ``state``'s budget and sleep until its turn; a failure past the deadline."""
        self._count_if_decisive(run, state)
        await state.budget.enter_queue(run.tokens)
        try:
            answered = state.budget.answered
            reservation = await state.budget.take(run.prompt_estimate, run.request.max_tokens, run.counted)
            if state.budget.answered and not answered:
                # The key answered other processes: no calibration, let the waiting requests in now rather
                # than when this one returns (a cold start on a learned key spent one latency here).
                state.concurrency.on_room()
            try:
                while True:
                    if not await state.budget.wait_turn(reservation, run.deadline):
                        state.budget.release(reservation)
                        return _deadline_failure(run, "rate limit wait exceeds the deadline")
                    if not state.budget.stale(reservation):
                        return reservation
                    # Cut since we reserved: the cut dropped the old queue; queue again at the new rate.
                    reservation = await state.budget.retake(reservation, run.request.max_tokens)
            except asyncio.CancelledError:
                state.budget.release(reservation)
                raise
        finally:
            state.budget.leave_queue()

    async def _send(self, state: EndpointState, run: _Run, reservation: Reservation) -> _Success | Failure:
        run.attempts += 1
        state.attempts += 1
        state.concurrency.on_wire += 1
        on_wire_at_start = state.concurrency.on_wire  # this request included, as in Gradient2
        sent = time.monotonic()
        body, options = _request(state.model, run.request)
        options["timeout"] = max(0.001, min(state.settings.timeout_s, run.deadline - sent))
        try:
            # The SDK's generic request (its documented way to custom requests), not chat.completions.create:
            # create walks every message through its TypedDict transform and builds a pydantic model of the
            # answer, ~1 ms of CPU a request, more than all of our own bookkeeping; the messages are plain JSON
            # already. The SDK still sends (Azure's deployment routing included) and raises its typed errors.
            raw = await state.sdk.post(  # type: ignore[call-overload]  # options: the SDK's RequestOptions
                "/chat/completions", body=body, cast_to=httpx2.Response, options=options
            )
            completion = _completion(raw)
        except openai.OpenAIError as exc:
            state.concurrency.on_wire -= 1
            failure = classify(exc)
            await self._on_failure(state, run, failure, sent, reservation)
            return failure
        except BaseException:
            state.concurrency.on_wire -= 1
            raise
        state.concurrency.on_wire -= 1
        success = self._on_success(
            state, run, raw.headers, completion, time.monotonic() - sent, on_wire_at_start, reservation
        )
        if state.budget.breaker_open_s() > 0:  # it answers: a verdict on the key (another process's) is stale
            await state.budget.close_breaker()
        return success

    def _on_success(
        self,
        state: EndpointState,
        run: _Run,
        headers: Mapping[str, str],
        completion: _Completion,
        rtt: float,
        on_wire_at_start: int,
        reservation: Reservation,
    ) -> _Success:
        usage = completion.usage
        charged = usage.prompt_tokens + (
            run.request.max_tokens if self.settings.charge_max_tokens else usage.completion_tokens
        )
        if usage.prompt_tokens <= 0:
            charged = reservation.tokens  # a server that reports no usage: our estimate is all we have
        state.concurrency.on_success(rtt, on_wire_at_start)
        state.budget.observe(RateLimitHeaders.parse(headers), rtt=state.concurrency.long_rtt)
        state.budget.settle(reservation, charged, usage.prompt_tokens)
        state.answers += 1
        state.breaker.on_success()
        self._accounting.record_attempt(rate_limited=False)
        return _Success(
            state=state,
            content=completion.content,
            usage=usage,
            server_request_id=headers.get("x-request-id") or completion.id,
            finish_reason=completion.finish_reason,
        )

    async def _on_failure(
        self, state: EndpointState, run: _Run, failure: Failure, sent: float, reservation: Reservation
    ) -> None:
        self._accounting.record_attempt(rate_limited=failure.kind == "rate_limited")
        if failure.status_code is not None:
            state.answers += 1
        state.budget.observe(failure.headers)
        # A 429 is the rate budget's signal (it cuts the rate); only a timeout says we have too much in flight.
        if failure.kind == "timeout":
            state.concurrency.on_drop(sent)
        if failure.kind == "rate_limited":
            state.rate_limited += 1
            await state.budget.reject(reservation, failure.reason)
        if failure.kind == "connection":
            state.budget.release(reservation)  # never reached the server
        if failure.endpoint_unhealthy:
            state.failures += 1
            opened = state.breaker.times_opened
            state.breaker.on_failure()
            if state.breaker.times_opened > opened:
                await state.budget.open_breaker(state.breaker.seconds_until_available())
            run.avoid = state
            logger.debug("endpoint %s: %s", state.name, failure.reason)
        else:
            state.breaker.on_neutral()
            run.avoid = None
        run.last_endpoint = state

    def _retry_delay(self, run: _Run, failure: Failure) -> float:
        if failure.kind in ("skip", "unavailable"):
            return 0.0
        if failure.kind == "connection" and len(self._pool.states) > 1:
            return 0.0  # fail over at once; the breaker keeps a dead endpoint out of the way
        paced = run.last_endpoint is not None and run.last_endpoint.budget.rates != (0.0, 0.0)
        if failure.kind == "rate_limited" and paced and failure.headers.retry_after_s is None:
            return 0.0  # back to the rate budget's queue: the 429 cut its rate and paused it
        return self._backoff.delay(run.attempts, failure, self._rng)

    async def _retruncate(self, run: _Run) -> bool:
        """Retry once on the caller's shorter prompt; ``False`` when there is no callback or it was used."""
        truncate = run.request.truncate
        if truncate is None or run.truncated:
            return False
        shorter = truncate(run.request.messages)
        messages: Sequence[Message] = await shorter if inspect.isawaitable(shorter) else shorter
        run.request = run.request.with_messages(self.outbound.messages(messages))
        run.prompt_estimate, run.counted = self._prompt_estimate(run.request)
        run.tokens = run.prompt_estimate + run.request.max_tokens
        run.truncated = True
        return True

    def _ok(self, run: _Run, success: _Success) -> CallResult:
        state = success.state
        return CallResult(
            status="ok",
            request_id=run.request.request_id,
            content=success.content,
            usage=success.usage,
            cost_usd=cost_usd(self._prices, state.settings.model, success.usage),
            latency_s=time.monotonic() - run.started,
            attempts=run.attempts,
            endpoint=state.name,
            model=state.settings.model,
            server_request_id=success.server_request_id,
            finish_reason=success.finish_reason,
        )

    def _error(self, run: _Run, failure: Failure, gave_up: str | None = None) -> CallResult:
        reason = (
            failure.reason
            if gave_up is None
            else f"gave up ({gave_up}) after {run.attempts} attempts: {failure.reason}"
        )
        state = run.last_endpoint
        return CallResult(
            status="error",
            request_id=run.request.request_id,
            reason=reason,
            error_type=failure.error_type,
            status_code=failure.status_code,
            latency_s=time.monotonic() - run.started,
            attempts=run.attempts,
            endpoint=state.name if state else None,
            model=state.settings.model if state else None,
            server_request_id=failure.server_request_id,
        )

    def _maybe_log(self) -> None:
        now = time.monotonic()
        if now - self._last_log >= self.settings.log_every_s:
            self._last_log = now
            logger.info("llm client: %s", self.stats().summary())


def _deadline_failure(run: _Run, what: str) -> Failure:
    last = run.last
    if last is None:
        return Failure("deadline", what, "DeadlineExceeded")
    return Failure(
        "deadline",
        f"{what}; last failure: {last.reason}",
        last.error_type,
        last.status_code,
        server_request_id=last.server_request_id,
    )


def _skip_failure() -> Failure:
    return Failure("skip", "endpoint went into cooldown while we waited for it", "Skipped")
