"""duplicate-handler: a second `kumo.on` for an event that accepts one handler.

kumod raises "<event> event already has a handler" and refuses to load the policy.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.model import Binding



def _where(binding: Binding, other: Binding) -> str:
    place = f"line {binding.span.line}" + (f" of {binding.file}" if binding.file != other.file else "")
    return f"by {binding.helper} at {place}" if binding.helper else f"at {place}"


def check(context: CheckContext) -> Iterator[Finding]:
    earlier: dict[str, list[Binding]] = {}
    for binding in context.model.bindings:
        name = binding.event
        if name is None or binding.in_loop or binding.inside_event is not None or binding.span is None:
            continue
        event = context.schema.events.get(name)
        if event is not None and event.multiple:
            continue
        clash = next((b for b in earlier.get(name, ()) if not b.exclusive_with(binding)), None)
        if clash is not None and binding.helper is None:
            yield Finding(
                "duplicate-handler",
                binding.file,
                binding.name_span,
                f"'{name}' already has a handler ({_where(clash, binding)}): "
                "kumod refuses to load a policy that binds it twice",
                "merge the two handlers into one function"
                if clash.helper is None
                else f"drop this handler, or configure {clash.helper.split()[0]} not to handle '{name}'",
            )
        earlier.setdefault(name, []).append(binding)
