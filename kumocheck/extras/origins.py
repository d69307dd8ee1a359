"""Helper data as plain Python that remembers where each value came from.

The helpers' data files are read into `OTable` (a dict) and `OList` (a list) trees:
plain containers for everything that computes with them, plus, per key, the `Origin`
of the value (file, line and the table it sits in, e.g. `queues.toml:17
[tenant.bulk]`). Merges copy a value's origin along with the value, so a merged or
resolved result can say where each field comes from.

Input is a positional `DataDocument` / `TableValue` (kumocheck.schema.values, from the
data-file reader) or plain `tomllib`/`json` output (no line numbers).
"""

from __future__ import annotations

import re
from typing import Any, Iterable

import attrs

from kumocheck.schema.values import Const, Opaque, TableValue

__all__ = ["Origin", "OTable", "OList", "HelperError", "from_data", "table_label", "plain", "origin_of"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


class HelperError(Exception):
    """A helper raised a Lua error while loading or resolving (the message kumod shows)."""


@attrs.frozen
class Origin:
    """Where a value was written: `file`, `line` (None without positions), `table`."""

    file: str | None
    line: int | None = None
    table: str = ""
    note: str = ""  # e.g. "helper default", "inline table"

    def label(self) -> str:
        """`queues.toml:17 [tenant.bulk]` (or what is known of it)."""
        if self.note and not self.file:
            return self.note
        where = self.file or "?"
        if self.line is not None:
            where = f"{where}:{self.line}"
        if self.table:
            where = f"{where} {self.table}"
        return where

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "table": self.table}


class OTable(dict):
    """A dict whose keys carry the Origin of their values (`origins`) and of itself."""

    __slots__ = ("origins", "origin")

    def __init__(self, *args: Any, origin: Origin | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origins: dict[Any, Origin] = {}
        self.origin = origin

    def put(self, key: Any, value: Any, origin: Origin | None) -> None:
        self[key] = value
        if origin is not None:
            self.origins[key] = origin
        else:
            self.origins.pop(key, None)

    def drop(self, key: Any) -> None:
        self.pop(key, None)
        self.origins.pop(key, None)


class OList(list):
    """A list (a Lua sequence) with the Origin of each item."""

    __slots__ = ("origins", "origin")

    def __init__(self, items: Iterable = (), origin: Origin | None = None) -> None:
        super().__init__(items)
        self.origins: dict[int, Origin] = {}
        self.origin = origin

    def put(self, index: int, value: Any, origin: Origin | None) -> None:
        """Lua `t[index + 1] = value` (appends at the border)."""
        if index < len(self):
            self[index] = value
        else:
            self.append(value)
        if origin is not None:
            self.origins[index] = origin


def origin_of(container: Any, key: Any) -> Origin | None:
    origins = getattr(container, "origins", None)
    return origins.get(key) if origins else None


def table_label(path: Iterable[Any]) -> str:
    """`[queue."gmail.com".bulk]` for the key path queue / gmail.com / bulk."""
    parts = []
    for key in path:
        text = str(key)
        parts.append(text if _BARE.match(text) else '"' + text.replace('"', '\\"') + '"')
    return "[" + ".".join(parts) + "]" if parts else ""


def _line(span: Any) -> int | None:
    return getattr(span, "line", None)


def _file(span: Any, default: str | None) -> str | None:
    return getattr(span, "file", None) or default


def from_data(source: Any, file: str | None = None) -> Any:
    """An OTable tree from a DataDocument, a TableValue, or tomllib/json output."""
    root = getattr(source, "root", source)
    if file is None:
        file = getattr(source, "path", None)
    if isinstance(root, TableValue):
        return _from_value(root, file, ())
    return _from_plain(root, file, ())


def _from_value(value: Any, file: str | None, path: tuple) -> Any:
    if isinstance(value, Const):
        raw = value.value
        return raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
    if isinstance(value, Opaque):
        return f"<{value.kind}>"  # TOML dates and times: strings to the helpers
    if not isinstance(value, TableValue):
        return None
    here = Origin(_file(value.origin, file), _line(value.origin), table_label(path))
    if value.array_meta:
        items = OList(origin=here)
        for index, entry in enumerate(value.positional()):
            origin = Origin(_file(entry.origin, file), _line(entry.origin) or here.line, here.table)
            items.put(index, _from_value(entry.value, file, path), origin)
        return items
    table = OTable(origin=here)
    for entry in value.entries:
        if not isinstance(entry.key, Const):
            continue
        key = entry.key.value
        if isinstance(key, bytes):
            key = key.decode("utf-8", "surrogateescape")
        item = _from_value(entry.value, file, path + (key,))
        if item is None:
            continue
        span = entry.origin if entry.origin is not None else entry.key.origin
        table.put(key, item, Origin(_file(span, file), _line(span), here.table))
    return table


def _from_plain(value: Any, file: str | None, path: tuple) -> Any:
    if isinstance(value, dict):
        table = OTable(origin=Origin(file, None, table_label(path)))
        for key, item in value.items():
            converted = _from_plain(item, file, path + (key,))
            if converted is not None:
                table.put(key, converted, Origin(file, None, table.origin.table))
        return table
    if isinstance(value, list):
        items = OList(origin=Origin(file, None, table_label(path)))
        for index, item in enumerate(value):
            items.put(index, _from_plain(item, file, path), Origin(file, None, items.origin.table))
        return items
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)  # toml dates and times


def plain(value: Any) -> Any:
    """A deep copy as ordinary dicts and lists (for printing)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def copy_tree(value: Any) -> Any:
    """A deep copy keeping origins."""
    if isinstance(value, OTable):
        out = OTable(origin=value.origin)
        for key, item in value.items():
            out.put(key, copy_tree(item), value.origins.get(key))
        return out
    if isinstance(value, OList):
        out_list = OList(origin=value.origin)
        for index, item in enumerate(value):
            out_list.put(index, copy_tree(item), value.origins.get(index))
        return out_list
    if isinstance(value, dict):
        return {key: copy_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_tree(item) for item in value]
    return value
