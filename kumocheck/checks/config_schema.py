"""unknown-key, invalid-type, invalid-duration, invalid-value, missing-key.

Every `kumo.make_queue_config` argument, as far as it can be known statically, is judged
by the schema validator (`kumocheck.schema.validate`), which decodes it the way kumod's
serde would. Each problem is reported at the key or value it concerns.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of, problem_fix
from kumocheck.source import Span


def check(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.config_calls:
        for problem in context.validator.validate_config(call.arg):
            span = problem.origin if isinstance(problem.origin, Span) else call.span
            yield Finding(
                problem.rule,
                file_of(span, call.file),
                span,
                problem.message,
                problem.help,
                problem.severity,
                problem_fix(problem),
            )
