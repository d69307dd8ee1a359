"""constructor-shadows-event: a custom_lua constructor named like a predefined event.

kumod also fires that event itself, with other arguments; for a multiple-handler event the
registration is a list and cannot be called as a constructor at all.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of


def check(context: CheckContext) -> Iterator[Finding]:
    for reference in context.model.references:
        name = reference.event
        if reference.kind != "constructor" or name is None or reference.span is None:
            continue
        event = context.schema.events.get(name)
        if event is None:
            continue
        detail = (
            "it accepts several handlers, so kumod cannot call it as a constructor"
            if event.multiple
            else "kumod fires it for its own purpose with different arguments"
        )
        yield Finding(
            "constructor-shadows-event",
            file_of(reference.span, reference.file),
            reference.span,
            f"custom_lua constructor '{name}' is the name of a KumoMTA event: {detail}",
            f"give the constructor its own name, for example 'make.{name}'",
        )
