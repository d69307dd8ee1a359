"""Lua pattern items and their translation to Python byte regular expressions.

:mod:`kumocheck.runtime.lua_string` parses a Lua pattern into match items (the
kinds below). Where every item belongs to a small whitelist whose meaning is the
same in Python's ``re`` (a backtracking matcher that tries alternatives in the
same order as lstrlib.c), :func:`translate` builds an equivalent compiled regex,
which the string functions then run instead of the Python port of lstrlib.c:

* a literal run            -> the escaped bytes
* a single-byte class      -> the explicit byte set lua_string builds from its own
  (``.``, ``%a``, ``[...]``)    256-entry table, so C-locale classes and set quirks carry over
* suffix ``*`` ``+`` ``?``  -> the same greedy quantifier; ``-`` -> lazy ``*?``
* ``(`` ... ``)``           -> a group (balanced, at most 32)
* ``$`` at the end         -> ``\\Z`` (never Python's ``$``, which also matches
  before a final newline)

``^`` is handled by the callers (anchored ``match`` instead of ``search``).
Anything else (``%b``, ``%f``, back references, position captures, malformed
patterns, unbalanced captures, very long patterns that could reach Lua's
recursion limit) is not translated and keeps the exact matcher.
"""

from __future__ import annotations

import re as _re
from typing import Any

from kumocheck.runtime.errors import LuaError

# item kinds
_LIT, _SINGLE, _OPEN, _POSCAP, _CLOSE, _END, _BALANCE, _FRONTIER, _BACKREF, _FAIL = range(10)
# single-item suffixes
_ONE, _STAR, _PLUS, _MINUS, _OPT = range(5)

_QUANTIFIERS = {_ONE: b"", _STAR: b"*", _PLUS: b"+", _MINUS: b"*?", _OPT: b"?"}
#: fewer items than this cannot reach lstrlib.c's MAXCCALLS (200) recursion limit
_MAX_ITEMS = 60
_MAX_GROUPS = 32  # LUA_MAXCAPTURES


def translate(items: list[tuple]) -> "_re.Pattern[bytes] | None":
    """The regex equivalent to the (unanchored) item list, or None when not provably equal."""
    if len(items) >= _MAX_ITEMS:
        return None
    out: list[bytes] = []
    open_groups = 0
    groups = 0
    for item in items:
        kind = item[0]
        if kind == _LIT:
            out.append(_re.escape(item[1]))
        elif kind == _SINGLE:
            chars = item[4].pattern if item[4] is not None else None
            if chars is None:
                return None  # an empty set: keep the exact matcher
            out.append(chars + _QUANTIFIERS[item[2]])
        elif kind == _OPEN:
            open_groups += 1
            groups += 1
            out.append(b"(")
        elif kind == _CLOSE:
            if open_groups == 0:
                return None
            open_groups -= 1
            out.append(b")")
        elif kind == _END:
            out.append(b"\\Z")
        else:
            return None
    if open_groups or groups > _MAX_GROUPS:
        return None
    return _re.compile(b"".join(out))


def expand(parts: list, m: Any, whole: int, bad_escape: int) -> bytes:
    """A gsub replacement string (parsed into ``parts``) for the regex match ``m``;
    raises like lstrlib.c ``add_s``."""
    out = []
    ngroups = m.re.groups
    for part in parts:
        if type(part) is bytes:
            out.append(part)
        elif part == whole:
            out.append(m.group(0))
        elif part == bad_escape:
            raise LuaError("invalid use of '%' in replacement string")
        elif part < ngroups:
            out.append(m.group(part + 1))
        elif part == 0:
            out.append(m.group(0))
        else:
            raise LuaError(f"invalid capture index %{part + 1}")
    return b"".join(out)
