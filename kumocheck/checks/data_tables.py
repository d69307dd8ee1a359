"""Walking the helpers' data (files and inline tables) for the data-file checks."""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.extras.setup import DataFile
from kumocheck.schema.values import Const, Entry, TableValue


def loaded(context: CheckContext, kind: str | None = None) -> Iterator[tuple[DataFile, TableValue]]:
    """(data file, its top-level table) for every file or inline table read, in load order."""
    seen: set[int] = set()
    for data in context.model.data_files:
        if kind is not None and data.kind != kind:
            continue
        table = data.inline if data.inline is not None else getattr(data.document, "root", None)
        if isinstance(table, TableValue) and id(table) not in seen:
            seen.add(id(table))
            yield data, table


def tables(table: TableValue, key: str) -> Iterator[tuple[str, Entry, TableValue]]:
    """(name, entry, sub-table) of each table-valued key of `table[key]`."""
    entry = table.get(key.encode())
    if entry is None or not isinstance(entry.value, TableValue):
        return
    for name, sub in entry.value.string_keys():
        if isinstance(sub.value, TableValue):
            yield name, sub, sub.value


def string_of(table: TableValue, key: str) -> tuple[str, Const] | None:
    entry = table.get(key.encode())
    if entry is not None and isinstance(entry.value, Const) and isinstance(entry.value.value, bytes):
        return entry.value.value.decode("utf-8", "replace"), entry.value
    return None


def has_key(table: TableValue, key: str) -> Entry | None:
    return table.get(key.encode())


def complete(context: CheckContext, kind: str) -> bool:
    """True when every file of `kind` the policy loads was read (names can be trusted)."""
    model = context.model
    if not model.data_files_complete:
        return False
    files = [d for d in model.data_files if d.kind == kind]
    if not files:
        return False
    return all(d.inline is not None or d.document is not None or d.bundled for d in files)


def finding(rule: str, span, default_file: str, message: str, help_text: str | None = None, severity: str | None = None) -> Finding:
    return Finding(rule, file_of(span, default_file), span, message, help_text, severity)
