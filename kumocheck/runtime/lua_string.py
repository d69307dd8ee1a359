"""The Lua 5.4 ``string`` library on ``bytes`` for compiled policies.

Every library function takes Lua values positionally and returns a tuple of
results, like a compiled Lua function.  Arguments that were not passed may be
given as :data:`NOVALUE` (or simply omitted); extra arguments are ignored.

Patterns are implemented by a backtracking matcher that follows lstrlib.c's
``match`` machinery step for step (including its 200-level recursion limit and
its lazily raised pattern errors), working on patterns pre-parsed into items
and cached.  ``string.format`` reproduces C ``printf`` output as produced by
glibc, validated exactly like Lua 5.4.8 validates conversion specifications.
"""

from __future__ import annotations

import re as _re
import struct as _struct
from typing import Any, Callable

from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.lua_regex import (
    _BACKREF, _BALANCE, _CLOSE, _END, _FAIL, _FRONTIER, _LIT, _MINUS, _ONE, _OPEN, _OPT, _PLUS, _POSCAP,
    _SINGLE, _STAR, expand as _regex_expand, translate as _translate,
)
from kumocheck.runtime.lua_number import (
    MININTEGER,
    NOVALUE,
    arg_error,
    check_integer,
    check_number,
    opt_integer,
    tostring_number,
    type_error,
    type_name,
)

__all__ = [
    "STRING", "GMatchIterator", "set_tostring_hook", "tostring_basic",
    "str_len", "str_sub", "str_upper", "str_lower", "str_rep", "str_reverse",
    "str_byte", "str_char", "str_format", "str_find", "str_match", "str_gmatch",
    "str_gsub",
]

LuaValue = Any

MAXCCALLS = 200  # lstrlib.c: maximum recursion depth of the matcher
MAXCAPTURES = 32  # LUA_MAXCAPTURES
_MAXSIZE = 2**31 - 1  # lstrlib.c MAXSIZE (INT_MAX): longest string.rep result
_CAP_UNFINISHED = -1
_CAP_POSITION = -2


# ---------------------------------------------------------------------------
# tostring
# ---------------------------------------------------------------------------

def _default_tostring(v: LuaValue) -> bytes:
    return type_name(v).encode() + b": 0x%014x" % id(v)


_tostring_hook: Callable[[LuaValue], bytes] = _default_tostring


def set_tostring_hook(fn: Callable[[LuaValue], bytes] | None) -> None:
    """Install the ``tostring`` used for tables, functions and userdata.

    The hook receives the value and must return ``bytes`` (this is where
    ``__tostring``/``__name`` metamethods are honoured).  ``None`` restores the
    default ``"table: 0x..."`` rendering.
    """
    global _tostring_hook
    _tostring_hook = fn if fn is not None else _default_tostring


def tostring_basic(v: LuaValue) -> bytes:
    """``tostring`` of nil, booleans, numbers and strings (others use the hook)."""
    t = type(v)
    if t is bytes:
        return v
    if t is int or t is float:
        return tostring_number(v)
    if v is None:
        return b"nil"
    if t is bool:
        return b"true" if v else b"false"
    return _tostring_hook(v)



# ---------------------------------------------------------------------------
# Argument helpers
# ---------------------------------------------------------------------------

def _check_str(v: LuaValue, arg: int, fname: str) -> bytes:
    """``luaL_checklstring``: strings, or numbers converted to strings."""
    t = type(v)
    if t is bytes:
        return v
    if t is int or t is float:
        return tostring_number(v)
    raise type_error(arg, fname, "string", v)


def _posrelat_start(pos: int, length: int) -> int:
    """lstrlib.c ``posrelatI``: a 1-based start position clipped to [1, inf)."""
    if pos > 0:
        return pos
    if pos == 0 or pos < -length:
        return 1
    return length + pos + 1


def _end_pos(pos: int, length: int) -> int:
    """lstrlib.c ``getendpos``: a 1-based end position clipped to [0, len]."""
    if pos > length:
        return length
    if pos >= 0:
        return pos
    if pos < -length:
        return 0
    return length + pos + 1


# ---------------------------------------------------------------------------
# Simple functions
# ---------------------------------------------------------------------------

def str_len(s: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.len``."""
    return (len(s if type(s) is bytes else _check_str(s, 1, "len")),)


def str_sub(s: LuaValue = NOVALUE, i: LuaValue = NOVALUE, j: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.sub(s, i [, j])``."""
    if type(s) is not bytes:
        s = _check_str(s, 1, "sub")
    n = len(s)
    start = _posrelat_start(i if type(i) is int else check_integer(i, 2, "sub"), n)
    end = _end_pos(opt_integer(j, 3, "sub", -1), n)
    if start > end:
        return (b"",)
    return (s[start - 1:end],)


def str_upper(s: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.upper`` (C locale: ASCII letters only)."""
    return (_check_str(s, 1, "upper").upper(),)


def str_lower(s: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.lower`` (C locale: ASCII letters only)."""
    return (_check_str(s, 1, "lower").lower(),)


def str_reverse(s: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.reverse``."""
    return (_check_str(s, 1, "reverse")[::-1],)


def str_rep(s: LuaValue = NOVALUE, n: LuaValue = NOVALUE, sep: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.rep(s, n [, sep])``; results of 2^31 bytes or more are refused."""
    src = _check_str(s, 1, "rep")
    count = check_integer(n, 2, "rep")
    separator = b"" if sep is None or sep is NOVALUE else _check_str(sep, 3, "rep")
    if count <= 0:
        return (b"",)
    unit = len(src) + len(separator)
    if unit > _MAXSIZE // count:
        raise LuaError("resulting string too large")
    if not separator:
        return (src * count,)
    return (separator.join([src] * count),)


def str_byte(s: LuaValue = NOVALUE, i: LuaValue = NOVALUE, j: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.byte(s [, i [, j]])``: the byte values as integers."""
    if type(s) is bytes and type(i) is int and j is NOVALUE and 0 < i <= len(s):
        return (s[i - 1],)  # s:byte(i) inside the string: the common case
    src = _check_str(s, 1, "byte")
    n = len(src)
    pi = opt_integer(i, 2, "byte", 1)
    posi = _posrelat_start(pi, n)
    pose = _end_pos(opt_integer(j, 3, "byte", pi), n)
    if posi > pose:
        return ()
    if pose - posi >= 999_900:  # beyond Lua's stack limit (LUAI_MAXSTACK, 1e6 slots)
        raise LuaError("stack overflow (string slice too long)")
    return tuple(src[posi - 1:pose])


def str_char(*args: LuaValue) -> tuple:
    """``string.char(...)``: bytes from integer codes 0..255."""
    out = bytearray(len(args))
    for k, v in enumerate(args):
        c = v if type(v) is int else check_integer(v, k + 1, "char")
        if not 0 <= c <= 255:
            raise arg_error(k + 1, "char", "value out of range")
        out[k] = c
    return (bytes(out),)


# ---------------------------------------------------------------------------
# Character classes (C locale)
# ---------------------------------------------------------------------------

def _ctype(pred: Callable[[int], bool]) -> bytes:
    return bytes(1 if pred(c) else 0 for c in range(256))


def _isalpha(c: int) -> bool:
    return 65 <= c <= 90 or 97 <= c <= 122


def _isdigit(c: int) -> bool:
    return 48 <= c <= 57


def _isgraph(c: int) -> bool:
    return 33 <= c <= 126


_CLASSES: dict[int, bytes] = {
    ord("a"): _ctype(_isalpha),
    ord("c"): _ctype(lambda c: c < 32 or c == 127),
    ord("d"): _ctype(_isdigit),
    ord("g"): _ctype(_isgraph),
    ord("l"): _ctype(lambda c: 97 <= c <= 122),
    ord("p"): _ctype(lambda c: _isgraph(c) and not _isalpha(c) and not _isdigit(c)),
    ord("s"): _ctype(lambda c: c == 32 or 9 <= c <= 13),
    ord("u"): _ctype(lambda c: 65 <= c <= 90),
    ord("w"): _ctype(lambda c: _isalpha(c) or _isdigit(c)),
    ord("x"): _ctype(lambda c: _isdigit(c) or 65 <= c <= 70 or 97 <= c <= 102),
    ord("z"): _ctype(lambda c: c == 0),  # deprecated %z
}
_ALL = bytes([1]) * 256


def _invert(table: bytes) -> bytes:
    return bytes(1 - b for b in table)


def _literal_table(c: int) -> bytes:
    """Table matching the single byte ``c``."""
    table = bytearray(256)
    table[c] = 1
    return bytes(table)


def _class_table(cl: int) -> bytes:
    """Table for ``%<cl>``: a class (upper case = complement) or the literal."""
    lower = cl + 32 if 65 <= cl <= 90 else cl
    base = _CLASSES.get(lower)
    if base is None:
        return _literal_table(cl)
    return base if cl == lower else _invert(base)


_CLASS_TABLES = {cl: _class_table(cl) for cl in range(256)}
_ISALPHA_TABLE = _CLASSES[ord("a")]


def _bracket_table(p: bytes, i: int, ec: int) -> bytes:
    """Table for the set ``p[i:ec+1]`` (``[`` at ``i``, ``]`` at ``ec``)."""
    table = bytearray(256)
    negate = p[i + 1] == 94  # '^'
    if negate:
        i += 1
    i += 1
    while i < ec:
        c = p[i]
        if c == 37:  # '%'
            i += 1
            cls = _CLASS_TABLES[p[i]]
            for k in range(256):
                if cls[k]:
                    table[k] = 1
        elif p[i + 1] == 45 and i + 2 < ec:  # range 'a-z'
            for k in range(c, p[i + 2] + 1):
                table[k] = 1
            i += 2
        else:
            table[c] = 1
        i += 1
    return _invert(bytes(table)) if negate else bytes(table)


def _table_regex(table: bytes) -> "_re.Pattern[bytes] | None":
    """A compiled byte-class regex equivalent to ``table`` (None if empty)."""
    parts: list[bytes] = []
    c = 0
    while c < 256:
        if table[c]:
            start = c
            while c + 1 < 256 and table[c + 1]:
                c += 1
            parts.append(b"\\x%02x" % start if start == c else b"\\x%02x-\\x%02x" % (start, c))
        c += 1
    if not parts:
        return None
    return _re.compile(b"[" + b"".join(parts) + b"]")


# ---------------------------------------------------------------------------
# Pattern compilation
# ---------------------------------------------------------------------------

_SUFFIXES = {42: _STAR, 43: _PLUS, 45: _MINUS, 63: _OPT}


class _Pattern:
    """A pattern pre-parsed into match items (tuples whose first field is the kind).

    Parsing stops at the first malformed construct, which becomes a ``_FAIL``
    item: like lstrlib.c, the error is raised only if matching reaches it.
    """

    __slots__ = ("items", "skip_lit", "skip_re", "regex")

    def __init__(self, items: list[tuple]) -> None:
        self.items = items
        self.regex = _translate(items)  # an equivalent Python regex, when provably identical
        self.skip_lit: bytes | None = None  # first item is this literal
        self.skip_re: Any = None  # first item is a single needing one such byte
        if items:
            first = items[0]
            if first[0] == _LIT:
                self.skip_lit = first[1]
            elif first[0] == _SINGLE and first[2] in (_ONE, _PLUS):
                self.skip_re = first[4] or _NEVER


_NEVER = _re.compile(b"(?!)")


def _class_end(p: bytes, i: int) -> int | str:
    """lstrlib.c ``classend``: index after the class at ``i``, or an error message."""
    n = len(p)
    c = p[i]
    i += 1
    if c == 37:  # '%'
        if i >= n:
            return "malformed pattern (ends with '%')"
        return i + 1
    if c == 91:  # '['
        if i < n and p[i] == 94:
            i += 1
        while True:  # look for a ']' (the first char is always part of the set)
            if i >= n:
                return "malformed pattern (missing ']')"
            c = p[i]
            i += 1
            if c == 37 and i < n:
                i += 1
            if i < n and p[i] == 93:
                return i + 1
    return i


def _compile(p: bytes) -> _Pattern:
    items: list[tuple] = []
    n = len(p)
    i = 0
    lit = bytearray()

    def flush() -> None:
        if lit:
            items.append((_LIT, bytes(lit)))
            lit.clear()

    while i < n:
        c = p[i]
        nxt = p[i + 1] if i + 1 < n else 0
        if c == 40:  # '('
            flush()
            if nxt == 41:
                items.append((_POSCAP,))
                i += 2
            else:
                items.append((_OPEN,))
                i += 1
            continue
        if c == 41:  # ')'
            flush()
            items.append((_CLOSE,))
            i += 1
            continue
        if c == 36 and i + 1 == n:  # '$' at the very end
            flush()
            items.append((_END,))
            i += 1
            continue
        if c == 37 and i + 1 < n:  # '%'
            if nxt == 98:  # 'b'
                flush()
                if i + 2 >= n - 1:
                    items.append((_FAIL, "malformed pattern (missing arguments to '%b')"))
                    break
                items.append((_BALANCE, p[i + 2], p[i + 3]))
                i += 4
                continue
            if nxt == 102:  # 'f'
                flush()
                i += 2
                if i >= n or p[i] != 91:
                    items.append((_FAIL, "missing '[' after '%f' in pattern"))
                    break
                ep = _class_end(p, i)
                if isinstance(ep, str):
                    items.append((_FAIL, ep))
                    break
                items.append((_FRONTIER, _bracket_table(p, i, ep - 1)))
                i = ep
                continue
            if 48 <= nxt <= 57:  # back reference %0-%9
                flush()
                items.append((_BACKREF, nxt - 49))
                i += 2
                continue
        # a single-character class with an optional suffix
        ep = _class_end(p, i)
        if isinstance(ep, str):
            flush()
            items.append((_FAIL, ep))
            break
        if c == 46:  # '.'
            table = _ALL
        elif c == 37:
            table = _CLASS_TABLES[p[i + 1]]
        elif c == 91:
            table = _bracket_table(p, i, ep - 1)
        else:
            table = _literal_table(c)
        suffix = _SUFFIXES.get(p[ep], _ONE) if ep < n else _ONE
        if suffix == _ONE and sum(table) == 1:  # one plain byte: extend the literal run
            lit.append(table.index(1))
            i = ep
            continue
        flush()
        cls = _table_regex(table)
        run = _re.compile(cls.pattern + b"*") if cls is not None else None
        items.append((_SINGLE, table, suffix, run, cls))
        i = ep if suffix == _ONE else ep + 1
    flush()
    return _Pattern(items)


_PATTERNS: dict[bytes, _Pattern] = {}


def _get_pattern(p: bytes) -> _Pattern:
    pat = _PATTERNS.get(p)
    if pat is None:
        if len(_PATTERNS) >= 1024:
            _PATTERNS.clear()
        pat = _PATTERNS[p] = _compile(p)
    return pat


# ---------------------------------------------------------------------------
# The matcher (lstrlib.c 'match' and helpers)
# ---------------------------------------------------------------------------

class _MatchState:
    __slots__ = ("src", "end", "items", "nitems", "level", "cstart", "clen")

    def __init__(self, src: bytes, pat: _Pattern) -> None:
        self.src = src
        self.end = len(src)
        self.items = pat.items
        self.nitems = len(pat.items)
        self.level = 0
        self.cstart = [0] * MAXCAPTURES
        self.clen = [0] * MAXCAPTURES


def _match(ms: _MatchState, s: int, pi: int, depth: int) -> int | None:
    """Match items from ``pi`` at subject index ``s``; the end index or None."""
    if depth == 0:
        raise LuaError("pattern too complex")
    depth -= 1
    items = ms.items
    n = ms.nitems
    src = ms.src
    end = ms.end
    while pi < n:
        item = items[pi]
        kind = item[0]
        if kind == _LIT:
            lit = item[1]
            if not src.startswith(lit, s):
                return None
            s += len(lit)
            pi += 1
        elif kind == _SINGLE:
            table = item[1]
            suffix = item[2]
            if s < end and table[src[s]]:
                if suffix == _ONE:
                    s += 1
                    pi += 1
                elif suffix == _STAR or suffix == _PLUS:
                    if suffix == _PLUS:
                        s += 1
                    run = item[3]
                    if table is _ALL:
                        count = end - s
                    elif run is None:
                        count = 0
                    else:
                        count = run.match(src, s).end() - s  # type: ignore[union-attr]
                    pi += 1
                    if pi == n and depth:
                        return s + count
                    while count >= 0:
                        r = _match(ms, s + count, pi, depth)
                        if r is not None:
                            return r
                        count -= 1
                    return None
                elif suffix == _MINUS:
                    pi += 1
                    while True:
                        r = _match(ms, s, pi, depth)
                        if r is not None:
                            return r
                        if s < end and table[src[s]]:
                            s += 1
                        else:
                            return None
                else:  # _OPT
                    r = _match(ms, s + 1, pi + 1, depth)
                    if r is not None:
                        return r
                    pi += 1
            elif suffix == _ONE or suffix == _PLUS:
                return None
            else:
                pi += 1
        elif kind == _OPEN or kind == _POSCAP:
            level = ms.level
            if level >= MAXCAPTURES:
                raise LuaError("too many captures")
            ms.cstart[level] = s
            ms.clen[level] = _CAP_UNFINISHED if kind == _OPEN else _CAP_POSITION
            ms.level = level + 1
            r = _match(ms, s, pi + 1, depth)
            if r is None:
                ms.level -= 1
            return r
        elif kind == _CLOSE:
            clen = ms.clen
            lv = ms.level - 1
            while lv >= 0 and clen[lv] != _CAP_UNFINISHED:
                lv -= 1
            if lv < 0:
                raise LuaError("invalid pattern capture")
            clen[lv] = s - ms.cstart[lv]
            r = _match(ms, s, pi + 1, depth)
            if r is None:
                clen[lv] = _CAP_UNFINISHED
            return r
        elif kind == _END:
            return s if s == end else None
        elif kind == _BALANCE:
            if s >= end or src[s] != item[1]:
                return None
            open_c = item[1]
            close_c = item[2]
            cont = 1
            k = s + 1
            while k < end:
                c = src[k]
                if c == close_c:
                    cont -= 1
                    if cont == 0:
                        break
                elif c == open_c:
                    cont += 1
                k += 1
            else:
                return None
            s = k + 1
            pi += 1
        elif kind == _FRONTIER:
            table = item[1]
            prev = src[s - 1] if s > 0 else 0
            cur = src[s] if s < end else 0
            if table[prev] or not table[cur]:
                return None
            pi += 1
        elif kind == _BACKREF:
            lv = item[1]
            if lv < 0 or lv >= ms.level or ms.clen[lv] == _CAP_UNFINISHED:
                raise LuaError(f"invalid capture index %{lv + 1}")
            length = ms.clen[lv]
            if length == _CAP_POSITION:
                return None  # C compares (size_t)-2 bytes: never matches
            start = ms.cstart[lv]
            if not src.startswith(src[start:start + length], s):
                return None
            s += length
            pi += 1
        else:  # _FAIL
            raise LuaError(item[1])
    return s


def _get_capture(ms: _MatchState, i: int, s: int, e: int) -> bytes | int:
    """lstrlib.c ``get_onecapture``: capture ``i`` (whole match if none)."""
    if i >= ms.level:
        if i != 0:
            raise LuaError(f"invalid capture index %{i + 1}")
        return ms.src[s:e]
    length = ms.clen[i]
    start = ms.cstart[i]
    if length == _CAP_UNFINISHED:
        raise LuaError("unfinished capture")
    if length == _CAP_POSITION:
        return start + 1
    return ms.src[start:start + length]


def _captures(ms: _MatchState, s: int, e: int) -> tuple:
    """All captures of a match (the whole match when the pattern has none)."""
    level = ms.level
    if level == 0:
        return (ms.src[s:e],)
    return tuple([_get_capture(ms, i, s, e) for i in range(level)])


def _next_candidate(pat: _Pattern, src: bytes, pos: int) -> int:
    """First index >= pos where the pattern's first item can match, or -1."""
    if pat.skip_lit is not None:
        return src.find(pat.skip_lit, pos)
    m = pat.skip_re.search(src, pos)
    return m.start() if m is not None else -1


_SPECIALS = _re.compile(rb"[\^$*+?.(\[%-]")


_DIRECT: dict[bytes, Any] = {}  # whole pattern -> (regex, anchored) or False (exact matcher)


def _direct(p: bytes) -> Any:
    entry = _DIRECT.get(p)
    if entry is None:
        if len(_DIRECT) >= 1024:
            _DIRECT.clear()
        anchor = p[:1] == b"^"
        regex = _get_pattern(p[1:] if anchor else p).regex
        entry = _DIRECT[p] = (regex, anchor) if regex is not None else False
    return entry


def _find_aux(find: bool, fname: str, s: LuaValue, p: LuaValue, init: LuaValue,
              plain: LuaValue) -> tuple:
    if init is NOVALUE and plain is NOVALUE and type(s) is bytes and type(p) is bytes:
        direct = _direct(p)  # the common call: a string, a pattern and nothing else
        if direct is not False:
            m = direct[0].match(s) if direct[1] else direct[0].search(s)
            if m is None:
                return (None,)
            if find:
                return (m.start() + 1, m.end()) + m.groups()
            return m.groups() or (m.group(0),)
    src = s if type(s) is bytes else _check_str(s, 1, fname)
    pat = p if type(p) is bytes else _check_str(p, 2, fname)
    ls = len(src)
    start = _posrelat_start(opt_integer(init, 3, fname, 1), ls) - 1
    if start > ls:
        return (None,)
    if find and ((plain is not None and plain is not False and plain is not NOVALUE)
                 or _SPECIALS.search(pat) is None):
        k = src.find(pat, start)
        return (k + 1, k + len(pat)) if k >= 0 else (None,)
    anchor = pat[:1] == b"^"
    compiled = _get_pattern(pat[1:] if anchor else pat)
    regex = compiled.regex
    if regex is not None:
        m = regex.match(src, start) if anchor else regex.search(src, start)
        if m is None:
            return (None,)
        if find:
            return (m.start() + 1, m.end()) + m.groups()
        return m.groups() or (m.group(0),)
    ms = _MatchState(src, compiled)
    skip = not anchor and (compiled.skip_lit is not None or compiled.skip_re is not None)
    s1 = start
    while True:
        if skip:
            s1 = _next_candidate(compiled, src, s1)
            if s1 < 0:
                return (None,)
        ms.level = 0
        e = _match(ms, s1, 0, MAXCCALLS)
        if e is not None:
            if find:
                if ms.level == 0:
                    return (s1 + 1, e)
                return (s1 + 1, e) + tuple([_get_capture(ms, i, s1, e) for i in range(ms.level)])
            return _captures(ms, s1, e)
        if anchor or s1 >= ls:
            return (None,)
        s1 += 1


def str_find(s: LuaValue = NOVALUE, p: LuaValue = NOVALUE, init: LuaValue = NOVALUE,
             plain: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.find(s, pattern [, init [, plain]])``."""
    return _find_aux(True, "find", s, p, init, plain)


def str_match(s: LuaValue = NOVALUE, p: LuaValue = NOVALUE, init: LuaValue = NOVALUE,
              *_: Any) -> tuple:
    """``string.match(s, pattern [, init])``."""
    return _find_aux(False, "match", s, p, init, NOVALUE)


class GMatchIterator:
    """The iterator function returned by ``string.gmatch``.

    Calling it (with any arguments, which are ignored) returns the captures
    of the next match as a tuple, or ``()`` when there are no more matches.
    """

    __slots__ = ("_ms", "_pat", "_pos", "_lastmatch")

    def __init__(self, src: bytes, pat: _Pattern, pos: int) -> None:
        self._ms = _MatchState(src, pat)
        self._pat = pat
        self._pos = pos
        self._lastmatch = -1

    def __call__(self, *_: Any) -> tuple:
        ms = self._ms
        pat = self._pat
        src = ms.src
        end = ms.end
        skip = pat.skip_lit is not None or pat.skip_re is not None
        pos = self._pos
        while pos <= end:
            if skip:
                pos = _next_candidate(pat, src, pos)
                if pos < 0:
                    break
            ms.level = 0
            e = _match(ms, pos, 0, MAXCCALLS)
            if e is not None and e != self._lastmatch:
                self._pos = self._lastmatch = e
                return _captures(ms, pos, e)
            pos += 1
        self._pos = end + 1
        return ()


def str_gmatch(s: LuaValue = NOVALUE, p: LuaValue = NOVALUE, init: LuaValue = NOVALUE,
               *_: Any) -> tuple:
    """``string.gmatch(s, pattern [, init])``; ``^`` is not an anchor here."""
    src = _check_str(s, 1, "gmatch")
    pat = _check_str(p, 2, "gmatch")
    ls = len(src)
    start = _posrelat_start(opt_integer(init, 3, "gmatch", 1), ls) - 1
    if start > ls:
        start = ls + 1
    return (GMatchIterator(src, _get_pattern(pat), start),)


# --- gsub ------------------------------------------------------------------

_WHOLE = -1  # '%0' in a replacement string
_BAD_ESCAPE = -2  # '%' followed by anything else
_REPLS: dict[bytes, list] = {}


def _parse_repl(r: bytes) -> list:
    """Split a replacement string into literal chunks and capture references."""
    parts: list = []
    i = 0
    n = len(r)
    while True:
        j = r.find(b"%", i)
        if j < 0:
            if i < n:
                parts.append(r[i:])
            break
        if j > i:
            parts.append(r[i:j])
        c = r[j + 1] if j + 1 < n else 0
        if c == 37:
            parts.append(b"%")
        elif c == 48:
            parts.append(_WHOLE)
        elif 49 <= c <= 57:
            parts.append(c - 49)
        else:
            parts.append(_BAD_ESCAPE)
            break
        i = j + 2
    return parts


def _expand_repl(parts: list, ms: _MatchState, s: int, e: int) -> bytes:
    out = []
    for part in parts:
        if type(part) is bytes:
            out.append(part)
        elif part == _WHOLE:
            out.append(ms.src[s:e])
        elif part == _BAD_ESCAPE:
            raise LuaError("invalid use of '%' in replacement string")
        else:
            cap = _get_capture(ms, part, s, e)
            out.append(cap if type(cap) is bytes else b"%d" % cap)
    return b"".join(out)


def str_gsub(s: LuaValue = NOVALUE, p: LuaValue = NOVALUE, repl: LuaValue = NOVALUE,
             n: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``string.gsub(s, pattern, repl [, n])`` -> (result, number of matches)."""
    src = s if type(s) is bytes else _check_str(s, 1, "gsub")
    pat = p if type(p) is bytes else _check_str(p, 2, "gsub")
    srcl = len(src)
    tr = type(repl)
    max_s = opt_integer(n, 4, "gsub", srcl + 1)
    parts: list | None = None
    is_func = False
    if tr is bytes or tr is int or tr is float:
        r = repl if tr is bytes else tostring_number(repl)
        parts = _REPLS.get(r)
        if parts is None:
            if len(_REPLS) >= 1024:
                _REPLS.clear()
            parts = _REPLS[r] = _parse_repl(r)
    else:
        kind = type_name(repl)
        if kind == "function":
            is_func = True
        elif kind != "table":
            raise type_error(3, "gsub", "string/function/table", repl)
    anchor = pat[:1] == b"^"
    compiled = _get_pattern(pat[1:] if anchor else pat)
    if compiled.regex is not None:
        return _gsub_regex(src, compiled.regex, anchor, max_s, parts, is_func, repl)
    ms = _MatchState(src, compiled)
    skip = not anchor and (compiled.skip_lit is not None or compiled.skip_re is not None)
    plain_repl = parts[0] if parts is not None and len(parts) == 1 and type(parts[0]) is bytes else None
    out: list[bytes] = []
    copied = 0  # src[copied:pos] has not been emitted yet
    pos = 0
    lastmatch = -1
    count = 0
    changed = False
    while count < max_s:
        if skip:
            pos = _next_candidate(compiled, src, pos)
            if pos < 0:
                break
        ms.level = 0
        e = _match(ms, pos, 0, MAXCCALLS)
        if e is not None and e != lastmatch:
            count += 1
            if parts is not None:
                value: Any = plain_repl if plain_repl is not None else (
                    _expand_repl(parts, ms, pos, e) if parts else b"")
            elif is_func:
                res = repl(*_captures(ms, pos, e))
                value = res[0] if res else None
            else:
                value = repl.get(_get_capture(ms, 0, pos, e))
            if value is not None and value is not False:
                if pos > copied:
                    out.append(src[copied:pos])
                out.append(_replacement(value))
                copied = e
                changed = True
            pos = lastmatch = e
        elif pos < srcl:
            pos += 1
        else:
            break
        if anchor:
            break
    return _gsub_result(src, out, copied, changed, count)


def _replacement(value: Any) -> bytes:
    """A true replacement value as a string (numbers converted), or lstrlib.c's error."""
    tv = type(value)
    if tv is bytes:
        return value
    if tv is int or tv is float:
        return tostring_number(value)
    raise LuaError(f"invalid replacement value (a {type_name(value)})")


def _gsub_result(src: bytes, out: list[bytes], copied: int, changed: bool, count: int) -> tuple:
    if not changed:
        return (src, count)
    out.append(src[copied:])
    return (b"".join(out), count)


def _gsub_regex(src: bytes, regex: Any, anchor: bool, max_s: int, parts: list | None, is_func: bool,
                repl: Any) -> tuple:
    """str_gsub's loop over the matches of a translated pattern (same steps, same results)."""
    srcl = len(src)
    plain_repl = parts[0] if parts is not None and len(parts) == 1 and type(parts[0]) is bytes else None
    out: list[bytes] = []
    copied = 0
    pos = 0
    lastmatch = -1
    count = 0
    changed = False
    while count < max_s:
        m = regex.match(src, pos) if anchor else regex.search(src, pos)
        if m is None:
            break
        s, e = m.span()
        if e == lastmatch:  # an empty match right after the previous one: step over a byte
            if s < srcl and not anchor:
                pos = s + 1
                continue
            break
        count += 1
        if parts is not None:
            value: Any = plain_repl if plain_repl is not None else (
                _regex_expand(parts, m, _WHOLE, _BAD_ESCAPE) if parts else b"")
        elif is_func:
            res = repl(*(m.groups() or (m.group(0),)))
            value = res[0] if res else None
        else:
            value = repl.get(m.group(1) if m.re.groups else m.group(0))
        if value is not None and value is not False:
            if s > copied:
                out.append(src[copied:s])
            out.append(_replacement(value))
            copied = e
            changed = True
        pos = lastmatch = e
        if anchor:
            break
    return _gsub_result(src, out, copied, changed, count)


# ---------------------------------------------------------------------------
# string.format
# ---------------------------------------------------------------------------

_FLAGS_F = b"-+#0 "
_FLAGS_X = b"-#0"
_FLAGS_I = b"-+0 "
_FLAGS_U = b"-0"
_FLAGS_C = b"-"
_SPEC_CHARS = frozenset(b"-+#0 123456789.")
_MAX_FORMAT = 32
_INF = float("inf")


def _skip2digits(form: bytes, k: int) -> int:
    if 48 <= form[k] <= 57:
        k += 1
        if 48 <= form[k] <= 57:
            k += 1
    return k


def _check_format(form: bytes, flags: bytes, precision: bool) -> None:
    """lstrlib.c ``checkformat``: reject flags/width/precision Lua disallows."""
    k = 1
    while form[k] in flags:
        k += 1
    if form[k] != 48:  # a width cannot start with '0'
        k = _skip2digits(form, k)
        if form[k] == 46 and precision:
            k = _skip2digits(form, k + 1)
    if not _ISALPHA_TABLE[form[k]]:
        raise LuaError(b"invalid conversion specification: '" + form + b"'")


def _parse_spec(form: bytes) -> tuple[bytes, int, int | None]:
    """Flags, width and precision (None if absent) of a validated spec."""
    k = 1
    while form[k] in b"-+#0 ":
        k += 1
    flags = form[1:k]
    w = k
    while 48 <= form[w] <= 57:
        w += 1
    width = int(form[k:w]) if w > k else 0
    prec = None
    if form[w] == 46:
        q = w + 1
        while 48 <= form[q] <= 57:
            q += 1
        prec = int(form[w + 1:q] or b"0")
    return flags, width, prec


def _pad(head: bytes, body: bytes, flags: bytes, width: int, zero_ok: bool) -> bytes:
    """printf padding: ``head`` (sign/prefix) stays left of any zero padding."""
    fill = width - len(head) - len(body)
    if fill <= 0:
        return head + body
    if b"-" in flags:
        return head + body + b" " * fill
    if zero_ok and b"0" in flags:
        return head + b"0" * fill + body
    return b" " * fill + head + body


def _fmt_int(n: int, conv: int, flags: bytes, width: int, prec: int | None) -> bytes:
    """C ``%d %i %u %o %x %X`` of a 64-bit integer."""
    sign = b""
    if conv == 100 or conv == 105:  # d i
        digits = b"%d" % abs(n)
        if n < 0:
            sign = b"-"
        elif b"+" in flags:
            sign = b"+"
        elif b" " in flags:
            sign = b" "
    else:
        u = n & 0xFFFFFFFFFFFFFFFF
        digits = (b"%d" if conv == 117 else b"%o" if conv == 111 else
                  b"%x" if conv == 120 else b"%X") % u
    if prec is not None:
        if prec == 0 and n == 0:
            digits = b""
        elif len(digits) < prec:
            digits = b"0" * (prec - len(digits)) + digits
    prefix = b""
    if b"#" in flags:
        if conv == 111:  # o
            if not digits.startswith(b"0"):
                digits = b"0" + digits
        elif n != 0:
            prefix = b"0x" if conv == 120 else b"0X"
    return _pad(sign + prefix, digits, flags, width, prec is None)


def _sign_prefix(negative: bool, flags: bytes) -> bytes:
    if negative:
        return b"-"
    if b"+" in flags:
        return b"+"
    if b" " in flags:
        return b" "
    return b""


def _fmt_nonfinite(x: float, upper: bool, flags: bytes, width: int) -> bytes:
    """glibc rendering of inf/nan (never zero padded)."""
    negative = (x < 0) if x == x else _copysign_negative(x)
    word = b"inf" if x == x else b"nan"
    body = _sign_prefix(negative, flags) + (word.upper() if upper else word)
    return _pad(b"", body, flags, width, False)


def _copysign_negative(x: float) -> bool:
    return _struct.pack("<d", x)[7] >= 0x80


def _hexfloat(x: float, upper: bool, flags: bytes, width: int, prec: int | None) -> bytes:
    """glibc ``%a``/``%A`` of a double."""
    if x != x or x in (_INF, -_INF):
        return _fmt_nonfinite(x, upper, flags, width)
    bits = _struct.unpack("<Q", _struct.pack("<d", x))[0]
    negative = bits >> 63 == 1
    biased = (bits >> 52) & 0x7FF
    frac = bits & ((1 << 52) - 1)
    if biased == 0:
        lead = 0
        exp = -1022 if frac else 0
    else:
        lead = 1
        exp = biased - 1023
    if prec is None:
        digits = (b"%013x" % frac).rstrip(b"0")
    elif prec >= 13:
        digits = b"%013x" % frac + b"0" * (prec - 13)
    else:
        full = (lead << 52) | frac
        shift = 52 - 4 * prec
        q = full >> shift
        rem = full & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and q & 1):
            q += 1
        lead = q >> (4 * prec)
        digits = b"%0*x" % (prec, q & ((1 << (4 * prec)) - 1)) if prec else b""
    point = b"." if digits or b"#" in flags else b""
    body = b"%x" % lead + point + digits + b"p%+d" % exp
    head = _sign_prefix(negative, flags) + b"0x"
    if upper:
        head = head.upper()
        body = body.upper()
    return _pad(head, body, flags, width, True)


def _fmt_float(x: float, conv: int, flags: bytes, width: int, prec: int | None) -> bytes:
    """C ``%e %E %f %g %G``."""
    if x != x or x in (_INF, -_INF):
        return _fmt_nonfinite(x, conv in (69, 71), flags, width)
    spec = b"%" + flags + (b"%d" % width if width else b"")
    if prec is not None:
        spec += b".%d" % prec
    return (spec + bytes((conv,))) % x


_QUOTE_RE = _re.compile(rb'(["\\\n])|([\x00-\x1f\x7f])([0-9]?)')


def _quote_sub(m: "_re.Match[bytes]") -> bytes:
    if m.group(1) is not None:
        return b"\\" + m.group(1)
    code = m.group(2)[0]
    digit = m.group(3)
    return (b"\\%03d" % code if digit else b"\\%d" % code) + digit


def _quote_literal(v: LuaValue, arg: int) -> bytes:
    """``%q``: a Lua literal that reads back as the same value."""
    t = type(v)
    if t is bytes:
        return b'"' + _QUOTE_RE.sub(_quote_sub, v) + b'"'
    if t is int:
        return b"0x8000000000000000" if v == MININTEGER else b"%d" % v
    if t is float:
        if v == _INF:
            return b"1e9999"
        if v == -_INF:
            return b"-1e9999"
        if v != v:
            return b"(0/0)"
        return _hexfloat(v, False, b"", 0, None)
    if v is None or t is bool:
        return tostring_basic(v)
    raise arg_error(arg, "format", "value has no literal form")


_SPECS: dict[bytes, tuple[bytes, int, int | None]] = {}


def _spec(form: bytes, allowed: bytes, precision: bool) -> tuple[bytes, int, int | None]:
    """Validate ``form`` (once; results are cached) and return its parts."""
    parts = _SPECS.get(form)
    if parts is None:
        _check_format(form, allowed, precision)
        if len(_SPECS) >= 1024:
            _SPECS.clear()
        parts = _SPECS[form] = _parse_spec(form)
    return parts


def _format_item(form: bytes, conv: int, v: LuaValue, arg: int) -> bytes:
    """Format one argument according to the (unvalidated) spec ``form``."""
    if len(form) == 2:  # no modifiers: the common fast paths
        if conv == 115:  # %s
            return tostring_basic(v)
        if conv == 100 or conv == 105:  # %d %i
            return b"%d" % (v if type(v) is int else check_integer(v, arg, "format"))
    if conv in (100, 105, 117, 111, 120, 88):  # d i u o x X
        n = check_integer(v, arg, "format")
        flags, width, prec = _spec(form, _FLAGS_I if conv in (100, 105) else
                                   _FLAGS_U if conv == 117 else _FLAGS_X, True)
        return _fmt_int(n, conv, flags, width, prec)
    if conv == 115:  # s
        text = tostring_basic(v)
        if b"\0" in text:
            raise arg_error(arg, "format", "string contains zeros")
        flags, width, prec = _spec(form, _FLAGS_C, True)
        if prec is None and len(text) >= 100:
            return text
        if prec is not None:
            text = text[:prec]
        return _pad(b"", text, flags, width, False)
    if conv in (102, 101, 69, 103, 71):  # f e E g G
        x = check_number(v, arg, "format")
        flags, width, prec = _spec(form, _FLAGS_F, True)
        return _fmt_float(x, conv, flags, width, prec)
    if conv == 97 or conv == 65:  # a A
        flags, width, prec = _spec(form, _FLAGS_F, True)
        return _hexfloat(check_number(v, arg, "format"), conv == 65, flags, width, prec)
    if conv == 99:  # c
        flags, width, _prec = _spec(form, _FLAGS_C, False)
        n = check_integer(v, arg, "format")
        return _pad(b"", bytes((n & 0xFF,)), flags, width, False)
    if conv == 113:  # q
        if len(form) > 2:
            raise LuaError("specifier '%q' cannot have modifiers")
        return _quote_literal(v, arg)
    if conv == 112:  # p
        flags, width, _prec = _spec(form, _FLAGS_C, False)
        if v is None or type(v) in (bool, int, float):
            text = b"(null)"
        else:
            text = b"0x%x" % id(v)
        return _pad(b"", text, flags, width, False)
    shown = form.split(b"\0", 1)[0]
    raise LuaError(b"invalid conversion '" + shown + b"' to 'format'")


def str_format(fmt: LuaValue = NOVALUE, *args: LuaValue) -> tuple:
    """``string.format(fmt, ...)`` with C printf semantics."""
    f = fmt if type(fmt) is bytes else _check_str(fmt, 1, "format")
    if b"%" not in f:
        return (f,)
    top = len(args) + 1
    out: list[bytes] = []
    n = len(f)
    i = 0
    arg = 1
    while i < n:
        j = f.find(b"%", i)
        if j < 0:
            out.append(f[i:])
            break
        if j > i:
            out.append(f[i:j])
        i = j + 1
        if i < n and f[i] == 37:
            out.append(b"%")
            i += 1
            continue
        arg += 1
        if arg > top:
            raise arg_error(arg, "format", "no value")
        k = i
        while k < n and f[k] in _SPEC_CHARS:
            k += 1
        if k - i + 1 >= _MAX_FORMAT - 10:
            raise LuaError("invalid format (too long)")
        conv = f[k] if k < n else 0
        form = b"%" + f[i:k + 1]
        i = k + 1
        out.append(_format_item(form, conv, args[arg - 2], arg))
    return (b"".join(out),)


#: The ``string`` table: Lua name -> library function.
STRING: dict[str, Callable[..., tuple]] = {
    "byte": str_byte,
    "char": str_char,
    "find": str_find,
    "format": str_format,
    "gmatch": str_gmatch,
    "gsub": str_gsub,
    "len": str_len,
    "lower": str_lower,
    "match": str_match,
    "rep": str_rep,
    "reverse": str_reverse,
    "sub": str_sub,
    "upper": str_upper,
}
