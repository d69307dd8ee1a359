"""Completion by context: keys of the object being built, enum values, event names in
`kumo.on`, `kumo.*` members, exports of `require`d helper modules.

The context comes from `kumocheck.server.context.scan` (tolerant of half-typed text); the
names and their docs come from rules/ through `load_schema()`.
"""

from __future__ import annotations

import attrs
from lsprotocol import types

from kumocheck.schema.model import Schema, TypeRef
from kumocheck.server.context import (
    Scan,
    Token,
    field_type,
    keys_after,
    member_access,
    required_modules,
    resolve_owner,
    scan,
)
from kumocheck.server.hover import event_markdown, field_facts, key_markdown


@attrs.frozen
class Suggestion:
    """One completion, independent of the protocol: the text replaces [start, offset)."""

    label: str
    kind: types.CompletionItemKind
    detail: str = ""
    doc: str = ""
    insert: str | None = None
    start: int | None = None  # where the replaced text begins (default: the word at the cursor)
    filter: str | None = None  # what the editor matches the typed text against (default: label)


def enum_variants(schema: Schema, ref: TypeRef | None) -> tuple[str, ...]:
    while ref is not None and ref.kind == "list":
        ref = ref.item
    if ref is None or ref.kind != "enum" or ref.name not in schema.enums:
        return ()
    spec = schema.enums[ref.name]
    return tuple(v for v in spec.variants if v not in spec.undocumented) or spec.variants


def _meaningful(state: Scan, offset: int) -> tuple[Token | None, str, int]:
    """The token before the word being typed, the word's text so far, and its start."""
    before = state.before
    if before and before[-1].kind == "name" and before[-1].end == offset:
        word = before[-1]
        return (before[-2] if len(before) > 1 else None), word.text, word.start
    return (before[-1] if before else None), "", offset


def _events(schema: Schema, quote: str | None, start: int) -> list[Suggestion]:
    out = []
    for name, event in sorted(schema.events.items()):
        out.append(
            Suggestion(
                name,
                types.CompletionItemKind.Event,
                f"({', '.join(event.params)})" + (f" · since {event.since}" if event.since else ""),
                event_markdown(schema, name) or "",
                f"{quote}{name}{quote}" if quote else name,
                start,
            )
        )
    return out


def _kumo_members(schema: Schema, base: str, start: int) -> list[Suggestion]:
    """Members of `kumo` or `kumo.<module>`."""
    module = base[len("kumo"):].lstrip(".")
    api = schema.api
    out: list[Suggestion] = []
    if not module:
        for name, entry in sorted(api.functions.items()):
            out.append(Suggestion(name, types.CompletionItemKind.Function, _since(entry.get("since")), start=start))
        names = {m.split(".")[0] for m in api.modules}
    else:
        entry = api.modules.get(module)
        if entry is None:
            return []
        for name in sorted(entry.get("functions", ())):
            since = entry.get("member_since", {}).get(name) or entry.get("since")
            out.append(Suggestion(name, types.CompletionItemKind.Function, _since(since), start=start))
        names = {m[len(module) + 1:].split(".")[0] for m in api.modules if m.startswith(module + ".")}
    for name in sorted(names - {s.label for s in out}):
        full = f"{module}.{name}" if module else name
        out.append(
            Suggestion(name, types.CompletionItemKind.Module, _since(api.modules.get(full, {}).get("since")), start=start)
        )
    return out


def _since(since: str | None) -> str:
    return f"since {since}" if since else ""


def _helper_members(schema: Schema, module: str, start: int) -> list[Suggestion]:
    entry = schema.api.require_modules.get(module)
    if entry is None:
        return []
    return [
        Suggestion(name, types.CompletionItemKind.Method, f"{module} · {_since(entry.get('since'))}".rstrip(" ·"), start=start)
        for name in entry.get("exports", ())
    ]


def complete(schema: Schema, text: str, offset: int) -> list[Suggestion]:
    """What may be typed at `offset` in the Lua text."""
    state = scan(text, offset)
    if state.in_comment:
        return []
    frame = state.frames[-1] if state.frames else None
    if state.in_string is not None:
        return _in_string(schema, state, state.in_string, offset)
    line_before = text[text.rfind("\n", 0, offset) + 1: offset]
    access = member_access(line_before)
    if access is not None:
        base, _, partial = access
        start = offset - len(partial)
        if base == "kumo" or base.startswith("kumo."):
            return _kumo_members(schema, base, start)
        module = required_modules(text).get(base)
        return _helper_members(schema, module, start) if module else []
    previous, word, start = _meaningful(state, offset)
    if frame is None:
        return []
    if frame.bracket == "(" and frame.callee == "kumo.on" and previous is not None and previous.text == "(":
        return _events(schema, "'", start)
    if frame.bracket != "{":
        return []
    owner = resolve_owner(schema, state.frames)
    if owner is None:
        return []
    if previous is not None and previous.text == "=":
        key = state.before[-2].text if state.before[-1] is previous else state.before[-3].text
        variants = enum_variants(schema, field_type(owner, key))
        return [Suggestion(f"'{v}'", types.CompletionItemKind.EnumMember, key, insert=f"'{v}'", start=start) for v in variants]
    if previous is None or previous.text not in ("{", ",", ";"):
        return []
    written = set(frame.keys) | set(keys_after(text, offset))
    out = []
    for key in owner.keys():
        if key in written:
            continue
        spec = owner.fields.get(key)
        if spec is not None and spec.undocumented:
            continue
        detail = field_facts(owner.label, key, spec, owner.foreign_keys.get(key)).split(" · ", 1)[-1]
        out.append(
            Suggestion(
                key,
                types.CompletionItemKind.Field,
                detail.replace("`", ""),
                key_markdown(owner, key) or "",
                f"{key} = ",
                start,
            )
        )
    return out


def _in_string(schema: Schema, state: Scan, string: Token, offset: int) -> list[Suggestion]:
    """Inside a string literal: an event name, an enum variant or a module name."""
    start = string.start + 1
    before = state.before[:-1]
    previous = before[-1] if before else None
    frame = state.frames[-1] if state.frames else None
    if frame and frame.bracket == "(" and frame.callee == "kumo.on" and previous is not None and previous.text == "(":
        return _events(schema, None, start)
    if previous is not None and previous.text == "require" or (
        frame and frame.bracket == "(" and frame.callee == "require"
    ):
        return [Suggestion(name, types.CompletionItemKind.Module, start=start) for name in sorted(schema.api.require_modules)]
    if frame and frame.bracket == "{" and previous is not None and previous.text == "=" and len(before) >= 2:
        variants = enum_variants(schema, field_type(resolve_owner(schema, state.frames), before[-2].text))
        return [Suggestion(v, types.CompletionItemKind.EnumMember, before[-2].text, start=start) for v in variants]
    return []


def to_lsp_items(suggestions: list[Suggestion], edit_range) -> list[types.CompletionItem]:
    """Suggestions as LSP items; `edit_range(start)` gives the range a suggestion replaces."""
    return [
        types.CompletionItem(
            label=s.label,
            kind=s.kind,
            detail=s.detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=s.doc) if s.doc else None,
            filter_text=s.filter or s.label.strip("'"),
            text_edit=types.TextEdit(range=edit_range(s.start), new_text=s.insert or s.label) if s.start is not None else None,
            insert_text=s.insert,
            sort_text=f"{index:04d}",
        )
        for index, s in enumerate(suggestions)
    ]
