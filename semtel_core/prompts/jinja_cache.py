"""prompty's Jinja2 renderer with compiled templates cached: same output, ~7 ms less per prompt.

prompty builds a new sandboxed Jinja environment and compiles the template on every ``prepare`` (about 75% of
a render). The template text only differs between calls by the random nonce its strict mode puts into the role
markers, so the nonce is turned into a template variable and the compiled template is cached per text.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

_NONCE_RE = re.compile(r'\[nonce="([0-9a-f]+)"\]')
_NONCE_VAR = "__semtel_prompty_nonce__"
_registered = False
_lock = threading.Lock()


@functools.lru_cache(maxsize=256)
def _compiled(template_without_nonce: str) -> Any:
    from jinja2 import DictLoader
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=DictLoader({"prompt": template_without_nonce}), keep_trailing_newline=True
    )
    return env.get_template("prompt")


def _render_cached(agent: Any, template: str, inputs: dict[str, Any]) -> str:
    from prompty.renderers._common import _prepare_render_inputs, _thread_nonces_local

    render_inputs, thread_nonces = _prepare_render_inputs(agent, inputs)
    nonces = set(_NONCE_RE.findall(template))
    nonce = nonces.pop() if len(nonces) == 1 else None
    if nonce is None:  # no strict-mode markers (or several nonces): compile this exact text
        rendered: str = _compiled(template).render(**render_inputs)
    else:
        text = template.replace(f'[nonce="{nonce}"]', '[nonce="{{ ' + _NONCE_VAR + ' }}"]')
        rendered = _compiled(text).render(**render_inputs, **{_NONCE_VAR: nonce})
    _thread_nonces_local.nonces = thread_nonces  # prompty.prepare() reads it back, as with its own renderer
    return rendered


def prepare(agent: Any, inputs: dict[str, Any]) -> Any:
    """``prompty.prepare``; without its tracing wrapper when no tracer is registered (same messages)."""
    import prompty
    from prompty.tracing.tracer import Tracer

    register_cached_renderer()
    if Tracer._tracers:
        return prompty.prepare(agent, inputs)
    return prompty.prepare.__wrapped__(agent, inputs)  # type: ignore[attr-defined]


def register_cached_renderer() -> None:
    """Shadow prompty's ``jinja2`` renderer with the caching one, and its ``prompty`` parser with one that
    skips the tracing wrapper while no tracer is registered (once per process).

    prompty's ``@trace`` serializes every argument (the whole conversation, the parsed messages) even when
    no tracer listens; that cost more than the cached render itself. With a tracer registered, both
    delegate to prompty's traced methods, so traces stay complete.
    """
    global _registered
    with _lock:
        if _registered:
            return
        import prompty
        from prompty.parsers.prompty import PromptyChatParser
        from prompty.renderers.jinja2 import Jinja2Renderer
        from prompty.tracing.tracer import Tracer

        class _CachedJinja2Renderer(Jinja2Renderer):
            def render(self, agent: Any, template: str, inputs: dict[str, Any]) -> str:
                if Tracer._tracers:
                    return str(super().render(agent, template, inputs))
                return _render_cached(agent, template, inputs)

            def _render(self, agent: Any, template: str, inputs: dict[str, Any]) -> str:
                return _render_cached(agent, template, inputs)

        class _QuietParser(PromptyChatParser):
            def parse(self, agent: Any, rendered: str, **context: Any) -> Any:
                if Tracer._tracers:
                    return super().parse(agent, rendered, **context)
                return PromptyChatParser.parse.__wrapped__(self, agent, rendered, **context)  # type: ignore[attr-defined]

        prompty.register_renderer("jinja2", _CachedJinja2Renderer())
        prompty.register_parser("prompty", _QuietParser())
        _registered = True
