"""nil-return: `return nil` from a get_queue_config handler.

Only a bare `return` (no value) passes to the next handler; an explicit nil ends the chain
and fails to convert to a queue config, so the queue cannot be created.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.diagnostics import UNSAFE, Fix

def check(context: CheckContext) -> Iterator[Finding]:
    for ret in context.model.returns:
        if ret.kind != "nil" or ret.event not in context.schema.nil_return_is_error:
            continue
        yield Finding(
            "nil-return",
            ret.file,
            ret.span,
            "`return nil` in a get_queue_config handler is an error in kumod "
            "('error converting Lua nil to QueueConfig'), not a pass to the next handler",
            "write a bare `return` to let the next handler (or the default config) decide",
            fix=Fix(ret.span, "return", "Replace with a bare return", UNSAFE),  # the handler no longer errors
        )
