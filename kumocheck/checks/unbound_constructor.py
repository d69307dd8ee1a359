"""unbound-constructor: a custom_lua `constructor` that no `kumo.on` binds.

kumod fires the constructor when it opens a connection for the queue; with no handler,
every delivery attempt fails and mail piles up in the queue.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of, bound_names, helper_provides
from kumocheck.diagnostics import Fix
from kumocheck.schema.validate import fix_level, nearest


def check(context: CheckContext) -> Iterator[Finding]:
    model = context.model
    if not model.complete:
        return
    bound = sorted(bound_names(model))
    for reference in model.references:
        name = reference.event
        if reference.kind != "constructor" or name is None or reference.span is None:
            continue
        if name in bound or name in context.schema.events or helper_provides(context.schema, model, name):
            continue
        guess = nearest(name, sorted(bound))
        yield Finding(
            "unbound-constructor",
            file_of(reference.span, reference.file),
            reference.span,
            f"custom_lua constructor '{name}' is not bound by any kumo.on: deliveries for this queue will fail",
            (f"did you mean '{guess}'?" if guess else f"add kumo.on('{name}', function(domain, tenant, campaign) ... end)"),
            fix=Fix(reference.span, f"'{guess}'", f"Replace with '{guess}'", fix_level(name, bound)) if guess else None,
        )
