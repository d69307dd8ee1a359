"""Data files (TOML and JSON) read into the positional tree of `kumocheck.schema.values`.

`read_data(source, fmt)` returns a `DataDocument`: tables are `TableValue`s (origin: the
table header, inline table or `{`), each key an `Entry` whose key is `Const(b"name")` at the
key's span, scalars `Const` (strings as UTF-8 bytes), arrays `TableValue(array_meta=True)`
with keys 1..n, TOML dates and times `Opaque("datetime", origin, detail=<datetime object>)`.
Every span names the file. Text that is not TOML 1.0/1.1 or JSON raises `DataSyntaxError`.
"""

from __future__ import annotations

from typing import Any

import attrs

from kumocheck.parse.common import Comment, SourceSyntaxError, SyntaxProblem
from kumocheck.parse.json import JsonSyntaxError, read_json
from kumocheck.parse.toml import TomlSyntaxError, read_toml
from kumocheck.schema.values import Const, Opaque, TableValue, Value
from kumocheck.source import SourceFile, Span

FORMATS = ("toml", "json")


class DataSyntaxError(SourceSyntaxError):
    """A data file that cannot be read; `problem` has the message and position."""


@attrs.define
class DataDocument:
    """One data file as read: its tree, its comments and any TOML-1.1-only syntax used."""

    root: TableValue
    comments: list[Comment]
    fmt: str
    path: str  # as shown to the user; every span of the tree carries it
    toml11: list[tuple[Span, str]] = attrs.Factory(list)  # TOML-1.1-only syntax: where and what


def read_data(source: SourceFile, fmt: str) -> DataDocument:
    """Read a TOML or JSON data file; raise DataSyntaxError when it is neither."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown data format {fmt!r}")
    if source.too_large:
        raise DataSyntaxError(SyntaxProblem("file is larger than 8 MiB: not checked", 1, 1))
    text = source.text
    nul = text.find("\x00")
    if nul >= 0:  # binary data: say so instead of naming the first odd character
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise DataSyntaxError(SyntaxProblem("NUL byte: this looks like a binary file, not " + fmt.upper(), line, column, column + 1))
    if source.encoding_problem:
        raise DataSyntaxError(SyntaxProblem(f"{source.encoding_problem}: {fmt.upper()} files must be UTF-8", source.encoding_line, 1))
    try:
        if fmt == "toml":
            reader = read_toml(text, source.path)
            return DataDocument(reader.root, reader.comments, fmt, source.path, reader.toml11)
        return DataDocument(read_json(text, source.path), [], fmt, source.path)
    except (TomlSyntaxError, JsonSyntaxError) as exc:
        raise DataSyntaxError(exc.problem) from None


def to_plain(value: Value) -> Any:
    """The tree as plain Python data: dicts (later keys win), lists, str, numbers, datetimes."""
    if isinstance(value, Const):
        return value.value.decode("utf-8", "surrogatepass") if isinstance(value.value, bytes) else value.value
    if isinstance(value, Opaque):
        return value.detail
    if isinstance(value, TableValue):
        if value.array_meta:
            return [to_plain(entry.value) for entry in value.entries]
        return {to_plain(entry.key): to_plain(entry.value) for entry in value.entries}
    raise TypeError(f"not a data value: {value!r}")
