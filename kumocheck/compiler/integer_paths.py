"""Integer fast paths: Lua arithmetic written as Python's own operators where provably equal.

An arithmetic or comparison expression is compiled as one *integer tree* when every
operation in it is exact on 64-bit integers (see `numeric.combine`) and every leaf is

* a literal or a local `IntegerFacts` gives a range (read freely: nothing can change it), or
* a *guarded* leaf: any other expression proven an integer (`#t`, `x & 0xff`), or one with
  a known range whenever it is an integer, such as `s:byte(i)`; the code evaluates it
  once into a temporary and checks it at run time.

The tree becomes `(FAST if GUARDS else EXACT)`: FAST uses `+ - * // % << >> & | ^` and
comparisons directly; EXACT is the ordinary runtime form over the same temporaries
(so a failing guard costs nothing but the check, and errors, coercions and
wrap-around stay the runtime's). Guarded leaves are evaluated first, in Lua's order;
the other leaves are pure locals and constants, so the order they are read in
cannot change a result.
"""

from __future__ import annotations

from typing import Any, Callable

import attrs
from luaparser import astnodes as A

from kumocheck.compiler.numeric import FULL, PY_OPERATOR, IntegerFacts, Range, combine

_ARITH_TREE = (A.AddOp, A.SubOp, A.MultOp, A.FloorDivOp, A.ModOp, A.BShiftLOp, A.BShiftROp)
_BITWISE_TREE = (A.BAndOp, A.BOrOp, A.BXorOp)
_COMPARE_TREE = {A.LessThanOp: "<", A.LessOrEqThanOp: "<=", A.GreaterThanOp: ">", A.GreaterOrEqThanOp: ">=",
                 A.EqToOp: "==", A.NotEqToOp: "!="}
BYTE_RANGE: Range = (0, 255)


@attrs.define
class Guard:
    """A leaf evaluated once into `temp`; the fast path needs it to be an int in `bounds`."""

    node: Any
    temp: str
    code: str
    bounds: Range


@attrs.define
class Tree:
    fast: str
    bounds: Range


class IntegerPaths:
    """Builds integer trees for one code generator."""

    def __init__(self, facts: IntegerFacts, expr: Callable[[Any], str], temp: Callable[[], str],
                 is_string_byte: Callable[[Any], bool]) -> None:
        self.facts = facts
        self.expr = expr
        self.temp = temp
        self.is_string_byte = is_string_byte
        self.overrides: dict[int, str] = {}  # id(leaf) -> temp, while writing the exact form
        self.disabled = 0

    def compile(self, node: Any, exact: Callable[[], str]) -> str | None:
        """Python for an operator node as an integer tree, or None (use the ordinary path).
        `exact` writes the ordinary runtime form (called with the guards' temporaries in place)."""
        if self.disabled:
            return None
        kind = type(node)
        if kind not in _COMPARE_TREE and kind not in _ARITH_TREE and kind not in _BITWISE_TREE:
            return None
        guards: list[Guard] = []
        tree = self._tree(node, guards, root=True)
        if tree is None:
            return None
        if not guards:
            return tree.fast
        for guard in guards:
            self.overrides[id(guard.node)] = guard.temp
        self.disabled += 1
        try:
            slow = exact()
        finally:
            self.disabled -= 1
            for guard in guards:
                del self.overrides[id(guard.node)]
        checks = " and ".join(
            f"type({g.temp} := {g.code}) is int and {g.bounds[0]} <= {g.temp} <= {g.bounds[1]}" for g in guards
        )
        return f"({tree.fast} if ({checks}) else {slow})"

    def _tree(self, node: Any, guards: list[Guard], root: bool = False) -> Tree | None:
        kind = type(node)
        if kind in _COMPARE_TREE and not root:
            return None  # a boolean: no arithmetic on it
        if kind in _COMPARE_TREE or kind in _ARITH_TREE or kind in _BITWISE_TREE:
            mark = len(guards)
            tree = self._operation(kind, node, guards)
            if tree is not None or root:
                return tree
            del guards[mark:]  # not exact as a tree: maybe still a proven leaf
        proven = self.facts.range(node)
        if proven is not None and isinstance(node, (A.Name, A.Number)):
            return Tree(self.expr(node), proven)
        bounds = proven if proven is not None else (BYTE_RANGE if self.is_string_byte(node) else None)
        if bounds is None:
            return None
        # evaluated once, in Lua's order, before the fast path reads the pure leaves
        temp = self.temp()
        guards.append(Guard(node, temp, self.expr(node), bounds))
        return Tree(temp, bounds)

    def _operation(self, kind: type, node: Any, guards: list[Guard]) -> Tree | None:
        left = self._tree(node.left, guards)
        if left is None:
            return None
        right = self._tree(node.right, guards)
        if right is None:
            return None
        if kind in _COMPARE_TREE:
            return Tree(f"({left.fast} {_COMPARE_TREE[kind]} {right.fast})", (0, 1))
        if kind in _BITWISE_TREE:
            bounds = _bitwise(kind, left.bounds, right.bounds)
        else:
            bounds = combine(kind, left.bounds, right.bounds)
        if bounds is None:
            return None
        return Tree(f"({left.fast} {PY_OPERATOR[kind]} {right.fast})", bounds)


def _bitwise(kind: type, left: Range, right: Range) -> Range:
    if kind is A.BAndOp:
        bounds = [r[1] for r in (left, right) if r[0] >= 0]
        return (0, min(bounds)) if bounds else FULL
    if left[0] >= 0 and right[0] >= 0:
        return (0, (1 << max(left[1].bit_length(), right[1].bit_length())) - 1)
    return FULL

