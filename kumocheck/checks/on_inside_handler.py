"""on-inside-handler: `kumo.on` called while an event handler runs.

kumod raises an error: handlers can only be registered while the policy loads.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding


def check(context: CheckContext) -> Iterator[Finding]:
    for binding in context.model.bindings:
        if binding.inside_event is None or binding.inside_event == "main":
            continue
        name = f"'{binding.event}'" if binding.event else "a handler"
        yield Finding(
            "on-inside-handler",
            binding.file,
            binding.span,
            f"kumo.on for {name} is called inside the '{binding.inside_event}' handler: "
            "kumod only allows registering handlers while the policy loads",
            "move the kumo.on call to the top level of the policy",
        )
