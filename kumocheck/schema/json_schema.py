"""JSON Schema (draft-07, what taplo / Even Better TOML read) generated from rules/ structs.

Generic over StructSpec / FieldSpec / EnumSpec / UnionSpec: the data-file kinds map to
their root structs in rules/policy_extras.toml (`[data_kinds.<kind>] root = ...`). Unknown scalar kinds accept anything, so a
schema never rejects what kumod accepts (never cry wolf in the editor either).
"""

from __future__ import annotations

from typing import Any

from kumocheck.schema.model import INTEGER_RANGES, Schema, StructSpec, TypeRef

_STRINGS = {"string", "throttle", "socket_addr", "mx_name", "url", "cidr", "ip_addr", "host_port", "fancy_regex", "rust_regex"}


def data_file_roots(schema: Schema) -> dict[str, str]:
    """Data-file kind (shaping, sources, ...) -> the struct its root table is."""
    return {name: kind.root for name, kind in schema.extras.kinds.items()}


def struct_schema(schema: Schema, root: str, title: str | None = None) -> dict[str, Any]:
    """A complete JSON Schema document for one struct, with its nested types in `definitions`."""
    definitions: dict[str, Any] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in definitions:
            continue
        definitions[name] = _struct(schema, schema.structs[name], pending)
    document = {"$schema": "http://json-schema.org/draft-07/schema#", "title": title or root}
    document.update(definitions.pop(root))
    if definitions:
        document["definitions"] = definitions
    return document


def _struct(schema: Schema, spec: StructSpec, pending: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": {}}
    if spec.doc:
        out["description"] = spec.doc
    for name, field in spec.fields.items():
        prop = _type(schema, field.type, pending)
        if field.doc:
            prop = {**prop, "description": field.doc}
        if field.default is not None and not isinstance(field.default, dict):
            prop = {**prop, "default": field.default}
        out["properties"][name] = prop
    required = [n for n, f in spec.fields.items() if f.required]
    if required:
        out["required"] = required
    if spec.other_keys is not None:  # names as keys (domains, tenants): each holds this type
        out["additionalProperties"] = _type(schema, spec.other_keys, pending)
    elif spec.unknown_keys == "error":
        out["additionalProperties"] = False
    return out


def _type(schema: Schema, typ: TypeRef, pending: list[str]) -> dict[str, Any]:
    kind = typ.kind
    if kind == "struct" and typ.name in schema.structs:
        pending.append(typ.name)
        return {"$ref": f"#/definitions/{typ.name}"}
    if kind == "list" and typ.item is not None:
        return {"type": "array", "items": _type(schema, typ.item, pending)}
    if kind == "map" and typ.item is not None:
        return {"type": "object", "additionalProperties": _type(schema, typ.item, pending)}
    if kind == "one_or_list" and typ.item is not None:
        item = _type(schema, typ.item, pending)
        return {"anyOf": [item, {"type": "array", "items": item}]}
    if kind == "enum" and typ.name in schema.enums:
        return {"enum": list(schema.enums[typ.name].variants)}
    if kind == "union" and typ.name in schema.unions:
        return {"anyOf": [_type(schema, v, pending) for v in schema.unions[typ.name].variants]}
    if kind in INTEGER_RANGES:
        low, high = INTEGER_RANGES[kind]
        return {"type": "integer", "minimum": low, "maximum": high}
    if kind == "bool":
        return {"type": "boolean"}
    if kind in ("f64", "number"):
        return {"type": "number"}
    if kind == "duration":
        return {"type": ["string", "number"]}
    if kind in _STRINGS:
        return {"type": "string"}
    return {}  # a kind this generator does not know: anything goes
