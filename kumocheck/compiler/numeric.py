"""Integer range facts for the compiler: where Lua arithmetic can be plain Python arithmetic.

Lua 5.4 integers are 64-bit and wrap around; Python's are unbounded. An operation on
two operands proven to be integers whose result is proven to stay inside the 64-bit
range gives the same value in both languages, so the compiler can write `a + b`
instead of the runtime's `Add(a, b)` (which checks types, coerces numeric strings and
wraps). `IntegerFacts` proves that, flow-insensitively:

* a local's range is the union of the ranges of every value ever assigned to it (its
  declaration, every assignment, a numeric `for`'s bounds). A local that a closure
  assigns, a parameter, a local declared without a value or assigned a multiple result
  is unknown. The union is computed to a fixed point; a range still growing after a few
  rounds is widened to the whole 64-bit range (still an integer, no longer overflow-free).
* `x & K` with `K >= 0` is in `[0, K]` whatever `x` is (Lua's `&` returns an integer or
  raises); `#x` is a non-negative integer; `s:byte(i)` is in `[0, 255]` when it is an
  integer at all (it may also give nothing, and a non-string receiver anything), which
  the generated code checks at run time before taking the fast path.

Nothing here changes what a policy does: an operation is only written as Python's own
operator where both languages compute the same value, otherwise the runtime call stays.
"""

from __future__ import annotations

from typing import Any, Iterator

from luaparser import astnodes as A

MIN = -(2**63)
MAX = 2**63 - 1
FULL = (MIN, MAX)
_WIDEN_AFTER = 4  # fixed-point rounds before a growing range is widened

Range = tuple[int, int]
BOTTOM: Any = "bottom"  # while solving: a local whose values are not known yet


def _union(a: Range, b: Range) -> Range:
    return (min(a[0], b[0]), max(a[1], b[1]))


def _fits(lo: int, hi: int) -> bool:
    return MIN <= lo and hi <= MAX


def _int_literal(node: Any) -> int | None:
    if isinstance(node, A.Number) and type(node.n) is int and MIN <= node.n <= MAX:
        return node.n
    return None


def _children_statements(block: Any) -> Iterator[Any]:
    """Every statement in a block, nested blocks and function bodies included."""
    stack = list(reversed(block.body))
    while stack:
        node = stack.pop()
        yield node
        for child in _nested_blocks(node):
            stack.extend(reversed(child.body))


def _nested_blocks(node: Any) -> list:
    kind = type(node)
    if kind in (A.While, A.Repeat, A.Fornum, A.Forin, A.Do, A.LocalFunction, A.Function, A.Method):
        return [node.body]
    if kind is A.If:
        blocks = [node.body]
        orelse = node.orelse
        while orelse is not None:
            if isinstance(orelse, A.ElseIf):
                blocks.append(orelse.body)
                orelse = orelse.orelse
            else:
                blocks.append(orelse)
                orelse = None
        return blocks
    return []


def _functions_in(node: Any) -> Iterator[Any]:
    """Anonymous functions anywhere inside an expression or statement (their bodies count too)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, A.AnonymousFunction):
            yield item
            continue
        stack.extend(child_nodes(item))


def child_nodes(node: Any) -> list:
    """The AST nodes directly below `node` (its fields and the items of its list fields)."""
    children: list = []
    if isinstance(node, A.Node):
        for value in vars(node).values():
            if isinstance(value, list):
                children.extend(v for v in value if isinstance(v, A.Node))
            elif isinstance(value, A.Node):
                children.append(value)
    return children


class IntegerFacts:
    """Which expressions of one chunk are integers, and within which range."""

    def __init__(self, chunk: A.Chunk, var_of: dict[int, Any], funcs: list[Any], params: list[Any]) -> None:
        self.var_of = var_of
        self.sources: dict[Any, list[Any]] = {}  # var -> value nodes (None: unknown)
        self.ranges: dict[Any, Range | None] = {}
        self._collect(chunk.body)
        closure_assigned = {var for func in funcs for var in func.nonlocals.values()}
        for var in closure_assigned | set(params):  # assigned out of sight, or an argument
            self.sources[var] = [None]
        self._solve()

    # -- collection -------------------------------------------------------------------

    def _collect(self, block: Any) -> None:
        blocks = [block]
        while blocks:
            for statement in _children_statements(blocks.pop()):
                self._statement(statement)
                for func in _functions_in(statement):
                    blocks.append(func.body)

    def _add(self, target: Any, value: Any) -> None:
        var = self.var_of.get(id(target)) if isinstance(target, A.Name) else None
        if var is not None:
            self.sources.setdefault(var, []).append(value)

    def _statement(self, node: Any) -> None:
        kind = type(node)
        if kind is A.LocalAssign or kind is A.Assign:
            values = list(node.values or [])
            multi = bool(values) and isinstance(values[-1], (A.Call, A.Invoke, A.Varargs, A.Dots)) and not getattr(
                values[-1], "wrapped", False)
            for position, target in enumerate(node.targets):
                if position < len(values) and not (multi and position == len(values) - 1 and len(node.targets) > 1):
                    self._add(target, values[position])
                else:
                    self._add(target, None)
        elif kind is A.Fornum:
            self._add(node.target, node)
        elif kind is A.Forin:
            for target in node.targets:
                self._add(target, None)
        elif kind is A.LocalFunction or (kind is A.Function and isinstance(node.name, A.Name)):
            self._add(node.name, None)

    def _solve(self) -> None:
        """Kleene iteration from BOTTOM (no value seen yet); None (unknown) absorbs."""
        for var in self.sources:
            self.ranges[var] = BOTTOM
        for round_number in range(64):
            changed = False
            for var, values in self.sources.items():
                old = self.ranges[var]
                if old is None:
                    continue
                new: Any = BOTTOM
                for value in values:
                    found = self._source_range(value)
                    if found is None:
                        new = None
                        break
                    if found is not BOTTOM:
                        new = found if new is BOTTOM else _union(new, found)
                if new is BOTTOM:
                    continue
                if new is not None and old is not BOTTOM:
                    new = _union(old, new)
                if new != old:
                    if new is not None and round_number >= _WIDEN_AFTER:
                        new = FULL
                    self.ranges[var] = new
                    changed = True
            if not changed:
                break
        for var, found in self.ranges.items():
            if found is BOTTOM:
                self.ranges[var] = None

    def _source_range(self, value: Any) -> Range | None:
        if value is None:
            return None
        if isinstance(value, A.Fornum):
            start = self.range(value.start)
            stop = self.range(value.stop)
            step = 1 if isinstance(value.step, int) else _int_literal(value.step)
            if start is None or stop is None or not step:
                return None
            if start is BOTTOM or stop is BOTTOM:
                return BOTTOM
            return (start[0], max(start[1], stop[1])) if step > 0 else (min(start[0], stop[0]), start[1])
        return self.range(value)

    # -- queries ----------------------------------------------------------------------

    def var_range(self, node: Any) -> Range | None:
        var = self.var_of.get(id(node))
        if var is None:
            return None
        if var not in self.ranges:
            return None
        return self.ranges[var]

    def range(self, node: Any) -> Range | None:
        """The range of `node` when it is proven to evaluate to an integer (or raise)."""
        literal = _int_literal(node)
        if literal is not None:
            return (literal, literal)
        kind = type(node)
        if kind is A.Name:
            return self.var_range(node)
        if kind is A.ULengthOP:
            return (0, MAX)
        if kind is A.UMinusOp:
            inner = self.range(node.operand)
            if inner is None or inner is BOTTOM:
                return inner
            return (-inner[1], -inner[0]) if inner[0] > MIN else FULL
        if kind is A.UBNotOp:
            inner = self.range(node.operand)
            if inner is BOTTOM:
                return BOTTOM
            return (~inner[1], ~inner[0]) if inner is not None else FULL
        if kind in _BITWISE:
            return self._bitwise_range(kind, node)
        if kind in _EXACT:
            left, right = self.range(node.left), self.range(node.right)
            if left is None or right is None:
                return None
            if left is BOTTOM or right is BOTTOM:
                return BOTTOM
            # integer operands give an integer (wrapped, or an error) even where not exact
            return combine(kind, left, right) or FULL
        return None

    def exact(self, node: Any) -> tuple[Range, str] | None:
        """For `+ - * // %` (and shifts): (result range, Python operator) when both operands
        are proven integers and the result provably stays within 64 bits."""
        kind = type(node)
        left = self.range(node.left)
        right = self.range(node.right)
        if left is None or right is None or left is BOTTOM or right is BOTTOM:
            return None
        result = combine(kind, left, right)
        if result is None:
            return None
        return result, _PY_OPERATOR[kind]

    def _bitwise_range(self, kind: type, node: Any) -> Range:
        left = self.range(node.left)
        right = self.range(node.right)
        if kind is A.BAndOp:
            bounds = [r[1] for r in (left, right) if r is not None and r is not BOTTOM and r[0] >= 0]
            if bounds:
                return (0, min(bounds))
        if left is BOTTOM or right is BOTTOM:
            return BOTTOM
        if kind is A.BAndOp:
            return FULL
        if kind in (A.BOrOp, A.BXorOp):
            if left is not None and right is not None and left[0] >= 0 and right[0] >= 0:
                return (0, (1 << max(left[1].bit_length(), right[1].bit_length())) - 1)
            return FULL
        found = self.exact(node) if left is not None and right is not None else None
        if found is not None:
            return found[0]
        if kind is A.BShiftROp:
            shift = _int_literal(node.right)
            if shift is not None and 0 < shift < 64:
                return (0, (1 << (64 - shift)) - 1)
        return FULL


def combine(kind: type, left: Range, right: Range) -> Range | None:
    """The result range of an integer operation, or None when it could leave 64 bits,
    divide by zero, or differ between Lua and Python."""
    if kind is A.AddOp:
        lo, hi = left[0] + right[0], left[1] + right[1]
    elif kind is A.SubOp:
        lo, hi = left[0] - right[1], left[1] - right[0]
    elif kind is A.MultOp:
        corners = [a * b for a in left for b in right]
        lo, hi = min(corners), max(corners)
    elif kind is A.FloorDivOp:
        if right[0] <= 0 <= right[1] or (left[0] == MIN and right[0] <= -1 <= right[1]):
            return None
        corners = [a // b for a in left for b in right]
        lo, hi = min(corners), max(corners)
    elif kind is A.ModOp:
        if right[0] > 0:
            lo, hi = 0, right[1] - 1
        elif right[1] < 0:
            lo, hi = right[0] + 1, 0
        else:
            return None
    elif kind is A.BShiftLOp:
        if right[0] != right[1] or not 0 <= right[0] < 64 or left[0] < 0:
            return None
        lo, hi = left[0] << right[0], left[1] << right[0]
    elif kind is A.BShiftROp:
        if right[0] != right[1] or not 0 <= right[0] < 64 or left[0] < 0:
            return None
        lo, hi = left[0] >> right[0], left[1] >> right[0]
    else:
        return None
    return (lo, hi) if _fits(lo, hi) else None


_BITWISE = (A.BAndOp, A.BOrOp, A.BXorOp, A.BShiftLOp, A.BShiftROp)
_EXACT = (A.AddOp, A.SubOp, A.MultOp, A.FloorDivOp, A.ModOp)
_PY_OPERATOR = {
    A.AddOp: "+", A.SubOp: "-", A.MultOp: "*", A.FloorDivOp: "//", A.ModOp: "%",
    A.BShiftLOp: "<<", A.BShiftROp: ">>", A.BAndOp: "&", A.BOrOp: "|", A.BXorOp: "^",
}
PY_OPERATOR = _PY_OPERATOR
