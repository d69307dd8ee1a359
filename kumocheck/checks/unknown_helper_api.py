"""unknown-helper-api: a function, field or option of a policy-extras helper that does not exist.

`sources:set_up {...}`, `shaping:setup_with_automaton {...}`, `shaper.get_egress_path_confg`
(nil: kumo.on then gets no handler), an unknown key in a typed option table
(`log_hooks:new_json { log_paramters = ... }` raises at start-up) or in shaping's untyped
one (silently ignored). The helpers' API is data in rules/policy_extras.toml.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.checks.data_schema import as_finding
from kumocheck.extras.setup import method_spec, options_arg
from kumocheck.schema.model import TypeRef, newer_than
from kumocheck.schema.validate import nearest


def check(context: CheckContext) -> Iterator[Finding]:
    helpers = context.schema.extras.helpers
    for use in context.model.helper_uses:
        helper = helpers.get(use.helper)
        if helper is None or helper.knows(use.name):
            continue
        names = sorted(set(helper.methods) | set(helper.fields))
        guess = nearest(use.name, names)
        label = helper.shown
        yield Finding(
            "unknown-helper-api",
            file_of(use.span, use.file),
            use.span,
            f"`{use.name}` is not a function or field of {label}: it is nil",
            f"did you mean `{guess}`?" if guess else "known: " + ", ".join(names),
        )
    for call in context.model.helper_calls:
        spec = method_spec(context.schema.extras, call)
        if spec is None:
            continue
        if newer_than(spec.since, context.target_version):
            yield Finding(
                "requires-newer-kumomta",
                file_of(call.span, call.file),
                call.span,
                f"`{call.function}` of {call.helper} needs KumoMTA {spec.since.split('-')[0]} or later "
                f"(target-version is {context.target_version})",
                "raise target-version after upgrading KumoMTA, or set the helper up without it",
            )
        arg = options_arg(call)
        if spec.options is None or arg is None:
            continue
        for problem in context.validator.validate(arg, TypeRef("struct", name=spec.options), (call.function,)):
            finding = as_finding(problem, call.file)
            if problem.rule == "unknown-key":
                ignored = not spec.typed
                finding = Finding(
                    "unknown-helper-api",
                    finding.file,
                    finding.span,
                    f"unknown option `{problem.path[-1]}` of {call.function}: "
                    + ("the helper silently ignores it" if ignored else "the helper raises an error at start-up"),
                    problem.help,
                    "warning" if ignored else None,
                    finding.fix,
                )
            yield finding
