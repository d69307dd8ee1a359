"""Property tests: generated expressions, string patterns and format calls give the same
values compiled and in Lua 5.4 (lupa)."""

from __future__ import annotations

import pytest

pytest.importorskip("lupa.lua54")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from compiler_harness import both  # noqa: E402

PREAMBLE = "local a, b, c, s, h, t, z = 7, 2.5, '12', 'xy', '0x1F', {1, 2, 3}, 0\n"

ATOMS = st.sampled_from([
    "0", "1", "-1", "3", "7", "255", "2.5", "-0.0", "0.1", "1e300", "1e15", "2^53", "math.maxinteger",
    "math.mininteger", "math.huge", "-math.huge", "9007199254740993", "0x7fffffffffffffff", "10 // 3",
    "'10'", "'0x10'", "' 5 '", "'abc'", "''", "'1e2'", "'5.5'", "'-3'", "true", "false", "nil",
    "a", "b", "c", "s", "h", "t", "z",
])
UNARY = ["- ", "not ", "#", "~ "]
BINARY = ["+", "-", "*", "/", "//", "%", "^", "..", "==", "~=", "<", "<=", ">", ">=", "and", "or",
          "&", "|", "~", "<<", ">>"]
CALLS = ["tostring", "tonumber", "math.floor", "math.ceil", "math.type", "type", "math.abs", "math.tointeger",
         "string.len", "math.fmod", "math.max", "math.min", "select"]


def _expressions():
    def extend(children):
        unary = st.tuples(st.sampled_from(UNARY), children).map(lambda p: f"{p[0]}{p[1]}")
        binary = st.tuples(children, st.sampled_from(BINARY), children).map(lambda p: f"({p[0]} {p[1]} {p[2]})")
        flat = st.tuples(children, st.sampled_from(BINARY), children).map(lambda p: f"{p[0]} {p[1]} {p[2]}")
        call = st.tuples(st.sampled_from(CALLS), st.lists(children, min_size=1, max_size=2)).map(
            lambda p: f"{p[0]}({'#' + chr(39) + ', ' if p[0] == 'select' and False else ''}{', '.join(p[1])})"
        )
        return st.one_of(unary, binary, flat, call)

    return st.recursive(ATOMS, extend, max_leaves=6)


def _snippet(expressions: list[str]) -> str:
    lines = [PREAMBLE, "local r = {}"]
    for index, expression in enumerate(expressions, start=1):
        lines.append(
            f"do local ok, v = pcall(function() return {expression} end) "
            f"if ok then r[{index}] = v == nil and 'NIL' or v else r[{index}] = 'ERR' end end"
        )
    lines.append("return r")
    return "\n".join(lines)


@settings(max_examples=int(__import__("os").environ.get("KUMOCHECK_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_expressions(), min_size=1, max_size=8))
def test_expressions(expressions):
    compiled, lua = both(_snippet(expressions))
    assert compiled == lua


SUBJECT = st.text(alphabet="abc12 .()_-@x%[]", max_size=12)
PATTERN_ATOM = st.sampled_from([
    "a", "b", "x", ".", "%a", "%d", "%s", "%w", "%p", "%l", "%u", "%x", "%A", "%.", "%%", "%(",
    "[abc]", "[^a-c]", "[%d_]", "[a-]", "%b()", "%f[%w]", "(%w+)", "()", "(.)",
])
QUANTIFIER = st.sampled_from(["", "", "", "*", "+", "-", "?"])


def _patterns():
    atom = st.tuples(PATTERN_ATOM, QUANTIFIER).map(lambda p: p[0] + (p[1] if p[0][-1] not in ")" else ""))
    return st.tuples(st.booleans(), st.lists(atom, min_size=1, max_size=5), st.booleans()).map(
        lambda p: ("^" if p[0] else "") + "".join(p[1]) + ("$" if p[2] else "")
    )


def _lua_string(text: str) -> str:
    return "'" + "".join(f"\\{ord(ch)}" for ch in text) + "'" if text else "''"


@settings(max_examples=int(__import__("os").environ.get("KUMOCHECK_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(SUBJECT, _patterns(), st.integers(-3, 6)), min_size=1, max_size=6))
def test_patterns(cases):
    calls = []
    for subject, pattern, init in cases:
        s, p = _lua_string(subject), _lua_string(pattern)
        calls += [
            f"string.find({s}, {p})", f"string.find({s}, {p}, {init})", f"({s}):match({p})",
            f"select(2, string.gsub({s}, {p}, '<%0>'))", f"(string.gsub({s}, {p}, '<%0>'))",
            f"(function() local o = {{}} for m in ({s}):gmatch({p}) do o[#o + 1] = m if #o > 20 then break end end return table.concat(o, ',') end)()",
            f"string.find({s}, {p}, {init}, true)",
        ]
    compiled, lua = both(_snippet(calls))
    assert compiled == lua


FORMAT_SPEC = st.tuples(
    st.sampled_from(["", "-", "0", " ", "+", "#", "-+", "0 "]),
    st.sampled_from(["", "1", "5", "12"]),
    st.sampled_from(["", ".0", ".2", ".5", ".10"]),
    st.sampled_from(list("diouxXeEfgGcsqaA")),
)
FORMAT_ARG = st.sampled_from([
    "0", "1", "-1", "42", "255", "3.14159", "-2.5", "1e20", "1e-5", "0.0", "-0.0", "math.huge", "-math.huge",
    "math.maxinteger", "math.mininteger", "65", "'abc'", "'a\\0b'", "'\"quoted\"\\n'", "''", "'12'", "'1.5'",
    "true", "nil", "2^63", "1/3",
])


@settings(max_examples=int(__import__("os").environ.get("KUMOCHECK_PROPERTY_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(FORMAT_SPEC, FORMAT_ARG), min_size=1, max_size=10))
def test_format(cases):
    calls = []
    for (flags, width, precision, conversion), arg in cases:
        spec = "%" + flags + width + precision + conversion
        calls.append(f"string.format({_lua_string('<' + spec + '>')}, {arg})")
    compiled, lua = both(_snippet(calls))
    assert compiled == lua


# -- whole programs: locals, shadowing, multiple assignment, loops, closures ---------------

VARS = ["a", "b", "c", "d"]
SMALL = st.integers(-3, 5).map(str)
VAR = st.sampled_from(VARS)


def _program_expressions():
    atom = st.one_of(VAR, SMALL)

    def extend(children):
        return st.one_of(
            st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
            st.tuples(children, st.sampled_from(["//", "%"]), st.sampled_from(["3", "7", "-2"])).map(
                lambda p: f"({p[0]} {p[1]} {p[2]})"
            ),
            st.tuples(children, children).map(lambda p: f"({p[0]} > {p[1]} and {p[0]} or {p[1]})"),
            children.map(lambda e: f"(f({e}))"),
            st.tuples(children, children).map(lambda p: f"select('#', g({p[0]}, {p[1]}))"),
            st.tuples(children, children).map(lambda p: f"math.max({p[0]}, {p[1]})"),
        )

    return st.recursive(atom, extend, max_leaves=4)


EXPR = _program_expressions()
COND = st.tuples(EXPR, st.sampled_from(["<", "<=", "==", "~="]), EXPR).map(lambda p: f"{p[0]} {p[1]} {p[2]}")


def _blocks():
    simple = st.one_of(
        st.tuples(VAR, EXPR).map(lambda p: f"{p[0]} = {p[1]}"),
        st.tuples(VAR, VAR, EXPR, EXPR).map(lambda p: f"{p[0]}, {p[1]} = {p[2]}, {p[3]}"),
        st.tuples(VAR, VAR, EXPR).map(lambda p: f"{p[0]}, {p[1]} = f({p[2]})"),
        st.tuples(VAR, VAR, VAR, EXPR).map(lambda p: f"{p[0]}, {p[1]}, {p[2]} = g({p[3]})"),
        st.tuples(VAR, EXPR).map(lambda p: f"local {p[0]} = {p[1]}"),
        st.tuples(VAR, SMALL).map(
            lambda p: f"for i = 1, 3 do local k = i * {p[1]} fs[#fs + 1] = function() {p[0]} = {p[0]} + k return k end end"
        ),
        VAR.map(lambda v: f"for _, fn in ipairs(fs) do {v} = {v} + fn() end"),
        VAR.map(lambda v: f"fs[#fs + 1] = function(x) {v} = {v} + (x or 1) return {v} end"),
    )

    def extend(children):
        block = st.lists(children, min_size=1, max_size=3).map(" ".join)
        return st.one_of(
            st.tuples(COND, block, block).map(lambda p: f"if {p[0]} then {p[1]} else {p[2]} end"),
            st.tuples(COND, block, COND, block).map(lambda p: f"if {p[0]} then {p[1]} elseif {p[2]} then {p[3]} end"),
            st.tuples(SMALL, SMALL, st.sampled_from(["1", "2", "-1"]), VAR, block).map(
                lambda p: f"for i = {p[0]}, {p[1]}, {p[2]} do {p[3]} = {p[3]} + i {p[4]} end"
            ),
            block.map(lambda b: f"do {b} end"),
            block.map(lambda b: f"do local n = 0 while n < 3 do n = n + 1 {b} end end"),
            block.map(lambda b: f"do local n = 0 repeat n = n + 1 {b} local stop = n >= 2 until stop end"),
        )

    return st.lists(st.recursive(simple, extend, max_leaves=6), min_size=1, max_size=6).map("\n".join)


PROGRAM_PREAMBLE = (
    "local a, b, c, d = 1, 2, 3, 4\n"
    "local fs = {}\n"
    "local function f(x) a = a + x return a, x end\n"
    "local function g(...) return select('#', ...), ... end\n"
)


@settings(max_examples=int(__import__("os").environ.get("KUMOCHECK_PROPERTY_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_blocks())
def test_programs(body):
    snippet = PROGRAM_PREAMBLE + body + "\nlocal calls = 0 for _, fn in ipairs(fs) do calls = calls + fn() end\nreturn a, b, c, d, #fs, calls"
    compiled, lua = both(snippet)
    assert compiled == lua
