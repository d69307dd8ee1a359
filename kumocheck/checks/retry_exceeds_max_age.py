"""retry-exceeds-max-age: `max_age` shorter than `retry_interval`.

A message expires before its first retry: every temporary failure becomes a bounce.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.values import humantime
from kumocheck.schema.values import Const, TableValue, Value, lua_repr, options
from kumocheck.source import Span

DEFAULTS = {"retry_interval": 1200, "max_age": 7 * 86400}


def _seconds(value: Value) -> float | None:
    if not isinstance(value, Const):
        return None
    raw = value.value
    try:
        if isinstance(raw, bytes):
            seconds, nanos = humantime.parse_duration(raw.decode("utf-8"))
            return seconds + nanos / 1e9
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            seconds, nanos = humantime.duration_from_seconds(raw)
            return seconds + nanos / 1e9
    except (humantime.DurationError, UnicodeDecodeError):
        return None
    return None


def _known(table: TableValue, key: str) -> tuple[float | None, Const | None]:
    entry = table.get(key.encode())
    if entry is None:
        return (None if table.open else float(DEFAULTS[key])), None
    values = options(entry.value)
    if len(values) != 1:
        return None, None
    value = values[0]
    return _seconds(value), value if isinstance(value, Const) else None


def check(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.config_calls:
        for config in options(call.arg):
            if not isinstance(config, TableValue):
                continue
            retry, retry_value = _known(config, "retry_interval")
            max_age, age_value = _known(config, "max_age")
            if retry is None or max_age is None or retry_value is None and age_value is None:
                continue
            if max_age < retry:
                where = age_value or retry_value
                span = where.origin if isinstance(where.origin, Span) else call.span
                retry_text = lua_repr(retry_value.value) if retry_value else "the default 20m"
                age_text = lua_repr(age_value.value) if age_value else "the default 7days"
                yield Finding(
                    "retry-exceeds-max-age",
                    file_of(span, call.file),
                    span,
                    f"max_age {age_text} is shorter than retry_interval {retry_text}: "
                    "messages expire before their first retry",
                    "make max_age several times longer than retry_interval",
                )
