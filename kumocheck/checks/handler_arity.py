"""handler-arity: a handler declaring more parameters than its event passes.

The extra parameters are always nil: usually a sign of the wrong event or a
misremembered signature (a custom_lua constructor gets no routing_domain).
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.source import span_of

CONSTRUCTOR_PARAMS = ("domain", "tenant", "campaign")


def _expected(context: CheckContext, name: str, constructors: set[str]) -> tuple[str, ...] | None:
    event = context.schema.events.get(name)
    if event is not None:
        return None if event.variadic else event.params
    if name in constructors:
        return CONSTRUCTOR_PARAMS
    return None


def check(context: CheckContext) -> Iterator[Finding]:
    model = context.model
    constructors = {r.event for r in model.references if r.kind == "constructor" and r.event}
    for binding in model.bindings:
        name = binding.event
        if name is None or binding.handler is None:
            continue
        expected = _expected(context, name, constructors)
        if expected is None:
            continue
        params = binding.handler.params
        if binding.handler.is_method:
            params = ["self", *params]
        if len(params) <= len(expected):
            continue
        extra = params[len(expected):]
        node = binding.handler.node.args[len(expected)]
        span = span_of(node) or binding.span
        kind = "custom_lua constructor" if name not in context.schema.events else "event"
        yield Finding(
            "handler-arity",
            binding.file,
            span,
            f"handler for {kind} '{name}' declares {len(params)} parameters but it is called with "
            f"{len(expected)} ({', '.join(expected) or 'none'}): {', '.join(extra)} will always be nil",
            f"the handler is called as function({', '.join(expected)})",
        )
