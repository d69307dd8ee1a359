"""table-return: a handler returning a plain table where kumod wants a config object.

kumod converts the return value of config events with FromLua, which only accepts the
object built by the matching kumo.make_* function.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding

CONSTRUCTORS = {
    "get_queue_config": "kumo.make_queue_config",
    "get_egress_path_config": "kumo.make_egress_path",
    "get_egress_source": "kumo.make_egress_source",
    "get_egress_pool": "kumo.make_egress_pool",
    "get_listener_domain": "kumo.make_listener_domain",
}


def check(context: CheckContext) -> Iterator[Finding]:
    for ret in context.model.returns:
        constructor = CONSTRUCTORS.get(ret.event)
        if ret.kind != "table" or constructor is None:
            continue
        yield Finding(
            "table-return",
            ret.file,
            ret.span,
            f"{ret.event} handler returns a plain table: kumod only accepts the object made by {constructor}",
            f"wrap the table: return {constructor} {{ ... }}",
        )
