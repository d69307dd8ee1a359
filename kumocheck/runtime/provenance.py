"""Where each value of a queue config came from (read by `kumocheck explain`).

Tracing is off unless a caller (explain, diff's field origins) turns it on with
`tracing()`; when it is off, the only cost in a compiled policy is one flag test per
`kumo.make_queue_config` call and per table constructor that holds queue-config keys.

The compiler emits, per table constructor that names queue-config keys, a static map
`{b'egress_pool': ('policy.lua', 17), ...}` (`build_at`), and per `t.key = v` of such a
key its position (`setindex_at`). While tracing, those maps are attached to the tables
(a weak side table, so LuaTable stays small) and `make_queue_config` turns them into
per-field `Origin`s of the config it builds.

Other producers of config tables (the policy-extras helpers reading data files) attach
origins with `note(table, key, Origin(...))` or `note_all(table, {key: Origin})`: an
Origin can name a data file and line (`kind="data"`, `detail="[tenant.bulk]"`) or a
helper default (`kind="helper-default"`).
"""

from __future__ import annotations

import contextlib
import sys
import weakref
from typing import Any, Callable, Iterator

import attrs

__all__ = ["Origin", "DEFAULT", "STATE", "tracing", "note", "note_all", "attach", "origins_of", "field_origins"]


@attrs.frozen
class Origin:
    """One value's source: a file and line, with what kind of source it is."""

    file: str | None
    line: int | None
    kind: str = "lua"  # "lua" | "data" | "helper-default" | "helper" | "python"
    detail: str | None = None  # e.g. "[tenant.bulk]" or "policy-extras.queue default"

    def to_json(self) -> dict:
        """`{"file": ..., "line": ...}` plus `kind` and, when set, `detail`."""
        out: dict[str, Any] = {"file": self.file, "line": self.line, "kind": self.kind}
        if self.detail:
            out["detail"] = self.detail
        return out

    def describe(self) -> str:
        if self.file is None and self.detail:
            return self.detail
        where = self.file or "?"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where} {self.detail}" if self.detail else where


#: a field the config did not set: KumoMTA's own default
DEFAULT = "default"


class _State:
    """Whether tracing is on, and how to place a Python frame of a compiled module."""

    __slots__ = ("active", "locate")

    def __init__(self) -> None:
        self.active = False
        #: frame -> Origin of the Lua statement it runs, or None (set by the tracer)
        self.locate: Callable[[Any], Origin | None] | None = None


STATE = _State()
_TABLE_ORIGINS: "weakref.WeakKeyDictionary[Any, dict]" = weakref.WeakKeyDictionary()


@contextlib.contextmanager
def tracing(locate: Callable[[Any], Origin | None] | None = None) -> Iterator[None]:
    """Record origins while the block runs (nested use keeps the outer locator)."""
    previous = (STATE.active, STATE.locate)
    STATE.active = True
    if locate is not None:
        STATE.locate = locate
    try:
        yield
    finally:
        STATE.active, STATE.locate = previous


def _origin(value: Any) -> Origin:
    """An Origin from the compiler's (chunk, line), or from a helper's origin object
    (`file`, `line`, optional `table` such as "[tenant.bulk]" and `note`)."""
    if isinstance(value, Origin):
        return value
    if isinstance(value, tuple):
        chunk, line = value
        return Origin(chunk, line)
    table = getattr(value, "table", "") or ""
    note = getattr(value, "note", "") or ""
    if getattr(value, "file", None) is None:
        kind = "helper-default" if "default" in note else "data"
        return Origin(None, None, kind, note or table or None)
    return Origin(value.file, value.line, "data", table or note or None)


def attach(table: Any, static: dict) -> None:
    """The compiler's static key map of a table constructor (while tracing)."""
    _TABLE_ORIGINS[table] = static


def note(table: Any, key: bytes, origin: Origin | tuple) -> None:
    """`table[key]` was written at `origin` (copy-on-write of a shared static map)."""
    current = _TABLE_ORIGINS.get(table)
    updated = dict(current) if current else {}
    updated[key] = origin
    _TABLE_ORIGINS[table] = updated


def note_all(table: Any, origins: dict) -> None:
    """Every key of `origins` (bytes -> Origin) was written at its origin."""
    current = _TABLE_ORIGINS.get(table)
    updated = dict(current) if current else {}
    updated.update(origins)
    _TABLE_ORIGINS[table] = updated


def origins_of(table: Any) -> dict:
    """{key: Origin} recorded for a table (empty when none)."""
    found = _TABLE_ORIGINS.get(table)
    return {key: _origin(value) for key, value in found.items()} if found else {}


def _call_site() -> Origin | None:
    """The Lua statement of the nearest compiled-module frame on the stack."""
    if STATE.locate is None:
        return None
    frame = sys._getframe(2)
    while frame is not None:
        found = STATE.locate(frame)
        if found is not None:
            return found
        frame = frame.f_back
    return None


def field_origins(params: Any, fields: tuple[str, ...], present: Callable[[Any, bytes], bool]) -> dict:
    """Per field: the Origin of the key that set it, or DEFAULT when the table left it out.

    A key set without a recorded position (a dynamic key, a table from a parser) gets
    the position of the make_queue_config call.
    """
    recorded = origins_of(params)
    call_site: list = []
    out: dict[str, Origin | str] = {}
    for name in fields:
        key = name.encode()
        if not present(params, key):
            out[name] = DEFAULT
            continue
        origin = recorded.get(key)
        if origin is None:
            if not call_site:
                call_site.append(_call_site() or Origin(None, None, "python"))
            origin = call_site[0]
        out[name] = origin
    return out
