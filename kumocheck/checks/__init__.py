"""The checks: each module judges one aspect of a `PolicyModel` and yields `Finding`s.

A check is a function `check(context) -> Iterator[Finding]` registered in `ALL_CHECKS`.
Rule metadata (code, default severity, documentation) lives in rules/rules.toml.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Callable, Iterator

import attrs

from kumocheck.diagnostics import Fix
from kumocheck.model import PolicyModel
from kumocheck.schema.model import Schema
from kumocheck.schema.validate import Problem, Validator
from kumocheck.source import Span


@attrs.frozen
class Finding:
    """A rule's verdict at one place, before codes and suppressions are applied."""

    rule: str
    file: str
    span: Span
    message: str
    help: str | None = None
    severity: str | None = None  # None: the rule's default
    fix: Fix | None = None


@attrs.frozen
class CheckContext:
    model: PolicyModel
    schema: Schema
    validator: Validator
    target_version: str | None = None
    policy_root: Path | None = None  # where require names start (configured or found)


Check = Callable[[CheckContext], Iterator[Finding]]


def all_checks() -> list[Check]:
    """Every check, in a stable order."""
    from kumocheck.checks import (
        config_schema,
        constructor_shadows_event,
        data_schema,
        duplicate_entry,
        duplicate_handler,
        handler_arity,
        ignored_setting,
        missing_data_file,
        invalid_regex,
        nil_return,
        object_keys,
        on_inside_handler,
        requires_newer_kumomta,
        retry_exceeds_max_age,
        table_return,
        unbound_constructor,
        undefined_reference,
        unknown_api,
        unknown_event,
        unknown_helper_api,
        unknown_method,
        unreachable_handler,
        unresolved_require,
    )

    return [
        config_schema.check,
        object_keys.check,
        retry_exceeds_max_age.check,
        unbound_constructor.check,
        constructor_shadows_event.check,
        unknown_event.check,
        handler_arity.check,
        duplicate_handler.check,
        nil_return.check,
        table_return.check,
        on_inside_handler.check,
        unknown_method.check,
        unknown_api.check,
        requires_newer_kumomta.check,
        unreachable_handler.check,
        unresolved_require.check,
        invalid_regex.check,
        data_schema.check,
        unknown_helper_api.check,
        missing_data_file.check,
        undefined_reference.check,
        ignored_setting.check,
        duplicate_entry.check,
    ]


def file_of(span: Span | None, default: str) -> str:
    """The file a span lies in: values can come from another file than their use."""
    return span.file if span is not None and span.file else default


def problem_fix(problem: Problem) -> Fix | None:
    """The fix a validator problem carries (its replacement at its origin), if any."""
    if not problem.replacement or not isinstance(problem.origin, Span):
        return None
    return Fix(problem.origin, problem.replacement, f"Replace with {problem.replacement}", problem.fix_applicability)


def bound_names(model: PolicyModel) -> list[str]:
    """Events bound for real: a kumo.on inside a running handler raises instead."""
    return sorted(
        {b.event for b in model.bindings if b.event is not None and b.inside_event in (None, "main")}
    )


def helper_provides(schema: Schema, model: PolicyModel, name: str) -> bool:
    """True when a required policy-extras helper binds or fires an event of this name
    (rules/policy_extras.toml's helper_events)."""
    for spec in schema.helper_events.values():
        module = spec.get("source")
        pattern = spec.get("pattern")
        if not pattern or (module and module not in model.helper_modules):
            continue
        if re.fullmatch(pattern, name):
            return True
    return False
