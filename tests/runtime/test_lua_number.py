"""Differential tests of kumocheck.runtime.lua_number against Lua 5.4 (lupa).

Every case runs the same operation in the real Lua VM and in the Python
runtime and requires identical results: same values, same integer/float
subtype, same NaN sign and zero sign, or an error with the same message
(ignoring Lua's position prefix and variable-name suffix).
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable

import pytest

pytest.importorskip("lupa")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kumocheck.runtime import lua_number as N  # noqa: E402
from kumocheck.runtime.errors import LuaError  # noqa: E402
from lua_oracle import TABLE, FakeTable, Oracle, check, same  # noqa: E402

# KUMOCHECK_LUA_EXAMPLES raises the example count for a deeper local run.
SETTINGS = settings(max_examples=int(os.environ.get("KUMOCHECK_LUA_EXAMPLES", "250")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def lua() -> Oracle:
    return Oracle(strip_varinfo=True)


# ---------------------------------------------------------------------------
# Operators
# ---------------------------------------------------------------------------

BINOPS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "+": ("add", N.add), "-": ("sub", N.sub), "*": ("mul", N.mul), "/": ("div", N.div),
    "//": ("idiv", N.idiv), "%": ("mod", N.mod), "^": ("pow", N.pow),
    "&": ("band", N.band), "|": ("bor", N.bor), "~": ("bxor", N.bxor),
    "<<": ("shl", N.shl), ">>": ("shr", N.shr),
    "==": ("eq", N.eq), "<": ("lt", N.lt), "<=": ("le", N.le), "..": ("concat", N.concat),
}


def binop_body(op: str) -> str:
    return "local a, b = ... return table.pack(a %s b)" % op


def check_binop(lua: Oracle, op: str, a: Any, b: Any) -> None:
    fn = BINOPS[op][1]
    check(lua, binop_body(op), lambda x, y: (fn(x, y),), a, b)


def check_unop(lua: Oracle, op: str, a: Any) -> None:
    fn = {"-": N.unm, "~": N.bnot}[op]
    check(lua, "local a = ... return table.pack(%sa)" % op, lambda x: (fn(x),), a)


INF = math.inf
NAN = math.inf - math.inf  # the CPU's default NaN (negative on x86-64)
MAXI = N.MAXINTEGER
MINI = N.MININTEGER

EDGE_NUMBERS: list[Any] = [
    0, 1, -1, 2, 3, -3, 7, 10, -7, 255, 2**31, 2**53 + 1, MAXI, MINI, MAXI - 1, MINI + 1,
    0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, 3.5, -3.5, 1e308, -1e308, 5e-324, 2.0**63,
    -(2.0**63), 2.0**53, 1 / 3, INF, -INF, NAN, -NAN, 9.007199254740993e15, 123456.789,
]
EDGE_STRINGS: list[Any] = [
    b"10", b"0x10", b" 5 ", b"1e1", b"abc", b"", b"0x", b"-2", b"3.0", b"0.5", b"1e400",
    b"9223372036854775808", b"-9223372036854775808", b"0xffffffffffffffff", b"inf", b"nan",
    b"\t7\n", b"1 2", b"5\x00", b"0x1p4", b".5", b"5.", b"+3",
]
OTHERS: list[Any] = [None, True, False, TABLE]


@pytest.mark.parametrize("op", list(BINOPS))
def test_binop_edge_numbers(lua: Oracle, op: str) -> None:
    for a in EDGE_NUMBERS:
        for b in EDGE_NUMBERS:
            check_binop(lua, op, a, b)


@pytest.mark.parametrize("op", list(BINOPS))
def test_binop_strings_and_others(lua: Oracle, op: str) -> None:
    numbers = [0, 2, -3, 2.5, 0.0, NAN]
    for a in EDGE_STRINGS + OTHERS:
        for b in numbers + EDGE_STRINGS[:8] + OTHERS:
            check_binop(lua, op, a, b)
            check_binop(lua, op, b, a)


@pytest.mark.parametrize("op", ["-", "~"])
def test_unary(lua: Oracle, op: str) -> None:
    for a in EDGE_NUMBERS + EDGE_STRINGS + OTHERS:
        check_unop(lua, op, a)


def test_string_comparisons(lua: Oracle) -> None:
    strings = [b"", b"a", b"a\x00", b"a\x00b", b"a\x00c", b"\xff", b"\x80", b"A", b"ab", b"b"]
    for op in ("<", "<=", "==", ".."):
        for a in strings:
            for b in strings:
                check_binop(lua, op, a, b)


def test_specific_messages() -> None:
    with pytest.raises(LuaError, match="attempt to perform 'n%0'"):
        N.mod(1, 0)
    with pytest.raises(LuaError, match="attempt to divide by zero"):
        N.idiv(1, 0)
    with pytest.raises(LuaError, match="attempt to perform arithmetic on a nil value"):
        N.add(None, 1)
    with pytest.raises(LuaError, match="attempt to concatenate a table value"):
        N.concat(FakeTable(), b"x")
    with pytest.raises(LuaError, match="attempt to compare number with nil"):
        N.lt(1, None)
    with pytest.raises(LuaError, match="attempt to compare two table values"):
        N.le(FakeTable(), FakeTable())
    with pytest.raises(LuaError, match="number has no integer representation"):
        N.band(1.5, 1)
    assert N.add(b"10", 1) == 11 and type(N.add(b"1e1", 0)) is float
    assert N.add(MAXI, 1) == MINI and N.mul(MAXI, 2) == -2 and N.unm(MINI) == MINI
    assert N.idiv(MINI, -1) == MINI and N.mod(MINI, -1) == 0


# -- hypothesis --------------------------------------------------------------

ints = st.one_of(
    st.integers(min_value=-20, max_value=20),
    st.integers(min_value=MINI, max_value=MAXI),
    st.sampled_from([MAXI, MINI, 2**32, -(2**32), 2**53, 2**63 - 2]),
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-100, max_value=100).map(lambda f: round(f, 1)),
    st.sampled_from([0.0, -0.0, NAN, -NAN, INF, -INF, 2.0**63, -(2.0**63), 0.5]),
)
num_strings = st.one_of(
    st.builds(N.tostring_number, ints | floats),
    st.text("0123456789abcdefxXpPeE+-. \t", max_size=8).map(lambda s: s.encode()),
    st.sampled_from(EDGE_STRINGS),
)
values = st.one_of(ints, floats, num_strings, st.sampled_from(OTHERS))


@SETTINGS
@given(op=st.sampled_from(list(BINOPS)), a=values, b=values)
def test_binop_random(lua: Oracle, op: str, a: Any, b: Any) -> None:
    check_binop(lua, op, a, b)


@SETTINGS
@given(op=st.sampled_from(["+", "-", "*", "/", "//", "%", "^", "<", "<=", "=="]),
       a=ints | floats, b=ints | floats)
def test_arith_numbers_random(lua: Oracle, op: str, a: Any, b: Any) -> None:
    check_binop(lua, op, a, b)


@SETTINGS
@given(op=st.sampled_from(["&", "|", "~", "<<", ">>"]),
       a=ints | st.integers(-70, 70) | floats, b=st.integers(-70, 70) | ints | floats)
def test_bitwise_random(lua: Oracle, op: str, a: Any, b: Any) -> None:
    check_binop(lua, op, a, b)


# ---------------------------------------------------------------------------
# Conversions
# ---------------------------------------------------------------------------

@SETTINGS
@given(x=ints | floats)
def test_tostring_number_random(lua: Oracle, x: Any) -> None:
    check(lua, "return table.pack(tostring(...))", lambda v: (N.tostring_number(v),), x)


def test_tostring_number_edges(lua: Oracle) -> None:
    for x in EDGE_NUMBERS + [1e15, 1e16, 123456789012345.0, 0.1, -1e-5, 1e100, 2.0**-1074]:
        check(lua, "return table.pack(tostring(...))", lambda v: (N.tostring_number(v),), x)
    assert N.tostring_number(NAN) == b"-nan" and N.tostring_number(-NAN) == b"nan"


TONUMBER_CASES: list[Any] = EDGE_STRINGS + [
    b"0x1P+4", b"1_0", b"- 5", b"0x1.8", b"0x.8", b"0x1p-2", b".", b"1e", b"1e+", b"0X1F",
    b"  0x10  ", b"1E5", b"-0", b"-0.0", b"00012", b"0x8000000000000000", b"-0x1",
    b"infinity", b"0x1p99999", b"1e-400", b"0xA.8p1", b"\v12\f", b"12\r", b"1.5e+3",
    b"9223372036854775807", b"-9223372036854775809", b"99999999999999999999", b"0x",
    10, 2.5, None, True, TABLE,
]


def test_tonumber_cases(lua: Oracle) -> None:
    for v in TONUMBER_CASES:
        check(lua, "return table.pack(tonumber(...))", N.tonumber_lua, v)
    check(lua, "return table.pack(tonumber(...))", N.tonumber_lua)


BASE_CASES: list[tuple[Any, Any]] = [
    (b"10", 16), (b"ff", 16), (b"FF", 16), (b"z", 36), (b" -ff ", 16), (b"1e1", 10),
    (b"10", 1), (b"10", 37), (b"10", 2.5), (b"10", 2.0), (b"10", b"8"), (10, 16),
    (b"", 10), (b"-", 10), (b"+7", 8), (b"8", 8), (b"777", 8), (b"1 0", 2), (b"11", None),
    (b"ffffffffffffffffffff", 16), (b"zzzzzzzzzzzzzz", 36), (b"7\x00", 10), (None, 10),
    (b"10", TABLE),
]


def test_tonumber_base_cases(lua: Oracle) -> None:
    for s, b in BASE_CASES:
        check(lua, "return table.pack(tonumber(...))", N.tonumber_lua, s, b)


@SETTINGS
@given(s=num_strings, base=st.one_of(st.none(), st.integers(0, 40)))
def test_tonumber_random(lua: Oracle, s: bytes, base: Any) -> None:
    check(lua, "return table.pack(tonumber(...))", N.tonumber_lua, s, base)


# ---------------------------------------------------------------------------
# math library
# ---------------------------------------------------------------------------

MATH_UNARY = ["abs", "ceil", "floor", "sqrt", "exp", "log", "sin", "cos", "tan", "asin",
              "acos", "atan", "tointeger", "type", "modf", "deg", "rad"]
MATH_BINARY = ["fmod", "log", "atan", "max", "min", "ult"]


def check_math(lua: Oracle, name: str, *args: Any) -> None:
    check(lua, "return table.pack(math.%s(...))" % name, N.MATH[name], *args)


@pytest.mark.parametrize("name", MATH_UNARY)
def test_math_unary_edges(lua: Oracle, name: str) -> None:
    for a in EDGE_NUMBERS + [b"3", b"-2.5", b"x", None, TABLE]:
        check_math(lua, name, a)
    check_math(lua, name)


@pytest.mark.parametrize("name", MATH_BINARY)
def test_math_binary_edges(lua: Oracle, name: str) -> None:
    sample = [0, 1, -1, 2, 10, -7, MAXI, MINI, 0.0, -0.0, 2.0, 10.0, -2.5, 1.0, INF, -INF, NAN,
              b"2", None]
    for a in sample:
        for b in sample:
            check_math(lua, name, a, b)


def test_math_misc(lua: Oracle) -> None:
    check_math(lua, "max")
    check_math(lua, "min")
    check_math(lua, "max", 1, 2.0, 2)
    check_math(lua, "min", 2.0, 2, 1.0)
    check_math(lua, "max", b"a", b"b")
    check_math(lua, "max", 1, b"2")
    check_math(lua, "fmod", 1, 0)
    check_math(lua, "fmod", MINI, -1)
    check_math(lua, "abs", MINI)
    for name in ("pi", "huge", "maxinteger", "mininteger"):
        check(lua, "return table.pack(math.%s)" % name, lambda n=name: (N.MATH[n],))


@SETTINGS
@given(name=st.sampled_from(MATH_UNARY + MATH_BINARY), a=ints | floats, b=ints | floats)
def test_math_random_args(lua: Oracle, name: str, a: Any, b: Any) -> None:
    if name in MATH_BINARY:
        check_math(lua, name, a, b)
    else:
        check_math(lua, name, a)


RANDOM_BODY = """
local seed1, seed2, calls = ...
local out = {math.randomseed(seed1, seed2)}
for i = 1, #calls do
  local c = calls[i]
  local ok, v
  if c.n == 0 then ok, v = pcall(math.random)
  elseif c.n == 1 then ok, v = pcall(math.random, c[1])
  else ok, v = pcall(math.random, c[1], c[2]) end
  out[#out + 1] = ok and v or "error"
end
return table.pack(table.unpack(out))
"""


def py_random_run(seed1: int, seed2: int, calls: list[tuple]) -> tuple:
    out: list[Any] = list(N.math_randomseed(seed1, seed2))
    for c in calls:
        try:
            out.append(N.math_random(*c)[0])
        except LuaError:
            out.append(b"error")
    return tuple(out)


@SETTINGS
@given(seed1=ints, seed2=ints,
       calls=st.lists(st.one_of(
           st.just(()),
           st.tuples(st.integers(-5, 1000) | ints),
           st.tuples(st.integers(-50, 50) | ints, st.integers(-50, 50) | ints),
       ), max_size=12))
def test_math_random_sequences(lua: Oracle, seed1: int, seed2: int, calls: list[tuple]) -> None:
    lua_calls = lua.rt.table_from([lua.rt.table_from({**{i + 1: v for i, v in enumerate(c)}, b"n": len(c)})
                                   for c in calls])
    expected = lua.call(RANDOM_BODY, seed1, seed2, lua_calls)
    assert expected[0] == "ok"
    assert same(expected[1], py_random_run(seed1, seed2, calls))


def test_math_random_errors(lua: Oracle) -> None:
    for args in [(3, 1), (1, 2, 3), (1.5,), (None,), (b"x",), (MINI, MAXI), (0,), (b"5",)]:
        check(lua, "math.randomseed(7) return table.pack(math.random(...))",
              lambda *a: (N.math_randomseed(7), N.math_random(*a))[1], *args)
    check(lua, "return table.pack(math.randomseed(...))", N.math_randomseed, 1.5)
    check(lua, "return table.pack(math.randomseed(...))", N.math_randomseed, 2**53, b"8")
    first = N.math_randomseed()
    assert len(first) == 2 and all(type(v) is int for v in first)


def test_helpers() -> None:
    assert N.float_to_int_exact(3.0) == 3 and N.float_to_int_exact(3.5) is None
    assert N.float_to_int_exact(2.0**63) is None and N.float_to_int_exact(-(2.0**63)) == MINI
    assert N.float_to_int_exact(NAN) is None and N.float_to_int_exact(INF) is None
    assert N.int_floor_div(-7, 2) == -4 and N.int_floor_div(MINI, -1) == MINI
    assert N.math_type(1) == (b"integer",) and N.math_type(1.0) == (b"float",)
    assert N.math_type(b"1") == (None,)
    assert N.str_to_number(b"0x10") == 16 and N.str_to_number(b"1e1") == 10.0
    assert N.tonumber(b"z", 36) == 35 and N.tonumber(b"zz") is None
    assert N.type_name(N.NOVALUE) == "no value" and N.type_name(FakeTable()) == "table"
    assert N.type_name(len) == "function" and N.type_name(object()) == "userdata"
