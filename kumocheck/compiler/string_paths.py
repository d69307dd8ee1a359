"""Inline Python for string-library calls whose result is provably Lua's (issue 12).

`CodeGenerator` asks here first for a call's Python in three contexts: one value
(`single`), all values (`multi`) and truthiness (`cond`); None means "no fast path,
generate the library call as usual". Every fast path runs only behind a
`type(s) is bytes` guard on the receiver (any other receiver takes the exact generic
path), and only for constant arguments whose Python form kumocheck.runtime.string_fast
proves identical:

* pure calls on constants (`string.rep('p', 2, '-')`) are folded at compile time;
* `lower` / `upper` / `len` / `reverse` / `sub(i, j)` (integer literals) use bytes methods;
* `find` / `match` / `gsub` with a constant translatable pattern use a regex built once at
  import (`_RE<n> = Lua_regex(...)`); gsub only for patterns that cannot match empty and
  replacement strings whose `%` escapes are valid, without a count argument;
* `format` with a constant format of `%s` / `%d` / `%%` uses Python's bytes `%`.
"""

from __future__ import annotations

from typing import Any

from luaparser import astnodes as A

from kumocheck.runtime import lua_string as S
from kumocheck.runtime.base import truth
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.lua_number import tostring_number
from kumocheck.runtime.string_fast import LuaFormat, can_match_empty, lua_regex, python_format, python_template

__all__ = ["single", "multi", "cond", "concat", "length"]

#: pure library functions folded when all their arguments are literals
_FOLDABLE = frozenset(("lower", "upper", "rep", "sub", "len", "reverse", "format", "find", "match", "gsub", "byte"))
#: longest folded string result
_MAX_FOLD = 256
_NO_ARGS = {"lower": "{r}.lower()", "upper": "{r}.upper()", "len": "len({r})", "reverse": "{r}[::-1]"}


class _Call:
    """A `string.name(recv, ...)` or `recv:name(...)` call with `string.name` static."""

    def __init__(self, gen: Any, node: Any, name: str, receiver: Any, args: list, invoke: bool) -> None:
        self.gen = gen
        self.node = node
        self.name = name
        self.receiver = receiver
        self.args = args
        self.invoke = invoke
        self.library = gen.static[f"string.{name}"]


def _string_call(gen: Any, node: Any) -> _Call | None:
    if isinstance(node, A.Invoke):
        name = node.func.id
        if f"string.{name}" in gen.static:
            return _Call(gen, node, name, node.source, list(node.args), True)
        return None
    if not isinstance(node, A.Call) or not node.args:
        return None
    func = node.func
    if (
        isinstance(func, A.Index) and func.notation == A.IndexNotation.DOT
        and isinstance(func.value, A.Name) and func.value.id == "string"
        and gen.info.var_of.get(id(func.value)) is None
        and isinstance(func.idx, A.Name) and f"string.{func.idx.id}" in gen.static
    ):
        return _Call(gen, node, func.idx.id, node.args[0], list(node.args[1:]), False)
    return None


def _constant(node: Any) -> Any:
    """The value of a string or number literal (`-n` included), else a marker."""
    if isinstance(node, A.String):
        return node.s
    if isinstance(node, A.Number):
        return node.n
    if isinstance(node, A.UMinusOp) and isinstance(node.operand, A.Number) and type(node.operand.n) is int:
        return -node.operand.n if node.operand.n != -(2**63) else node.operand.n
    return _NOT


_NOT = object()


def _folded(call: _Call) -> tuple | None:
    """The results of a pure call on literals, computed now (None: not foldable)."""
    if call.name not in _FOLDABLE:
        return None
    if call.invoke and not isinstance(call.receiver, A.String):
        return None
    values = [_constant(a) for a in [call.receiver, *call.args]]
    if any(v is _NOT for v in values):
        return None
    if call.name == "format" and (type(values[0]) is not bytes or b"p" in values[0]):
        return None  # %p formats an address
    if call.name == "rep" and not (
        len(values) >= 2 and type(values[0]) is bytes and type(values[1]) is int
        and all(type(v) is bytes for v in values[2:3])
        and values[1] * (len(values[0]) + len(values[2] if len(values) > 2 else b"")) <= _MAX_FOLD
    ):
        return None  # only small results are built at compile time
    try:
        results = S.STRING[call.name](*values)
    except (LuaError, ValueError, TypeError, OverflowError, MemoryError):
        return None
    for value in results:
        if not (value is None or type(value) is int or (type(value) is bytes and len(value) <= _MAX_FOLD)):
            return None
    return tuple(results)


def fold_value(gen: Any, node: Any) -> Any:
    """The single value a foldable call yields, else the marker `_NOT`."""
    call = _string_call(gen, node)
    folded = _folded(call) if call is not None else None
    if folded is None:
        return _NOT
    return folded[0] if folded else None


class _Guard:
    """The receiver evaluated once, and the generic path for other receivers."""

    def __init__(self, call: _Call) -> None:
        gen = call.gen
        code = gen.expr(call.receiver)
        if code.isidentifier():
            self.test = self.value = code
        else:
            self.value = gen.temp()
            self.test = f"({self.value} := {code})"
        self.call = call

    def generic(self, args: str | None = None) -> str:
        """The tuple of results of the generic call (the receiver, and `args` when given,
        already evaluated)."""
        call, gen = self.call, self.call.gen
        args = gen.arglist(call.args) if args is None else args
        rest = f", {args}" if args else ""
        if not call.invoke or isinstance(call.receiver, A.String):
            return f"{call.library}({self.value}{rest})"
        variable = gen.variable_name(call.receiver)
        name = repr(call.name.encode())
        if variable is not None:
            return f"Invoke_n({variable!r}, {self.value}, {name}{rest})"
        return f"Invoke({self.value}, {name}{rest})"


def _regex(gen: Any, pattern: bytes) -> str:
    code = f"Lua_regex({pattern!r})"
    name = gen.constants.get(code)
    if name is None:
        name = gen.constants[code] = f"_RE{len(gen.constants) + 1}"
    return name


#: stands for the receiver in `_fast`'s code (no generated text holds a NUL character)
_RECEIVER = "\0R\0"
_PATTERN = "\0P\0"


def _fast(call: _Call, want: str) -> tuple[str, bool | None] | None:
    """(Python for a bytes receiver `_RECEIVER`, whether it is a whole tuple, or None when it
    also needs a bytes `_PATTERN` argument) in the context `want` ("single", "multi" or
    "cond"), or None (then nothing was generated)."""
    gen, r, name = call.gen, _RECEIVER, call.name
    consts = [_constant(a) for a in call.args]
    if (name == "find" and want != "multi" and len(consts) == 3 and consts[0] is _NOT and consts[1] == 1
            and type(consts[1]) is int and isinstance(call.args[2], A.TrueExpr)):
        k = gen.temp()  # s:find(p, 1, true): a plain search for a string p
        if want == "cond":
            return f"({_PATTERN} in {r})", None
        return f"({k} + 1 if ({k} := {r}.find({_PATTERN})) >= 0 else None)", None
    if any(c is _NOT for c in consts):
        return None
    if name in _NO_ARGS and not consts:
        return _NO_ARGS[name].format(r=r), False
    if name == "sub" and 1 <= len(consts) <= 2 and all(type(c) is int for c in consts):
        i, j = consts[0], consts[1] if len(consts) == 2 else -1
        start = i - 1 if i > 0 else (0 if i == 0 else i)
        end = j if j >= 0 else ("" if j == -1 else j + 1)
        return f"{r}[{start}:{end}]", False
    if name in ("find", "match") and len(consts) == 1 and type(consts[0]) is bytes:
        pattern = consts[0]
        if name == "find" and S._SPECIALS.search(pattern) is None:
            if want == "cond":
                return f"({pattern!r} in {r})", False
            if want == "single":
                k = gen.temp()
                return f"({k} + 1 if ({k} := {r}.find({pattern!r})) >= 0 else None)", False
            return None
        regex = lua_regex(pattern)
        if regex is None:
            return None
        run = f"{_regex(gen, pattern)}.{'match' if pattern[:1] == b'^' else 'search'}({r})"
        if want == "cond":
            return f"({run} is not None)", False
        m = gen.temp()
        if name == "find":
            if want == "single":
                return f"({m}.start() + 1 if ({m} := {run}) is not None else None)", False
            return f"(({m}.start() + 1, {m}.end()) + {m}.groups() if ({m} := {run}) is not None else NIL1)", True
        if want == "single" or regex.groups <= 1:
            value = f"{m}[{1 if regex.groups else 0}]"
            if want == "single":
                return f"({value} if ({m} := {run}) is not None else None)", False
            return f"(({value},) if ({m} := {run}) is not None else NIL1)", True
        return f"({m}.groups() if ({m} := {run}) is not None else NIL1)", True
    if name == "gsub" and len(consts) == 2 and type(consts[0]) is bytes and type(consts[1]) is bytes:
        pattern, repl = consts
        regex = lua_regex(pattern)
        if regex is None or can_match_empty(pattern):
            return None
        template = python_template(repl, regex.groups)
        if template is None:
            return None
        count = ", 1" if pattern[:1] == b"^" else ""
        if want == "multi":
            return f"{_regex(gen, pattern)}.subn({template!r}, {r}{count})", True
        return f"{_regex(gen, pattern)}.sub({template!r}, {r}{count})", False
    return None


def _format(gen: Any, call: _Call, want: str) -> str | None:
    """`string.format(FMT, ...)` / `(FMT):format(...)` with a constant FMT of %s/%d."""
    fmt = _constant(call.receiver)
    if call.name != "format" or type(fmt) is not bytes or (call.invoke and not isinstance(call.receiver, A.String)):
        return None
    spec = python_format(fmt)
    if spec is None or len(spec[1]) != len(call.args) or not call.args or _multi_value(call.args[-1]):
        return _formatter(gen, call, fmt, want)  # (a multi-value last argument: its count matters)
    py_format, kinds = spec
    values, checks = [], []
    # locals are read directly only when no argument has side effects
    direct = all(_plain(gen, a) or _constant(a) is not _NOT for a in call.args)
    for arg, kind in zip(call.args, kinds):
        constant = _constant(arg)
        if constant is not _NOT:
            if type(constant) is not (bytes if kind == "s" else int):
                return None
            values.append(gen.expr(arg))
            continue
        code = gen.expr(arg)
        if not direct:
            temp = gen.temp()
            checks.append(f"(type({temp} := {code}) is {'bytes' if kind == 's' else 'int'})")
            code = temp
        else:
            checks.append(f"(type({code}) is {'bytes' if kind == 's' else 'int'})")
        values.append(code)
    fast = f"{py_format!r} % ({', '.join(values)},)"
    generic = f"{call.library}({fmt!r}, {', '.join(values)})"
    test = " & ".join(checks) if checks else "True"  # `&`: every argument evaluated, in order
    return _wrap(fast, False, test, generic, want, gen)


def _formatter(gen: Any, call: _Call, fmt: bytes, want: str) -> str | None:
    """Any other constant format: a `LuaFormat` built once at import, called with the
    arguments as `string.format` would be."""
    if b"%" not in fmt or LuaFormat(fmt).items is None:
        return None
    code = f"Lua_format({fmt!r})"
    name = gen.constants.get(code)
    if name is None:
        name = gen.constants[code] = f"_FMT{len(gen.constants) + 1}"
    result = f"{name}({gen.arglist(call.args)})"
    if want == "multi":
        return f"({result},)"
    return f"({result} is not None)" if want == "cond" else result


def _multi_value(node: Any) -> bool:
    """A last argument that passes all its values (a call or `...` not in parentheses)."""
    return isinstance(node, (A.Call, A.Invoke, A.Varargs, A.Dots)) and not getattr(node, "wrapped", False)


def _plain(gen: Any, node: Any) -> bool:
    """A local variable read (no side effect, cheap to repeat)."""
    return isinstance(node, A.Name) and gen.info.var_of.get(id(node)) is not None


def _wrap(fast: str, whole: bool, test: str, generic: str, want: str, gen: Any) -> str:
    if want == "multi":
        return f"({fast if whole else '(' + fast + ',)'} if {test} else {generic})"
    if want == "single":
        return f"({fast} if {test} else ({generic} or NIL1)[0])"
    t = gen.temp()
    return f"({fast} if {test} else (({t} := ({generic} or NIL1)[0]) is not None and {t} is not False))"


def _emit(gen: Any, node: Any, want: str) -> str | None:
    if getattr(node, "wrapped", False) and want == "multi":
        return None
    call = _string_call(gen, node)
    if call is None:
        return None
    folded = _folded(call)
    if folded is not None:
        if want == "multi":
            return "(" + "".join(repr(v) + ", " for v in folded) + ")"
        first = folded[0] if folded else None
        return repr(truth(first)) if want == "cond" else repr(first)
    formatted = _format(gen, call, want)
    if formatted is not None:
        return formatted
    if call.invoke and isinstance(call.receiver, A.String):
        return None  # a literal receiver: already a direct library call
    if not call.invoke and call.name in ("find", "match") and len(call.args) == 1 and want != "multi" \
            and _constant(call.args[0]) is _NOT and not _multi_value(call.args[0]):
        first = f"{'Find_first' if call.name == 'find' else 'Match_first'}({gen.expr(call.receiver)}, {gen.expr(call.args[0])})"
        return f"({first} is not None)" if want == "cond" else first  # never false: an int, bytes or nil
    fast = _fast(call, want)
    if fast is None:
        return None
    guard = _Guard(call)
    code, whole = fast[0].replace(_RECEIVER, guard.value), fast[1]
    if whole is None:  # `find(p, 1, true)`: the pattern is guarded too
        pattern = gen.temp()
        test = f"(type({guard.test}) is bytes) & (type({pattern} := {gen.expr(call.args[0])}) is bytes)"
        generic = guard.generic(f"{pattern}, 1, True")
        return _wrap(code.replace(_PATTERN, pattern), False, test, generic, want, gen)
    if want == "cond" and not code.startswith("(") and not whole:
        code = "True"  # lower/upper/sub/gsub results are strings, always true
    return _wrap(code, whole, f"type({guard.test}) is bytes", guard.generic(), want, gen)


def single(gen: Any, node: Any) -> str | None:
    """Python for the first value of a string call, or None."""
    return _emit(gen, node, "single")


def multi(gen: Any, node: Any) -> str | None:
    """Python for the tuple of all values of a string call, or None."""
    return _emit(gen, node, "multi")


def cond(gen: Any, node: Any) -> str | None:
    """Python true exactly when the string call's first value is truthy, or None."""
    return _emit(gen, node, "cond")


def concat(gen: Any, operands: list) -> str | None:
    """`a .. b ..` where every operand is a literal, a folded call or a local: bytes `+`
    behind a type check of the locals (no operand has side effects, so reading the
    locals first changes nothing)."""
    parts, checks = [], []
    for operand in operands:
        value = _constant(operand)
        if value is _NOT and isinstance(operand, (A.Call, A.Invoke)):
            value = fold_value(gen, operand)
        if type(value) is bytes:
            parts.append(repr(value))
        elif type(value) is int or type(value) is float:
            parts.append(repr(tostring_number(value)))
        elif value is _NOT and _plain(gen, operand):
            code = gen.expr(operand)
            parts.append(code)
            checks.append(f"type({code}) is bytes")
        else:
            return None
    if not checks:
        return None
    generic = f"Concat({parts[0]}, {parts[1]})" if len(parts) == 2 else f"Concat_n({', '.join(parts)})"
    return f"({' + '.join(parts)} if {' and '.join(checks)} else {generic})"


def length(gen: Any, operand: Any) -> str | None:
    """`#x` of a local: `len` for a string."""
    if not _plain(gen, operand):
        return None
    code = gen.expr(operand)
    return f"(len({code}) if type({code}) is bytes else Length({code}))"
