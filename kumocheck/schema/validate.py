"""Judge a value against the `rules/` schema exactly as kumod's serde decode would.

One validator serves the checker (values built from source, with `Unknown` holes that are
never reported) and the runtime (values built from real Lua tables). It yields `Problem`s
named after the checker's rules.

This module holds the entry points, dispatch, lists and maps; the other kinds live in
mixins: `scalars` (strings, durations, integers, throttles, regexes, enums), `structs`
(structs, unions, unknown-key hints) and `data_values` (helpers' data kinds). `Problem`
and the shared helpers live in `problems` and are importable from here.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.schema.data_values import DataValueChecks
from kumocheck.schema.model import Schema, TypeRef
from kumocheck.schema.problems import (  # re-exported: importers take them from here
    Path,
    Problem,
    clear_nearest,
    fix_level,
    is_nil,
    nearest,
    path_text,
    value_origin,
)
from kumocheck.schema.scalars import REGEX_DIALECTS, REGEX_HELP, ScalarChecks, suggest_duration
from kumocheck.schema.structs import UNKNOWN_KEYS_REJECTED_SINCE, StructChecks
from kumocheck.schema.values import Const, OneOf, Opaque, TableValue, Unknown, Value, describe, lua_repr

__all__ = [
    "DATA_KINDS",
    "NON_DATA_KINDS",
    "REGEX_DIALECTS",
    "REGEX_HELP",
    "UNKNOWN_KEYS_REJECTED_SINCE",
    "Path",
    "Problem",
    "Validator",
    "clear_nearest",
    "fix_level",
    "nearest",
    "path_text",
    "suggest_duration",
]

#: Opaque values that are certainly not data (a function, a module, a config object).
NON_DATA_KINDS = frozenset({"function", "config", "module", "stdlib", "helper", "helper_fn"})
#: Value kinds of the helpers' data and options, judged in kumocheck.schema.data_values.
DATA_KINDS = frozenset({"number", "function", "one_or_list"})


class Validator(ScalarChecks, StructChecks, DataValueChecks):
    """Walks a value and a type side by side (scalars, structs and data kinds in the mixins)."""

    def __init__(self, schema: Schema, target_version: str | None = None):
        self.schema = schema
        self.target_version = target_version
        self._homes = self._key_homes()
        self._entry_constructor = schema.structs[schema.entry_struct].constructor
        self._entry_tree = self._reachable(schema.entry_struct)

    # -- entry points -------------------------------------------------------------

    def validate_config(self, value: Value) -> Iterator[Problem]:
        """Problems of a `make_queue_config` argument."""
        entry = TypeRef("struct", name=self.schema.entry_struct)
        yield from self.validate(value, entry, ())

    def validate_call(self, value: Value, struct: str, function: str) -> Iterator[Problem]:
        """Problems of the table given to `function` (kumo.define_spool...), decoded as `struct`."""
        for option in value.options if isinstance(value, OneOf) else (value,):
            if isinstance(option, Const) and option.value is not None:
                spec = self.schema.structs[struct]
                yield Problem(
                    "invalid-type",
                    f"{function} expects a table, got {describe(option)}",
                    option.origin,
                    (),
                    help=self._struct_hint(spec),
                )
            elif isinstance(option, TableValue):
                yield from self._one(option, TypeRef("struct", name=struct), ())

    def validate(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        for option in value.options if isinstance(value, OneOf) else (value,):
            if isinstance(option, Unknown):
                continue
            if isinstance(option, Opaque) and option.kind not in NON_DATA_KINDS:
                continue  # e.g. the string type(x) returns: not known exactly
            yield from self._one(option, typ, path)

    # -- dispatch ------------------------------------------------------------------

    def _one(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        kind = typ.kind
        if kind in DATA_KINDS:
            yield from self._data_value(value, typ, path)
        elif kind == "struct":
            yield from self._struct(value, self.schema.structs[typ.name], path)
        elif kind == "union":
            yield from self._union(value, self.schema.unions[typ.name], path)
        elif kind == "list":
            yield from self._list(value, typ.item, path)
        elif kind == "map":
            yield from self._map(value, typ, path)
        elif kind == "enum":
            yield from self._enum(value, self.schema.enums[typ.name], path)
        else:
            yield from self._scalar(value, typ, path)

    def _wrong_type(self, value: Value, typ: TypeRef, path: Path, hint: str | None = None) -> Problem:
        return Problem(
            "invalid-type",
            f"`{path_text(path)}` expects {typ.describe()}, got {describe(value)}",
            value_origin(value),
            path,
            help=hint or "kumod converts nothing: write the value with the type the key takes",
        )

    # -- lists ---------------------------------------------------------------------

    def _list(self, value: Value, item: TypeRef, path: Path, buffered: bool = False) -> Iterator[Problem]:
        if isinstance(value, Const) and value.value is None:
            return
        buffered = self._buffered(path)
        if not isinstance(value, TableValue):
            hint = None
            if isinstance(value, Const) and isinstance(value.value, bytes):
                hint = f"wrap it in a table: {{ {lua_repr(value.value)} }}"
            yield self._wrong_type(value, TypeRef("list", item=item), path, hint)
            return
        items = value.positional()
        named = [key for key, _ in value.string_keys()]
        if not items and not value.open and not value.array_meta:
            if buffered and not named:
                yield Problem(
                    "invalid-value",
                    f"an empty `{path_text(path)}` is rejected: inside `protocol` kumod reads an empty "
                    "table `{}` as a map, not a list",
                    value.origin,
                    path,
                    help=f"leave `{path[-1]}` out to use the default",
                )
            elif named:
                yield Problem(
                    "invalid-value",
                    f"`{path_text(path)}` expects a list, got a table with only named keys"
                    + ("" if buffered else ": kumod silently reads it as an empty list"),
                    value.origin,
                    path,
                    severity=None if buffered else "warning",
                    help="write the entries positionally: { { ... }, { ... } }",
                )
        for index, entry in enumerate(items, start=1):
            yield from self.validate(entry.value, item, path + (index,))

    def _map(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        """A string-keyed table (OrderMap<String, T>, HashMap...): each value has type `typ.item`."""
        if isinstance(value, Const) and value.value is None:
            return
        if not isinstance(value, TableValue):
            yield self._wrong_type(value, typ, path)
            return
        for key, entry in value.string_keys():
            if not is_nil(entry.value):
                yield from self.validate(entry.value, typ.item, path + (key,))

    def _buffered(self, path: Path) -> bool:
        return bool(path) and path[0] == "protocol"
