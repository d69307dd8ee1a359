"""table-return: a handler returning a plain table where kumod wants a config object.

kumod converts the return value of config events with FromLua, which only accepts the
object built by the matching kumo.make_* function.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding

def check(context: CheckContext) -> Iterator[Finding]:
    events = context.schema.events
    for ret in context.model.returns:
        event = events.get(ret.event)
        constructor = context.schema.return_constructors.get(event.returns) if event else None
        if ret.kind != "table" or constructor is None:
            continue
        yield Finding(
            "table-return",
            ret.file,
            ret.span,
            f"{ret.event} handler returns a plain table: kumod only accepts the object made by {constructor}",
            f"wrap the table: return {constructor} {{ ... }}",
        )
