"""Scalar judging: strings of every kind, durations, integers, limits, throttles, regexes, enums.

A mixin of `kumocheck.schema.validate.Validator` (which supplies `schema`,
`target_version` and `_wrong_type`).
"""

from __future__ import annotations

import re
from typing import Iterator

from pytimeparse.timeparse import timeparse

from kumocheck.diagnostics import SAFE, UNSAFE
from kumocheck.values import addresses, humantime, throttle
from kumocheck.schema.problems import Path, Problem, fix_level, nearest, path_text
from kumocheck.schema.string_kinds import STRING_KINDS
from kumocheck.values.regex import regex_problem
from kumocheck.schema.model import INTEGER_RANGES, newer_than, release_key, EnumSpec, TypeRef
from kumocheck.schema.values import Const, Value, lua_repr

#: Schema types of regex strings and the engine KumoMTA compiles each with.
REGEX_DIALECTS = {"fancy_regex": "fancy", "rust_regex": "rust"}
REGEX_HELP = {
    "fancy_regex": "KumoMTA compiles this with fancy-regex (Rust regex syntax plus look-around, "
    "backreferences, atomic groups); escape literal characters with a backslash only where the syntax needs it",
    "rust_regex": "KumoMTA compiles this with Rust's regex crate: no look-around or backreferences, "
    "literal braces must be escaped (\\{), only punctuation may be escaped",
}


def suggest_duration(text: str) -> str | None:
    """What the author probably meant, spelled the way humantime accepts it."""
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


class ScalarChecks:
    """Scalars and enums: what a key holding one value (not a table) accepts."""

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


def _same_length(written: str, meant: str) -> bool:
    """True when `meant` (humantime) is exactly the time pytimeparse reads in `written`.

    A lone `M` is months to humantime but minutes to pytimeparse: never sure then."""
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

