"""The rate controller on a simulated clock: no headers, lying headers, unannounced steps, token mismatch,
several clients on one key. The server is the providers' token bucket (``budget_sim.SimServer``); the budget
runs the real Lua script in-process (``LocalStore``), the same one Redis runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from budget_sim import MAX_TOKENS, PROMPT, SimClient, SimServer, Simulation, goodput, run_sync

from semtel_core.llm.budget import Budget, LocalStore
from semtel_core.llm.limiter import RateLimitHeaders

pytestmark = [pytest.mark.unit]

C = 10.0  # requests per second at PROMPT + MAX_TOKENS tokens each


def _server(**kwargs: object) -> SimServer:
    factor = float(kwargs.get("token_factor", 1.0))  # type: ignore[arg-type]
    return SimServer(tokens_per_s=C * (PROMPT * factor + MAX_TOKENS), **kwargs)  # type: ignore[arg-type]


def _window(sim: Simulation, start: float, end: float) -> tuple[float, float]:
    """Goodput (x C) and the server's 429 share of attempts over [start, end)."""
    sim.run(start)
    attempts, rejected = sim.server.attempts, sim.server.rejected
    sim.run(end)
    successes = [t for c in sim.clients for t in c.successes]
    share = (sim.server.rejected - rejected) / max(sim.server.attempts - attempts, 1)
    return goodput(successes, start, end) / C, share


@pytest.mark.parametrize("charged", [False, True], ids=["not-charged", "charged"])
def test_without_headers_the_ceiling_is_found_from_429s_alone(charged: bool) -> None:
    sim = Simulation(_server(headers=False, charge_rejected=charged))
    sim.add(SimClient(sim.budget(LocalStore())))
    good, share = _window(sim, 30, 210)
    assert good >= (0.90 if charged else 0.95)
    assert share <= (0.02 if charged else 0.01)


def test_a_ceiling_that_keeps_answering_the_same_is_probed_less_often() -> None:
    # Every probe above the ceiling costs a 429 or two; a ceiling found at the same place cut after cut is held
    # longer before the next probe (up to 30 s), but still probed: a key whose capacity grows is found out.
    sim = Simulation(_server(headers=False))
    sim.add(SimClient(sim.budget(LocalStore())))
    sim.run(60)
    rejected = sim.server.rejected
    good, _share = _window(sim, 60, 360)
    assert good >= 0.95
    assert 1 <= sim.server.rejected - rejected <= 8  # 13 in these 5 minutes when every probe started at once


@pytest.mark.parametrize("headers", [True, False], ids=["lying-headers", "no-headers"])
@pytest.mark.parametrize("charged", [False, True], ids=["not-charged", "charged"])
def test_an_unannounced_halving_is_followed_within_30_s(headers: bool, charged: bool) -> None:
    # With headers on, they go on announcing the old limit: a hint that must not pin the rate.
    sim = Simulation(_server(headers=headers, charge_rejected=charged, steps=[(100.0, 0.5, False)]))
    store = LocalStore()
    sim.add(SimClient(sim.budget(store)))
    before, _ = _window(sim, 30, 100)
    after, share = _window(sim, 130, 250)
    assert before >= 0.95
    assert after >= 0.90 * 0.5
    assert share <= 0.02
    assert float(store.fields("k")["tr"]) <= 0.55 * C * (PROMPT + MAX_TOKENS)  # the header did not win


def test_an_announced_increase_is_taken_at_once() -> None:
    sim = Simulation(_server(steps=[(60.0, 2.0, True)]))
    sim.add(SimClient(sim.budget(LocalStore()), concurrency=32))
    after, share = _window(sim, 70, 120)
    assert after >= 0.95 * 2
    assert share <= 0.01


@pytest.mark.parametrize("headers", [True, False], ids=["headers", "no-headers"])
def test_a_server_counting_20_percent_more_tokens_causes_no_429_storm(headers: bool) -> None:
    sim = Simulation(_server(headers=headers, token_factor=1.2, charge_rejected=True))
    store = LocalStore()
    sim.add(SimClient(sim.budget(store)))
    good, share = _window(sim, 30, 210)
    assert good >= 0.90
    assert share <= 0.02
    assert float(store.fields("k")["ratio"]) == pytest.approx(1.2, rel=0.01)  # learned from the usage


def test_four_clients_on_one_key_share_it_by_demand_and_a_straggler_gets_it_all_at_once() -> None:
    sim = Simulation(_server(headers=False))
    store = LocalStore()
    early = [sim.add(SimClient(sim.budget(store), concurrency=8, stop=90.0)) for _ in range(3)]
    straggler = sim.add(SimClient(sim.budget(store), concurrency=8))
    together, share = _window(sim, 30, 90)
    assert together >= 0.95 and share <= 0.01
    shares = [goodput(c.successes, 30, 90) / C for c in [*early, straggler]]
    assert min(shares) >= 0.15  # no client starved, none given a static quarter either way
    sim.run(150)
    # The others stop taking reservations at 90 s and send what they had reserved (~2.7 s of queue); then
    # the straggler has the whole key, without a static quarter and without having to probe for it.
    reached = next(t for t in range(90, 150) if goodput(straggler.successes, t, t + 1) / C >= 0.9)
    assert reached - 90 <= 5
    assert goodput(straggler.successes, 95, 150) / C >= 0.95


def test_a_client_started_late_reads_what_the_others_learned() -> None:
    sim = Simulation(_server(headers=False))
    store = LocalStore()
    sim.add(SimClient(sim.budget(store), stop=60.0))
    sim.run(70)
    learned = float(store.fields("k")["tr"])
    late = sim.budget(store)
    run_sync(late.take(PROMPT, MAX_TOKENS))
    assert late.rates[1] == pytest.approx(learned, rel=0.05)
    client = sim.add(SimClient(late, start=70.0))
    _good, share = _window(sim, 70, 100)
    assert goodput(client.successes, 70, 73) / C >= 0.90  # no ramp: the ceiling is known
    assert share <= 0.01


def test_a_request_limit_named_in_the_429_leaves_the_token_rate_alone() -> None:
    store = LocalStore()
    now = [100.0]
    budget = Budget("k", store, rpm=None, tpm=None, headroom=0.98, burst_s=1.0, clock=lambda: now[0])
    budget.observe(RateLimitHeaders(limit_requests=600, limit_tokens=60_000))
    reservation = run_sync(budget.take(100, 10))
    for _ in range(20):
        now[0] += 0.1
        budget.settle(reservation, 110, 100)
        run_sync(budget.take(100, 10))
    tokens_before = float(store.fields("k")["tr"])
    now[0] += 1
    run_sync(budget.reject(reservation, "Rate limit reached for requests per min (RPM): Limit 600"))
    fields = store.fields("k")
    assert float(fields["tr"]) == pytest.approx(tokens_before, rel=1e-6)
    assert float(fields["rr"]) < 600 / 60 * 0.98


def test_a_429_before_any_answer_halves_the_rate_instead_of_zeroing_it() -> None:
    # Another client emptied the key: nothing was delivered yet, so there is nothing to measure the ceiling by.
    store = LocalStore()
    now = [100.0]
    budget = Budget("k", store, rpm=600, tpm=None, headroom=1.0, burst_s=1.0, clock=lambda: now[0])
    reservation = run_sync(budget.take(10, 0))
    now[0] += 0.5
    run_sync(budget.reject(reservation, None))
    assert budget.rates[0] == pytest.approx(5.0)  # 10/s halved, not the floor of one request per 20 s


class _CountingStore(LocalStore):
    def __init__(self) -> None:
        super().__init__()
        self.round_trips = 0

    async def run(self, key: str, args: Sequence[Any]) -> list[float]:
        self.round_trips += 1
        return await super().run(key, args)


@pytest.mark.parametrize(
    ("rpm", "takes", "round_trips"),
    [
        (600, 5, 5),  # 10/s: every reservation is a round trip (order across processes matters here)
        (6000, 5, 0),  # 100/s: taken from the view of the last answer (0.05 s old at most)...
        (6000, 7, 1),  # ... 0.05 s worth of the rate (5), then the next one is a round trip
    ],
)
def test_above_fifty_requests_a_second_a_half_full_bucket_needs_no_round_trip_per_reservation(
    rpm: int, takes: int, round_trips: int
) -> None:
    store = _CountingStore()
    now = [100.0]
    budget = Budget("k", store, rpm=rpm, tpm=None, headroom=1.0, burst_s=1.0, clock=lambda: now[0])
    run_sync(budget.sync_now())
    now[0] += 2.0  # a full bucket
    run_sync(budget.sync_now())
    store.round_trips = 0
    for _ in range(takes):
        reservation = run_sync(budget.take(10, 0))
        assert budget.remaining_s(reservation) == 0.0
    assert store.round_trips == round_trips
    run_sync(budget.sync_now())  # the debits taken from the view arrive with the next round trip
    assert float(store.fields("k")["rl"]) == pytest.approx(rpm / 60 - takes)


def test_a_bucket_under_half_full_takes_every_reservation_through_the_store() -> None:
    store = _CountingStore()
    now = [100.0]
    budget = Budget("k", store, rpm=6000, tpm=None, headroom=1.0, burst_s=1.0, clock=lambda: now[0])
    run_sync(budget.sync_now())
    now[0] += 2.0
    for _ in range(60):  # 100 in the bucket: 60 taken leave it under half full
        run_sync(budget.take(10, 0))
    store.round_trips = 0
    for _ in range(3):
        run_sync(budget.take(10, 0))
    assert store.round_trips == 3
