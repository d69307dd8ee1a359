"""Integer fast paths (compiler/numeric.py, compiler/integer_paths.py) give Lua 5.4's
results, against lupa: where the compiler writes Python's own operators, and at the
edges where it must not (wrap-around, floats, strings, nil, closures, shifts)."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("lupa.lua54")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from compiler_harness import both  # noqa: E402
from kumocheck.compiler.driver import compile_text  # noqa: E402

HASH = """
local function hash(s)
  local h = 5381
  for i = 1, #s do
    h = ((h << 5) + h + s:byte(i)) & 0x7fffffff
  end
  return h
end
"""

SNIPPETS = [
    # the djb2-style hash on strings, and on receivers that are not strings
    HASH + "return hash('gmail.com'), hash(''), hash('\\255\\0\\128'), hash(string.rep('z', 300))",
    HASH + "return pcall(hash, 42)",  # a number has no :byte (a string method on a number)
    HASH + "return pcall(hash, {})",
    HASH + "return pcall(hash, nil)",
    # a receiver whose byte method returns floats, huge integers, strings or nothing
    HASH.replace("#s", "s.n") + "return hash({n = 3, byte = function(self, i) return i + 0.5 end})",
    HASH.replace("#s", "s.n") + "return hash({n = 2, byte = function(self, i) return math.maxinteger end})",
    HASH.replace("#s", "s.n") + "return hash({n = 2, byte = function(self, i) return '7' end})",
    HASH.replace("#s", "s.n") + "return pcall(hash, {n = 2, byte = function(self, i) end})",
    # byte past the end gives nothing: arithmetic on nil
    "local s = 'ab' local h = 0 return pcall(function() for i = 1, 3 do h = (h + s:byte(i)) & 255 end return h end)",
    # wrap-around: ranges that could leave 64 bits keep the runtime's wrapping operators
    "local x = 1 for i = 1, 80 do x = x * 31 + i end return x, x & 0xff, x >> 60",
    "local x = math.maxinteger local y = 1 return x + y, (x & 0x7fffffffffffffff) + y, -(-x - 1)",
    "local h = 0 for i = 1, 70 do h = (h << 1) | 1 end return h, h >> 1, h << 0",
    "local a = 0x7fffffff local b = a << 33 return b, (a << 32) + 1, a << 64, a >> 64, a << -1, a >> -1",
    # floats and numeric strings never take the integer path
    "local h = 1 for i = 1, 3 do h = h * 2.5 end return h, h & 0xff == nil",
    "local n = 10 local s = '5' return n + s, n - '1.5', pcall(function() return n & '3' end)",
    "local n = 3 local t = {} return pcall(function() return n + t end), pcall(function() return n < 'x' end)",
    "local n = 3 return pcall(function() return n & 1.5 end), n & 2.0, 7 // 0.0, -7 % math.huge",
    # division and modulo: zero, negative divisors, minimum integer
    "local a, b = 7, -3 local z = 0 return a // b, a % b, -a % 3, pcall(function() return a % z end)",
    "local m = math.mininteger local d = -1 return m // d, m % d, m * d",
    "local i = 0 local r = {} while i < 10 do r[#r + 1] = (i * 7) % 4 i = i + 1 end return table.concat(r, ',')",
    # comparisons between proven integers and with other values
    "local a, b = 3, 4 return a < b, a <= b, a > b, a >= b, a == b, a ~= b, a == 3.0, a < 3.5",
    "local h = 5 & 7 return pcall(function() return h < '9' end), h == '5'",
    # locals assigned in closures or to a non-integer somewhere stay generic
    "local x = 1 local function bump() x = x + 0.5 end bump() return x + 1, x << 0 == nil",
    "local x = 1 if type(x) == 'number' then x = 'a' end return pcall(function() return x + 1 end)",
    "local x = 2 local y = x x = 'str' return pcall(function() return y + 1, x + 1 end)",
    # a parameter assigned an integer still holds whatever the caller passed
    "local function f(p) if p == nil then p = 1 end return p + 1 end return f(2.5), f(math.maxinteger), f()",
    # a numeric for's control variable assigned in the body (Lua 5.4 allows it: a copy)
    "local t = {} for i = 1, 5 do i = i * 1000 t[#t + 1] = i + 1 end return table.concat(t, ',')",
    "local r = 0 for i = 10, 1, -3 do r = r * 10 + i end return r",
    "local r = 0 for i = 1, 3.5 do r = r + i end return r, math.type(r)",
    # evaluation order: the guarded leaf runs first only where nothing else can notice
    "local calls = {} local s = {byte = function(self) calls[#calls + 1] = 'b' return 1 end}"
    " local n = 2 local r = (n + s:byte()) & 7 return r, #calls",
    "local s = 'xyz' local k = 1 local function f() k = k + 1 return k end"
    " return (s:byte(1) + f()) & 255, k",
]


@pytest.mark.parametrize("snippet", SNIPPETS)
def test_integer_path_matches_lua(snippet: str) -> None:
    compiled, lua = both(snippet)
    assert compiled == lua


def test_hash_loop_compiles_to_python_operators() -> None:
    code = compile_text("local kumo = require 'kumo'\n" + HASH + "return hash(...)\n").source
    assert "(((((l_h << 5) + l_h) + _t1) & 2147483647) if (type(_t1 := (l_s[l_i - 1] if type(l_s) is bytes" in code
    assert "else Band(Add(Add(Shl(l_h, 5), l_h), _t1), 2147483647))" in code


def test_unprovable_operations_keep_runtime_calls() -> None:
    code = compile_text("local x = ...\nlocal y = 1\nfor i = 1, 80 do y = y * 31 end\n"
                        "return x + 1, y + 1, (y & 0xff) + 1\n").source
    assert "Add(l_x, 1)" in code  # a parameter: any type
    assert "Add(l_y, 1)" in code  # widened: may wrap around
    assert "((l_y & 255) + 1)" in code  # masked: exact


_OPS = ["+", "-", "*", "//", "%", "&", "|", "~", "<<", ">>"]


@st.composite
def _programs(draw) -> str:
    """A loop updating a few integer locals with random operators and constants."""
    constants = st.one_of(st.integers(-3, 70), st.sampled_from([0xff, 0x7fffffff, 2**62, -(2**63), 2**63 - 1]))
    lines = ["local a, b, c = %d, %d, %d" % (draw(constants), draw(constants), draw(constants))]
    body = []
    for _ in range(draw(st.integers(1, 4))):
        target = draw(st.sampled_from("abc"))
        left = draw(st.sampled_from(["a", "b", "c", str(draw(constants))]))
        right = draw(st.sampled_from(["a", "b", "c", str(draw(constants)), "s:byte(i)"]))
        op = draw(st.sampled_from(_OPS))
        mask = draw(st.sampled_from(["", " & 0xffff", " & 0x7fffffff"]))
        body.append(f"{target} = (({left}) {op} ({right})){mask}")
    lines.append("local s = 'kumomta.example'")
    lines.append("for i = 1, %d do" % draw(st.integers(1, 20)))
    lines.extend("  " + line for line in body)
    lines.append("end")
    lines.append("return a, b, c, a < b, b == c")
    return "\n".join(lines)


@settings(max_examples=int(os.environ.get("KUMOCHECK_PROPERTY_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(_programs())
def test_random_integer_programs_match_lua(program: str) -> None:
    compiled, lua = both("return pcall(function()\n" + program + "\nend)")
    assert compiled == lua, program
