"""unknown-key (and value checks, where types are data) for KumoMTA's other config objects.

`kumo.make_egress_path`, `make_egress_source`, `make_egress_pool`, `make_listener_domain`,
`start_esmtp_listener`, `start_http_listener`, `define_spool`... reject unknown keys just
like make_queue_config. Their key lists are data (rules/egress.toml), and so are the
value types of the keys whose types are simple (durations, throttles, enums, booleans,
integers, strings): those values are judged by the same validator as queue configs. (Missing required keys are not reported:
documentation-style excerpts elide them on purpose, and kumod names them clearly.)
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of, problem_fix
from kumocheck.diagnostics import Fix
from kumocheck.schema.model import ForeignObject
from kumocheck.schema.validate import fix_level, nearest
from kumocheck.schema.values import TableValue, Value, options
from kumocheck.source import Span


def _label(obj: ForeignObject) -> str:
    return obj.name.replace("_", " ")


def _judge(
    context: CheckContext, obj: ForeignObject, value: Value, where: str, call_file: str, call_span: Span
) -> Iterator[Finding]:
    schema = context.schema
    for table in options(value):
        if not isinstance(table, TableValue):
            continue
        for key, entry in table.string_keys():
            if key in obj.types:
                for problem in context.validator.validate(entry.value, obj.types[key], (where, key)):
                    span = problem.origin if isinstance(problem.origin, Span) else call_span
                    yield Finding(
                        problem.rule,
                        file_of(span, call_file),
                        span,
                        problem.message,
                        problem.help,
                        problem.severity,
                        problem_fix(problem),
                    )
            if key in obj.keys:
                nested = obj.nested.get(key)
                element = schema.foreign_object(nested) if nested else None
                if element is not None:
                    for items in options(entry.value):
                        if isinstance(items, TableValue):
                            for item in items.positional():
                                yield from _judge(context, element, item.value, f"{where}.{key}[]", call_file, call_span)
                continue
            if not obj.rejects_unknown:
                continue
            span = entry.origin if isinstance(entry.origin, Span) else call_span
            guess = nearest(key, sorted(obj.keys))
            owners = [o for o in schema.foreign_owners(key) if o is not obj]
            if guess:
                hint = f"did you mean `{guess}`?"
            elif owners:
                owner = owners[0]
                hint = f"`{key}` is {'an' if owner.name[0] in 'aeiou' else 'a'} {_label(owner)} option" + (
                    f": set it in {owner.constructor}{{...}}" if owner.constructor else ""
                )
            else:
                hint = "valid keys: " + ", ".join(sorted(obj.keys))
            yield Finding(
                "unknown-key",
                file_of(span, call_file),
                span,
                f"unknown key `{key}` in {where}: kumod rejects this {_label(obj)} config",
                hint,
                fix=Fix(span, guess, f"Replace with {guess}", fix_level(key, sorted(obj.keys))) if guess else None,
            )


def check(context: CheckContext) -> Iterator[Finding]:
    schema = context.schema
    for call in context.model.api_calls:
        dotted = ".".join(call.path)
        obj = schema.object_for_constructor(dotted)
        if obj is None:
            continue
        yield from _judge(context, obj, call.arg, dotted.replace("kumo.", "", 1), call.file, call.span)
