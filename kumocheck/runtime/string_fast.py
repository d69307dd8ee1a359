"""What compiled string fast paths need: patterns, replacements and formats decided once.

The compiler (kumocheck.compiler.string_paths) asks these functions, at compile time,
whether a constant Lua pattern / replacement / format has a provably identical Python
form; the generated module then builds the same object at import (`lua_regex`) and
calls it directly behind a `type(s) is bytes` guard. Anything these functions decline
keeps the library call (the exact port of lstrlib.c).
"""

from __future__ import annotations

import re as _re
from typing import Any

from kumocheck.runtime import lua_string as S
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.lua_regex import _LIT, _OPEN, _CLOSE, _END, _ONE, _PLUS, _SINGLE

__all__ = [
    "lua_regex", "can_match_empty", "python_template", "python_format",
    "find_first", "match_first", "LuaFormat",
]


def lua_regex(pattern: bytes) -> "_re.Pattern[bytes] | None":
    """The regex equal to Lua pattern `pattern` (a leading `^` becomes `\\A`), or None
    when the translation is not provably identical (lua_regex.translate's whitelist)."""
    anchor = pattern[:1] == b"^"
    regex = S._get_pattern(pattern[1:] if anchor else pattern).regex
    if regex is None:
        return None
    if not anchor:
        return regex
    return _re.compile(b"\\A" + regex.pattern)


def can_match_empty(pattern: bytes) -> bool:
    """True unless some item of the (translatable) pattern must consume a byte."""
    anchor = pattern[:1] == b"^"
    for item in S._get_pattern(pattern[1:] if anchor else pattern).items:
        kind = item[0]
        if kind == _LIT and item[1]:
            return False
        if kind == _SINGLE and item[2] in (_ONE, _PLUS):
            return False
        if kind not in (_LIT, _SINGLE, _OPEN, _CLOSE, _END):
            return True
    return True


def python_template(repl: bytes, groups: int) -> bytes | None:
    """The `re.sub` template doing what Lua's gsub replacement string `repl` does for a
    pattern with `groups` captures, or None (bad `%` escapes and invalid capture indexes
    raise in Lua: the library call keeps them)."""
    out = []
    for part in S._parse_repl(repl):
        if type(part) is bytes:
            out.append(part.replace(b"\\", b"\\\\"))
        elif part == S._WHOLE or (part == 0 and groups == 0):
            out.append(b"\\g<0>")
        elif 0 <= part < groups:
            out.append(b"\\g<%d>" % (part + 1))
        else:
            return None
    return b"".join(out)


def python_format(fmt: bytes) -> tuple[bytes, tuple[str, ...]] | None:
    """(Python bytes format, the conversion of each argument ('s' or 'd')) for a Lua
    format made only of text, `%%`, `%s` and `%d` without modifiers; else None."""
    items = _split_format(fmt)
    if items is None:
        return None
    out = []
    kinds = []
    for item in items:
        if type(item) is bytes:
            out.append(item.replace(b"%", b"%%"))
        elif item[0] in (b"%s", b"%d"):
            out.append(item[0])
            kinds.append(item[0][1:].decode())
        else:
            return None
    return b"".join(out), tuple(kinds)


_DIRECT = S._DIRECT  # pattern -> (regex, anchored) or False; cleared in place when full


def find_first(s: Any, p: Any) -> Any:
    """The first result of `string.find(s, p)` (a pattern known only at run time)."""
    if type(s) is bytes and type(p) is bytes:
        direct = _DIRECT.get(p) or S._direct(p)  # the cache read inline: no call when seen
        if direct is not False:
            m = direct[0].match(s) if direct[1] else direct[0].search(s)
            return None if m is None else m.start() + 1
    return S.str_find(s, p)[0]


def match_first(s: Any, p: Any) -> Any:
    """The first result of `string.match(s, p)` (a pattern known only at run time)."""
    if type(s) is bytes and type(p) is bytes:
        direct = _DIRECT.get(p) or S._direct(p)  # the cache read inline: no call when seen
        if direct is not False:
            m = direct[0].match(s) if direct[1] else direct[0].search(s)
            if m is None:
                return None
            return m.group(1) if m.re.groups else m.group(0)
    return S.str_match(s, p)[0]


# -- string.format with a constant format --------------------------------------------------

_SPEC = _re.compile(rb"%([-+ #0]*)([0-9]{0,2})(\.[0-9]{0,2})?([diouxXcsqaAeEfgGp])")


class LuaFormat:
    """A constant `string.format` format, split once into text and conversions.

    Calling it with the arguments returns the formatted string (the first result) as
    `string.format` does, conversion by conversion and error by error: an argument of the
    type a conversion's Python `%` form handles identically (integers for `%d`, strings
    without NULs for `%s`, finite numbers for `%f %e %g`...) uses that form, any other
    goes to the library's own `_format_item`.
    """

    __slots__ = ("fmt", "items")

    def __init__(self, fmt: bytes) -> None:
        self.fmt = fmt
        self.items: list | None = _split_format(fmt)

    def __call__(self, *args: Any) -> bytes:
        out = []
        count = len(args)
        n = 0
        for item in self.items:
            if type(item) is bytes:
                out.append(item)
                continue
            if n >= count:
                raise S.arg_error(n + 2, "format", "no value")
            form, conv, py, kind = item
            v = args[n]
            n += 1
            t = type(v)
            if kind == 1 and t is int or kind == 2 and t is int and v >= 0:
                out.append(py % v)
            elif kind == 3 and t is bytes and b"\0" not in v:
                out.append(py % v)
            elif kind == 4 and (t is float and v - v == 0.0 or t is int and -2**53 <= v <= 2**53):
                out.append(py % v)
            else:
                out.append(S._format_item(form, conv, v, n + 1))
        return b"".join(out)


def _split_format(fmt: bytes) -> list | None:
    """Text pieces and (form, conv, Python format, kind) items; None when any
    conversion is malformed (the library call then raises where Lua does)."""
    items: list = []
    i = 0
    n = len(fmt)
    while i < n:
        j = fmt.find(b"%", i)
        if j < 0:
            items.append(fmt[i:])
            break
        if j > i:
            items.append(fmt[i:j])
        if fmt[j + 1:j + 2] == b"%":
            items.append(b"%")
            i = j + 2
            continue
        m = _SPEC.match(fmt, j)
        if m is None or len(m.group(0)) - 1 >= S._MAX_FORMAT - 10:
            return None
        flags, width, precision, conv = m.groups()
        form = m.group(0)
        try:
            S._format_item(form, conv[0], _SAMPLE.get(conv, 0), 2)  # validates the spec
        except LuaError:
            return None
        items.append((form, conv[0], form, _kind(conv, flags, precision)))
        i = m.end()
    return items


_SAMPLE = {b"s": b"", b"q": b"", b"c": 65, b"p": None,
           b"a": 0.0, b"A": 0.0, b"e": 0.0, b"E": 0.0, b"f": 0.0, b"g": 0.0, b"G": 0.0}


def _kind(conv: bytes, flags: bytes, precision: bytes | None) -> int:
    """Which argument type the Python form of this conversion formats as C does
    (0: none; 1: int; 2: non-negative int; 3: bytes; 4: finite number)."""
    if conv in (b"d", b"i"):
        return 1 if precision is None or b"0" not in flags else 0
    if conv in (b"x", b"X", b"o"):
        return 2 if b"#" not in flags and (precision is None or b"0" not in flags) else 0
    if conv == b"s":
        return 3
    if conv in (b"f", b"e", b"E", b"g", b"G"):
        return 4
    return 0
