"""unknown-event: `kumo.on` for a name KumoMTA never fires and nothing in the policy uses.

kumo.on accepts any name, so a misspelled event is registered silently and never runs.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, helper_provides
from kumocheck.diagnostics import SAFE, UNSAFE, Fix
from kumocheck.schema.validate import clear_nearest, nearest

def _not_fired_here(binding, event, program: str, init_events: dict[str, str]) -> Finding:
    """A known event bound in a policy loaded by a program that never fires it."""
    alternative = init_events.get(program) if event.name in init_events.values() else None
    return Finding(
        "unknown-event",
        binding.file,
        binding.name_span,
        f"'{event.name}' is fired by {event.binary}, never by {program}, which loads this file: the handler never runs",
        f"use '{alternative}'" if alternative else f"move this handler to the {event.binary} policy",
    )


def check(context: CheckContext) -> Iterator[Finding]:
    model = context.model
    events = context.schema.events
    referenced = {r.event for r in model.references if r.event is not None}
    bound = {b.event for b in model.bindings if b.event is not None}
    sure = model.references_complete
    for binding in model.bindings:
        name = binding.event
        if binding.helper is not None:
            continue  # registered by a policy-extras helper, not written here
        if name in events and model.binary != "kumod" and events[name].binary not in ("all", model.binary):
            yield _not_fired_here(binding, events[name], model.binary, context.schema.program_init_events)
            continue
        if name is None or name in events or name in referenced:
            continue
        if helper_provides(context.schema, model, name):
            continue
        near = nearest(name, sorted(referenced))
        if near and near not in bound:
            continue  # a near miss of an unbound referenced name: unbound-constructor tells that story
        renamed = [event.name for event in events.values() if name in event.former_names]
        guess = renamed[0] if renamed else nearest(name, sorted(events))
        if not sure and guess is None:
            continue  # may be a constructor or task named by data we cannot see
        spec = events.get(guess) if guess else None
        fix = None
        if guess and binding.name_span is not None:
            level = SAFE if renamed or clear_nearest(name, sorted(events)) else UNSAFE
            fix = Fix(binding.name_span, f"'{guess}'", f"Replace with '{guess}'", level)
        where = "" if spec is None or spec.binary in ("kumod", "all") else f" ({spec.binary} only)"
        yield Finding(
            "unknown-event",
            binding.file,
            binding.name_span,
            f"kumo.on('{name}') binds an event KumoMTA never fires and nothing in the policy references",
            f"did you mean '{guess}'{where}?" if guess else "check the event name; custom_lua constructors must be named in make_queue_config",
            severity=None if guess else "warning",  # a typo is sure; an unused custom name may be work in progress
            fix=fix,
        )
