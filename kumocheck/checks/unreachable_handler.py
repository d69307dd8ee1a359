"""unreachable-handler: a handler registered after one that always returns a value.

For events that take several handlers (get_queue_config, should_enqueue_log_record...),
kumod calls them in registration order and stops at the first one that returns any value.
A handler that returns a value on every path therefore hides every later one, including
those registered by policy-extras helpers (queue:setup, shaping:setup_with_automation).
"""

from __future__ import annotations

from typing import Any, Iterator

from luaparser import astnodes as ast

from kumocheck.checks import CheckContext, Finding
from kumocheck.model import Binding

#: Calls that certainly produce a value (kumo.make_* constructors).
VALUE_CALL_PREFIX = "make_"


def _is_value(expr: Any) -> bool:
    """True when a returned expression certainly yields at least one value."""
    if isinstance(expr, (ast.Call, ast.Invoke)):
        func = expr.func
        return (
            isinstance(expr, ast.Call)
            and isinstance(func, ast.Index)
            and isinstance(func.value, ast.Name)
            and func.value.id == "kumo"
            and isinstance(func.idx, ast.Name)
            and func.idx.id.startswith(VALUE_CALL_PREFIX)
        )
    return not isinstance(expr, (ast.Varargs, ast.Dots))


def _returns_value(statement: ast.Return) -> bool:
    values = statement.values or []
    return len(values) > 1 or bool(values) and _is_value(values[-1])


def _may_return_nothing(block: ast.Block) -> bool:
    """Some `return` in the block (not in nested functions) may return no value."""
    for statement in block.body:
        if isinstance(statement, ast.Return) and not _returns_value(statement):
            return True
        for child in _child_blocks(statement):
            if _may_return_nothing(child):
                return True
    return False


def _child_blocks(statement: Any) -> list[ast.Block]:
    if isinstance(statement, (ast.Do, ast.While, ast.Repeat, ast.Fornum, ast.Forin)):
        return [statement.body]
    blocks = []
    current = statement
    while isinstance(current, (ast.If, ast.ElseIf)):
        blocks.append(current.body)
        current = current.orelse
    if isinstance(current, ast.Block):
        blocks.append(current)
    return blocks


def _ends_with_value(block: ast.Block) -> bool:
    """Control cannot fall off the end of the block without returning a value."""
    for statement in block.body:
        if isinstance(statement, ast.Return):
            return _returns_value(statement)
        if isinstance(statement, (ast.Do, ast.Repeat)) and _ends_with_value(statement.body):
            return True
        if isinstance(statement, ast.If) and _if_ends_with_value(statement):
            return True
    return False


def _if_ends_with_value(node: Any) -> bool:
    current = node
    while isinstance(current, (ast.If, ast.ElseIf)):
        if not _ends_with_value(current.body):
            return False
        current = current.orelse
    return current is not None and _ends_with_value(current)


def always_returns_value(block: ast.Block) -> bool:
    """Every path through the function body ends in `return <value>`."""
    return _ends_with_value(block) and not _may_return_nothing(block)


def _certain(binding: Binding) -> bool:
    return not binding.branch_path and not binding.in_loop and binding.inside_event is None


def check(context: CheckContext) -> Iterator[Finding]:
    blocking: dict[str, Binding] = {}
    for binding in context.model.bindings:
        name = binding.event
        event = context.schema.events.get(name or "")
        if event is None or not event.multiple or binding.inside_event is not None:
            continue
        earlier = blocking.get(name)
        if earlier is not None and not earlier.exclusive_with(binding) and binding.span is not None:
            what = f"the handler registered by {binding.helper}" if binding.helper else f"this {name} handler"
            yield Finding(
                "unreachable-handler",
                binding.file,
                binding.name_span or binding.span,
                f"{what} never runs: the one registered at line {earlier.span.line}"
                + (f" of {earlier.file}" if earlier.file != binding.file else "")
                + " returns a value on every path, which ends the chain",
                "register this handler first, or let the earlier one `return` nothing for the cases it does not handle",
            )
            continue
        handler = binding.handler
        if name not in blocking and handler is not None and _certain(binding) and always_returns_value(handler.node.body):
            blocking[name] = binding
