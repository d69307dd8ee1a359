"""KumoMTA's policy-extras helpers as data: modules, methods, option tables, data-file kinds.

Loaded from rules/policy_extras.toml by `kumocheck.schema.model.load_schema`; option tables
and data-file grammars are ordinary `[structs.X]` there, judged by the same Validator.
"""

from __future__ import annotations

from typing import Any

import attrs


@attrs.frozen
class MethodSpec:
    """A function of a helper module or of an object a helper returns."""

    name: str
    since: str | None = None
    options: str | None = None  # struct name of its options table (argument 1)
    typed: bool = True  # False: unknown option keys are silently ignored
    files: str | None = None  # "arg": argument 1 is the file list; "option:K": options[K] is
    kind: str | None = None  # data-file kind of those files
    string_loads_nothing: bool = False  # a bare path string instead of a list loads nothing
    default_files: tuple[str, ...] = ()  # bundled files loaded first...
    unless_option: str | None = None  # ...unless this option is true
    returns: str | None = None  # helper object name of the result
    doc: str = ""


@attrs.frozen
class HelperSpec:
    """One `require 'policy-extras.X'` module (or an object its functions return)."""

    name: str
    methods: dict[str, MethodSpec]
    fields: tuple[str, ...] = ()  # other names that exist on it (data, not functions)
    since: str | None = None
    label: str | None = None  # how messages name it

    @property
    def shown(self) -> str:
        return self.label or self.name.removeprefix("policy-extras.")

    def knows(self, name: str) -> bool:
        return name in self.methods or name in self.fields


@attrs.frozen
class DataKind:
    """A kind of helper data file: who reads it, its grammar, its conventional names."""

    name: str
    helper: str
    root: str  # struct name of the top-level table
    names: tuple[str, ...] = ()


@attrs.frozen
class BundledFile:
    """A data file KumoMTA ships (e.g. the default shaping.toml): what it defines."""

    path: str
    kind: str
    defines: dict[str, tuple[str, ...]] = attrs.Factory(dict)  # table -> names, e.g. provider -> (google, ...)
    sets: dict[str, tuple[str, ...]] = attrs.Factory(dict)  # "provider.google" -> keys it sets


@attrs.frozen
class HelperCatalogue:
    helpers: dict[str, HelperSpec]
    kinds: dict[str, DataKind]
    bundled: dict[str, BundledFile]  # by path

    @classmethod
    def empty(cls) -> HelperCatalogue:
        return cls({}, {}, {})

    @classmethod
    def load(cls, data: dict[str, Any]) -> HelperCatalogue:
        helpers = {}
        for name, spec in {**data.get("helpers", {}), **data.get("helper_objects", {})}.items():
            methods = {
                method: MethodSpec(
                    name=method,
                    since=m.get("since"),
                    options=m.get("options"),
                    typed=m.get("typed", True),
                    files=m.get("files"),
                    kind=m.get("kind"),
                    string_loads_nothing=m.get("string_loads_nothing", False),
                    default_files=tuple(m.get("default_files", ())),
                    unless_option=m.get("unless_option"),
                    returns=m.get("returns"),
                    doc=m.get("doc", ""),
                )
                for method, m in spec.get("methods", {}).items()
            }
            since = data.get("modules", {}).get(name.removeprefix("policy-extras."), {}).get("since")
            helpers[name] = HelperSpec(name, methods, tuple(spec.get("fields", ())), since, spec.get("label"))
        kinds = {
            name: DataKind(name, spec["helper"], spec["root"], tuple(spec.get("names", ())))
            for name, spec in data.get("data_kinds", {}).items()
        }
        bundled = {
            spec["path"]: BundledFile(
                spec["path"],
                spec["kind"],
                {table: tuple(names) for table, names in spec.get("defines", {}).items()},
                {where: tuple(keys) for where, keys in spec.get("sets", {}).items()},
            )
            for spec in data.get("bundled", {}).values()
        }
        return cls(helpers, kinds, bundled)

    def kind_for_name(self, file_name: str) -> str | None:
        """The kind a conventional file name (shaping.toml, sources.json...) implies."""
        for kind in self.kinds.values():
            if file_name in kind.names:
                return kind.name
        return None


def foreign_structs(objects: dict[str, dict], known: dict[str, Any]) -> dict[str, dict]:
    """`[structs.X]`-shaped data for the objects of rules/egress.toml that no struct types yet.

    Keys with a modelled type are judged; the others accept any value."""
    out: dict[str, dict] = {}
    for data in objects.values():
        name = data.get("struct")
        if not name or name in known:
            continue
        types = data.get("types", {})
        out[name] = {
            "fields": {key: {"type": types.get(key, "any"), "optional": True} for key in data.get("keys", ())},
            "unknown_keys": "error" if data.get("deny_unknown_fields", True) else "ignore",
        }
    return out
