"""What `kumo.make_egress_source`, `make_egress_pool`, `make_egress_path` and
`make_listener_domain` reject, judged from rules/egress.toml (keys, required keys and the
types it records). Keys whose type kumocheck does not record are accepted as they are
(never a false rejection); every message names the key like serde does.
"""

from __future__ import annotations

import functools
import tomllib
from typing import Any

from kumocheck.files import rules_dir
from kumocheck.values import humantime, throttle

__all__ = ["object_problem", "is_object_option"]

_LOG_DISPOSITIONS = ("Ignore", "LogThenDrop", "LogThenRelay")
#: types rules/egress.toml leaves out but the helpers' data exercises
_EXTRA_TYPES = {
    "egress_pool": {"name": "string", "entries": "pool_entries", "ttl": "duration"},
    "listener_domain": {"relay_to": "bool", "log_oob": "log_disposition", "log_arf": "log_disposition",
                        "relay_from": "string_list", "ttl": "duration"},
    "egress_source": {"source_address": "string", "ha_proxy_server": "string", "socks5_proxy_server": "string",
                      "ha_proxy_source_address": "string", "socks5_proxy_source_address": "string"},
}


@functools.lru_cache(maxsize=1)
def _objects() -> tuple[dict, dict]:
    try:
        with (rules_dir() / "egress.toml").open("rb") as handle:
            data = tomllib.load(handle)
    except OSError:
        return {}, {}
    return data.get("objects", {}), data.get("enums", {})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_problem(kind: str, value: Any, enums: dict) -> str | None:
    if kind == "string":
        return None if isinstance(value, str) else "invalid type: expected a string"
    if kind == "bool":
        return None if isinstance(value, bool) else "invalid type: expected a boolean"
    if kind in ("usize", "u16", "u32"):
        limit = {"u16": 65535, "u32": 2**32 - 1}.get(kind, 2**64 - 1)
        if not _is_int(value):
            return f"invalid type: expected {kind}"
        return None if 0 <= value <= limit else f"invalid value: {value}, expected {kind}"
    if kind == "duration":
        if _is_int(value) and value >= 0:
            return None
        if not isinstance(value, str):
            return "invalid type: expected a duration"
        try:
            humantime.parse_duration(value)
        except humantime.DurationError as exc:
            return f"invalid value: {exc}"
        return None
    if kind == "throttle":
        if not isinstance(value, str):
            return "invalid type: expected a throttle spec string"
        try:
            throttle.parse_throttle(value)
        except throttle.ThrottleError as exc:
            return f"invalid value: {exc}"
        return None
    if kind.startswith("enum:"):
        variants = enums.get(kind[5:], {}).get("variants")
        if variants is None:
            return None
        if not isinstance(value, str):
            return "invalid type: expected a string"
        return None if value in variants else f"unknown variant `{value}`, expected one of {', '.join(variants)}"
    if kind == "log_disposition":
        if isinstance(value, bool) or value in _LOG_DISPOSITIONS:
            return None
        return "invalid type: expected a boolean or one of " + ", ".join(_LOG_DISPOSITIONS)
    if kind == "string_list":
        if isinstance(value, dict) and not value:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "invalid type: expected a sequence of strings"
        return None
    if kind == "pool_entries":
        if isinstance(value, dict) and not value:
            return None
        if not isinstance(value, list):
            return "invalid type: expected a sequence"
        for entry in value:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                return "invalid type: expected an entry with a name"
            weight = entry.get("weight")
            if weight is not None and not (_is_int(weight) and 0 <= weight < 2**32):
                return f"invalid type: weight {weight!r}, expected u32"
            for key in entry:
                if key not in ("name", "weight"):
                    return f"unknown field `{key}`, expected `name` or `weight`"
        return None
    return None


def object_problem(kind: str, table: Any) -> str | None:
    """Why `make_<kind>` rejects the table (serde's words), or None when it accepts it."""
    objects, enums = _objects()
    spec = objects.get(kind)
    if table is None:
        return "invalid type: nil, expected a table"
    if not isinstance(table, dict):
        if isinstance(table, list) and not table:
            table = {}
        else:
            return "invalid type: expected a table"
    if spec is None:
        return None
    keys = spec.get("keys", [])
    types = {**spec.get("types", {}), **_EXTRA_TYPES.get(kind, {})}
    for key, value in table.items():
        if not isinstance(key, str) or key not in keys:
            return f"unknown field `{key}`"
        kind_name = types.get(key)
        if kind_name:
            problem = _type_problem(kind_name, value, enums)
            if problem:
                return f"{problem} (field `{key}`)"
    for key in spec.get("required", []):
        if key not in table:
            return f"missing field `{key}`"
    return None


def is_object_option(kind: str, key: str, value: Any, extra: dict | None = None) -> tuple[bool, str | None]:
    """(accepted, serde message) for a one-key table (plus `extra` keys), like the helpers' `_dynamic` checks."""
    table = {key: value, **(extra or {})}
    problem = object_problem(kind, table)
    return problem is None, problem
