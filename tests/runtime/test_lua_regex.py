"""The Lua-pattern-to-regex fast path (kumocheck.runtime.lua_regex).

Random subjects and patterns drawn only from the translated whitelist are run three
ways: through the regex (the default), through the runtime's port of lstrlib.c with the
regex switched off, and in Lua 5.4 (lupa). All three must agree, values and errors.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

pytest.importorskip("lupa")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kumocheck.runtime import lua_string as S  # noqa: E402
from lua_oracle import FakeTable, Oracle, check, run_py, same  # noqa: E402

SETTINGS = settings(max_examples=int(os.environ.get("KUMOCHECK_LUA_EXAMPLES", "200")),
                    deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def lua() -> Oracle:
    return Oracle(strip_varinfo=False)


def exact(fn: Any, *args: Any) -> tuple[str, Any]:
    """``fn(*args)`` with every pattern on the exact matcher (no regex)."""
    real = S._get_pattern

    def without_regex(p: bytes) -> Any:
        pattern = S._Pattern(real(p).items)
        pattern.regex = None
        return pattern

    S._get_pattern = without_regex
    try:
        return run_py(fn, *args)
    finally:
        S._get_pattern = real


_ATOMS = [b"a", b"a", b"b", b"x", b"1", b" ", b".", b"%a", b"%d", b"%s", b"%w", b"%l", b"%u", b"%p",
          b"%x", b"%c", b"%A", b"%S", b"%D", b"%.", b"%%", b"%(", b"%-", b"[ab]", b"[^a]", b"[a-c]",
          b"[%d.]", b"[]a]", b"[^%s]", b"[%a_-]", b"\x00", b"\xff", b"\n", b"^", b"$"]
_QUANTS = [b"", b"", b"*", b"+", b"-", b"?"]


@st.composite
def whitelist_patterns(draw: Any, depth: int = 0) -> bytes:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        if depth < 2 and draw(st.integers(0, 5)) == 0:
            parts.append(b"(" + (draw(whitelist_patterns(depth + 1)) or b"a") + b")")  # "()" is a position
        else:
            parts.append(draw(st.sampled_from(_ATOMS)) + draw(st.sampled_from(_QUANTS)))
    p = b"".join(parts)
    if depth == 0:
        if draw(st.booleans()):
            p = b"^" + p
        if draw(st.booleans()):
            p += b"$"
    return p


subjects = st.lists(st.sampled_from(list(b"aaabb1 x.-_Z\n\x00\xff")), max_size=14).map(bytes)
inits = st.one_of(st.none(), st.integers(-6, 16))


def three_way(lua: Oracle, body: str, fn: Any, *args: Any) -> None:
    fast = run_py(fn, *args)
    slow = exact(fn, *args)
    assert same(fast, slow), (args, fast, slow)
    check(lua, body, fn, *args)


def translated(p: bytes) -> bool:
    return S._get_pattern(p[1:] if p[:1] == b"^" else p).regex is not None


@SETTINGS
@given(s=subjects, p=whitelist_patterns(), init=inits)
def test_find_and_match_through_the_regex(lua: Oracle, s: bytes, p: bytes, init: Any) -> None:
    assert translated(p), p
    for name in ("find", "match"):
        three_way(lua, f"return table.pack(string.{name}(...))", S.STRING[name], s, p, init)


GSUB_FUNC = """
local s, p, n = ...
return table.pack(string.gsub(s, p, function(...)
  local t = table.pack(...) return "<" .. table.concat(t, "|", 1, t.n) .. ">" end, n))
"""
TABLE = FakeTable({b"a": b"1", b"b": False, b"ab": 7, b"": b"E", b" ": b"_"})
GSUB_TABLE = """
local s, p, n = ...
return table.pack(string.gsub(s, p, {a = "1", b = false, ab = 7, [""] = "E", [" "] = "_"}, n))
"""


@SETTINGS
@given(s=subjects, p=whitelist_patterns(),
       repl=st.sampled_from([b"<%0>", b"%1", b"x", b"%%", b"%2", b"", b"[%1|%2]", b"%", b"%z", 7]),
       n=st.one_of(st.none(), st.integers(-1, 4)))
def test_gsub_through_the_regex(lua: Oracle, s: bytes, p: bytes, repl: Any, n: Any) -> None:
    assert translated(p), p
    three_way(lua, "return table.pack(string.gsub(...))", S.str_gsub, s, p, repl, n)
    three_way(lua, GSUB_FUNC, lambda s, p, n: S.str_gsub(
        s, p, lambda *a: (b"<" + b"|".join(a) + b">",), n), s, p, n)
    three_way(lua, GSUB_TABLE, lambda s, p, n: S.str_gsub(s, p, TABLE, n), s, p, n)


@pytest.mark.parametrize("pattern", [b"%bxy", b"%f[%w]a", b"(a)%1", b"()a", b"a)", b"(a", b"[a",
                                     b"a%", b"[^\x00-\xff]", b"." * 70])
def test_patterns_outside_the_whitelist_keep_the_exact_matcher(pattern: bytes) -> None:
    assert S._get_pattern(pattern).regex is None


@pytest.mark.parametrize(("pattern", "regex"), [
    (b"%.edu$", rb"\.edu\Z"),
    (b"%s+", rb"[\x09-\x0d\x20]+"),
    (b"([^.]+)", rb"([\x00-\x2d\x2f-\xff]+)"),
    (b"a-b", rb"[\x61]*?b"),
])
def test_translation_of_common_items(pattern: bytes, regex: bytes) -> None:
    assert S._get_pattern(pattern).regex.pattern == regex


def test_end_anchor_does_not_match_before_a_final_newline() -> None:
    assert S.str_find(b"x.edu\n", b"%.edu$") == (None,)
    assert S.str_gsub(b"ab\n", b"b$", b"!") == (b"ab\n", 0)


def test_gsub_empty_matches_follow_lua_not_python_re() -> None:
    # Python's re.sub gives b"-a-b--d-"; Lua skips the empty match right after "x".
    assert S.str_gsub(b"abxd", b"x*", b"-") == (b"-a-b-d-", 4)
