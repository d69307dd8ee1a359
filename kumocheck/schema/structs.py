"""Struct judging: keyed and positional structs, unions of structs, unknown-key hints.

A mixin of `kumocheck.schema.validate.Validator` (which supplies `schema`,
`target_version`, `validate`, `_one`, `_wrong_type`, `_homes`, `_entry_tree` and
`_entry_constructor`).
"""

from __future__ import annotations

from typing import Iterator

import attrs

from kumocheck.schema.problems import Path, Problem, fix_level, is_nil, nearest, path_text, value_origin
from kumocheck.schema.model import newer_than, Schema, StructSpec, TypeRef, UnionSpec
from kumocheck.schema.values import Const, Entry, Opaque, TableValue, Unknown, Value

UNKNOWN_KEYS_REJECTED_SINCE = "2023.06.22-51b72a83"  # before that, unknown keys were ignored


class StructChecks:
    """Structs and unions: tables decoded field by field."""

    def _struct(self, value: Value, spec: StructSpec, path: Path) -> Iterator[Problem]:
        if isinstance(value, Const) and value.value is None and path:
            return
        if not isinstance(value, TableValue):
            if isinstance(value, Opaque) and value.kind == "config" and not path:
                return  # make_queue_config(existing_config): materialized and re-read
            yield self._wrong_type(value, TypeRef("struct", name=spec.name), path, self._struct_hint(spec))
            return
        positional = value.positional()
        if positional and spec.decode == "buffered":
            yield from self._positional_struct(value, positional, spec, path)
            return
        placeholder = _is_placeholder(value)
        for entry in value.entries:
            if isinstance(entry.key, Const) and isinstance(entry.key.value, bytes):
                continue
            if isinstance(entry.key, Const) and spec.decode == "direct" and not placeholder:
                yield Problem(
                    "invalid-type",
                    f"positional value in {self._struct_name(spec, path)}: keys must be field names "
                    "(kumod: 'expected field identifier')",
                    value_origin(entry.value) or entry.origin,
                    path,
                    help="write key = value",
                )
        for key, entry in value.string_keys():
            if is_nil(entry.value):
                continue  # `k = nil` (in the constructor or later): the key is not there
            field = spec.fields.get(key)
            if field is None and spec.other_keys is not None and (
                spec.other_keys.kind not in ("struct", "map") or isinstance(entry.value, TableValue)
            ):
                yield from self.validate(entry.value, spec.other_keys, path + (key,))
                continue
            if field is None:
                if value.keys_uncertain:
                    continue  # keys were deleted by code we cannot follow
                yield self._unknown_key(key, entry, spec, path)
                continue
            if newer_than(field.since, self.target_version):
                yield Problem(
                    "requires-newer-kumomta",
                    f"`{path_text(path + (key,))}` needs KumoMTA "
                    + ("newer than any release (dev)" if field.since == "dev" else f"{field.since.split('-')[0]} or later")
                    + " "
                    f"(target-version is {self.target_version})"
                    + (
                        ": kumod rejects the unknown key"
                        if spec.unknown_keys == "error" and not newer_than(UNKNOWN_KEYS_REJECTED_SINCE, self.target_version)
                        else ": kumod ignores it"
                    ),
                    entry.origin,
                    path + (key,),
                    help="raise target-version after upgrading KumoMTA, or drop the key",
                )
            yield from self.validate(entry.value, field.type, path + (key,))
        if not value.open and not placeholder:
            present = {key for key, entry in value.string_keys() if not is_nil(entry.value)}
            missing = [name for name in spec.required if name not in present]
            if _looks_like_excerpt(spec, missing, present - set(spec.fields)):
                missing = []
            for name in missing:
                if name not in present:
                    yield Problem(
                        "missing-key",
                        f"{self._struct_name(spec, path)} is missing the required key `{name}`",
                        value.origin,
                        path + (name,),
                        help=spec.fields[name].doc or None,
                    )

    def _positional_struct(
        self, value: TableValue, items: list[Entry], spec: StructSpec, path: Path
    ) -> Iterator[Problem]:
        fields = list(spec.fields.values())
        if len(items) > len(fields):
            yield Problem(
                "invalid-value",
                f"{self._struct_name(spec, path)} written positionally has {len(items)} values "
                f"but only {len(fields)} fields ({', '.join(f.name for f in fields)})",
                value.origin,
                path,
            )
        for field, entry in zip(fields, items):
            yield from self.validate(entry.value, field.type, path + (field.name,))
        if len(items) < len(spec.required):
            missing = [name for name in spec.required if name not in [f.name for f in fields[: len(items)]]]
            for name in missing:
                yield Problem(
                    "missing-key",
                    f"{self._struct_name(spec, path)} is missing the required key `{name}`",
                    value.origin,
                    path + (name,),
                )

    def _struct_name(self, spec: StructSpec, path: Path) -> str:
        if spec.constructor and not (path and spec.name in self._entry_tree):
            return spec.constructor.replace("kumo.", "")
        if not path and spec.name != self.schema.entry_struct:
            return "the " + (spec.object or spec.name).replace("_", " ") + " table"
        return f"`{path_text(path)}`"

    def _struct_hint(self, spec: StructSpec) -> str | None:
        keys = ", ".join(spec.fields)
        return f"write a table with keys {keys}" if keys else None

    def _unknown_key(self, key: str, entry: Entry, spec: StructSpec, path: Path) -> Problem:
        ignored = spec.unknown_keys == "ignore"
        where = self._struct_name(spec, path) if spec.constructor or not path else f"`{path_text(path)}`"
        candidates = tuple(spec.fields)
        if spec.variant:  # next to a protocol variant: any variant's key was meant
            candidates = tuple(n for s in self.schema.structs.values() if s.variant for n in s.fields)
        guess = nearest(key, candidates)
        notes: list[str] = []
        home = self._homes.get(key) if spec.name in self._entry_tree else None
        if home and not guess and home != path:
            notes.append(f"`{key}` belongs in `{path_text(home)}`")
        own = spec.constructor if spec.name not in self._entry_tree else self._entry_constructor
        owners = [o for o in self.schema.foreign_owners(key) if o.constructor and o.constructor != own]
        if owners and not guess and not home:
            owner = owners[0]
            place = f" returned from {owner.event}" if owner.event else ""
            notes.append(
                f"`{key}` is {_article(owner.name)} {owner.name.replace('_', ' ')} option: set it in "
                f"{owner.constructor}{{...}}{place}"
            )
        if owners and guess and not _same_words(key, guess):  # another object's key, exactly
            owner = owners[0]
            place = f" returned from {owner.event}" if owner.event else ""
            notes = [
                f"`{key}` is {_article(owner.name)} {owner.name.replace('_', ' ')} option: set it in "
                f"{owner.constructor}{{...}}{place}; or did you mean `{guess}`?"
            ]
            guess = None
        elif guess:
            notes.insert(0, f"did you mean `{guess}`?")
        if ignored:
            message = f"key `{key}` in {where} is ignored by kumod: the setting has no effect"
        else:
            message = f"unknown key `{key}` in {where}: kumod rejects this config"
        return Problem(
            "unknown-key",
            message,
            entry.origin,
            path + (key,),
            help="; ".join(notes) if notes else "valid keys: " + ", ".join(spec.fields),
            severity="warning" if ignored else None,
            replacement=guess,
            fix_applicability=fix_level(key, candidates),
        )

    def _reachable(self, struct: str) -> frozenset[str]:
        """Every struct nested (at any depth) in `struct`, and itself."""
        seen: set[str] = set()
        todo = [struct]
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            for field in self.schema.structs[name].fields.values():
                todo.extend(_structs_of(self.schema, field.type))
        return frozenset(seen)

    def _key_homes(self) -> dict[str, Path]:
        """Where each key of a nested struct lives, for 'belongs in' hints."""
        homes: dict[str, Path] = {}

        def walk(struct: str, path: Path, depth: int) -> None:
            if depth > 4:
                return
            for name, field in self.schema.structs[struct].fields.items():
                homes.setdefault(name, path + (name,))
                for sub in _structs_of(self.schema, field.type):
                    walk(sub, path + (name,), depth + 1)

        walk(self.schema.entry_struct, (), 0)
        return {key: where[:-1] or where for key, where in homes.items()}

    # -- unions --------------------------------------------------------------------

    def _union(self, value: Value, spec: UnionSpec, path: Path) -> Iterator[Problem]:
        if isinstance(value, Const) and value.value is None:
            return
        structs = [v for v in spec.variants if v.kind == "struct"]
        scalars = [v for v in spec.variants if v.kind != "struct"]
        if isinstance(value, Const) and scalars:
            yield from self._union_scalar(value, scalars, path)
            return
        if not isinstance(value, TableValue) or not structs:
            yield self._wrong_type(value, TypeRef("union", name=spec.name), path, self._union_hint(structs) if structs else None)
            return
        if len(structs) > 1:
            yield from self._tagged_by_keys(value, structs, path, spec.what)
        else:
            yield from self._struct(value, self.schema.structs[structs[0].name], path)

    def _union_scalar(self, value: Const, scalars: list[TypeRef], path: Path) -> Iterator[Problem]:
        """A scalar against the scalar variants: the first that decodes wins, else the closest one's problems."""
        attempts = [list(self._one(value, variant, path)) for variant in scalars]
        if any(not any(p.is_error for p in problems) for problems in attempts):
            return
        typed = [index for index, problems in enumerate(attempts) if not any(p.rule == "invalid-type" for p in problems)]
        chosen = typed[0] if typed else 0
        others = " or ".join(v.describe() for i, v in enumerate(scalars) if i != chosen)
        for problem in attempts[chosen]:
            yield attrs.evolve(problem, help=f"{problem.help}; or {others}" if problem.help else f"or {others}")

    def _union_hint(self, structs: list[TypeRef]) -> str:
        shapes = []
        for ref in structs:
            spec = self.schema.structs[ref.name]
            shapes.append("{ " + ", ".join(f"{k} = ..." for k in spec.required) + " }")
        return "write one of " + ", ".join(shapes)

    def _tagged_by_keys(
        self, value: TableValue, structs: list[TypeRef], path: Path, what: str = "delivery protocol"
    ) -> Iterator[Problem]:
        keys = {key for key, entry in value.string_keys() if not is_nil(entry.value)}
        specs = [self.schema.structs[ref.name] for ref in structs]
        candidates = [spec for spec in specs if set(spec.required) <= keys]
        if not candidates:
            if value.open:
                return
            discriminants = [name for spec in specs for name in spec.required]
            guesses = {key: nearest(key, discriminants) for key in keys}
            hint = "; ".join(f"`{key}`: did you mean `{g}`?" for key, g in guesses.items() if g)
            yield Problem(
                "invalid-value",
                f"`{path_text(path)}` matches no {what}: it needs one of "
                + ", ".join(f"`{d}`" for d in discriminants),
                value.origin,
                path,
                help=hint or self._union_hint(structs),
                replacement=None,
            )
            return
        results = [(spec, list(self._struct(value, spec, path))) for spec in candidates]
        clean = [pair for pair in results if not any(p.is_error for p in pair[1])]
        _, problems = clean[0] if clean else results[0]
        other_variant_keys = {name for spec in specs for name in spec.fields}
        for problem in problems:
            if problem.rule == "unknown-key" and len(problem.path) == len(path) + 1 and problem.path[-1] in other_variant_keys:
                continue  # another variant's key: reported once below
            yield problem
        if len(candidates) > 1:
            winner = (clean[0] if clean else results[0])[0]
            for loser in candidates:
                if loser is winner:
                    continue
                yield Problem(
                    "invalid-value",
                    f"`{path_text(path)}` sets both `{winner.required[0]}` and `{loser.required[0]}`: "
                    f"kumod uses `{winner.required[0]}` and ignores `{loser.required[0]}`",
                    value.origin,
                    path,
                    severity="warning",
                    help=f"keep only one {what}" + (" per queue" if what == "delivery protocol" else ""),
                )


def _structs_of(schema: Schema, typ: TypeRef) -> list[str]:
    if typ.kind == "struct":
        return [typ.name]
    if typ.kind == "list" and typ.item is not None:
        return _structs_of(schema, typ.item)
    if typ.kind == "union":
        return [n for v in schema.unions[typ.name].variants for n in _structs_of(schema, v)]
    return []


def _same_words(key: str, candidate: str) -> bool:
    """Only case or separators differ: `Max_Ready` for `max_ready`."""
    return key.replace("_", "").replace("-", "").lower() == candidate.replace("_", "").lower()


def _is_placeholder(table: TableValue) -> bool:
    """`{ PARAMS }` as documentation writes it: one positional value nothing knows."""
    return len(table.entries) == 1 and isinstance(table.entries[0].key, Const) and isinstance(
        table.entries[0].key.value, int
    ) and isinstance(table.entries[0].value, Unknown)


def _looks_like_excerpt(spec: StructSpec, missing: list[str], unknown: set[str]) -> bool:
    """A table giving one aspect of a many-keyed struct (`rsa_sha256_signer { key = ... }`):
    most required keys left out and none misspelled. Not reported: when unsure, say nothing."""
    required = spec.required
    if len(required) < 3 or len(missing) * 2 <= len(required):
        return False
    return not any(nearest(key, missing) for key in unknown)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"

