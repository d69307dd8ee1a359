"""How a policy sets the policy-extras helpers up, and which data files that makes them load.

The interpreter (kumocheck.model) records each call of a helper's function as a
`HelperCall`; `data_files` turns the set-up calls into `DataFile`s using the helpers' API
in rules/policy_extras.toml. Nothing here needs the Lua front end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Mapping

import attrs

from kumocheck.schema.helpers import HelperCatalogue, MethodSpec
from kumocheck.schema.values import Const, Entry, OneOf, TableValue, Value, options

from kumocheck.extras.paths import REMOTE_PREFIXES, map_data_path


@attrs.define(eq=False)
class HelperCall:
    """`sources:setup {...}`, `log_hooks:new_json {...}`: a call of a helper's function."""

    file: str
    span: Any
    helper: str  # module (policy-extras.sources) or helper object (shaping.configured)
    function: str
    args: list[Value]  # without the helper itself when called as a method
    name_span: Any = None


@attrs.define(eq=False)
class HelperUse:
    """A name read from a helper module or object (`shaping.setup_with_automaton`)."""

    file: str
    span: Any
    helper: str
    name: str


@attrs.define(eq=False)
class DataFile:
    """A data file a helper loads: named in the policy, bundled with KumoMTA, or inline."""

    kind: str
    helper: str
    named: str | None  # the path as written (None for an inline table)
    path: Path | None  # the local file, when it maps into the checked tree
    file: str  # the Lua file that names it
    span: Any  # where it is named
    call: HelperCall | None = None
    bundled: bool = False
    inline: TableValue | None = None
    document: Any = None  # kumocheck.parse.data.DataDocument once read
    missing: bool = False  # maps into the policy tree but is not there

    @property
    def remote(self) -> bool:
        return bool(self.named) and self.named.startswith(REMOTE_PREFIXES)


def method_spec(catalogue: HelperCatalogue, call: HelperCall) -> MethodSpec | None:
    helper = catalogue.helpers.get(call.helper)
    return helper.methods.get(call.function) if helper else None


def options_arg(call: HelperCall) -> Value | None:
    return call.args[0] if call.args else None


def file_list(call: HelperCall, spec: MethodSpec) -> Value | None:
    """The value the helper walks as its file list."""
    arg = options_arg(call)
    if spec.files == "arg" or arg is None:
        return arg
    key = spec.files.removeprefix("option:")
    if isinstance(arg, TableValue):
        entry = arg.get(key.encode())
        return entry.value if entry is not None else None
    return None


def option_value(call: HelperCall, key: str) -> Value | None:
    arg = options_arg(call)
    if isinstance(arg, TableValue):
        entry = arg.get(key.encode())
        return entry.value if entry is not None else None
    return None


def data_files(
    catalogue: HelperCatalogue, calls: list[HelperCall], policy_root: Path, data_paths: Mapping[str, str]
) -> tuple[list[DataFile], bool]:
    """Every data file the set-up calls load, in load order per helper; and whether that
    list is complete (False when a list or a name could not be known statically)."""
    found: list[DataFile] = []
    complete = True
    for call in calls:
        spec = method_spec(catalogue, call)
        if spec is None or not spec.files or not spec.kind:
            continue
        helper = call.helper
        if spec.default_files and not _option_true(call, spec.unless_option):
            if spec.unless_option and _option_unknown(call, spec.unless_option):
                complete = False
            for path in spec.default_files:
                found.append(DataFile(spec.kind, helper, path, None, call.file, call.span, call, bundled=True))
        listed = file_list(call, spec)
        if listed is None:
            continue
        items, known = _items(listed)
        complete = complete and known
        for value in items:
            if isinstance(value, TableValue):
                found.append(DataFile(spec.kind, helper, None, None, call.file, value.origin, call, inline=value))
                continue
            text = value.value.decode("utf-8", "replace")
            bundled = text in catalogue.bundled
            local = None if bundled else map_data_path(text, policy_root, data_paths)
            found.append(DataFile(spec.kind, helper, text, local, call.file, value.origin or call.span, call, bundled=bundled))
    return found, complete


def _items(listed: Value) -> tuple[list[Value], bool]:
    """The strings and inline tables of a file list (ipairs order); known=False if unsure."""
    out: list[Value] = []
    known = True
    for option in options(listed):
        if not isinstance(option, TableValue):
            known = known and isinstance(option, Const)
            continue
        if option.open:
            known = False
        for entry in option.positional():
            for value in options(entry.value):
                if isinstance(value, Const) and isinstance(value.value, bytes):
                    out.append(value)
                elif isinstance(value, TableValue) and not value.array_meta:
                    out.append(value)
                else:
                    known = False
    return out, known and not isinstance(listed, type(None))


def _option_true(call: HelperCall, key: str | None) -> bool:
    if key is None:
        return False
    value = option_value(call, key)
    return isinstance(value, Const) and value.value is True


def _option_unknown(call: HelperCall, key: str) -> bool:
    value = option_value(call, key)
    return value is not None and not isinstance(value, Const)


def bare_string_lists(catalogue: HelperCatalogue, calls: list[HelperCall]) -> Iterator[tuple[HelperCall, Const]]:
    """File lists given as one path string, which these helpers walk as zero files."""
    for call in calls:
        spec = method_spec(catalogue, call)
        if spec is None or not spec.string_loads_nothing:
            continue
        listed = file_list(call, spec)
        if isinstance(listed, Const) and isinstance(listed.value, bytes):
            yield call, listed


def snapshot(value: Value, depth: int = 0) -> Value:
    """A copy of a value as it is now (the interpreter later marks escaped tables open)."""
    if depth > 12:
        return value
    if isinstance(value, TableValue):
        return attrs.evolve(
            value,
            entries=[Entry(e.key, snapshot(e.value, depth + 1), e.origin) for e in value.entries],
        )
    if isinstance(value, OneOf):
        return OneOf(tuple(snapshot(o, depth + 1) for o in value.options))
    return value
