"""unknown-key, invalid-type, invalid-duration, invalid-value, missing-key.

Every configuration table a policy hands kumod, as far as it can be known statically, is
judged by the schema validator (`kumocheck.schema.validate`), which decodes it the way
kumod's serde would: the argument of `kumo.make_queue_config`, and the first argument of
every other call whose struct is known from data (`kumo.make_egress_path`,
`make_egress_source`, `make_listener_domain`, the DKIM signers... in rules/*.toml). Each
problem is reported at the key or value it concerns.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.diagnostics import Fix
from kumocheck.schema.validate import Problem
from kumocheck.source import Span


def _finding(problem: Problem, call_file: str, call_span: Span) -> Finding:
    span = problem.origin if isinstance(problem.origin, Span) else call_span
    fix = None
    if problem.replacement is not None and isinstance(problem.origin, Span):
        fix = Fix(span, problem.replacement, f"Replace with {problem.replacement}")
    return Finding(problem.rule, file_of(span, call_file), span, problem.message, problem.help, problem.severity, fix)


def check(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.config_calls:
        for problem in context.validator.validate_config(call.arg):
            yield _finding(problem, call.file, call.span)
    for api_call in context.model.api_calls:
        dotted = ".".join(api_call.path)
        struct = context.schema.struct_for_call(dotted)
        if struct is None:
            continue
        for problem in context.validator.validate_call(api_call.arg, struct.name, dotted.removeprefix("kumo.")):
            yield _finding(problem, api_call.file, api_call.span)
