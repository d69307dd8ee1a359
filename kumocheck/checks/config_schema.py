"""unknown-key, invalid-type, invalid-duration, invalid-value, missing-key.

Every configuration table a policy hands kumod, as far as it can be known statically, is
judged by the schema validator (`kumocheck.schema.validate`), which decodes it the way
kumod's serde would: the argument of `kumo.make_queue_config`, and the first argument of
every other call whose struct is known from data (`kumo.make_egress_path`,
`make_egress_source`, `make_listener_domain`, the DKIM signers... in rules/*.toml), and the
plain tables that handlers of some events return (`smtp_server_get_dynamic_parameters`).
Each problem is reported at the key or value it concerns.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of, problem_fix
from kumocheck.schema.validate import Problem
from kumocheck.source import Span


def _finding(problem: Problem, call_file: str, call_span: Span) -> Finding:
    span = problem.origin if isinstance(problem.origin, Span) else call_span
    return Finding(
        problem.rule, file_of(span, call_file), span, problem.message, problem.help, problem.severity, problem_fix(problem)
    )


def check(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.config_calls:
        for problem in context.validator.validate_config(call.arg):
            yield _finding(problem, call.file, call.span)
    # A file that binds no event is an excerpt (documentation shows one option of
    # configure_local_logs at top level): its tables are not expected to be complete.
    excerpt = not context.model.bindings and not context.model.is_module
    for api_call in context.model.api_calls:
        dotted = ".".join(api_call.path)
        struct = context.schema.struct_for_call(dotted)
        if struct is None:
            continue
        args = api_call.args or (api_call.arg,)
        if len(args) < struct.argument:
            continue
        for problem in context.validator.validate_call(args[struct.argument - 1], struct.name, dotted.removeprefix("kumo.")):
            if not (excerpt and problem.rule == "missing-key"):
                yield _finding(problem, api_call.file, api_call.span)
    for returned in context.model.returns:
        struct = context.schema.struct_for_return(returned.event)
        if struct is None or returned.kind != "table" or returned.value is None:
            continue
        for problem in context.validator.validate_call(returned.value, struct.name, f"the table {returned.event} returns"):
            yield _finding(problem, returned.file, returned.span)
