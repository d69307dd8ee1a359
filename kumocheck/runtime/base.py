"""Lua 5.4's base library, `table` library and the offline-safe part of `os`.

Every function follows the compiled-code calling convention: positional Lua values
in, a tuple of results out. Values: nil None, booleans bool, integers int, floats
float, strings bytes, tables `LuaTable`, functions Python callables.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from typing import Any

from kumocheck.runtime import lua_number as N
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.table import NULL, LuaTable

__all__ = [
    "truth", "lua_type", "tostr", "LIB_BASE", "LIB_TABLE", "LIB_OS",
    "lua_next", "ipairs_iter", "lua_error", "pcall",
]


def truth(value: Any) -> bool:
    """Lua truthiness: only nil and false are false."""
    return value is not None and value is not False


def lua_type(value: Any) -> bytes:
    kind = type(value)
    if kind is bytes:
        return b"string"
    if kind is int or kind is float:
        return b"number"
    if kind is LuaTable:
        return b"table"
    if value is None:
        return b"nil"
    if kind is bool:
        return b"boolean"
    if callable(value):
        return b"function"
    return b"userdata"


def tostr(value: Any) -> bytes:
    """`tostring(value)` as bytes."""
    kind = type(value)
    if kind is bytes:
        return value
    if kind is int or kind is float:
        return N.tostring_number(value)
    if value is None:
        return b"nil"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if kind is LuaTable:
        return b"table: 0x%014x" % id(value)
    if callable(value):
        return b"function: 0x%014x" % id(value)
    if value is NULL:
        return b"userdata: (nil)"  # a null light userdata: Lua's "%p" of NULL (glibc)
    return b"userdata: 0x%014x" % id(value)


def _arg_table(value: Any, arg: int, name: str) -> LuaTable:
    if type(value) is not LuaTable:
        raise N.type_error(arg, name, "table", value)
    return value


# -- base functions ----------------------------------------------------------------------


def b_type(*args):
    if not args:
        raise N.arg_error(1, "type", "value expected")
    return (lua_type(args[0]),)


def b_tostring(*args):
    if not args:
        raise N.arg_error(1, "tostring", "value expected")
    return (tostr(args[0]),)


def b_select(n=None, *args):
    if n == b"#":
        return (len(args),)
    index = N.check_integer(n, 1, "select")
    if index < 0:
        index = len(args) + index
        if index < 0:
            raise N.arg_error(1, "select", "index out of range")
        return args[index:]
    if index == 0:
        raise N.arg_error(1, "select", "index out of range")
    return args[index - 1:]


def lua_next(table=None, key=None, *_):
    return _arg_table(table, 1, "next").next(key)


def b_pairs(table=None, *_):
    if type(table) is not LuaTable:
        metamethod = getattr(table, "lua_pairs", None)  # a userdata's __pairs (QueueConfig)
        if metamethod is None:
            raise N.type_error(1, "pairs", "table", table)
        return metamethod()
    return (lua_next, table, None)


def ipairs_iter(table, index, *_):
    index += 1
    value = table.get(index) if type(table) is LuaTable else _index_any(table, index)
    if value is None:
        return (None,)
    return (index, value)


def _index_any(value, key):
    raise LuaError(f"attempt to index a {lua_type(value).decode()} value".encode())


def b_ipairs(*args):
    if not args:
        raise N.arg_error(1, "ipairs", "table expected, got no value")
    return (ipairs_iter, args[0], 0)


def lua_error(where: bytes | None, message=None, level=1, *_):
    """`error(message [, level])`; `where` is the "chunk:line:" of the call."""
    if type(message) is bytes and where is not None and level == 1:
        message = where + b" " + message
    raise LuaError(message)


def b_error(message=None, level=1, *_):
    raise LuaError(message)


def b_assert(*args):
    if not args:
        raise N.arg_error(1, "assert", "value expected")
    if args[0] is None or args[0] is False:
        if len(args) > 1:
            raise LuaError(args[1])
        raise LuaError(b"assertion failed!")
    return args


def pcall(*args):
    if not args:
        raise N.arg_error(1, "pcall", "value expected")
    func = args[0]
    try:
        if not callable(func) or type(func) is LuaTable:
            raise LuaError(f"attempt to call a {lua_type(func).decode()} value".encode())
        return (True,) + tuple(func(*args[1:]))
    except LuaError as exc:
        return (False, exc.value)
    except RecursionError:
        return (False, b"stack overflow")
    except TypeError as exc:  # calling a value that is not a function
        return (False, call_error_message(exc))


_PY_TYPES = {"NoneType": "nil", "bool": "boolean", "int": "number", "float": "number", "bytes": "string",
             "LuaTable": "table", "QueueConfig": "userdata"}


def call_error_message(exc: TypeError) -> bytes:
    """Lua's message for a Python TypeError raised by calling a non-function value."""
    text = str(exc)
    if text.endswith("object is not callable") and text.startswith("'"):
        kind = text[1:].split("'", 1)[0]
        return f"attempt to call a {_PY_TYPES.get(kind, 'userdata')} value".encode()
    return f"attempt to call a non-function value ({text})".encode()


def b_xpcall(func=None, handler=None, *args):
    try:
        if not callable(func):
            raise LuaError(f"attempt to call a {lua_type(func).decode()} value".encode())
        return (True,) + tuple(func(*args))
    except LuaError as exc:
        return (False,) + tuple(handler(exc.value))[:1]
    except RecursionError:
        return (False,) + tuple(handler(b"stack overflow"))[:1]


def b_rawget(table=None, key=None, *_):
    return (_arg_table(table, 1, "rawget").get(key),)


def b_rawset(table=None, key=None, value=None, *_):
    _arg_table(table, 1, "rawset").set(key, value)
    return (table,)


def b_rawequal(a=None, b=None, *_):
    return (N.eq(a, b),)


def b_rawlen(value=None, *_):
    if type(value) is LuaTable:
        return (value.length(),)
    if type(value) is bytes:
        return (len(value),)
    raise N.arg_error(1, "rawlen", "table or string expected")


def b_unpack(table=None, i=None, j=None, *_):
    first = N.opt_integer(i, 2, "unpack", 1)
    last = N.opt_integer(j, 3, "unpack", table.length() if type(table) is LuaTable else 0) if j is not None else None
    if last is None:
        if type(table) is not LuaTable:
            raise N.type_error(1, "unpack", "table", table)
        last = table.length()
    if first > last:
        return ()
    if last - first >= 1_000_000:
        raise LuaError(b"too many results to unpack")
    get = table.get
    return tuple(get(index) for index in range(first, last + 1))


def b_print(*args):
    sys.stderr.write("\t".join(tostr(a).decode("utf-8", "replace") for a in args) + "\n")
    return ()


# -- table library -------------------------------------------------------------------------


def t_insert(*args):
    table = _arg_table(args[0] if args else None, 1, "insert")
    size = table.length()
    if len(args) == 2:
        table.set(size + 1, args[1])
        return ()
    if len(args) != 3:
        raise LuaError(b"wrong number of arguments to 'insert'")
    pos = N.check_integer(args[1], 2, "insert")
    if not 1 <= pos <= size + 1:
        raise N.arg_error(2, "insert", "position out of bounds")
    for index in range(size + 1, pos, -1):
        table.set(index, table.get(index - 1))
    table.set(pos, args[2])
    return ()


def t_remove(table=None, *rest):
    table = _arg_table(table, 1, "remove")
    size = table.length()
    if rest:
        pos = N.check_integer(rest[0], 2, "remove")
        if size + 1 == pos:
            value = table.get(pos)
            table.set(pos, None)
            return (value,)
        if size == 0 and pos == 0:
            return (table.get(pos),)
        if not 1 <= pos <= size + 1:
            raise N.arg_error(2, "remove", "position out of bounds")
    else:
        pos = size
        if size == 0:
            return (table.get(0),)
    value = table.get(pos)
    for index in range(pos, size):
        table.set(index, table.get(index + 1))
    if pos <= size:
        table.set(size, None)
    return (value,)


def t_concat(table=None, sep=b"", i=None, j=None, *_):
    table = _arg_table(table, 1, "concat")
    if sep is None:
        sep = b""
    elif type(sep) is not bytes:
        if type(sep) in (int, float):
            sep = N.tostring_number(sep)
        else:
            raise N.type_error(2, "concat", "string", sep)
    first = N.opt_integer(i, 3, "concat", 1)
    last = N.opt_integer(j, 4, "concat", table.length())
    parts = []
    for index in range(first, last + 1):
        value = table.get(index)
        kind = type(value)
        if kind is bytes:
            parts.append(value)
        elif kind is int or kind is float:
            parts.append(N.tostring_number(value))
        else:
            raise LuaError(
                f"invalid value (at index {index}) in table for 'concat'".encode()
            )
    return (sep.join(parts),)


def t_sort(table=None, comp=None, *_):
    table = _arg_table(table, 1, "sort")
    size = table.length()
    items = [table.get(index) for index in range(1, size + 1)]
    if comp is None:
        less = N.lt
    else:
        def less(a, b):
            result = comp(a, b)
            return bool(result) and result[0] is not None and result[0] is not False

    def order(a, b):
        if less(a, b):
            return -1
        if less(b, a):
            return 1
        return 0

    items.sort(key=functools.cmp_to_key(order))
    for index, value in enumerate(items, start=1):
        table.set(index, value)
    return ()


def t_pack(*args):
    table = LuaTable.from_list(args)
    table.set(b"n", len(args))
    return (table,)


# -- os (offline subset) -------------------------------------------------------------------


def os_getenv(name=None, *_):
    if type(name) is not bytes:
        if type(name) in (int, float):
            name = N.tostring_number(name)
        else:
            raise N.type_error(1, "getenv", "string", name)
    value = os.environb.get(name) if hasattr(os, "environb") else os.environ.get(name.decode())
    return (value,)


def os_time(table=None, *_):
    if table is None:
        return (int(time.time()),)
    table = _arg_table(table, 1, "time")

    def field(name, default=None):
        value = table.get(name.encode())
        if value is None:
            if default is None:
                raise LuaError(f"field '{name}' missing in date table".encode())
            return default
        return N.check_integer(value, 1, "time")

    stamp = (field("year"), field("month"), field("day"), field("hour", 12), field("min", 0), field("sec", 0), 0, 0, -1)
    return (int(time.mktime(stamp)),)


def os_clock(*_):
    return (time.process_time(),)


def os_date(fmt=b"%c", stamp=None, *_):
    when = time.time() if stamp is None else N.check_integer(stamp, 2, "date")
    fmt = fmt if type(fmt) is bytes else b"%c"
    utc = fmt.startswith(b"!")
    if utc:
        fmt = fmt[1:]
    parts = time.gmtime(when) if utc else time.localtime(when)
    if fmt.startswith(b"*t"):
        table = LuaTable()
        for key, value in (
            (b"year", parts.tm_year), (b"month", parts.tm_mon), (b"day", parts.tm_mday),
            (b"hour", parts.tm_hour), (b"min", parts.tm_min), (b"sec", parts.tm_sec),
            (b"wday", (parts.tm_wday + 1) % 7 + 1), (b"yday", parts.tm_yday), (b"isdst", bool(parts.tm_isdst)),
        ):
            table.set(key, value)
        return (table,)
    return (time.strftime(fmt.decode("utf-8", "replace"), parts).encode(),)


LIB_BASE = {
    "type": b_type,
    "tostring": b_tostring,
    "tonumber": N.tonumber_lua,
    "select": b_select,
    "pairs": b_pairs,
    "ipairs": b_ipairs,
    "next": lua_next,
    "error": b_error,
    "assert": b_assert,
    "pcall": pcall,
    "xpcall": b_xpcall,
    "rawget": b_rawget,
    "rawset": b_rawset,
    "rawequal": b_rawequal,
    "rawlen": b_rawlen,
    "print": b_print,
}

LIB_TABLE = {
    "insert": t_insert,
    "remove": t_remove,
    "concat": t_concat,
    "sort": t_sort,
    "unpack": b_unpack,
    "pack": t_pack,
}

LIB_OS = {
    "getenv": os_getenv,
    "time": os_time,
    "clock": os_clock,
    "date": os_date,
}
