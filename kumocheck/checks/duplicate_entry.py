"""duplicate-entry: helper data defined again where the later one silently wins or doubles up.

A key written twice in one JSON object (the later one wins); a data file a helper loads
twice (KumoMTA's bundled shaping.toml listed in extra_files without no_default_files: its
automation rules and match lists then apply twice); a source listed in the same pool by two
files (its share doubles); a listener-domains top-level domain that replaces the same domain
under [listener."*"] in the same file.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.checks.data_tables import finding, loaded, tables
from kumocheck.schema.values import TableValue


def check(context: CheckContext) -> Iterator[Finding]:
    yield from _loaded_twice(context)
    yield from _json_keys(context)
    yield from _pool_members(context)
    yield from _listener_domains(context)


def _loaded_twice(context: CheckContext) -> Iterator[Finding]:
    for call in {id(d.call): d.call for d in context.model.data_files if d.call is not None}.values():
        seen: dict[str, object] = {}
        for data in context.model.data_files:
            if data.call is not call or data.named is None:
                continue
            key = str(data.path.resolve()) if data.path is not None else data.named
            if key in seen and data.span is not None and data.span is not call.span:
                bundled = " (it is KumoMTA's default file, loaded first unless no_default_files = true)" if data.bundled else ""
                yield finding(
                    "duplicate-entry",
                    data.span,
                    data.file,
                    f"'{data.named}' is loaded twice by {call.function}{bundled}: its rules and lists apply twice",
                    "list each file once" + ("; or set no_default_files = true" if data.bundled else ""),
                )
            seen.setdefault(key, data)


def _json_keys(context: CheckContext) -> Iterator[Finding]:
    for data, table in loaded(context):
        if data.document is None or getattr(data.document, "fmt", "") != "json":
            continue
        yield from _walk_json(data, table, ())


def _walk_json(data, table: TableValue, path: tuple) -> Iterator[Finding]:
    seen: dict[str, object] = {}
    for name, entry in table.string_keys():
        if name in seen:
            where = ".".join(path + (name,))
            yield finding(
                "duplicate-entry",
                entry.origin,
                data.file,
                f"`{where}` is defined twice in this object: the later one silently replaces the earlier one",
                "merge the two into one",
            )
        seen[name] = entry
        if isinstance(entry.value, TableValue):
            yield from _walk_json(data, entry.value, path + (name,))


def _pool_members(context: CheckContext) -> Iterator[Finding]:
    listed: dict[tuple[str, str], str] = {}
    for data, table in loaded(context, "sources"):
        for pool, _, members in tables(table, "pool"):
            for name, entry in members.string_keys():
                here = getattr(entry.origin, "file", None) or data.file
                earlier = listed.get((pool, name))
                if earlier is not None and earlier != here:
                    yield finding(
                        "duplicate-entry",
                        entry.origin,
                        data.file,
                        f"source '{name}' is already in pool '{pool}' (in {earlier}): pools from several files are "
                        "appended, so it gets two entries and twice its share",
                        "list each source of a pool in one file",
                    )
                listed.setdefault((pool, name), here)


def _listener_domains(context: CheckContext) -> Iterator[Finding]:
    for data, table in loaded(context, "listener-domains"):
        listener = table.get(b"listener")
        if listener is None or not isinstance(listener.value, TableValue):
            continue
        star = listener.value.get(b"*")
        if star is None or not isinstance(star.value, TableValue):
            continue
        top = {name for name, _ in table.string_keys() if name != "listener"}
        for name, entry in star.value.string_keys():
            if name in top:
                yield finding(
                    "duplicate-entry",
                    entry.origin,
                    data.file,
                    f"domain '{name}' is also a top-level entry of this file, which replaces this one whole",
                    "keep one entry for the domain",
                )
