"""Pure helpers of the interpreter: limits, constant folding, truthiness, condition facts, spans."""

from __future__ import annotations

import math
from typing import Any

from luaparser import astnodes as ast

from kumocheck.runtime import lua_number
from kumocheck.runtime.errors import LuaError
from kumocheck.schema.values import UNKNOWN, Const, OneOf, Opaque, TableValue, Unknown, Value, lua_repr, one_of, options
from kumocheck.source import Span, span_of

MAX_CALL_DEPTH = 8
LUA_TYPES = frozenset({"nil", "boolean", "number", "string", "table", "function", "userdata", "thread"})
MAX_EVALUATIONS_PER_FUNCTION = 64
#: Modules of KumoMTA programs whose functions are followed like kumo.*: kumod's `kumo`,
#: tsa-daemon's `tsa`, proxy-server's `proxy`, and `redis` (their calls' tables are judged by data).
CALL_MODULES = frozenset({"kumo", "tsa", "proxy", "redis"})
BUILTIN_MODULES = {"kumo", "redis", "sqlite", "tsa", "proxy", "string", "table", "math", "os", "io", "utf8", "coroutine"}
MATH_CONSTANTS = {"huge": float("inf"), "pi": math.pi, "maxinteger": 2**63 - 1, "mininteger": -(2**63)}
LOAD_DATA_FUNCTIONS = {"json_load", "toml_load", "yaml_load", "json_parse", "toml_parse", "yaml_parse"}


def _builtin_module(name: str | None) -> bool:
    if name is None:
        return False
    return name in BUILTIN_MODULES or name.startswith("policy-extras.") or name.startswith("kumo.")


def _const_str(value: Value) -> str | None:
    if isinstance(value, Const) and isinstance(value.value, bytes):
        return value.value.decode("utf-8", "replace")
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return lua_repr(value.value)
    return None


def _dotted(node: Any) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Index) and isinstance(node.idx, ast.Name):
        return f"{_dotted(node.value)}.{node.idx.id}"
    return "?"


def _key_span(field: ast.Field, fallback: Span | None) -> Span | None:
    """The span of the key of a `key = value` field."""
    token = field._first_token
    if token is None:
        return fallback
    if token.text == "[" and field.key is not None:
        return span_of(field.key, fallback)
    return Span(token.line, token.column + 1, token.line, token.column + 1 + len(token.text))


def _origin_span(value: Value) -> Span | None:
    origin = getattr(value, "origin", None)
    return origin if isinstance(origin, Span) else None


def _escape(value: Value) -> None:
    """A table handed to unknown code may gain keys we cannot see."""
    for option in options(value):
        if isinstance(option, TableValue) and not option.open:
            option.open = True


def _lua_type_of(value: Value) -> str | None:
    """Lua's type() of a value, None when unknown."""
    if isinstance(value, Const):
        raw = value.value
        if raw is None:
            return "nil"
        if isinstance(raw, bool):
            return "boolean"
        if isinstance(raw, (int, float)):
            return "number"
        return "string"
    if isinstance(value, TableValue):
        return "table"
    if isinstance(value, Opaque):
        return {"function": "function", "config": "userdata"}.get(value.kind)
    if isinstance(value, Unknown):
        return value.lua_type
    return None


def _typed_unknown(kind: str) -> Value:
    """A value of a known Lua type ("string"), or that type or nil ("string?"), or a KumoMTA
    object ("message": userdata of that kind); "any" is not typed."""
    if kind == "any":
        return UNKNOWN
    if kind.endswith("?"):
        return one_of([_typed_unknown(kind[:-1]), Const(None)])
    if kind not in LUA_TYPES:
        return Unknown(lua_type="userdata", object_kind=kind)
    return Unknown(lua_type=kind)


def _contradict(a: tuple, b: tuple) -> bool:
    """Two condition facts that cannot hold together."""
    kind_a, subject_a, value_a, truth_a = a
    kind_b, subject_b, value_b, truth_b = b
    if subject_a != subject_b:
        return False
    if kind_a == kind_b == "truthy":
        return truth_a != truth_b
    if kind_a == kind_b == "eq":
        if value_a == value_b and type(value_a) is type(value_b):
            return truth_a != truth_b
        return truth_a and truth_b  # equal to two different constants
    return False


def _facts(test: Any, truth: bool) -> frozenset:
    """What a condition being `truth` says: ('truthy', x, None, t) and ('eq', x, const, t)."""
    if isinstance(test, ast.ULNotOp):
        return _facts(test.operand, not truth)
    if isinstance(test, ast.AndLoOp) and truth or isinstance(test, ast.OrLoOp) and not truth:
        return _facts(test.left, truth) | _facts(test.right, truth)
    if isinstance(test, ast.Name):
        return frozenset({("truthy", test.id, None, truth)})
    if isinstance(test, (ast.EqToOp, ast.NotEqToOp)):
        equal = truth if isinstance(test, ast.EqToOp) else not truth
        for subject, other in ((test.left, test.right), (test.right, test.left)):
            constant = _literal(other)
            if isinstance(subject, ast.Name) and constant is not _NO_LITERAL:
                return frozenset({("eq", subject.id, constant, equal)})
    return frozenset()


_NO_LITERAL = object()


def _literal(node: Any) -> Any:
    if isinstance(node, ast.String):
        return node.s
    if isinstance(node, ast.Number):
        return node.n
    if isinstance(node, ast.Nil):
        return None
    if isinstance(node, ast.TrueExpr):
        return True
    if isinstance(node, ast.FalseExpr):
        return False
    return _NO_LITERAL


def _always_returns(block: Any) -> bool:
    return bool(block.body) and isinstance(block.body[-1], ast.Return)


def _truthy(value: Value) -> bool | None:
    if isinstance(value, Const):
        return value.value is not None and value.value is not False
    if isinstance(value, (TableValue, Opaque)):
        return True
    if isinstance(value, Unknown) and value.lua_type not in (None, "boolean", "nil"):
        return True  # a string, number, table... is never false
    return None


def _logical(node: Any, left: Value, right: Value) -> Value:
    results: list[Value] = []
    is_and = isinstance(node, ast.AndLoOp)
    for option in options(left):
        truth = _truthy(option)
        if truth is None:
            results.extend([option, right])
        elif truth:
            results.append(right if is_and else option)
        else:
            results.append(option if is_and else right)
    return one_of(results)


def _number(value: Value) -> int | float | None:
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    return None


def _tostring(value: Value) -> bytes | None:
    """tostring() of a known string or number (Lua's number formatting)."""
    if not isinstance(value, Const):
        return None
    raw = value.value
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, bool) or raw is None:
        return None
    return lua_number.tostring_number(raw)


#: Constant folding uses the runtime's Lua 5.4 arithmetic (integer wrap-around, float
#: division, floor semantics): one home for Lua's number rules.
_ARITHMETIC = {
    ast.AddOp: lua_number.add,
    ast.SubOp: lua_number.sub,
    ast.MultOp: lua_number.mul,
    ast.FloatDivOp: lua_number.div,
    ast.FloorDivOp: lua_number.idiv,
    ast.ModOp: lua_number.mod,
    ast.ExpoOp: lua_number.pow,
}


def _fold_binary(node: Any, left: Value, right: Value, span: Span | None) -> Value:
    if isinstance(node, (ast.EqToOp, ast.NotEqToOp)):
        if isinstance(left, Const) and isinstance(right, Const):
            same = lua_number.eq(left.value, right.value)
            return Const(same if isinstance(node, ast.EqToOp) else not same, span)
        return UNKNOWN
    if isinstance(node, ast.Concat):
        if isinstance(left, OneOf) or isinstance(right, OneOf):
            combos = [_fold_binary(node, a, b, span) for a in options(left) for b in options(right)]
            return one_of(combos) if len(combos) <= 16 else UNKNOWN
        a, b = _tostring(left), _tostring(right)
        return Const(a + b, span) if a is not None and b is not None else UNKNOWN
    operation = _ARITHMETIC.get(type(node))
    x, y = _number(left), _number(right)
    if operation is None or x is None or y is None:
        return UNKNOWN
    try:
        return Const(operation(x, y), span)
    except (LuaError, OverflowError, ValueError, ZeroDivisionError):
        return UNKNOWN  # an error at run time (n // 0): not a value


def _fold_unary(node: Any, operand: Value, span: Span | None) -> Value:
    if isinstance(node, ast.UMinusOp):
        number = _number(operand)
        return UNKNOWN if number is None else Const(lua_number.unm(number), span)
    if isinstance(node, ast.ULNotOp):
        truth = _truthy(operand)
        return UNKNOWN if truth is None else Const(not truth, span)
    return UNKNOWN


def _fold_conversion(name: str, args: list[Value], span: Span | None) -> Value:
    if not args or not isinstance(args[0], Const):
        return UNKNOWN
    if name == "tostring":
        text = _tostring(args[0])
        return Const(text, span) if text is not None else UNKNOWN
    raw = args[0].value
    if len(args) > 1:
        base = _number(args[1])
        if isinstance(raw, bytes) and isinstance(base, int) and 2 <= base <= 36:
            try:
                return Const(int(raw.decode().strip().lower(), base), span)
            except ValueError:
                return Const(None, span)
        return UNKNOWN
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Const(raw, span)
    return UNKNOWN
