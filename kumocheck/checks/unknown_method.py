"""unknown-method: `msg:name()` on a KumoMTA object that has no method of that name.

Only calls whose receiver is provably the object are judged: a handler parameter that
kumod passes as a message or connection metadata (param_types in rules/events.toml),
or a value that is still exactly that parameter. The methods are data in rules/objects.toml.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.diagnostics import Fix
from kumocheck.schema.validate import fix_level, nearest


def check(context: CheckContext) -> Iterator[Finding]:
    objects = context.schema.objects
    for call in context.model.method_calls:
        spec = objects.get(call.receiver)
        if spec is None or call.method in spec.methods:
            continue
        known = sorted(spec.methods)
        guess = nearest(call.method, known)
        yield Finding(
            "unknown-method",
            call.file,
            call.span,
            f"`{call.written}:{call.method}()`: a {spec.label} has no method `{call.method}`"
            " (the call raises 'attempt to call a nil value')",
            f"did you mean `{call.written}:{guess}()`?" if guess else None,
            fix=Fix(call.span, guess, f"Replace with {guess}", fix_level(call.method, known)) if guess else None,
        )
