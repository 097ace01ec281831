"""One rate budget per provider key, shared by every process that uses the key (in Redis), or local.

Each request reserves 1 request and its token estimate before it is sent and settles on the usage the server
reports; a 429 empties the bucket and cuts the rate; limits announced in headers are hints. Buckets, learned
limits, the controller's state, the token-count ratio (server / our tokenizer), the no-load latency and the
breaker's open-until live in one Redis hash per key, keyed by a hash of the endpoint and a hash of the API key
(never the key), so a process that starts late reads what earlier ones learned, a process alone gets the whole
budget and several get it by demand (a reservation is taken at once and its caller sleeps off the debt, so
waiters across processes are served in arrival order).

Why a Lua script of our own (``budget.lua``) and not ``limits`` or ``pyrate-limiter``: their Redis backends take
weighted hits against fixed limits and refuse a hit that does not fit. We need reservations that go into debt,
settlement after the call, limits that the controller sets and cuts at run time, and the controller's state
changed in the same atomic step as the buckets: one script, one round trip per request (the settlements of
earlier requests ride along with the next reservation; above ``LOCAL_MIN_RATE`` with the bucket half full,
fewer). When Redis is unreachable the same script runs
in-process through lupa (Lua 5.1, as in Redis), so the two modes cannot drift apart; the fallback logs a WARNING
and keeps the rates learned so far.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from semtel_core.llm.limiter import RateLimitHeaders

logger = logging.getLogger(__name__)

SCRIPT = resources.files("semtel_core.llm").joinpath("budget.lua").read_text(encoding="utf-8")
_REQUESTS, _TOKENS, _BOTH = 1, 2, 3
_SLICE_S = 0.25  # a waiting reservation looks again this often (the view is refreshed as often)
# A process queues at most this many seconds of its budget ahead: several processes on a key then share it by
# demand without a deep queue, so one left alone has the whole rate within about that long.
QUEUE_S = 0.5
# Requests/s before the store's first answer: the script's slow start (SS_START) begins here.
_FIRST_RATE = 8.0
# Above this many requests/s a round trip per reservation costs more client CPU than it decides: while the
# bucket is more than half full (nobody waits, so there is no order to keep) a reservation is taken from the
# view of the last answer, for at most LOCAL_VIEW_S after it and that long's worth of the rate; the debits ride
# along with the next round trip. Below it (every rate a test scenario paces at) each one is a round trip.
LOCAL_MIN_RATE = 50.0
LOCAL_VIEW_S = 0.05
_LIMITED_BY = (
    (re.compile(r"\b(tokens per min|TPM)\b", re.IGNORECASE), _TOKENS),
    (re.compile(r"\b(requests per min|RPM)\b", re.IGNORECASE), _REQUESTS),
)


class Store(Protocol):
    """Runs the budget script on one key; returns its numbers."""

    name: str

    async def run(self, key: str, args: Sequence[Any]) -> list[float]: ...

    async def aclose(self) -> None: ...


class RedisStore:
    """The budget script in Redis (``EVALSHA``; redis-py reloads it after a ``SCRIPT FLUSH``)."""

    def __init__(self, url: str) -> None:
        import redis.asyncio

        self.name = f"shared ({_redact(url)})"
        # A few connections, waited for when all are busy: every request of the process makes a round trip.
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            url, max_connections=8, timeout=5.0, socket_timeout=2.0, socket_connect_timeout=1.0
        )
        self._client = redis.asyncio.Redis(connection_pool=pool)
        self._script = self._client.register_script(SCRIPT)

    async def run(self, key: str, args: Sequence[Any]) -> list[float]:
        raw = await self._script(keys=[key], args=list(args))
        return [float(v) for v in raw.split()]

    async def aclose(self) -> None:
        await self._client.aclose()


class LocalStore:
    """The budget script in this process (lupa's Lua 5.1) over a dict: the fallback when Redis is away."""

    def __init__(self, name: str = "local", seed: dict[str, dict[str, str]] | None = None) -> None:
        from lupa import lua51

        self.name = name
        self._data: dict[str, dict[str, str]] = dict(seed or {})
        lua = lua51.LuaRuntime(unpack_returned_tuples=True)
        lua.globals().redis = lua.table(call=self._call)
        lua.globals().unpack = lua.eval("unpack")
        self._lua = lua
        self._script = lua.eval("function(KEYS, ARGV)\n" + SCRIPT + "\nend")

    def _call(self, command: str, *args: Any) -> Any:
        if command == "TIME":
            now = time.time()
            return self._lua.table(str(int(now)), str(int((now % 1) * 1e6)))
        if command == "HGETALL":
            flat = [part for item in self._data.get(args[0], {}).items() for part in item]
            return self._lua.table(*flat)
        if command == "HSET":
            fields = self._data.setdefault(args[0], {})
            for i in range(1, len(args), 2):
                fields[str(args[i])] = str(args[i + 1])
            return 0
        if command == "PEXPIRE":
            return 1
        raise ValueError(f"budget script used an unsupported command {command!r}")

    async def run(self, key: str, args: Sequence[Any]) -> list[float]:
        result = self._script(self._lua.table(key), self._lua.table(*[str(a) for a in args]))
        return [float(v) for v in result.split()]

    def fields(self, key: str) -> dict[str, str]:
        return dict(self._data.get(key, {}))

    async def aclose(self) -> None:
        return None


def budget_key(prefix: str, base_url: str, model: str, api_key: str) -> str:
    """``<prefix>:<endpoint hash>:<key hash>``: one budget per endpoint and key, and no secret in Redis."""
    endpoint = hashlib.sha256(f"{base_url.rstrip('/')}\n{model}".encode()).hexdigest()[:16]
    key = hashlib.sha256(api_key.encode()).hexdigest()[:16]
    return f"{prefix}:{endpoint}:{key}"


def limited_dimension(message: str | None) -> int:
    """Which limit a 429 names (OpenAI and Azure say so in the message); both when it does not say."""
    for pattern, dim in _LIMITED_BY:
        if message and pattern.search(message):
            return dim
    return _BOTH


@dataclass(slots=True)
class Reservation:
    tokens: int  # reserved in server units (our estimate x the learned ratio + max_tokens)
    prompt_estimate: int  # our tokenizer's count of the prompt
    sent_at: float  # the store's clock when it was taken
    wait_s: float  # at the rate of the moment; the turn comes earlier if the rate grows meanwhile
    turn: tuple[float, float] = (0.0, 0.0)  # per dimension: the refill count at which it may go (0: at once)


@dataclass(slots=True)
class _Pending:
    """Settlements queued for the next round trip."""

    requests: float = 0.0
    tokens: float = 0.0
    ok_requests: int = 0
    ok_tokens: float = 0.0
    server_prompt: float = 0.0
    client_prompt: float = 0.0

    def empty(self) -> bool:
        return self == _Pending()


class Budget:
    """The budget of one endpoint + key as this process sees it: reservations, settlements, observations.

    ``share`` matters only locally: with no shared store, ``share`` processes on one key each pace at
    ``1 / share`` of the configured or announced limits (the static split the shared store avoids).
    """

    def __init__(
        self,
        key: str | Callable[[], str],
        store: Store,
        *,
        rpm: float | None,
        tpm: float | None,
        headroom: float,
        burst_s: float,
        share: int = 1,
        fallback: bool = True,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._key = key  # a callable when the API key is resolved late (on the first request)
        self.store = store
        self._configured = (rpm or 0.0, tpm or 0.0)
        self._headroom = headroom
        self._burst_s = burst_s
        self._share = max(share, 1)
        self._fallback = fallback
        self._clock = clock  # None: the store's clock (Redis TIME); a simulated one in tests
        self._local = clock or time.monotonic  # for the age of the view
        self._pending = _Pending()
        self._hints = (0.0, 0.0)
        self._rtt = 0.0
        # The mirror: the last answer of the store, for choosing between endpoints without a round trip.
        self.rates = (0.0, 0.0)  # requests/s, tokens/s; 0 = not paced
        self._levels = (0.0, 0.0)
        self._mirrored_at = self._local()
        self.ratio = 1.0
        self.breaker_open_until = 0.0  # store clock
        self.store_now = 0.0
        self.last_cut = -1.0  # store clock of the last rate cut
        self.answered = False
        self._refilled = (0.0, 0.0)  # units ever refilled, per dimension (the queue's progress)
        self._syncing: asyncio.Future[None] | None = None
        self._taken_locally = 0  # reservations taken from the view since the store's last answer
        self._queued = 0  # reservations of this process waiting for their turn
        self._typical = 1  # tokens of the last request that queued
        self._queue_room = asyncio.Event()

    @property
    def key(self) -> str:
        if callable(self._key):
            self._key = self._key()
        return self._key

    @property
    def mode(self) -> str:
        return self.store.name

    @property
    def rpm(self) -> float | None:
        return self.rates[0] * 60 if self.rates[0] > 0 else None

    @property
    def paces_tokens(self) -> bool:
        """Whether a token rate is known (configured, announced or learned from a 429): reservations then
        need the prompt's token count."""
        return self.rates[1] > 0

    @property
    def tpm(self) -> float | None:
        return self.rates[1] * 60 if self.rates[1] > 0 else None

    def breaker_open_s(self) -> float:
        """Seconds another process's breaker on this key still has to run (0 when none is open)."""
        return max(0.0, self.breaker_open_until - self.store_now - (self._local() - self._mirrored_at))

    # -- the round trips

    async def take(self, prompt_estimate: int, max_tokens: int, counted: bool = True) -> Reservation:
        """Reserve one request; the caller waits for its turn (:meth:`wait_turn`) before sending. A rough
        (``counted`` False) estimate is reserved as given and teaches the token ratio nothing."""
        tokens = (math.ceil(prompt_estimate * self.ratio) if counted else prompt_estimate) + max_tokens
        prompt_estimate = prompt_estimate if counted else 0
        if self._may_take_locally(tokens):
            self._taken_locally += 1
            self._pending.requests += 1
            self._pending.tokens += tokens
            sent_at = self.store_now + self.view_age()
            return Reservation(tokens, prompt_estimate, sent_at=sent_at, wait_s=0.0)
        out = await self._run("take", (1, tokens))
        turn = tuple(q - level if level < 0 else 0.0 for q, level in zip(out[10:12], out[4:6], strict=True))
        return Reservation(tokens, prompt_estimate, sent_at=out[1], wait_s=out[0], turn=(turn[0], turn[1]))

    def _may_take_locally(self, tokens: int) -> bool:
        """See ``LOCAL_MIN_RATE``."""
        rate = self.rates[0]
        if (
            rate < LOCAL_MIN_RATE
            or self.view_age() >= LOCAL_VIEW_S
            or self._taken_locally >= rate * LOCAL_VIEW_S
        ):
            return False
        return self.roomy(tokens)

    def roomy(self, tokens: int) -> bool:
        """Whether the view (at most ``_SLICE_S`` old) has every paced bucket more than half full once this
        reservation and the pending ones are taken: nobody waits, so it goes at once whatever its exact size."""
        if self.view_age() >= _SLICE_S:
            return False
        debits = (self._pending.requests + 1, self._pending.tokens + tokens)
        return all(
            level - debit >= 0.5 * rate * self._burst_s
            for level, debit, rate in zip(self._mirror_levels(), debits, self.rates, strict=True)
            if rate > 0
        )

    def queue_limit(self, tokens: int) -> float:
        """How many reservations this process may have waiting: ``QUEUE_S`` of the rate (at least 2)."""
        per_s = [rate / want for rate, want in zip(self.rates, (1, max(tokens, 1)), strict=True) if rate > 0]
        return max(2.0, math.ceil(QUEUE_S * min(per_s))) if per_s else math.inf

    def queue_room(self) -> float:
        """:meth:`queue_limit` for the last request that queued; before the store's first answer, slow start's."""
        if self.rates == (0.0, 0.0):
            return max(2.0, math.ceil(QUEUE_S * _FIRST_RATE))
        return self.queue_limit(self._typical)

    async def enter_queue(self, tokens: int) -> None:
        """Wait until this process may queue another reservation (see ``QUEUE_S``); pair with :meth:`leave_queue`."""
        self._typical = tokens
        while self._queued >= self.queue_limit(tokens):
            self._queue_room.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue_room.wait(), timeout=_SLICE_S)
        self._queued += 1

    def leave_queue(self) -> None:
        self._queued -= 1
        self._queue_room.set()

    def remaining_s(self, reservation: Reservation) -> float:
        """Seconds until ``reservation``'s turn at the rates last seen (0 when due)."""
        elapsed = self._local() - self._mirrored_at
        waits = [
            (turn - refilled - rate * elapsed) / rate
            for turn, refilled, rate in zip(reservation.turn, self._refilled, self.rates, strict=True)
            if turn > 0 and rate > 0
        ]
        return max(0.0, *waits) if waits else 0.0

    async def wait_turn(self, reservation: Reservation, deadline: float) -> bool:
        """Sleep until ``reservation`` may be sent (``True``), or it went stale: the rate was cut since (``True``
        too; see :meth:`stale`), or the local ``deadline`` (monotonic) would pass first (``False``). Long waits
        are slept in slices with the view refreshed in between (one round trip per slice for all waiters), so
        a queue taken at a low rate goes faster when the rate grows."""
        while not self.stale(reservation):
            left = self.remaining_s(reservation)
            if left <= 0:
                return True
            if time.monotonic() + left > deadline:
                return False
            await asyncio.sleep(min(left, _SLICE_S))
            if self.view_age() >= _SLICE_S:
                await self.sync()
        return True

    def view_age(self) -> float:
        """Seconds since the last answer of the store."""
        return self._local() - self._mirrored_at

    async def sync(self) -> None:
        """Refresh the view (and send queued settlements); concurrent callers share one round trip."""
        if self._syncing is None or self._syncing.done():
            self._syncing = asyncio.ensure_future(self.sync_now())
        await asyncio.shield(self._syncing)

    async def sync_now(self) -> None:
        await self._run("sync", ())

    def stale(self, reservation: Reservation) -> bool:
        """Whether the rate was cut after ``reservation`` was taken: its wait was computed at the old rate,
        and a request sent on it now would likely be refused (and, where refusals are charged, cost)."""
        return self.last_cut > reservation.sent_at

    async def retake(self, reservation: Reservation, max_tokens: int) -> Reservation:
        """Queue again at the current rate (the cut dropped the old queue, so nothing is given back)."""
        if reservation.prompt_estimate > 0:
            return await self.take(reservation.prompt_estimate, max_tokens)
        return await self.take(reservation.tokens - max_tokens, max_tokens, counted=False)  # rough: as it was

    async def reject(self, reservation: Reservation, message: str | None) -> None:
        """A 429: empty the bucket the server names (both when it does not say), cut the rate once per round
        trip (the reservation's time tells whether it was sent before the last cut)."""
        await self._run("reject", (reservation.sent_at, limited_dimension(message)))

    async def open_breaker(self, seconds: float) -> None:
        """Tell the other processes on this key that the endpoint is down for ``seconds``."""
        await self._run("breaker", (seconds,))

    async def close_breaker(self) -> None:
        """Tell the other processes on this key that the endpoint answers again (an open-until is lifted)."""
        await self._run("healthy", ())

    async def flush(self) -> None:
        if not self._pending.empty():
            await self._run("sync", ())

    # -- queued for the next round trip

    def settle(self, reservation: Reservation, charged_tokens: int, server_prompt_tokens: int) -> None:
        """A success: what the server charged (its usage) replaces what we reserved."""
        p = self._pending
        p.tokens += charged_tokens - reservation.tokens
        p.ok_requests += 1
        p.ok_tokens += charged_tokens
        if server_prompt_tokens > 0 and reservation.prompt_estimate > 0:
            p.server_prompt += server_prompt_tokens
            p.client_prompt += reservation.prompt_estimate

    def release(self, reservation: Reservation) -> None:
        """The request never reached the server: give back what it reserved."""
        self._pending.requests -= 1
        self._pending.tokens -= reservation.tokens

    def observe(self, headers: RateLimitHeaders, rtt: float | None = None) -> None:
        self._hints = (headers.limit_requests or 0.0, headers.limit_tokens or 0.0)
        if rtt is not None:
            self._rtt = rtt

    # -- the mirror, for the pool's choice of endpoint

    def wait_time(self, tokens: int) -> float:
        waits = [
            max(0.0, (want - level) / rate)
            for want, level, rate in zip((1, tokens), self._mirror_levels(), self.rates, strict=True)
            if rate > 0
        ]
        return max(waits, default=0.0)

    def headroom(self) -> float:
        fills = [
            level / (rate * self._burst_s)
            for level, rate in zip(self._mirror_levels(), self.rates, strict=True)
            if rate > 0
        ]
        return min(fills, default=1.0)

    def _mirror_levels(self) -> tuple[float, ...]:
        elapsed = self._local() - self._mirrored_at
        return tuple(
            min(rate * self._burst_s, level + elapsed * rate)
            for level, rate in zip(self._levels, self.rates, strict=True)
        )

    async def _run(self, op: str, op_args: Sequence[Any]) -> list[float]:
        p, self._pending = self._pending, _Pending()
        split = self._share if isinstance(self.store, LocalStore) else 1
        args = (
            op,
            -1 if self._clock is None else self._clock(),
            p.requests,
            p.tokens,
            p.ok_requests,
            p.ok_tokens,
            p.server_prompt,
            p.client_prompt,
            self._hints[0] / split,
            self._hints[1] / split,
            self._configured[0] / split,
            self._configured[1] / split,
            self._burst_s,
            self._headroom,
            self._rtt,
            *op_args,
        )
        store = self.store
        try:
            out = await store.run(self.key, args)
        except Exception as exc:  # any store failure: Redis down, a timeout, auth, a script error
            if not self._fallback or isinstance(store, LocalStore):
                raise
            if self.store is store:  # the first of the calls in flight to fail switches, once
                await self._fall_back(exc)
            out = await self.store.run(self.key, args)
        self._mirror(out)
        return out

    async def _fall_back(self, exc: BaseException) -> None:
        logger.warning(
            "rate budget: %s is unreachable (%s: %s); falling back to a local budget for this process, "
            "starting from the rates learned so far",
            self.store.name,
            type(exc).__name__,
            exc,
        )
        seed = {"ratio": repr(self.ratio)}
        if self.rates[0] > 0:
            seed.update(rr=repr(self.rates[0]), rm=repr(self.rates[0]))
        if self.rates[1] > 0:
            seed.update(tr=repr(self.rates[1]), tm=repr(self.rates[1]))
        with contextlib.suppress(Exception):  # closing a connection that is already gone
            await self.store.aclose()
        self.store = LocalStore(f"local (fallback: {type(exc).__name__})", {self.key: seed})

    def _mirror(self, out: list[float]) -> None:
        (
            _wait,
            self.store_now,
            rr,
            tr,
            rl,
            tl,
            self.ratio,
            self.breaker_open_until,
            rtt,
            cut,
            rq,
            tq,
        ) = out
        self.last_cut = cut
        self.answered = rtt > 0  # some process had an answer on this key (the script keeps their latency)
        self.rates = (rr, tr)
        self._levels = (rl, tl)
        self._refilled = (rq, tq)
        self._mirrored_at = self._local()
        self._taken_locally = 0

    async def aclose(self) -> None:
        """Send the last settlements (the store itself belongs to whoever opened it)."""
        try:
            await self.flush()
        except Exception as exc:  # the last settlements are lost, the run is not
            logger.warning("rate budget: could not flush the last settlements: %s", exc)


def open_store(url: str | None) -> Store:
    """A Redis store for a ``redis://`` URL (checked on first use: unreachable -> local with a WARNING);
    a local store for ``local`` or nothing."""
    if not url or url == "local":
        return LocalStore()
    return RedisStore(url)


def _redact(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)
