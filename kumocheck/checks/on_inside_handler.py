"""on-inside-handler: `kumo.on` called while an event handler runs.

kumod raises an error: handlers can only be registered while the policy loads.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of


def check(context: CheckContext) -> Iterator[Finding]:
    at_load = {(b.file, b.span) for b in context.model.bindings if b.inside_event is None}
    for binding in context.model.bindings:
        if binding.inside_event is None or binding.inside_event == "main":
            continue
        if binding.guarded_in_callee and (binding.file, binding.span) in at_load:
            continue  # an idempotent setup helper: it already ran (and registered) at load time
        name = f"'{binding.event}'" if binding.event else "a handler"
        site = binding.call_site or binding.span
        through = " (through this call)" if binding.call_site else ""
        yield Finding(
            "on-inside-handler",
            file_of(site, binding.file),
            site,
            f"kumo.on for {name} is called inside the '{binding.inside_event}' handler{through}: "
            "kumod only allows registering handlers while the policy loads",
            "register handlers at the top level of the policy, or from code that runs while it loads",
        )
