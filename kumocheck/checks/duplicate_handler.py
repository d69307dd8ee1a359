"""duplicate-handler: a second `kumo.on` for an event that accepts one handler.

kumod raises "<event> event already has a handler" and refuses to load the policy.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding

SOURCES_HELPER_EVENTS = {"get_egress_source", "get_egress_pool"}


def check(context: CheckContext) -> Iterator[Finding]:
    first: dict[str, object] = {}
    for binding in context.model.bindings:
        name = binding.event
        if name is None or binding.conditional or binding.inside_event is not None:
            continue
        event = context.schema.events.get(name)
        if event is not None and event.multiple:
            continue
        if name in first:
            earlier = first[name]
            yield Finding(
                "duplicate-handler",
                binding.file,
                binding.name_span,
                f"'{name}' already has a handler (line {earlier.span.line}"
                + (f" of {earlier.file}" if earlier.file != binding.file else "")
                + "): kumod refuses to load a policy that binds it twice",
                "merge the two handlers into one function",
            )
        else:
            first[name] = binding
