"""unknown-key, invalid-type, invalid-duration, invalid-value, missing-key in helpers' data.

Every data file (and inline data table) a helper loads is judged by the same Validator as
make_queue_config, against its kind's grammar in rules/policy_extras.toml. Keys serde
silently ignores (automation rules) are reported as ignored-setting. `SetConfig` actions
are judged as the egress-path option they name.
"""

from __future__ import annotations

from typing import Iterator

import attrs

from kumocheck.checks import CheckContext, Finding, file_of, problem_fix
from kumocheck.checks.data_tables import complete, loaded, tables
from kumocheck.schema.model import TypeRef
from kumocheck.schema.validate import Problem, nearest
from kumocheck.schema.values import Const, TableValue
from kumocheck.source import Span

EGRESS_PATH = "EgressPathConfig"


def check(context: CheckContext) -> Iterator[Finding]:
    kinds = context.schema.extras.kinds
    for data, table in loaded(context):
        kind = kinds.get(data.kind)
        if kind is None or (data.inline is not None and data.kind == "queues"):
            continue  # inline queue data has its own grammar (tenants/queues)
        egress_keys = context.schema.structs[EGRESS_PATH].fields
        for problem in context.validator.validate(table, TypeRef("struct", name=kind.root), ()):
            if problem.rule == "unknown-key" and data.kind != "shaping" and problem.path[-1] in egress_keys:
                problem = attrs.evolve(
                    problem,
                    help=f"`{problem.path[-1]}` is an egress-path option: set it in shaping data, in a domain "
                    "block or its sources.<source> table",
                )
            yield as_finding(problem, data.file)
        if data.kind == "shaping":
            yield from _set_config_actions(context, table, data.file)
    yield from _dkim_selectors(context)


def _dkim_selectors(context: CheckContext) -> Iterator[Finding]:
    """Every DKIM domain needs a selector, its own or [base]'s (else loading the data fails)."""
    if not complete(context, "dkim"):
        return
    files = list(loaded(context, "dkim"))
    base_selector = any(
        isinstance(base.value, TableValue) and base.value.get(b"selector") is not None
        for _, table in files
        if (base := table.get(b"base")) is not None
    )
    if base_selector:
        return
    for data, table in files:
        for name, entry, block in tables(table, "domain"):
            if block.get(b"selector") is None:
                yield Finding(
                    "missing-key",
                    file_of(entry.origin, data.file),
                    entry.origin,
                    f"DKIM domain '{name}' has no selector, and [base] sets none: loading the DKIM data fails",
                    "add selector = '...' to the domain or to [base]",
                )


def as_finding(problem: Problem, default_file: str) -> Finding:
    span = problem.origin if isinstance(problem.origin, Span) else None
    rule = problem.rule
    if rule == "unknown-key" and problem.severity == "warning":
        rule = "ignored-setting"  # accepted by serde and dropped: not a rejection
    return Finding(
        rule, file_of(span, default_file), span or Span.point(1, 1), problem.message, problem.help, problem.severity,
        problem_fix(problem),
    )


def _set_config_actions(context: CheckContext, table: TableValue, file: str) -> Iterator[Finding]:
    """`{SetConfig = {name = 'k', value = v}}`: kumod decodes `{k = v}` as an EgressPathConfig."""
    fields = context.schema.structs[EGRESS_PATH].fields
    for rule_path, action in _actions(table):
        body = action.value
        if not isinstance(body, TableValue):
            continue
        name = body.get(b"name")
        value = body.get(b"value")
        if name is None or not isinstance(name.value, Const) or not isinstance(name.value.value, bytes):
            continue
        key = name.value.value.decode("utf-8", "replace")
        field = fields.get(key)
        if field is None:
            guess = nearest(key, tuple(fields))
            yield Finding(
                "invalid-value",
                file_of(name.value.origin, file),
                name.value.origin,
                f"{rule_path}: `{key}` is not an egress-path option, so this action fails when the rule loads",
                f"did you mean `{guess}`?" if guess else "name an egress-path option such as max_message_rate or connection_limit",
            )
        elif value is not None:
            for problem in context.validator.validate(value.value, field.type, (rule_path, key)):
                yield as_finding(problem, file)


def _actions(table: TableValue) -> Iterator[tuple[str, object]]:
    blocks = []
    for name, entry in table.string_keys():
        if name == "provider" and isinstance(entry.value, TableValue):
            blocks += [(f"provider.{p}", e.value) for p, e in entry.value.string_keys()]
        else:
            blocks.append((name, entry.value))
    for where, block in blocks:
        if not isinstance(block, TableValue):
            continue
        rules = block.get(b"automation")
        if rules is None or not isinstance(rules.value, TableValue):
            continue
        for index, rule in enumerate(rules.value.positional(), start=1):
            if not isinstance(rule.value, TableValue):
                continue
            action = rule.value.get(b"action")
            if action is None:
                continue
            items = action.value.positional() if isinstance(action.value, TableValue) and action.value.positional() else [action]
            for item in items:
                if not isinstance(item.value, TableValue):
                    continue
                for tag in (b"SetConfig", b"SetDomainConfig"):
                    found = item.value.get(tag)
                    if found is not None:
                        yield f"{where}.automation[{index}]", found
