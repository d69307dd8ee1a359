"""Judge a value against the `rules/` schema exactly as kumod's serde decode would.

One validator serves the checker (values built from source, with `Unknown` holes that are
never reported) and the runtime (values built from real Lua tables). It yields `Problem`s
named after the checker's rules.
"""

from __future__ import annotations

import difflib
from typing import Any, Iterator

import attrs

from kumocheck.diagnostics import SAFE, UNSAFE
from kumocheck.values import addresses, humantime, throttle
from kumocheck.schema.data_values import DataValueChecks
from kumocheck.schema.string_kinds import STRING_KINDS
from kumocheck.values.regex import regex_problem
from kumocheck.schema.model import (
    INTEGER_RANGES,
    newer_than,
    release_key,
    EnumSpec,
    Schema,
    StructSpec,
    TypeRef,
    UnionSpec,
)
from kumocheck.schema.values import (
    Const,
    Entry,
    OneOf,
    Opaque,
    TableValue,
    Unknown,
    Value,
    describe,
    lua_repr,
)

#: Schema types of regex strings and the engine KumoMTA compiles each with.
REGEX_DIALECTS = {"fancy_regex": "fancy", "rust_regex": "rust"}
REGEX_HELP = {
    "fancy_regex": "KumoMTA compiles this with fancy-regex (Rust regex syntax plus look-around, "
    "backreferences, atomic groups); escape literal characters with a backslash only where the syntax needs it",
    "rust_regex": "KumoMTA compiles this with Rust's regex crate: no look-around or backreferences, "
    "literal braces must be escaped (\\{), only punctuation may be escaped",
}

Path = tuple[str | int, ...]
#: Opaque values that are certainly not data (a function, a module, a config object).
NON_DATA_KINDS = frozenset({"function", "config", "module", "stdlib", "helper", "helper_fn"})
#: Value kinds of the helpers' data and options, judged in kumocheck.schema.data_values.
DATA_KINDS = frozenset({"number", "function", "one_or_list"})
UNKNOWN_KEYS_REJECTED_SINCE = "2023.06.22-51b72a83"  # before that, unknown keys were ignored


@attrs.frozen
class Problem:
    """One reason kumod would refuse (or silently ignore) part of a config."""

    rule: str
    message: str
    origin: Any
    path: Path
    help: str | None = None
    severity: str | None = None  # None: the rule's own severity
    replacement: str | None = None  # text that fixes the span at `origin`
    fix_applicability: str = UNSAFE  # of `replacement`: safe / unsafe / display-only

    @property
    def is_error(self) -> bool:
        return self.severity in (None, "error")


def nearest(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The closest candidate to a misspelling, or None."""
    for candidate in candidates:
        if candidate.lower() == word.lower():
            return candidate
    squashed = word.replace("_", "").replace("-", "").lower()
    for candidate in candidates:
        if candidate.replace("_", "").lower() == squashed:
            return candidate
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.7)
    if found:
        return found[0]
    if len(squashed) >= 6:
        for candidate in candidates:
            if squashed in candidate.replace("_", "").lower():
                return candidate
    return None


def clear_nearest(word: str, candidates: list[str] | tuple[str, ...]) -> bool:
    """True when `nearest(word, candidates)` is the one clear candidate (safe to apply).

    A match ignoring case, `_` and `-` is clear; a fuzzy match is clear when no other
    candidate comes close, or when it is a near miss well ahead of the runner-up; a
    substring match never is."""
    guess = nearest(word, candidates)
    if guess is None:
        return False
    squashed = word.replace("_", "").replace("-", "").lower()
    if guess.lower() == word.lower() or guess.replace("_", "").lower() == squashed:
        return True
    close = difflib.get_close_matches(word, list(candidates), n=2, cutoff=0.7)
    if close[:1] != [guess]:
        return False
    if len(close) == 1:
        return True
    best, second = (difflib.SequenceMatcher(None, word, c).ratio() for c in close)
    return best >= 0.9 and best - second >= 0.1  # one near miss, far ahead of the runner-up


def fix_level(word: str, candidates: list[str] | tuple[str, ...]) -> str:
    """The applicability of replacing `word` with its nearest candidate."""
    return SAFE if clear_nearest(word, candidates) else UNSAFE


def path_text(path: Path) -> str:
    """`protocol.smtp.mx_list[2]` from a key path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "make_queue_config"


def suggest_duration(text: str) -> str | None:
    """What the author probably meant, spelled the way humantime accepts it."""
    from pytimeparse.timeparse import timeparse

    stripped = text.strip()
    if stripped.lstrip("+").isdigit():
        return None  # handled by the caller: a bare number means seconds
    seconds = timeparse(stripped)
    if seconds is None:
        seconds = timeparse(stripped.lower())
    if seconds is None or seconds < 0:
        return None
    whole = int(seconds)
    nanos = int(round((seconds - whole) * 1e9))
    try:
        return humantime.format_duration(whole, nanos)
    except (humantime.DurationError, OverflowError, ValueError):
        return None  # beyond what a Duration holds: no spelling to suggest


class Validator(DataValueChecks):
    """Walks a value and a type side by side."""

    def __init__(self, schema: Schema, target_version: str | None = None):
        self.schema = schema
        self.target_version = target_version
        self._homes = self._key_homes()
        self._entry_constructor = schema.structs[schema.entry_struct].constructor
        self._entry_tree = self._reachable(schema.entry_struct)

    # -- entry points -------------------------------------------------------------

    def validate_config(self, value: Value) -> Iterator[Problem]:
        """Problems of a `make_queue_config` argument."""
        entry = TypeRef("struct", name=self.schema.entry_struct)
        yield from self.validate(value, entry, ())

    def validate_call(self, value: Value, struct: str, function: str) -> Iterator[Problem]:
        """Problems of the table given to `function` (kumo.define_spool...), decoded as `struct`."""
        for option in value.options if isinstance(value, OneOf) else (value,):
            if isinstance(option, Const) and option.value is not None:
                spec = self.schema.structs[struct]
                yield Problem(
                    "invalid-type",
                    f"{function} expects a table, got {describe(option)}",
                    option.origin,
                    (),
                    help=self._struct_hint(spec),
                )
            elif isinstance(option, TableValue):
                yield from self._one(option, TypeRef("struct", name=struct), ())

    def validate(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        for option in value.options if isinstance(value, OneOf) else (value,):
            if isinstance(option, Unknown):
                continue
            if isinstance(option, Opaque) and option.kind not in NON_DATA_KINDS:
                continue  # e.g. the string type(x) returns: not known exactly
            yield from self._one(option, typ, path)

    # -- dispatch ------------------------------------------------------------------

    def _one(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        kind = typ.kind
        if kind in DATA_KINDS:
            yield from self._data_value(value, typ, path)
        elif kind == "struct":
            yield from self._struct(value, self.schema.structs[typ.name], path)
        elif kind == "union":
            yield from self._union(value, self.schema.unions[typ.name], path)
        elif kind == "list":
            yield from self._list(value, typ.item, path)
        elif kind == "map":
            yield from self._map(value, typ, path)
        elif kind == "enum":
            yield from self._enum(value, self.schema.enums[typ.name], path)
        else:
            yield from self._scalar(value, typ, path)

    def _wrong_type(self, value: Value, typ: TypeRef, path: Path, hint: str | None = None) -> Problem:
        return Problem(
            "invalid-type",
            f"`{path_text(path)}` expects {typ.describe()}, got {describe(value)}",
            _origin(value),
            path,
            help=hint or "kumod converts nothing: write the value with the type the key takes",
        )

    # -- scalars -------------------------------------------------------------------

    def _scalar(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        kind = typ.kind
        if kind == "any":
            return
        if kind == "limit" and not (isinstance(value, Const) and isinstance(value.value, bytes)):
            yield from self._limit_number(value, path)
            return
        if kind == "f64" and isinstance(value, Const) and isinstance(value.value, (int, float)):
            if not isinstance(value.value, bool):
                return
        if not isinstance(value, Const) or value.value is None:
            if isinstance(value, Const):
                return  # nil: the key is absent
            yield self._wrong_type(value, typ, path)
            return
        raw = value.value
        if kind == "duration":
            yield from self._duration(value, path)
        elif kind in INTEGER_RANGES:
            yield from self._integer(value, typ, path)
        elif kind == "bool":
            if not isinstance(raw, bool):
                hint = None
                if raw in (0, 1) or raw in (b"true", b"false"):
                    hint = "write true or false"
                yield self._wrong_type(value, typ, path, hint)
        elif not isinstance(raw, bytes):
            hint = None
            if kind == "throttle" and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                hint = f"write a rate string such as '{lua_repr(raw).rstrip('.0') or raw}/s'"
            elif kind in ("string", "mx_name") and isinstance(raw, (int, float)) and not isinstance(raw, bool):
                hint = f"write it as a string: '{lua_repr(raw)}'"
            yield self._wrong_type(value, typ, path, hint)
        else:
            yield from self._string_value(value, raw, typ, path)

    def _string_value(self, value: Const, raw: bytes, typ: TypeRef, path: Path) -> Iterator[Problem]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield Problem("invalid-value", f"`{path_text(path)}` is not valid UTF-8", value.origin, path)
            return
        kind = typ.kind
        if kind == "throttle":
            try:
                throttle.parse_throttle(text)
                yield from self._throttle_syntax_version(value, text, path)
            except throttle.ThrottleError as exc:
                meant = throttle.suggest_throttle(text)
                yield Problem(
                    "invalid-value",
                    f"invalid throttle {lua_repr(raw)} for `{path_text(path)}`: {exc}",
                    value.origin,
                    path,
                    help=f"did you mean '{meant}'?"
                    if meant
                    else "write LIMIT/PERIOD such as '100/h', '10/s' or 'local:50/min,max_burst=5' "
                    "(units s, sec, second, m, min, minute, h, hr, hour, d, day; no plurals, no spaces)",
                    replacement=f"'{meant}'" if meant else None,
                    fix_applicability=SAFE,  # the same rate, respelled
                )
        elif kind == "mx_name":
            problem = addresses.mx_string_problem(text)
            if problem:
                yield Problem(
                    "invalid-value",
                    f"mx_list entry {lua_repr(raw)} will fail at delivery time: {problem}",
                    value.origin,
                    path,
                    severity="warning",
                    help="for an IPv6 address with a port use { name = 'mx', addr = '[::1]:25' }",
                )
        elif kind in STRING_KINDS:
            if kind == "host_port":
                yield from self._host_name_version(value, text, path)
            if kind == "socket_addr":
                yield from self._resolved_addr_version(value, text, path)
            since = self.schema.syntax_since.get("limit", {}).get("string") if kind == "limit" else None
            if newer_than(since, self.target_version):
                yield Problem(
                    "requires-newer-kumomta",
                    f"a limit written as a string ({lua_repr(raw)}) for `{path_text(path)}` needs KumoMTA "
                    f"{since.split('-')[0]} or later (target-version is {self.target_version}): "
                    "older releases take an integer only",
                    value.origin,
                    path,
                    help="write the limit as a number, or raise target-version after upgrading KumoMTA",
                )
            rule = STRING_KINDS[kind]
            problem = rule.problem(text)
            if problem:
                where = "in" if path and isinstance(path[-1], int) else "for"
                yield Problem(
                    "invalid-value",
                    f"invalid {rule.noun} {lua_repr(raw)} {where} `{path_text(path)}`: {problem}",
                    value.origin,
                    path,
                    help=rule.help,
                )
        elif kind in REGEX_DIALECTS:
            refused = regex_problem(text, REGEX_DIALECTS[kind])
            if refused:
                yield Problem(
                    "invalid-regex",
                    f"invalid regex {lua_repr(raw)} for `{path_text(path)}`: {refused.message} "
                    f"(at character {refused.offset + 1})",
                    value.origin,
                    path,
                    help=REGEX_HELP[kind],
                )

    def _host_name_version(self, value: Const, text: str, path: Path) -> Iterator[Problem]:
        """A DNS name where older kumod takes only an IP socket address (proxy servers)."""
        since = self.schema.syntax_since.get("host_port", {}).get("hostname")
        if addresses.host_port_form(text) == "hostname" and newer_than(since, self.target_version):
            yield Problem(
                "requires-newer-kumomta",
                f"a host name in `{path_text(path)}` ({lua_repr(value.value)}) needs KumoMTA "
                + ("newer than any release (dev)" if since == "dev" else f"{since.split('-')[0]} or later")
                + f" (target-version is {self.target_version}): older releases take an IP address and port only",
                value.origin,
                path,
                help="write the proxy's IP address and port, or raise target-version after upgrading KumoMTA",
            )

    def _resolved_addr_version(self, value: Const, text: str, path: Path) -> Iterator[Problem]:
        """An mx_list ``addr`` form newer than target-version: older kumod takes a bare IP only."""
        form = addresses.resolved_addr_form(text)
        since = self.schema.syntax_since.get("socket_addr", {}).get(form or "")
        if newer_than(since, self.target_version):
            label = {"bracketed": "an address in brackets", "unix": "a unix socket path", "port": "a port"}[form]
            older = "a bare IP address only" if form != "port" else "an IP address or unix path without a port"
            yield Problem(
                "requires-newer-kumomta",
                f"`{path_text(path)}` ({lua_repr(value.value)}) uses {label}, which needs KumoMTA "
                f"{since.split('-')[0]} or later (target-version is {self.target_version}): older releases take {older}",
                value.origin,
                path,
                help="raise target-version after upgrading KumoMTA, or write the address in the older form",
            )

    def _throttle_syntax_version(self, value: Const, text: str, path: Path) -> Iterator[Problem]:
        """Throttle syntax newer than target-version: older kumod rejects the spec."""
        if not self.target_version:
            return
        since = self.schema.syntax_since.get("throttle", {})
        rate = text.removeprefix("local:").split(",max_burst=")[0]
        period = rate.partition("/")[2]
        used = {
            "local_prefix": text.startswith("local:"),
            "period_scale": period[:1].isdigit(),
            "max_burst": ",max_burst=" in text,
        }
        labels = {
            "local_prefix": "the 'local:' prefix",
            "period_scale": "a scaled period such as '30minute'",
            "max_burst": "',max_burst='",
        }
        newer = [(since[f], labels[f]) for f, present in used.items() if present and newer_than(since.get(f), self.target_version)]
        if newer:
            needed = max((tag for tag, _ in newer), key=release_key)
            yield Problem(
                "requires-newer-kumomta",
                f"throttle {lua_repr(value.value)} for `{path_text(path)}` uses "
                + " and ".join(label for _, label in newer)
                + f", which needs KumoMTA {needed.split('-')[0]} or later (target-version is {self.target_version})",
                value.origin,
                path,
                help="raise target-version after upgrading KumoMTA, or write the throttle without it",
            )

    def _limit_number(self, value: Value, path: Path) -> Iterator[Problem]:
        """LimitSpec from a Lua number: an integer of at least 1 (its serde visitor)."""
        if isinstance(value, Const) and value.value is None:
            return
        if not isinstance(value, Const) or isinstance(value.value, bool) or not isinstance(value.value, (int, float)):
            yield self._wrong_type(value, TypeRef("limit"), path)
            return
        raw = value.value
        if isinstance(raw, float) and not raw.is_integer():
            yield self._wrong_type(value, TypeRef("limit"), path, "a limit is a whole number")
        elif raw < 1:
            yield Problem(
                "invalid-value",
                f"`{path_text(path)}` must be 1 or larger, got {lua_repr(raw)}",
                value.origin,
                path,
            )

    def _integer(self, value: Const, typ: TypeRef, path: Path) -> Iterator[Problem]:
        raw = value.value
        low, high = INTEGER_RANGES[typ.kind]
        if isinstance(raw, float):
            hint = "a float is never an integer to kumod, even when whole: use // instead of /, or math.tointeger()"
            if raw.is_integer():
                yield Problem(
                    "invalid-type",
                    f"`{path_text(path)}` expects an integer, got the float {lua_repr(raw)}",
                    value.origin,
                    path,
                    help=hint,
                    replacement=str(int(raw)) if abs(raw) < 2**53 else None,
                    fix_applicability=SAFE,  # the same number, written as an integer
                )
            else:
                yield self._wrong_type(value, typ, path, hint)
        elif isinstance(raw, bool) or not isinstance(raw, int):
            hint = None
            if isinstance(raw, bytes) and raw.strip().isdigit():
                hint = (
                    f"write the number without quotes; for permission bits use tonumber('{raw.decode()}', 8)"
                    if path and path[-1] in ("dir_mode", "file_mode")
                    else "write the number without quotes"
                )
            yield self._wrong_type(value, typ, path, hint)
        elif not low <= raw <= high:
            yield Problem(
                "invalid-value",
                f"`{path_text(path)}` must be between {low} and {high}, got {raw}",
                value.origin,
                path,
            )

    def _duration(self, value: Const, path: Path) -> Iterator[Problem]:
        raw = value.value
        where = f"`{path_text(path)}`"
        if isinstance(raw, bool) or not isinstance(raw, (int, float, bytes)):
            yield self._wrong_type(value, TypeRef("duration"), path)
            return
        if isinstance(raw, (int, float)):
            try:
                humantime.duration_from_seconds(raw)
            except humantime.DurationError as exc:
                fatal = isinstance(raw, float)
                yield Problem(
                    "invalid-duration",
                    f"invalid duration {lua_repr(raw)} for {where}: {exc}",
                    value.origin,
                    path,
                    help=(
                        "kumod panics on this float (pcall cannot catch it): use a non-negative number of seconds"
                        if fatal
                        else "use a non-negative number of seconds or a string such as '5m'"
                    ),
                )
            return
        text = raw.decode("utf-8", "replace")
        try:
            humantime.parse_duration(text)
        except humantime.DurationError as exc:
            suggestion, level = None, UNSAFE
            if text.strip().isdigit():
                help_text = (
                    f"a string needs a unit: write {text.strip()} (a number is seconds) or '{text.strip()}s'"
                )
                suggestion, level = f"'{text.strip()}s'", SAFE
            else:
                meant = suggest_duration(text)
                if meant and _parses(meant):
                    help_text = f"did you mean '{meant}'?"
                    suggestion = f"'{meant}'"
                    level = SAFE if _same_length(text, meant) else UNSAFE
                else:
                    help_text = (
                        "durations are humantime strings such as '30s', '5m', '1h 30m', '2days' "
                        "(units are case-sensitive: m is minutes, M is months), or seconds as a number"
                    )
            yield Problem(
                "invalid-duration",
                f"invalid duration {lua_repr(raw)} for {where}: {exc}",
                value.origin,
                path,
                help=help_text,
                replacement=suggestion,
                fix_applicability=level,
            )

    # -- enums ---------------------------------------------------------------------

    def _enum(self, value: Value, spec: EnumSpec, path: Path) -> Iterator[Problem]:
        if isinstance(value, Const) and value.value is None:
            return
        if not isinstance(value, Const) or not isinstance(value.value, bytes):
            yield self._wrong_type(
                value,
                TypeRef("enum", name=spec.name),
                path,
                "write one of " + ", ".join(f"'{v}'" for v in spec.variants),
            )
            return
        text = value.value.decode("utf-8", "replace")
        if text in spec.variants:
            since = spec.variant_since.get(text)
            if newer_than(since, self.target_version):
                yield Problem(
                    "requires-newer-kumomta",
                    f"{spec.name} '{text}' for `{path_text(path)}` needs KumoMTA {since.split('-')[0]} or later "
                    f"(target-version is {self.target_version}): older kumod rejects the unknown variant",
                    value.origin,
                    path,
                    help="raise target-version after upgrading KumoMTA, or pick a variant that release has",
                )
            return
        guess = nearest(text, spec.variants)
        yield Problem(
            "invalid-value",
            f"unknown {spec.name} {lua_repr(value.value)} for `{path_text(path)}`"
            + (f": did you mean '{guess}'?" if guess else ""),
            value.origin,
            path,
            help="the variant names are case-sensitive: " + ", ".join(f"'{v}'" for v in spec.variants),
            replacement=f"'{guess}'" if guess else None,
            fix_applicability=fix_level(text, spec.variants),
        )

    # -- lists ---------------------------------------------------------------------

    def _list(self, value: Value, item: TypeRef, path: Path, buffered: bool = False) -> Iterator[Problem]:
        if isinstance(value, Const) and value.value is None:
            return
        buffered = self._buffered(path)
        if not isinstance(value, TableValue):
            hint = None
            if isinstance(value, Const) and isinstance(value.value, bytes):
                hint = f"wrap it in a table: {{ {lua_repr(value.value)} }}"
            yield self._wrong_type(value, TypeRef("list", item=item), path, hint)
            return
        items = value.positional()
        named = [key for key, _ in value.string_keys()]
        if not items and not value.open and not value.array_meta:
            if buffered and not named:
                yield Problem(
                    "invalid-value",
                    f"an empty `{path_text(path)}` is rejected: inside `protocol` kumod reads an empty "
                    "table `{}` as a map, not a list",
                    value.origin,
                    path,
                    help=f"leave `{path[-1]}` out to use the default",
                )
            elif named:
                yield Problem(
                    "invalid-value",
                    f"`{path_text(path)}` expects a list, got a table with only named keys"
                    + ("" if buffered else ": kumod silently reads it as an empty list"),
                    value.origin,
                    path,
                    severity=None if buffered else "warning",
                    help="write the entries positionally: { { ... }, { ... } }",
                )
        for index, entry in enumerate(items, start=1):
            yield from self.validate(entry.value, item, path + (index,))

    def _map(self, value: Value, typ: TypeRef, path: Path) -> Iterator[Problem]:
        """A string-keyed table (OrderMap<String, T>, HashMap...): each value has type `typ.item`."""
        if isinstance(value, Const) and value.value is None:
            return
        if not isinstance(value, TableValue):
            yield self._wrong_type(value, typ, path)
            return
        for key, entry in value.string_keys():
            if not _is_nil(entry.value):
                yield from self.validate(entry.value, typ.item, path + (key,))

    def _buffered(self, path: Path) -> bool:
        return bool(path) and path[0] == "protocol"

    # -- structs -------------------------------------------------------------------

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
                    _origin(entry.value) or entry.origin,
                    path,
                    help="write key = value",
                )
        for key, entry in value.string_keys():
            if _is_nil(entry.value):
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
            present = {key for key, entry in value.string_keys() if not _is_nil(entry.value)}
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
        keys = {key for key, entry in value.string_keys() if not _is_nil(entry.value)}
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


def _is_nil(value: Value) -> bool:
    return isinstance(value, Const) and value.value is None


def _same_length(written: str, meant: str) -> bool:
    """True when `meant` (humantime) is exactly the time pytimeparse reads in `written`.

    A lone `M` is months to humantime but minutes to pytimeparse: never sure then."""
    import re
    from pytimeparse.timeparse import timeparse

    if re.search(r"(?<![A-Za-z])M(?![A-Za-z])", written):
        return False
    if re.fullmatch(r"\s*\d+:\d+(\.\d+)?\s*", written):
        return False  # '1:30' is minutes:seconds to pytimeparse, hours:minutes to many people
    seconds = timeparse(written.strip())
    if seconds is None:
        seconds = timeparse(written.strip().lower())
    try:
        whole, nanos = humantime.parse_duration(meant)
    except humantime.DurationError:
        return False
    return seconds is not None and abs(whole + nanos / 1e9 - float(seconds)) < 1e-9


def _parses(text: str) -> bool:
    try:
        humantime.parse_duration(text)
    except humantime.DurationError:
        return False
    return True


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _origin(value: Value) -> Any:
    return getattr(value, "origin", None)
