"""handler-arity: a handler declaring more parameters than its event passes.

The extra parameters are always nil: usually a sign of the wrong event or a
misremembered signature (a custom_lua constructor gets no routing_domain).
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.source import span_of

def _expected(context: CheckContext, name: str, constructors: set[str]) -> tuple[str, ...] | None:
    event = context.schema.events.get(name)
    if event is not None:
        return None if event.variadic else event.params
    if name in constructors:
        return context.schema.constructor_params()
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
        offset = 1 if binding.handler.is_method else 0  # `self` is not in the node's args
        args = binding.handler.node.args
        index = len(expected) - offset
        node = args[index] if 0 <= index < len(args) else None
        function_span = span_of(binding.handler.node)
        if function_span is not None:  # parameter names of some nodes carry no tokens
            function_span = type(function_span)(
                function_span.line, function_span.column, function_span.line, function_span.column + len("function")
            )
        span = (span_of(node) if node is not None else None) or function_span or binding.span
        kind = "custom_lua constructor" if name not in context.schema.events else "event"
        yield Finding(
            "handler-arity",
            binding.file,
            span,
            f"handler for {kind} '{name}' declares {len(params)} parameters but it is called with "
            f"{len(expected)} ({', '.join(expected) or 'none'}): {', '.join(extra)} will always be nil",
            f"the handler is called as function({', '.join(expected)})",
        )
