"""The KumoMTA API as data: attrs classes loaded from the TOML files under `rules/`.

Nothing here imports luaparser or jinja2: compiled policies use this through
`kumocheck.runtime`.
"""

from __future__ import annotations

import functools
import tomllib
from typing import Any, Iterator

import attrs

from kumocheck.files import rules_dir  # noqa: F401 (part of this module's API)
from kumocheck.schema.helpers import HelperCatalogue, foreign_structs
from kumocheck.schema.objects import ObjectSpec, load_objects

SCALAR_TYPES = frozenset(
    {"string", "bool", "u8", "u16", "u32", "u64", "usize", "i64", "f64", "duration", "throttle", "socket_addr",
     "url", "mx_name", "limit", "cidr", "ip_addr", "host_port", "any"}
    | {"number", "function", "fancy_regex", "rust_regex"}  # helpers' data and options
)
INTEGER_RANGES = {
    "u8": (0, 2**8 - 1),
    "u16": (0, 2**16 - 1),
    "u32": (0, 2**32 - 1),
    "u64": (0, 2**64 - 1),
    "usize": (0, 2**64 - 1),
    "i64": (-(2**63), 2**63 - 1),
}


@attrs.frozen
class TypeRef:
    """A parsed type expression such as `list:struct:QueueShrinkPolicy`."""

    kind: str  # a scalar type name, or enum | struct | union | list | map
    name: str | None = None  # for enum, struct, union
    item: TypeRef | None = None  # for list, and the values of a map (string keys)

    @classmethod
    def parse(cls, text: str) -> TypeRef:
        head, _, rest = text.partition(":")
        if head in ("list", "map", "one_or_list"):  # map: string keys; one_or_list: T or a list of T
            return cls(head, item=cls.parse(rest))
        if head in ("enum", "struct", "union"):
            return cls(head, name=rest)
        if head not in SCALAR_TYPES:
            raise ValueError(f"unknown type {text!r} in rules data")
        return cls(head)

    def describe(self) -> str:
        """How a message names this type to a user."""
        if self.kind == "list":
            return "a list"
        if self.kind == "map":
            return "a table of named values"
        if self.kind == "one_or_list":
            return f"{self.item.describe()} or a list of them"
        if self.kind in ("struct", "union"):
            return "a table"
        if self.kind == "enum":
            return "a string naming a variant"
        return {
            "string": "a string",
            "bool": "a boolean",
            "u8": "an integer",
            "u16": "an integer",
            "u32": "an integer",
            "u64": "an integer",
            "usize": "an integer",
            "i64": "an integer",
            "f64": "a number",
            "limit": "a limit (a positive integer, or a string like '10' or 'local:10')",
            "cidr": "a CIDR string like '10.0.0.0/8'",
            "ip_addr": "an IP address string",
            "host_port": "a 'host:port' string",
            "any": "a value",
            "duration": "a duration (seconds, or a string like '5m')",
            "throttle": "a throttle string like '100/h'",
            "socket_addr": "an address string",
            "url": "a URL string",
            "mx_name": "a host string",
            "number": "a number",
            "fancy_regex": "a regular expression string",
            "rust_regex": "a regular expression string",
            "function": "a function",
        }[self.kind]


@attrs.frozen
class FieldSpec:
    """One key of a struct."""

    name: str
    type: TypeRef
    required: bool = False
    optional: bool = False
    default: Any = None
    since: str | None = None
    undocumented: bool = False
    doc: str = ""


@attrs.frozen
class StructSpec:
    """A table shape: its keys and how kumod decodes it."""

    name: str
    fields: dict[str, FieldSpec]
    unknown_keys: str  # "error" | "ignore"
    decode: str  # "direct" | "buffered"
    doc: str = ""
    constructor: str | None = None
    variant: str | None = None
    event: str | None = None  # the event whose handler returns (or receives) this table
    object: str | None = None  # how messages name it: "egress_path" -> "egress path"
    binary: str = "kumod"  # the KumoMTA program that offers the constructor
    also_constructors: tuple[str, ...] = ()  # other functions decoding the same struct
    argument: int = 1  # which argument of the constructor is the table (kumo.memoize: 2)
    other_keys: TypeRef | None = None  # the type of undeclared keys (names: tenants, domains)
    label: str | None = None  # how messages name it (data-file tables)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.fields.items() if spec.required)


@attrs.frozen
class EnumSpec:
    name: str
    variants: tuple[str, ...]
    default: str | None
    undocumented: tuple[str, ...] = ()
    doc: str = ""
    variant_since: dict[str, str] = attrs.Factory(dict)  # variants newer than the enum


@attrs.frozen
class UnionSpec:
    """An untagged serde enum: variants tried in order, the first that decodes wins."""

    name: str
    variants: tuple[TypeRef, ...]
    doc: str = ""
    what: str = "delivery protocol"  # how messages name what the table must match


@attrs.frozen
class ForeignObject:
    """Another KumoMTA object (egress path, listener...): its keys, known as data."""

    name: str
    constructor: str
    event: str | None
    keys: frozenset[str]
    rejects_unknown: bool = True
    required: tuple[str, ...] = ()
    nested: dict[str, str] = attrs.Factory(dict)  # key -> object name of each list element
    types: dict[str, TypeRef] = attrs.Factory(dict)  # value types of the keys that are modelled
    struct: str = ""  # the Rust struct it decodes into (a [structs.X] entry when one exists)


@attrs.frozen
class EventSpec:
    name: str
    params: tuple[str, ...]
    variadic: bool
    multiple: bool
    binary: str
    returns: str
    return_required: bool
    since: str | None
    documented: bool
    summary: str
    former_names: tuple[str, ...] = ()
    param_types: tuple[str, ...] = ()


@attrs.frozen
class RuleSpec:
    """Metadata and documentation of one check."""

    code: str
    name: str
    severity: str
    summary: str
    why: str
    example: str
    fix: str
    example_fixed: str = ""
    fix_applicability: str = "none"  # none | safe | unsafe | varies: what `check --fix` does


@attrs.frozen
class ApiCatalogue:
    """Names reachable as `kumo.X` and `kumo.sub.Y`, and built-in require-able modules."""

    functions: dict[str, dict]
    modules: dict[str, dict]
    require_modules: dict[str, dict]

    def since(self, path: tuple[str, ...]) -> str | None:
        """The release that introduced `kumo.<path>`, when the catalogue knows it."""
        if len(path) == 1:
            entry = self.functions.get(path[0]) or self.modules.get(path[0]) or {}
            return entry.get("since")
        module = self.modules.get(".".join(path[:-1]))
        if module is None:
            return None
        return module.get("member_since", {}).get(path[-1]) or module.get("since")

    def knows(self, path: tuple[str, ...]) -> bool | None:
        """True/False for a `kumo.*` path; None when the catalogue cannot tell."""
        if len(path) == 1:
            return path[0] in self.functions or path[0] in self.modules
        module = ".".join(path[:-1])
        if module not in self.modules:
            return None if self.knows(path[:-1]) is not False else False
        entry = self.modules[module]
        member = path[-1]
        return member in entry.get("functions", ()) or f"{module}.{member}" in self.modules


@attrs.frozen
class Schema:
    """Everything under rules/, loaded once."""

    structs: dict[str, StructSpec]
    enums: dict[str, EnumSpec]
    unions: dict[str, UnionSpec]
    entry_struct: str
    foreign: tuple[ForeignObject, ...]
    events: dict[str, EventSpec]
    user_events: dict[str, dict]
    helper_events: dict[str, dict]
    helper_registrations: dict[str, dict]
    syntax_since: dict[str, dict[str, str]]
    return_constructors: dict[str, str]  # return token -> kumo.make_* function
    nil_return_is_error: frozenset[str]
    program_policy_files: dict[str, str]  # file name -> the KumoMTA program that loads it
    program_init_events: dict[str, str]

    def program_for(self, file_name: str) -> str:
        """Which KumoMTA program loads a policy file of this name."""
        return next((prog for name, prog in self.program_policy_files.items() if file_name.endswith(name)), "kumod")

    def constructor_params(self) -> tuple[str, ...]:
        """What kumod passes a custom_lua constructor."""
        return tuple(self.user_events.get("custom_lua_constructor", {}).get("params", ("domain", "tenant", "campaign")))
    api: ApiCatalogue
    rules: dict[str, RuleSpec]
    returned_structs: dict[str, str] = attrs.Factory(dict)  # event -> struct of its returned table
    call_structs: dict[str, str] = attrs.Factory(dict)  # kumo.define_spool -> DefineSpoolParams
    extras: HelperCatalogue = attrs.Factory(HelperCatalogue.empty)  # rules/policy_extras.toml
    objects: dict[str, ObjectSpec] = attrs.Factory(dict)  # rules/objects.toml: message, connection_meta

    def struct(self, name: str) -> StructSpec:
        return self.structs[name]

    def foreign_owners(self, key: str) -> list[ForeignObject]:
        return [obj for obj in self.foreign if key in obj.keys]

    def foreign_object(self, name: str) -> ForeignObject | None:
        return next((obj for obj in self.foreign if obj.name == name), None)

    def struct_for_call(self, dotted: str) -> StructSpec | None:
        """The typed struct that `kumo.define_spool` and the like decode their table into."""
        name = self.call_structs.get(dotted)
        return self.structs[name] if name else None

    def struct_for_return(self, event: str) -> StructSpec | None:
        """The struct of a plain table a handler returns (smtp_server_get_dynamic_parameters)."""
        name = self.returned_structs.get(event)
        return self.structs.get(name) if name else None

    def object_for_constructor(self, dotted: str) -> ForeignObject | None:
        """The object built by `kumo.make_egress_path` and the like (not make_queue_config)."""
        if dotted == self.structs[self.entry_struct].constructor:
            return None
        return next((obj for obj in self.foreign if obj.constructor == dotted), None)

    def rule(self, name_or_code: str) -> RuleSpec | None:
        if name_or_code in self.rules:
            return self.rules[name_or_code]
        for rule in self.rules.values():
            if rule.code.lower() == name_or_code.lower():
                return rule
        return None

    def iter_fields(self) -> Iterator[tuple[StructSpec, FieldSpec]]:
        for struct in self.structs.values():
            for spec in struct.fields.values():
                yield struct, spec


def release_key(tag: str | None) -> tuple[int, ...]:
    """Order KumoMTA release tags ('2024.09.02-c5476b89'); 'dev' sorts after every release."""
    if not tag:
        return (0,)
    if tag == "dev":
        return (9999,)
    head = tag.split("-")[0]
    try:
        return tuple(int(part) for part in head.split("."))
    except ValueError:
        return (0,)


def newer_than(since: str | None, target: str | None) -> bool:
    """True when something introduced in `since` is missing from release `target`."""
    if not since or not target:
        return False
    return release_key(since) > release_key(target)


def _load(name: str) -> dict:
    path = rules_dir() / name
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _flat_fields(data: dict, everything: dict | None, depth: int = 0) -> dict:
    """A struct's fields with those of its #[serde(flatten)] members beside them (its own win)."""
    merged: dict = {}
    for flattened in data.get("flatten", ()) if depth < 8 else ():
        merged.update(_flat_fields((everything or {})[flattened], everything, depth + 1))
    merged.update(data.get("fields", {}))
    return merged


def _struct(name: str, data: dict, everything: dict | None = None) -> StructSpec:
    data = {**data, "fields": _flat_fields(data, everything)}
    fields = {
        key: FieldSpec(
            name=key,
            type=TypeRef.parse(spec["type"]),
            required=spec.get("required", False),
            optional=spec.get("optional", False),
            default=spec.get("default_value", spec.get("default")),
            since=spec.get("since"),
            undocumented=spec.get("undocumented", False),
            doc=spec.get("doc", ""),
        )
        for key, spec in data.get("fields", {}).items()
    }
    return StructSpec(
        name=name,
        fields=fields,
        unknown_keys=data.get("unknown_keys", "error"),
        decode=data.get("decode", "direct"),
        doc=data.get("doc", ""),
        constructor=data.get("constructor"),
        variant=data.get("variant"),
        other_keys=TypeRef.parse(data["other_keys"]) if "other_keys" in data else None,
        label=data.get("label"),
        event=data.get("event"),
        object=data.get("object"),
        binary=data.get("binary", "kumod"),
        also_constructors=tuple(data.get("also_constructors", ())),
        argument=data.get("argument", 1),
    )


#: rules/ files holding `[structs.*]`, `[enums.*]` and `[unions.*]` in one schema format.
STRUCT_FILES = ("queue_config.toml", "config_calls.toml", "policy_extras.toml")


def _foreign_from_struct(spec: StructSpec) -> ForeignObject:
    """The key-list view of a typed struct that hints ("an egress path option") use."""
    return ForeignObject(
        spec.object or spec.name,
        spec.constructor or "",
        spec.event,
        frozenset(spec.fields),
        spec.unknown_keys == "error",
        spec.required,
        {},
        {name: field.type for name, field in spec.fields.items()},
    )


def _event(name: str, data: dict) -> EventSpec:
    return EventSpec(
        name=name,
        params=tuple(data.get("params", ())),
        variadic=data.get("variadic", False),
        multiple=data.get("multiple", False),
        binary=data.get("binary", "kumod"),
        returns=data.get("returns", "nothing"),
        return_required=data.get("return_required", False),
        since=data.get("since"),
        documented=data.get("documented", True),
        summary=data.get("summary", ""),
        former_names=tuple(data.get("former_names", ())),
        param_types=tuple(data.get("param_types", ())),
    )


@functools.cache
def load_schema() -> Schema:
    """Load and cross-link every rules/ file (cached for the process)."""
    config = _load("queue_config.toml")
    typed: dict[str, dict] = {"structs": {}, "enums": {}, "unions": {}, "returns": {}, "syntax_since": {}}
    for name in STRUCT_FILES:
        data = _load(name)
        for section in typed:
            typed[section].update(data.get(section, {}))
    structs = {name: _struct(name, data, typed["structs"]) for name, data in typed["structs"].items()}
    events = _load("events.toml")
    api = _load("kumo_api.toml")
    egress = _load("egress.toml")
    rules = _load("rules.toml")
    extras = _load("policy_extras.toml")
    for name, data in foreign_structs(egress.get("objects", {}), structs).items():
        structs[name] = _struct(name, data)  # typed by their own branch's [structs.X] when present
    return Schema(
        structs=structs,
        enums={
            name: EnumSpec(
                name,
                tuple(data["variants"]),
                data.get("default"),
                tuple(data.get("undocumented", ())),
                data.get("doc", ""),
                dict(data.get("variant_since", {})),
            )
            for name, data in {**typed["enums"], **egress.get("enums", {})}.items()
        },
        unions={
            name: UnionSpec(
                name,
                tuple(TypeRef.parse(v) for v in data["variants"]),
                data.get("doc", ""),
                data.get("what", "delivery protocol"),
            )
            for name, data in typed["unions"].items()
        },
        entry_struct=config["meta"]["entry_struct"],
        foreign=tuple(
            ForeignObject(
                name,
                data.get("constructor", ""),
                data.get("event"),
                frozenset(data.get("keys", ())),
                data.get("deny_unknown_fields", True),
                tuple(data.get("required", ())),
                dict(data.get("nested", {})),
                {key: TypeRef.parse(text) for key, text in data.get("types", {}).items()},
                data.get("struct", ""),
            )
            for name, data in egress.get("objects", {}).items()
        )
        + tuple(_foreign_from_struct(spec) for spec in structs.values() if spec.object),
        events={name: _event(name, data) for name, data in events.get("events", {}).items()},
        user_events=events.get("user_events", {}),
        helper_events={**events.get("helper_events", {}), **extras.get("helper_events", {})},
        helper_registrations={**events.get("helper_registrations", {}), **extras.get("helper_registrations", {})},
        syntax_since=typed["syntax_since"],
        return_constructors=events.get("meta", {}).get("return_constructors", {}),
        nil_return_is_error=frozenset(events.get("meta", {}).get("nil_return_is_error", ())),
        program_policy_files=events.get("meta", {}).get("program_policy_files", {}),
        program_init_events=events.get("meta", {}).get("program_init_events", {}),
        api=ApiCatalogue(
            functions=api.get("kumo", {}).get("functions", {}),
            modules=api.get("kumo", {}).get("modules", {}),
            require_modules=api.get("require", {}).get("modules", {}),
        ),
        rules={
            name: RuleSpec(name=name, **data) for name, data in rules.get("rules", {}).items()
        },
        returned_structs=dict(typed["returns"]),
        call_structs={
            function: name
            for name, spec in structs.items()
            if spec.constructor and name != config["meta"]["entry_struct"]
            for function in (spec.constructor, *spec.also_constructors)
        },
        extras=HelperCatalogue.load(extras),
        objects=load_objects(_load("objects.toml")),
    )
