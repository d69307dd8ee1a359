"""Hover: a key's documentation for the object it belongs to, event and `kumo.*` docs.

Everything shown comes from rules/ through `load_schema()`.
"""

from __future__ import annotations

import re

from kumocheck.schema.model import FieldSpec, Schema, TypeRef
from kumocheck.server.context import Owner, member_access, owner_of_struct, resolve_owner, scan, type_text

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNED = re.compile(r"""\s*(?:['"]\s*\]\s*)?=(?!=)""")


def field_facts(owner_label: str, name: str, spec: FieldSpec | None, ref: TypeRef | None = None) -> str:
    """`**name** · `Owner` · type · default · since` for one key."""
    facts = [f"`{owner_label}`"]
    if spec is None:
        if ref is not None:
            facts.append(type_text(ref))
        return f"**{name}** · " + " · ".join(facts)
    facts.append(type_text(spec.type))
    if spec.required:
        facts.append("required")
    elif spec.default is not None:
        facts.append(f"default `{spec.default}`")
    elif spec.optional:
        facts.append("optional")
    if spec.since:
        facts.append(f"since {spec.since}")
    return f"**{name}** · " + " · ".join(facts)


def key_markdown(owner: Owner, name: str) -> str | None:
    """Documentation of `name` as a key of `owner` (None when the owner has no such key)."""
    if not owner.knows(name):
        return None
    spec = owner.fields.get(name)
    head = field_facts(owner.origins.get(name, owner.label), name, spec, owner.foreign_keys.get(name))
    return head + ("\n\n" + spec.doc if spec is not None and spec.doc else "")


def key_markdown_anywhere(schema: Schema, name: str) -> str | None:
    """When the table's object is unknown (a local table passed along later): every
    struct that has the key, each named, the queue config first."""
    owners = [s for s in schema.structs.values() if name in s.fields]
    if not owners:
        return None
    owners.sort(key=lambda s: (s.name != schema.entry_struct, s.name))
    return "\n\n---\n\n".join(key_markdown(owner_of_struct(schema, s), name) or "" for s in owners[:3])


def event_markdown(schema: Schema, name: str) -> str | None:
    """Documentation of a KumoMTA event, from rules/events.toml."""
    event = schema.events.get(name)
    if event is None:
        return None
    params = ", ".join(event.params) + (", ..." if event.variadic else "")
    facts = ["KumoMTA event", "several handlers allowed" if event.multiple else "one handler only"]
    if event.since:
        facts.append(f"since {event.since}")
    return f"**{name}({params})** · " + " · ".join(facts) + ("\n\n" + event.summary if event.summary else "")


def api_markdown(schema: Schema, dotted: str) -> str | None:
    """What the catalogue knows about `kumo.<path>`: kind, since, documented."""
    path = tuple(dotted.split(".")[1:])
    if not path or schema.api.knows(path) is not True:
        return None
    entry = schema.api.functions.get(path[0], {}) if len(path) == 1 else {}
    kind = "module" if ".".join(path) in schema.api.modules else entry.get("kind", "function")
    facts = [kind]
    since = schema.api.since(path)
    if since:
        facts.append(f"since {since}")
    if entry.get("deprecated"):
        facts.append(f"deprecated: {entry['deprecated']}")
    if entry.get("binary") and entry["binary"] != "all":
        facts.append(f"in {entry['binary']}")
    return f"**{dotted}** · " + " · ".join(facts)


def hover_at(schema: Schema, text: str, offset: int) -> tuple[str, int, int] | None:
    """Markdown and the character range it explains, for the cursor at `offset`."""
    state = scan(text, offset)
    if state.in_comment:
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = len(text) if (end := text.find("\n", offset)) < 0 else end
    line = text[line_start:line_end]
    index = offset - line_start
    for match in re.finditer(r"""(['"])([^'"\n]*)\1""", line):
        if match.start() <= index < match.end():
            at_string = scan(text, line_start + match.start())
            frame = at_string.frames[-1] if at_string.frames else None
            if frame and frame.bracket == "(" and frame.callee == "kumo.on" and at_string.before[-1].text == "(":
                doc = event_markdown(schema, match.group(2))
                if doc:
                    return doc, line_start + match.start(), line_start + match.end()
            if re.match(r"\s*\]\s*=(?!=)", line[match.end():]):  # `['key'] = value`
                return _key_hover(schema, text, line_start + match.start(), match.group(2), line_start + match.end())
            return None
    for match in _WORD.finditer(line):
        if not match.start() <= index <= match.end() or match.start() == match.end():
            continue
        start, end = line_start + match.start(), line_start + match.end()
        access = member_access(line[: match.end()])
        if access and access[0].split(".")[0] == "kumo":
            doc = api_markdown(schema, f"{access[0]}.{match.group()}")
            return (doc, line_start + line.rfind("kumo", 0, match.start()), end) if doc else None
        if match.group() == "kumo" and line[match.end():].lstrip().startswith("."):
            return None
        if not _ASSIGNED.match(line, match.end()):
            return None
        return _key_hover(schema, text, start, match.group(), end)
    return None


def _key_hover(schema: Schema, text: str, start: int, key: str, end: int) -> tuple[str, int, int] | None:
    """The docs of `key` written at [start, end) in the table open there."""
    frames = scan(text, start).frames
    if not frames or frames[-1].bracket != "{":
        return None
    owner = resolve_owner(schema, frames)
    doc = key_markdown(owner, key) if owner else key_markdown_anywhere(schema, key)
    return (doc, start, end) if doc else None
