"""The endpoint pool: per-endpoint state (limiter, concurrency, breaker) and the choice of endpoint per attempt.

An attempt goes to the usable endpoint that can send it soonest; among those ready now, to the one with the
most headroom (the smaller of its rate-limit fill level and its free concurrency share) times its weight.
Endpoints in cooldown are skipped, as is the one that just failed the attempt when another is usable
(failover).
"""

from __future__ import annotations

import asyncio
import collections
import math
import time
from dataclasses import dataclass, field

import openai

from semtel_core.config import ClientSettings, EndpointSettings
from semtel_core.llm.accounting import EndpointSnapshot
from semtel_core.llm.breaker import CircuitBreaker
from semtel_core.llm.budget import Budget, Store, budget_key
from semtel_core.llm.concurrency import CALIBRATION_ANSWERS, AdaptiveConcurrency
from semtel_core.llm.sdk import KeyResolver, SdkFactory, build_sdk_client, model_name


@dataclass(eq=False)
class EndpointState:
    settings: EndpointSettings
    budget: Budget
    concurrency: AdaptiveConcurrency
    breaker: CircuitBreaker
    key_resolver: KeyResolver
    sdk_factory: SdkFactory = build_sdk_client
    answers: int = 0  # HTTP answers so far; the first CALIBRATION_ANSWERS requests go one at a time
    attempts: int = 0
    rate_limited: int = 0
    failures: int = 0
    _sdk: openai.AsyncOpenAI | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def model(self) -> str:
        return model_name(self.settings)

    @property
    def sdk(self) -> openai.AsyncOpenAI:
        """Built on first use, so that a pool can be configured where no key is available (e.g. DAG parsing)."""
        if self._sdk is None:
            self._sdk = self.sdk_factory(self.settings, self.key_resolver(self.settings))
        return self._sdk

    def seconds_until_ready(self, tokens: int) -> float:
        if not self.breaker.available():
            return self.breaker.seconds_until_available() or math.inf
        if not self.has_room():
            return math.inf  # frees up when a request of this endpoint ends; unknown when
        return self.budget.wait_time(tokens)

    def has_room(self) -> bool:
        # Calibration reads the limit headers before a burst goes out; a key that answered other processes (or
        # an earlier run) needs none. The slow-start rate of a fresh key is no evidence: an endpoint that refuses
        # connections would get a burst before its breaker can open.
        calibrated = self.answers >= CALIBRATION_ANSWERS or self.budget.answered
        return self.concurrency.has_room() and (calibrated or self.concurrency.holders == 0)

    def try_acquire(self) -> bool:
        return self.has_room() and self.concurrency.try_acquire()

    def score(self) -> float:
        free = 1.0 - self.concurrency.holders / self.concurrency.permits
        return min(self.budget.headroom(), free) * self.settings.weight

    def snapshot(self) -> EndpointSnapshot:
        return EndpointSnapshot(
            name=self.name,
            model=self.model,
            attempts=self.attempts,
            rate_limited=self.rate_limited,
            failures=self.failures,
            concurrency_limit=round(self.concurrency.limit, 2),
            in_flight=self.concurrency.on_wire,
            breaker=self.breaker.state,
            rpm=self.budget.rpm,
            tpm=self.budget.tpm,
            budget=self.budget.mode,
            token_ratio=round(self.budget.ratio, 3),
        )

    async def aclose(self) -> None:
        await self.budget.aclose()
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None


def build_state(
    endpoint: EndpointSettings,
    client: ClientSettings,
    key_resolver: KeyResolver,
    share: int,
    store: Store,
    sdk_factory: SdkFactory = build_sdk_client,
) -> EndpointState:
    """``share``: how many concurrently active tasks use this endpoint; each starts with its share of its
    concurrency (and, with a local budget only, of its rate limits)."""
    initial = max(client.min_concurrency, client.initial_concurrency / max(share, 1))

    def key() -> str:
        secret = key_resolver(endpoint)
        plain = secret if isinstance(secret, str) else secret.get_secret_value()
        return budget_key(client.shared_budget_prefix, endpoint.base_url, model_name(endpoint), plain)

    return EndpointState(
        settings=endpoint,
        budget=Budget(
            key,
            store,
            rpm=endpoint.rpm,
            tpm=endpoint.tpm,
            headroom=client.limit_headroom,
            burst_s=client.burst_s,
            share=share,
        ),
        concurrency=AdaptiveConcurrency(
            initial,
            min_limit=client.min_concurrency,
            max_limit=client.max_concurrency,
            tolerance=client.latency_tolerance,
            backoff_ratio=client.backoff_ratio,
        ),
        breaker=CircuitBreaker(
            failure_threshold=client.breaker_failures,
            cooldown_s=client.breaker_cooldown_s,
            name=endpoint.name,
        ),
        key_resolver=key_resolver,
        sdk_factory=sdk_factory,
    )


class Pool:
    """The endpoints of one client and the wait for a free slot on any of them."""

    def __init__(self, states: list[EndpointState], outage_s: float = float("inf")) -> None:
        self.states = states
        self.outage_s = outage_s
        # One future per waiting attempt, woken in arrival order and only as many as there are free slots: an
        # Event would wake every waiter on every freed slot (with a window of twice the in-flight limit, that
        # was most of the client's CPU per request beyond the SDK's).
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        for state in states:
            state.concurrency.on_room = self._wake

    def _wake(self) -> None:
        free = sum(max(0, s.concurrency.permits - s.concurrency.holders) for s in self.states)
        for _ in range(max(1, free)):
            while self._waiters and self._waiters[0].done():
                self._waiters.popleft()
            if not self._waiters:
                return
            self._waiters.popleft().set_result(None)

    def down_for(self, now: float) -> float:
        """Seconds every endpoint has been down (breaker not closed) without a break; 0 while one is healthy."""
        since = [s.breaker.down_since for s in self.states if s.breaker.state != "closed"]
        if len(since) < len(self.states) or any(t is None for t in since):
            return 0.0
        return now - max(t for t in since if t is not None)

    def in_outage(self) -> bool:
        return self.down_for(time.monotonic()) >= self.outage_s

    def until_an_endpoint_may_send(self) -> float:
        """Seconds until some breaker may let a request through (0 when one does now; a short poll while a
        half-open probe is out)."""
        if any(s.breaker.available() for s in self.states):
            return 0.0
        return min(s.breaker.seconds_until_available() for s in self.states) or 0.5

    async def acquire(self, tokens: int, avoid: EndpointState | None, timeout: float) -> EndpointState | None:
        """Take a concurrency slot on the best endpoint, waiting up to ``timeout`` s; ``None`` on timeout, or at
        once when every endpoint has been down for ``outage_s`` (checked at least every second while waiting)."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + timeout
        while True:
            if self.in_outage():
                return None
            state, wait = choose(self.states, tokens, avoid)
            if state is not None and state.try_acquire():
                return state
            left = give_up - loop.time()
            if left <= 0:
                return None
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                async with asyncio.timeout(min(wait, left, 1.0)):
                    await waiter
            except TimeoutError:
                pass
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake()  # woken but leaving: pass the slot on
                raise
            finally:
                if not waiter.done():
                    waiter.cancel()  # skipped by _wake

    async def aclose(self) -> None:
        for state in self.states:
            await state.aclose()


def choose(
    states: list[EndpointState], tokens: int, avoid: EndpointState | None = None
) -> tuple[EndpointState | None, float]:
    """The endpoint for the next attempt and how long until it can send (``inf``: wait for a slot to free)."""
    usable = [s for s in states if s.breaker.available()]
    if avoid is not None and len(usable) > 1:
        usable = [s for s in usable if s is not avoid]
    if not usable:
        return None, min(s.breaker.seconds_until_available() for s in states) or 0.05
    if len(usable) == 1:  # the common case: nothing to compare
        return usable[0], usable[0].seconds_until_ready(tokens)
    waits = {id(s): s.seconds_until_ready(tokens) for s in usable}
    best_wait = min(waits.values())
    ready = [s for s in usable if waits[id(s)] <= best_wait + 1e-3]
    return max(ready, key=EndpointState.score), best_wait
