"""invalid-regex: a pattern KumoMTA's regex engine refuses, judged by that engine's grammar.

In Lua: `kumo.regex.compile(pattern)` (fancy-regex) and the keys of
`kumo.regex_set_map.new { [pattern] = value }` (Rust's regex crate). Data files (shaping
automation rules) reach the same judgement through the schema types `fancy_regex` and
`rust_regex` of the validator.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.schema.model import TypeRef
from kumocheck.schema.values import Const, TableValue, options
from kumocheck.source import Span

#: kumo.* functions whose argument holds patterns: (function path, where, schema type).
PATTERN_ARGUMENTS = {
    ("regex", "compile"): ("value", "fancy_regex"),
    ("regex_set_map", "new"): ("keys", "rust_regex"),
}


def check(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.api_calls:
        path = call.path[1:] if call.path[:1] == ("kumo",) else call.path
        spec = PATTERN_ARGUMENTS.get(tuple(path))
        if spec is None:
            continue
        where, type_name = spec
        typ = TypeRef(type_name)
        label = "kumo." + ".".join(path)
        for option in options(call.arg):
            if where == "value":
                patterns = [option] if isinstance(option, Const) else []
            else:
                patterns = [e.key for e in option.entries if isinstance(e.key, Const)] if isinstance(option, TableValue) else []
            for pattern in patterns:
                if not isinstance(pattern.value, bytes):
                    continue
                for problem in context.validator.validate(pattern, typ, (label,)):
                    span = problem.origin if isinstance(problem.origin, Span) else call.span
                    yield Finding(problem.rule, file_of(span, call.file), span, problem.message, problem.help)
