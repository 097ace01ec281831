"""Rate-limit-aware LLM client: endpoint pool, rate limiter, adaptive concurrency, retries and accounting.

Callers build an :class:`LLMClient` from the endpoint settings and call ``await client.complete(request)``,
which always returns a :class:`CallResult` (``ok`` or ``error`` with the reason); synchronous callers use
:func:`complete_many_sync`. See ``docs/llm.md``.

Names are loaded on first use, so that importing ``semtel_core.llm.cli`` (the ``semtel llm`` commands) does
not import the openai SDK when the CLI starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from semtel_core.lazy_exports import lazy_getattr

if TYPE_CHECKING:
    from semtel_core.llm.accounting import EndpointSnapshot, StatsSnapshot, cost_usd
    from semtel_core.llm.client import LLMClient
    from semtel_core.llm.runner import complete_many, complete_many_sync, run_sync
    from semtel_core.llm.sdk import KeyResolver, SdkFactory, build_sdk_client, default_key_resolver
    from semtel_core.llm.types import CallRequest, CallResult, Message, Usage

_HOMES = {
    "EndpointSnapshot": "accounting",
    "StatsSnapshot": "accounting",
    "cost_usd": "accounting",
    "LLMClient": "client",
    "complete_many": "runner",
    "complete_many_sync": "runner",
    "run_sync": "runner",
    "KeyResolver": "sdk",
    "SdkFactory": "sdk",
    "build_sdk_client": "sdk",
    "default_key_resolver": "sdk",
    "CallRequest": "types",
    "CallResult": "types",
    "Message": "types",
    "Usage": "types",
}
__all__ = [
    "CallRequest",
    "CallResult",
    "EndpointSnapshot",
    "KeyResolver",
    "LLMClient",
    "Message",
    "SdkFactory",
    "StatsSnapshot",
    "Usage",
    "build_sdk_client",
    "complete_many",
    "complete_many_sync",
    "cost_usd",
    "default_key_resolver",
    "run_sync",
]


__getattr__ = lazy_getattr(__name__, _HOMES)
