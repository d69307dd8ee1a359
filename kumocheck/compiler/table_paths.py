"""Inline Python for table reads and loops whose behaviour is provably Lua's (issue 12).

* `local.name` / `local['name']`: the hash part of a table read directly (string keys
  always live there), anything else through `Index_n` and its errors;
* `for k, v in pairs(t)` / `for i, v in ipairs(t)` with the base function never
  reassigned and one plain argument: `Pairs_loop` / `Ipairs_loop` walk a table without
  the generic `for` protocol and hand any other value to Lua's own `pairs` / `ipairs`.
"""

from __future__ import annotations

from typing import Any

from luaparser import astnodes as A

__all__ = ["field", "loop"]

_LOOPS = {"pairs": "Pairs_loop", "ipairs": "Ipairs_loop"}


def field(gen: Any, node: A.Index) -> str | None:
    """`x.k` with `x` a local and `k` a constant string, or None."""
    if node.notation == A.IndexNotation.DOT and isinstance(node.idx, A.Name):
        key = repr(node.idx.id.encode("utf-8"))
    elif isinstance(node.idx, A.String):
        key = repr(node.idx.s)
    else:
        return None
    value = node.value
    if not (isinstance(value, A.Name) and gen.info.var_of.get(id(value)) is not None):
        return None
    obj = gen.expr(value)
    variable = gen.variable_name(value)
    return f"({obj}.hash.get({key}) if type({obj}) is LuaTable else Index_n({obj}, {key}, {variable!r}))"


def loop(gen: Any, node: A.Forin) -> str | None:
    """The iterable for `for a, b in pairs(x)` / `ipairs(x)`, or None."""
    if len(node.iter) != 1 or len(node.targets) > 2:
        return None
    call = node.iter[0]
    if not (isinstance(call, A.Call) and isinstance(call.func, A.Name) and len(call.args) == 1):
        return None
    name = call.func.id
    if name not in _LOOPS or gen.info.var_of.get(id(call.func)) is not None or name not in gen.static:
        return None
    arg = call.args[0]
    if isinstance(arg, (A.Call, A.Invoke, A.Varargs, A.Dots)) and not getattr(arg, "wrapped", False):
        return None
    return f"{_LOOPS[name]}({gen.expr(arg)})"
