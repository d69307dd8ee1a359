"""What the cursor is in, from a tolerant scan of the Lua text before it.

While the user types, the text rarely parses. So instead of parsing, the text up to the
cursor is lexed (strings and comments skipped correctly) and every still-open `{` and `(`
is remembered with what came just before it: the key it is the value of
(`protocol = {`), or the function it is the argument of (`kumo.make_queue_config {`,
`kumo.define_spool({`). The schema then says which object each open table builds:
`resolve_owner` walks from the constructor through the keys' types, so structs added to
rules/ complete and hover without code changes.
"""

from __future__ import annotations

import re
from typing import Iterator

import attrs

from kumocheck.schema.model import FieldSpec, Schema, StructSpec, TypeRef

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<long>--\[(?P<ceq>=*)\[.*?(?:\](?P=ceq)\]|\Z)|\[(?P<seq>=*)\[.*?(?:\](?P=seq)\]|\Z))
    | (?P<comment>--[^\r\n]*)
    | (?P<string>"(?:[^"\\\r\n]|\\.|\\\r?\n)*(?:"|$)|'(?:[^'\\\r\n]|\\.|\\\r?\n)*(?:'|$))
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>\d[\w.]*)
    | (?P<op>==|~=|<=|>=|\.\.\.|\.\.|::|.)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@attrs.define
class Token:
    kind: str  # name | string | op | number | long
    text: str
    start: int
    end: int


@attrs.define
class Frame:
    """An open `{` or `(`: what it belongs to, and the keys written in it so far."""

    bracket: str  # "{" or "("
    key: str | None = None  # `key = {`
    callee: str | None = None  # `a.b.c {` / `a.b.c({` / `a.b.c(`
    in_call: str | None = None  # the call this table is an argument of
    keys: list[str] = attrs.Factory(list)


def tokens(text: str) -> Iterator[Token]:
    """Lua tokens of `text` (comments and whitespace dropped); never raises."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", "comment", "ceq", "seq"):
            continue
        if kind == "long" and match.group().startswith("--"):
            continue
        yield Token(kind or "op", match.group(), match.start(), match.end())


def _dotted_before(toks: list[Token]) -> str | None:
    """`a.b.c` (or `a:b`) ending the token list, if it does."""
    parts: list[str] = []
    index = len(toks) - 1
    while index >= 0 and toks[index].kind == "name":
        parts.append(toks[index].text)
        if index >= 1 and toks[index - 1].text in (".", ":"):
            index -= 2
            continue
        break
    return ".".join(reversed(parts)) or None


def _key_before(toks: list[Token]) -> str | None:
    """The key of `key =` or `['key'] =` ending the token list."""
    if len(toks) >= 2 and toks[-1].text == "=" and toks[-2].kind == "name":
        return toks[-2].text
    if len(toks) >= 4 and toks[-1].text == "=" and toks[-2].text == "]" and toks[-3].kind == "string":
        return toks[-3].text[1:-1]
    return None


@attrs.define
class Scan:
    """The state at the cursor."""

    frames: list[Frame]
    before: list[Token]  # the tokens before the cursor (last few)
    in_string: Token | None  # the string token the cursor is inside, if any
    in_comment: bool


def scan(text: str, offset: int) -> Scan:
    """Lex `text[:offset]` and report the open brackets and the cursor's token."""
    frames: list[Frame] = []
    recent: list[Token] = []
    in_string = None
    for token in tokens(text[:offset]):
        in_string = None
        if token.kind == "string":
            closed = len(token.text) >= 2 and token.text[-1] == token.text[0]
            if not closed:
                in_string = token
        if token.text in ("{", "("):
            in_call = frames[-1].callee if frames and frames[-1].bracket == "(" else None
            frames.append(Frame(token.text, _key_before(recent), _dotted_before(recent), in_call))
        elif token.text in ("}", ")"):
            if frames:
                frames.pop()
        elif token.text == "=" and frames and frames[-1].bracket == "{":
            key = _key_before([*recent, token])
            if key:
                frames[-1].keys.append(key)
        recent.append(token)
        if len(recent) > 64:
            del recent[:32]
    last = text[:offset]
    comment = _in_line_comment(last) and in_string is None
    return Scan(frames, recent, in_string, comment)


def keys_after(text: str, offset: int, limit: int = 200_000) -> list[str]:
    """Keys written in the open table after `offset` (up to its closing `}`), not counting
    a key the cursor is inside of."""
    found: list[str] = []
    depth = 0
    previous: list[Token] = []
    for token in tokens(text[offset: offset + limit]):
        if token.text in ("{", "(", "["):
            depth += 1
        elif token.text in ("}", ")", "]"):
            depth -= 1
            if depth < 0:
                break
        elif token.text == "=" and depth == 0 and previous and previous[-1].kind == "name":
            if previous[-1].start > 0 or offset == 0 or not (text[offset - 1].isalnum() or text[offset - 1] == "_"):
                found.append(previous[-1].text)
        previous = [token]
    return found


def _in_line_comment(text: str) -> bool:
    """Whether the end of `text` is inside a `--` comment (best effort, line-based)."""
    line = text[text.rfind("\n") + 1:]
    position = 0
    quote = None
    while position < len(line):
        char = line[position]
        if quote:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif line.startswith("--", position):
            return True
        position += 1
    return False


# ---------------------------------------------------------------- what a table builds


@attrs.frozen
class Owner:
    """The object an open table builds: a schema struct, a union or a foreign object."""

    label: str  # shown in hover: the struct's Rust name or the object's name
    fields: dict[str, FieldSpec] = attrs.Factory(dict)
    foreign_keys: dict[str, TypeRef | None] = attrs.Factory(dict)  # keys known without docs
    other: TypeRef | None = None  # the type of any other key (a table of names)
    origins: dict[str, str] = attrs.Factory(dict)  # key -> the struct it is flattened in from

    def knows(self, key: str) -> bool:
        return key in self.fields or key in self.foreign_keys

    def keys(self) -> list[str]:
        return [*self.fields, *(k for k in sorted(self.foreign_keys) if k not in self.fields)]


def owner_of_struct(schema: Schema, struct: StructSpec) -> Owner:
    """A struct's keys, with those of the struct it flattens in (data-file grammars)."""
    fields = dict(struct.fields)
    origins: dict[str, str] = {}
    # `flatten` and `other_keys` exist on structs of data-file grammars (rules/policy_extras.toml)
    flat, seen = getattr(struct, "flatten", None), {struct.name}
    while flat in schema.structs and flat not in seen:
        seen.add(flat)
        for name, spec in schema.structs[flat].fields.items():
            if name not in fields or (fields[name] == spec and name not in origins):
                fields[name], origins[name] = spec, flat  # (also when the loader copied it in)
        flat = getattr(schema.structs[flat], "flatten", None)
    return Owner(struct.name, fields, other=getattr(struct, "other_keys", None), origins=origins)


def owner_for_constructor(schema: Schema, dotted: str) -> Owner | None:
    """What `kumo.make_x { ... }` builds (a struct with that constructor, else an object)."""
    dotted = _normalise(dotted)
    for struct in schema.structs.values():
        if struct.constructor == dotted:
            return owner_of_struct(schema, struct)
    obj = schema.object_for_constructor(dotted) if dotted else None
    if obj is None:
        return None
    struct = schema.structs.get(obj.struct)
    if struct is not None:
        return owner_of_struct(schema, struct)
    return Owner(obj.name, {}, {key: obj.types.get(key) for key in obj.keys})


def _normalise(dotted: str) -> str:
    return dotted.replace(":", ".")


def owner_for_type(schema: Schema, ref: TypeRef | None) -> Owner | None:
    """The object a value of type `ref` is (a struct, a union's variants, a table of names)."""
    if ref is None or ref.kind == "list":
        return None  # a list's table holds items, not keys
    if ref.kind == "one_or_list":
        return owner_for_type(schema, ref.item)
    if ref.kind == "map":
        return Owner(f"table of {type_text(ref.item)}", other=ref.item)
    if ref.kind == "struct" and ref.name in schema.structs:
        return owner_of_struct(schema, schema.structs[ref.name])
    if ref.kind == "union" and ref.name in schema.unions:
        fields: dict[str, FieldSpec] = {}
        for variant in schema.unions[ref.name].variants:
            inner = owner_for_type(schema, variant)
            if inner is not None:
                for name, spec in inner.fields.items():
                    fields.setdefault(name, spec)
        return Owner(ref.name, fields) if fields else None
    return None


def type_text(ref: TypeRef | None) -> str:
    """A type as hover shows it: `duration`, `list of string`, `QueueShrinkPolicy`."""
    if ref is None:
        return ""
    if ref.kind in ("list", "one_or_list", "map"):
        prefix = {"list": "list of", "one_or_list": "one or a list of", "map": "table of names to"}[ref.kind]
        return f"{prefix} {type_text(ref.item)}"
    return ref.name or ref.kind


def resolve_owner(schema: Schema, frames: list[Frame]) -> Owner | None:
    """The object built by the innermost open table, when the schema can tell."""
    owner: Owner | None = None
    items: TypeRef | None = None  # the item type when the current table is a list
    started = False
    for frame in frames:
        if frame.bracket == "(":
            continue
        root = frame.callee or frame.in_call
        constructed = owner_for_constructor(schema, root) if root and frame.key is None else None
        if constructed is not None:
            owner, items, started = constructed, None, True
        elif not started:
            owner = None
        elif frame.key is not None:
            ref = field_type(owner, frame.key)
            if ref is not None and ref.kind == "list":
                owner, items = None, ref.item
            elif ref is not None and ref.kind == "one_or_list":
                owner, items = owner_for_type(schema, ref.item), ref.item
            else:
                owner, items = owner_for_type(schema, ref), None
        elif items is not None:  # `{ ... }` as one item of a list-typed value
            owner, items = owner_for_type(schema, items), (items.item if items.kind == "list" else None)
        else:
            owner = None
    return owner


def field_type(owner: Owner | None, key: str) -> TypeRef | None:
    if owner is None:
        return None
    spec = owner.fields.get(key)
    if spec is not None:
        return spec.type
    return owner.foreign_keys[key] if key in owner.foreign_keys else owner.other


_MEMBER = re.compile(r"(?P<base>[A-Za-z_]\w*(?:\s*[.:]\s*[A-Za-z_]\w*)*)\s*(?P<sep>[.:])\s*(?P<partial>[A-Za-z_]\w*)?$")
_REQUIRE = re.compile(
    r"""\blocal\s+(?P<name>[A-Za-z_]\w*)\s*=\s*require\s*\(?\s*(?P<q>['"])(?P<module>[^'"\n]+)(?P=q)"""
)


def member_access(line_before: str) -> tuple[str, str, str] | None:
    """(`a.b`, separator, partial name) when the cursor ends `a.b.par`; else None."""
    match = _MEMBER.search(line_before)
    if match is None:
        return None
    base = re.sub(r"\s+", "", match.group("base"))
    return base, match.group("sep"), match.group("partial") or ""


def required_modules(text: str) -> dict[str, str]:
    """Local names bound to `require 'module'` anywhere in the text: name -> module."""
    return {m.group("name"): m.group("module") for m in _REQUIRE.finditer(text)}
