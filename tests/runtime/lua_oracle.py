"""A real Lua 5.4 VM (lupa) as the oracle of the runtime's differential tests.

Shared by test_lua_number.py and test_lua_string.py (importing it needs lupa: those
modules skip first when it is missing).
"""

from __future__ import annotations

import re
import struct
from typing import Any, Callable

from lupa.lua54 import LuaRuntime, lua_type

from kumocheck.runtime.errors import LuaError

TABLE = object()  # argument placeholder: an empty table on each side
_PREFIX = re.compile(rb"^w:\d+: ")
_VARINFO = re.compile(rb" \((?:local|global|field|upvalue|constant|method) '[^']*'\)")


class FakeTable:
    """Minimal stand-in for the compiler's LuaTable (only ``get``)."""

    def __init__(self, items: dict | None = None) -> None:
        self.items = dict(items or {})

    def get(self, key: Any) -> Any:
        return self.items.get(key)


class Oracle:
    """Runs Lua code in a real Lua 5.4 state and converts the results.

    Error messages lose Lua's position prefix, and with `strip_varinfo` also the
    variable-name suffix (`(local 'x')`) that the Python runtime cannot know."""

    def __init__(self, strip_varinfo: bool = False) -> None:
        self.rt = LuaRuntime(encoding=None)
        self.strip_varinfo = strip_varinfo
        self._load = self.rt.eval('function(src) return assert(load(src, "=w"))() end')
        self._cache: dict[str, Any] = {}

    def fn(self, body: str) -> Any:
        """A Lua function running ``body`` (which sees the arguments as ``...``)."""
        f = self._cache.get(body)
        if f is None:
            src = "return function(...) return pcall(function(...) %s end, ...) end" % body
            f = self._cache[body] = self._load(src.encode())
        return f

    def call(self, body: str, *args: Any) -> tuple[str, Any]:
        ok, res = self.fn(body)(*[self.rt.table() if a is TABLE else a for a in args])
        if not ok:
            return ("error", self.clean_message(res))
        return ("ok", to_py(res))

    def clean_message(self, msg: Any) -> Any:
        if isinstance(msg, bytes):
            msg = _PREFIX.sub(b"", msg)
            if self.strip_varinfo:
                msg = _VARINFO.sub(b"", msg)
        return msg


def to_py(v: Any) -> Any:
    """Convert a (packed) Lua table into a tuple, recursively."""
    if lua_type(v) == "table":
        n = v[b"n"]
        if n is None:
            n = len(v)
        return tuple(to_py(v[i]) for i in range(1, n + 1))
    return v


def signbit(x: float) -> bool:
    return struct.pack("<d", x)[7] >= 0x80


def same(a: Any, b: Any) -> bool:
    """Value equality that distinguishes int/float, NaN signs and -0.0."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        if a != a or b != b:
            return a != a and b != b and signbit(a) == signbit(b)
        return a == b and signbit(a) == signbit(b)
    if type(a) in (tuple, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def run_py(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    try:
        return ("ok", tuple(fn(*[FakeTable() if a is TABLE else a for a in args])))
    except LuaError as e:
        return ("error", e.value)


def check(oracle: Oracle, body: str, fn: Callable[..., Any], *args: Any) -> None:
    expected = oracle.call(body, *args)
    got = run_py(fn, *args)
    assert expected[0] == got[0] and same(expected[1], got[1]), (body, args, expected, got)
