"""Lua tables for compiled policies: an array part plus a hash part.

Keys are normalised the way Lua does: a float key with an integral value is the
integer key (``t[1.0]`` is ``t[1]``); ``true``/``false`` are kept apart from ``1``/``0``
(Python's ``True == 1`` would merge them in a dict); NaN and nil keys are errors on
assignment and simply absent on lookup.

The array part holds keys ``1..n`` without holes, and key ``n + 1`` is never in the
hash part, so ``len(arr)`` is always a border: ``#t`` equals Lua's result for every
sequence (tables with holes may give another valid border than the reference VM).

``pairs`` order is the insertion order (array part first). Lua leaves this order
unspecified; nothing in kumocheck depends on it being the VM's order.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, Iterator

from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.lua_number import wrap_int

__all__ = ["LuaTable", "normalize_key", "from_python", "Userdata", "LuaNull", "NULL"]


class _BoolKey:
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value

    def __repr__(self) -> str:
        return "true" if self.value else "false"


_TRUE_KEY = _BoolKey(True)
_FALSE_KEY = _BoolKey(False)


def _decode_key(key: Any) -> Any:
    if type(key) is _BoolKey:
        return key.value
    return key


def normalize_key(key: Any) -> Any:
    """The dict key for a Lua key (no error checks)."""
    kind = type(key)
    if kind is float:
        if key.is_integer() and -(2.0**63) <= key < 2.0**63:
            return int(key)
        return key
    if kind is bool:
        return _TRUE_KEY if key else _FALSE_KEY
    return key


class LuaTable:
    """A Lua table (no metatables)."""

    __slots__ = ("arr", "hash", "array_meta", "__weakref__")

    def __init__(self) -> None:
        self.arr: list[Any] = []
        self.hash: dict[Any, Any] = {}
        #: set for tables made by kumo.serde & co: mlua reads them as lists even when empty
        self.array_meta = False

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_list(cls, items) -> "LuaTable":
        """A sequence table {items...}; a nil item leaves a hole."""
        table = cls()
        for index, value in enumerate(items, start=1):
            if value is not None:
                table.set(index, value)
        return table

    @classmethod
    def build(cls, keyed, positional=()) -> "LuaTable":
        """A table constructor: `keyed` (key, value) pairs first, then the positional items.

        Lua stores the positional items last (SETLIST), so they win over an explicit
        `[1] = ...` in the same constructor.
        """
        table = cls()
        for key, value in keyed:
            if key is None:
                raise LuaError(b"table index is nil")
            if value is not None:
                table.set(key, value)
        if positional:
            if not table.hash and not table.arr:
                arr = table.arr
                for value in positional:
                    if value is None:
                        break
                    arr.append(value)
                rest = len(arr)
                for index in range(rest, len(positional)):
                    if positional[index] is not None:
                        table.set(index + 1, positional[index])
            else:
                for index, value in enumerate(positional, start=1):
                    table.set(index, value)
        return table

    # -- raw access --------------------------------------------------------------------

    def get(self, key: Any) -> Any:
        """Raw get (`rawget`) with Lua key normalisation."""
        kind = type(key)
        if kind is int:
            if 0 < key <= len(self.arr):
                return self.arr[key - 1]
            return self.hash.get(key)
        if kind is bytes:
            return self.hash.get(key)
        if kind is float:
            if key.is_integer() and -(2.0**63) <= key < 2.0**63:
                return self.get(int(key))
            return self.hash.get(key)
        if kind is bool:
            return self.hash.get(_TRUE_KEY if key else _FALSE_KEY)
        if key is None:
            return None
        return self.hash.get(key)

    def set(self, key: Any, value: Any) -> None:
        """Raw set (`rawset`): errors for nil and NaN keys."""
        kind = type(key)
        if kind is float:
            if key.is_integer() and -(2.0**63) <= key < 2.0**63:
                key = int(key)
                kind = int
            elif math.isnan(key):
                raise LuaError(b"table index is NaN")
        elif kind is bool:
            key = _TRUE_KEY if key else _FALSE_KEY
        elif key is None:
            raise LuaError(b"table index is nil")
        if kind is int:
            arr = self.arr
            size = len(arr)
            if 0 < key <= size:
                if value is not None:
                    arr[key - 1] = value
                elif key == size:
                    arr.pop()
                else:  # a hole in the middle: the tail moves to the hash part
                    hash_ = self.hash
                    for index in range(key, size):
                        hash_[index + 1] = arr[index]
                    del arr[key - 1:]
                return
            if key == size + 1:
                if value is None:
                    return
                arr.append(value)
                hash_ = self.hash
                if hash_:
                    nxt = key + 1
                    while nxt in hash_:
                        arr.append(hash_.pop(nxt))
                        nxt += 1
                return
        if value is None:
            self.hash.pop(key, None)
        else:
            self.hash[key] = value

    def length(self) -> int:
        """The border `#t`."""
        return len(self.arr)

    __len__ = length

    # -- traversal ---------------------------------------------------------------------

    def items(self) -> Iterator[tuple[Any, Any]]:
        """(key, value) pairs in traversal order, tolerant of changes during the loop.

        As with Lua's `next`, assigning to existing fields (including clearing them)
        while traversing is allowed; fields cleared before they are reached are skipped.
        """
        arr = self.arr
        index = 0
        while index < len(arr):
            yield index + 1, arr[index]
            index += 1
        visited = index  # keys 1..visited came from the array part
        for key in list(self.hash):
            if type(key) is int and 0 < key <= visited:
                continue  # moved to the hash part by a hole made during the loop
            value = self.hash.get(key)
            if value is not None:
                yield _decode_key(key), value

    def next(self, key: Any) -> tuple[Any, ...]:
        """Lua's `next(t, key)`: the entry after `key`, or (nil,) at the end."""
        arr = self.arr
        if key is None:
            if arr:
                return (1, arr[0])
            for hkey, value in self.hash.items():
                return (_decode_key(hkey), value)
            return (None,)
        norm = normalize_key(key)
        if type(norm) is int and 0 < norm <= len(arr):
            if norm < len(arr):
                return (norm + 1, arr[norm])
            for hkey, value in self.hash.items():
                return (_decode_key(hkey), value)
            return (None,)
        found = False
        for hkey, value in self.hash.items():
            if found:
                return (_decode_key(hkey), value)
            if hkey == norm and type(hkey) is type(norm):
                found = True
        if not found:
            raise LuaError(b"invalid key to 'next'")
        return (None,)

    def __repr__(self) -> str:
        return f"<LuaTable 0x{id(self):014x}>"


def from_python(value: Any) -> Any:
    """A Python value (parsed JSON/TOML, or a dict given to make_queue_config) as a Lua
    value: dicts become tables, lists tables with mlua's array marker, str bytes, a
    timedelta its seconds; other scalars (dates and times) their text."""
    if isinstance(value, dict):
        table = LuaTable()
        for key, item in value.items():
            converted = from_python(item)
            if converted is not None:
                table.set(key.encode("utf-8") if isinstance(key, str) else from_python(key), converted)
        return table
    if isinstance(value, (list, tuple)):
        table = LuaTable.from_list([from_python(item) for item in value])
        table.array_meta = True
        return table
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bool) or value is None or isinstance(value, (bytes, LuaTable)):
        return value
    if isinstance(value, int):
        return wrap_int(value)
    if isinstance(value, float):
        return value
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    return str(value).encode("utf-8")  # toml dates and times


class Userdata:
    """A KumoMTA userdata offline (a DomainMap, the shaping data...): `obj[key]` calls
    `lua_index`; methods are reached the same way (`obj:m()` is `obj.m(obj)`)."""

    __slots__ = ()

    def lua_index(self, key: Any) -> Any:
        return None


class LuaNull(Userdata):
    """mlua's ``Value::NULL``, a null light userdata: what kumod's serde hands Lua for a
    Rust ``None`` (an unset optional QueueConfig field). Truthy, of type 'userdata',
    equal only to itself, and not indexable."""

    __slots__ = ()

    def lua_index(self, key: Any) -> Any:
        raise LuaError(b"attempt to index a userdata value")

    def __repr__(self) -> str:
        return "NULL"

    def __str__(self) -> str:  # lupa's __tostring in the verify oracle
        return "userdata: (nil)"


NULL = LuaNull()
