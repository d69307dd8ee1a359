"""Values as the schema validator sees them.

The checker builds these from source code (with `Unknown` where a value cannot be known
statically); the runtime builds them from real Lua values. `origin` is whatever the
builder wants reported back with a problem: an AST node for the checker, nothing at run
time.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Union

import attrs

#: Lua scalars: None (nil), bool, int, float, bytes (strings are byte strings).
Scalar = Union[None, bool, int, float, bytes]
MAX_OPTIONS = 1 << 17  # per-domain maps can be large; beyond this a value is Unknown


@attrs.define(eq=False)
class Const:
    """A value known exactly."""

    value: Scalar
    origin: Any = None


@attrs.define(eq=False)
class Entry:
    """One `key = value` of a table constructor (or a later assignment)."""

    key: "Value"
    value: "Value"
    origin: Any = None  # the whole field, for key problems


@attrs.define(eq=False)
class TableValue:
    """A table whose known entries are listed; `open` when others may exist."""

    entries: list[Entry] = attrs.Factory(list)
    origin: Any = None
    open: bool = False
    array_meta: bool = False  # built by kumo.serde & co: a list even when empty
    keys_uncertain: bool = False  # `t[k] = nil` with k unknown: any key may be gone
    # Lookup index over `entries` (which builders only ever append to): the last entry of
    # each constant key, brought up to date on each `get`, so lookups stay O(1).
    _index: dict = attrs.field(init=False, factory=dict, repr=False)
    _indexed: int = attrs.field(init=False, default=0, repr=False)
    _indexed_list: Any = attrs.field(init=False, default=None, repr=False)

    def get(self, key: Scalar) -> Entry | None:
        entries = self.entries
        if self._indexed_list is not entries or self._indexed > len(entries):
            self._index, self._indexed, self._indexed_list = {}, 0, entries
        if self._indexed < len(entries):
            index = self._index
            for entry in entries[self._indexed :]:
                if isinstance(entry.key, Const):
                    index[_key_slot(entry.key.value)] = entry
            self._indexed = len(entries)
        return self._index.get(_key_slot(key))

    def string_keys(self) -> Iterator[tuple[str, Entry]]:
        for entry in self.entries:
            if isinstance(entry.key, Const) and isinstance(entry.key.value, bytes):
                yield entry.key.value.decode("utf-8", "replace"), entry

    def positional(self) -> list[Entry]:
        """Entries 1..n of the sequence part, up to the first hole (Lua's border)."""
        found: dict[int, Entry] = {}
        for entry in self.entries:
            if isinstance(entry.key, Const) and type(entry.key.value) is int:
                found[entry.key.value] = entry
        items = []
        index = 1
        while index in found:
            items.append(found[index])
            index += 1
        return items

    def set(self, key: "Value", value: "Value", origin: Any, merge: bool) -> None:
        """Assign `t[key] = value`; `merge` keeps the old value as a possibility."""
        if not isinstance(key, Const):
            self.open = True
            if any(isinstance(o, Const) and o.value is None for o in options(value)):
                self.keys_uncertain = True
            return
        old = self.get(key.value)
        if old is not None:
            old.value = one_of([old.value, value]) if merge else value
        elif merge:
            self.entries.append(Entry(key, one_of([value, UNKNOWN]), origin))
        else:
            self.entries.append(Entry(key, value, origin))


@attrs.define(eq=False)
class Unknown:
    """Anything (of a known Lua type when `lua_type` is set): never reported."""

    origin: Any = None
    lua_type: str | None = None  # e.g. "string" for a handler parameter kumod always passes a string
    object_kind: str | None = None  # a KumoMTA userdata kind of rules/objects.toml: "message"


@attrs.define(eq=False)
class OneOf:
    """One of several possible values (branches, `a or b`, map lookups)."""

    options: tuple["Value", ...]


@attrs.define(eq=False)
class Opaque:
    """A value of a known kind that is not data: a function, a config object, a module."""

    kind: str
    origin: Any = None
    detail: Any = None


Value = Union[Const, TableValue, Unknown, OneOf, Opaque]
UNKNOWN = Unknown()


def _key_slot(key: Scalar) -> Any:
    """The dict key under which Lua finds `key`: booleans apart from numbers, 1 == 1.0;
    NaN (no valid Lua key) gets a fresh object, so it is never found."""
    if isinstance(key, bool):
        return (bool, key)
    if isinstance(key, float) and key != key:
        return object()
    return key


def one_of(values: Iterable[Value]) -> Value:
    """The union of `values`, flattened; too many options collapse to Unknown."""
    flat: list[Value] = []
    for value in values:
        if isinstance(value, OneOf):
            flat.extend(value.options)
        else:
            flat.append(value)
    unique: list[Value] = []
    seen: set[int] = set()  # identities: values are compared by identity, not content
    for value in flat:
        if id(value) not in seen:
            seen.add(id(value))
            unique.append(value)
    if len(unique) == 1:
        return unique[0]
    if len(unique) > MAX_OPTIONS:
        return UNKNOWN
    return OneOf(tuple(unique))


def options(value: Value) -> tuple[Value, ...]:
    """The alternatives of a value (itself when it is not a OneOf)."""
    return value.options if isinstance(value, OneOf) else (value,)


def lua_type(value: Scalar) -> str:
    """Lua's type name of a scalar, with int/float told apart as users think of them."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return "string"


def describe(value: Value) -> str:
    """A short phrase naming the value for a message: `the integer 10`, `a table`."""
    if isinstance(value, Const):
        kind = lua_type(value.value)
        if value.value is None:
            return "nil"
        return f"the {kind} {lua_repr(value.value)}"
    if isinstance(value, TableValue):
        return "a table"
    if isinstance(value, Opaque):
        return {"function": "a function", "config": "a config object"}.get(value.kind, f"a {value.kind}")
    return "a value"


def lua_repr(value: Scalar) -> str:
    """How the value would be written in Lua source."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        text = value.decode("utf-8", "backslashreplace")
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'"
    if isinstance(value, float):
        if value != value:
            return "0/0"
        if value in (float("inf"), float("-inf")):
            return "math.huge" if value > 0 else "-math.huge"
        text = "%.14g" % value
        return text if any(c in text for c in ".en") else text + ".0"
    return str(value)
