"""Completion and hover in TOML (and completion in JSON) data files, from the data-file
grammars in rules/.

A data file's kind (queues, sources, shaping, ...) names its top-level struct; the
`[table.header]` above the cursor and the dotted key being typed walk down from there
through the same struct, map and `flatten` types the Lua side uses. Like the Lua scan,
this reads lines, not a parse: it works on half-typed text.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from lsprotocol import types

from kumocheck.schema.model import Schema
from kumocheck.server.completion import Suggestion, enum_variants
from kumocheck.server.context import Owner, Token, field_type, owner_for_type, owner_of_struct, tokens
from kumocheck.server.hover import key_markdown

_HEADER = re.compile(r"^[ \t]*(\[\[?)[ \t]*([^\]\n#]*?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.M)
_KEY_PART = re.compile(r"""[ \t]*(?:"((?:[^"\\\n]|\\.)*)"|'([^'\n]*)'|([A-Za-z0-9_-]+))[ \t]*""")
_KEY_LINE = re.compile(r"""^[ \t]*(?P<key>(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'))*)[ \t]*=""", re.M)


def split_key(text: str) -> list[str] | None:
    """`a."b.c".d` as ["a", "b.c", "d"]; None when it is not a (complete) dotted key."""
    parts, position = [], 0
    while True:
        match = _KEY_PART.match(text, position)
        if match is None or match.end() == position:
            return None
        parts.append(next(g for g in match.groups() if g is not None))
        position = match.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return None
        position += 1


def root_owner(schema: Schema, file_name: str) -> Owner | None:
    """The top-level object of a data file, by its kind's conventional name."""
    extras = getattr(schema, "extras", None)  # rules/policy_extras.toml (data-file grammars)
    if extras is None:
        return None
    kind = extras.kind_for_name(PurePosixPath(file_name).name)
    struct = schema.structs.get(extras.kinds[kind].root) if kind in extras.kinds else None
    return owner_of_struct(schema, struct) if struct is not None else None


def _walk(schema: Schema, owner: Owner | None, path: list[str]) -> Owner | None:
    for part in path:
        if owner is None:
            return None
        ref = field_type(owner, part)
        if ref is not None and ref.kind == "list":
            ref = ref.item  # [[array.of.tables]]: the item
        owner = owner_for_type(schema, ref)
    return owner


def _table_at(schema: Schema, root: Owner, text: str, offset: int) -> tuple[Owner | None, set[str]]:
    """The object of the table the cursor is in, and the keys already written in it."""
    headers = list(_HEADER.finditer(text, 0, offset))
    start = headers[-1].end() if headers else 0
    owner = root
    if headers:
        path = split_key(headers[-1].group(2))
        owner = _walk(schema, root, path) if path else None
    following = _HEADER.search(text, offset)
    body = text[start: following.start() if following else len(text)]
    written = set()
    for match in _KEY_LINE.finditer(body):
        key = split_key(match.group("key"))
        if key and len(key) == 1:
            written.add(key[0])
    return owner, written


def complete_toml(schema: Schema, file_name: str, text: str, offset: int) -> list[Suggestion]:
    """Keys of the table at the cursor, or enum values after `key = "`."""
    root = root_owner(schema, file_name)
    if root is None:
        return []
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    if "#" in before and not re.search(r"""["']""", before.split("#")[0]):
        return []
    owner, written = _table_at(schema, root, text, line_start)
    value = re.match(r"""^[ \t]*(?P<key>[^=#\[]+?)[ \t]*=[ \t]*(?P<quote>["']?)(?P<partial>[A-Za-z0-9_-]*)$""", before)
    if value is not None:
        path = split_key(value.group("key"))
        if not path:
            return []
        ref = field_type(_walk(schema, owner, path[:-1]), path[-1])
        quote = value.group("quote")
        start = offset - len(value.group("partial"))
        return [
            Suggestion(v, types.CompletionItemKind.EnumMember, path[-1], insert=v if quote else f'"{v}"', start=start)
            for v in enum_variants(schema, ref)
        ]
    typing = re.match(r"""^[ \t]*(?P<key>(?:[A-Za-z0-9_-]+[ \t]*\.[ \t]*)*)(?P<partial>[A-Za-z0-9_-]*)$""", before)
    if typing is None or before.lstrip().startswith("["):
        return []
    prefix = [p.strip() for p in typing.group("key").split(".") if p.strip()]
    target = _walk(schema, owner, prefix)
    if target is None:
        return []
    start = offset - len(typing.group("partial"))
    taken = written if not prefix else set()
    return [
        Suggestion(key, types.CompletionItemKind.Field, "", key_markdown(target, key) or "", f"{key} = ", start)
        for key in target.keys()
        if key not in taken and not getattr(target.fields.get(key), "undocumented", False)
    ]


def hover_toml(schema: Schema, file_name: str, text: str, offset: int) -> tuple[str, int, int] | None:
    """The docs of the key at the cursor, for the table it is written in."""
    root = root_owner(schema, file_name)
    if root is None:
        return None
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = len(text) if (end := text.find("\n", offset)) < 0 else end
    match = _KEY_LINE.match(text, line_start, line_end)
    if match is None or offset > match.end("key"):
        return None
    path = split_key(match.group("key"))
    if not path:
        return None
    owner, _ = _table_at(schema, root, text, line_start)
    owner = _walk(schema, owner, path[:-1])
    doc = key_markdown(owner, path[-1]) if owner is not None else None
    return (doc, match.start("key"), match.end("key")) if doc else None


def _json_path(text: str, offset: int) -> tuple[list[str] | None, list[Token], set[str]]:
    """The keys leading to the object open at `offset` (None inside an array), the tokens
    before the cursor, and the keys already written in that object."""
    stack: list[tuple[str | None, set[str]]] = []  # per open bracket: its key (None: array / item)
    recent: list[Token] = []
    for token in tokens(text[:offset]):
        if token.text in ("{", "["):
            key = recent[-2].text[1:-1] if len(recent) >= 2 and recent[-1].text == ":" and recent[-2].kind == "string" else None
            stack.append((key if token.text == "{" else "[", set()))
        elif token.text in ("}", "]"):
            if stack:
                stack.pop()
        elif token.text == ":" and recent and recent[-1].kind == "string" and stack:
            stack[-1][1].add(recent[-1].text[1:-1])
        recent.append(token)
        if len(recent) > 64:
            del recent[:32]
    if not stack or any(key == "[" for key, _ in stack[1:]) or stack[0][0] == "[":
        return None, recent, set()
    return [key or "" for key, _ in stack[1:]], recent, stack[-1][1]


def complete_json(schema: Schema, file_name: str, text: str, offset: int) -> list[Suggestion]:
    """Keys of the JSON object at the cursor (as `"key": `), or enum values after `"key": "`."""
    root = root_owner(schema, file_name)
    if root is None:
        return []
    path, recent, written = _json_path(text, offset)
    if path is None:
        return []
    owner = _walk(schema, root, path)
    last = recent[-1] if recent else None
    typing = last is not None and last.kind == "string" and last.end == offset and not last.text.endswith('"', 1)
    before = recent[-2] if typing and len(recent) >= 2 else (last if not typing else None)
    if typing and before is not None and before.text == ":" and len(recent) >= 3 and recent[-3].kind == "string":
        ref = field_type(owner, recent[-3].text[1:-1])
        return [Suggestion(v, types.CompletionItemKind.EnumMember, start=last.start + 1) for v in enum_variants(schema, ref)]
    if owner is None or before is None or before.text not in ("{", ","):
        return []
    start = last.start if typing else offset
    return [
        Suggestion(key, types.CompletionItemKind.Field, "", key_markdown(owner, key) or "", f'"{key}": ', start, f'"{key}"')
        for key in owner.keys()
        if key not in written and not getattr(owner.fields.get(key), "undocumented", False)
    ]
