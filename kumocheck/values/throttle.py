"""Throttle specs (``max_message_rate``) exactly as kumod parses them.

Re-implements ``TryFrom<&str> for ThrottleSpec`` and ``ThrottleSpec::as_string``
from kumomta's ``crates/throttle/src/lib.rs``.
"""

from __future__ import annotations

import attrs

__all__ = ["ThrottleError", "ThrottleSpec", "parse_throttle", "format_throttle", "suggest_throttle"]

_U64_MAX = (1 << 64) - 1

_PERIOD_UNITS = {
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
    "m": 60,
    "min": 60,
    "minute": 60,
    "s": 1,
    "sec": 1,
    "second": 1,
    "d": 86400,
    "day": 86400,
}

#: Spellings people write that name one of kumod's period units exactly.
_UNIT_SPELLINGS = {"hours": "hour", "hrs": "hr", "minutes": "minute", "mins": "min", "seconds": "second", "secs": "sec", "days": "day"}

_LOCAL_PREFIX = "local:"
_BURST_SEPARATOR = ",max_burst="


class ThrottleError(ValueError):
    """A string kumod rejects as a ThrottleSpec (message as kumod words it)."""


@attrs.frozen
class ThrottleSpec:
    """A parsed throttle: ``limit`` per ``period`` seconds."""

    limit: int
    period: int
    max_burst: int | None = None
    force_local: bool = False


def _rust_parse_u64(text: str) -> int:
    """Rust ``u64::from_str``; raises ValueError with Rust's ParseIntError text."""
    if text == "":
        raise ValueError("cannot parse integer from empty string")
    if text in ("+", "-"):
        raise ValueError("invalid digit found in string")
    digits = text[1:] if text[0] == "+" else text
    result = 0
    for c in digits:
        if not "0" <= c <= "9":
            raise ValueError("invalid digit found in string")
        result = result * 10 + (ord(c) - 48)
        if result > _U64_MAX:
            raise ValueError("number too large to fit in target type")
    return result


def _parse_separated_number(text: str) -> int:
    """Strip ``,`` and ``_`` then parse as u64 (kumod's ``parse_separated_number``)."""
    try:
        return _rust_parse_u64(text.replace("_", "").replace(",", ""))
    except ValueError as err:
        raise ThrottleError(f"invalid limit '{text}': {err}") from None


def _opt_digit_prefix(text: str) -> tuple[int, str]:
    """Optional leading scale digits of the period; digits alone are an error."""
    n: int | None = None
    for idx, c in enumerate(text):
        if not ("0" <= c <= "9"):
            return (1 if n is None else n), text[idx:]
        n = (0 if n is None else n) * 10 + (ord(c) - 48)
        if n > _U64_MAX:
            raise ThrottleError("number too big")
    raise ThrottleError(f"invalid period quantity {text}")


def parse_throttle(spec: str) -> ThrottleSpec:
    """Parse ``[local:]limit/[scale]unit[,max_burst=N]`` exactly as kumod does.

    Raises :class:`ThrottleError` with kumod's message.
    """
    force_local = spec.startswith(_LOCAL_PREFIX)
    s = spec[len(_LOCAL_PREFIX):] if force_local else spec

    max_burst: int | None = None
    idx = s.find(_BURST_SEPARATOR)
    if idx >= 0:
        max_burst = _parse_separated_number(s[idx + len(_BURST_SEPARATOR):])
        s = s[:idx]

    slash = s.find("/")
    if slash < 0:
        raise ThrottleError(f"expected 'limit/period', got {s}")
    limit_text, period_text = s[:slash], s[slash + 1:]

    scale, unit = _opt_digit_prefix(period_text)
    base = _PERIOD_UNITS.get(unit)
    if base is None:
        raise ThrottleError(f"unknown period quantity {unit}")
    # unchecked u64 multiply: wraps in kumod's release builds
    period = (base * scale) & _U64_MAX

    limit = _parse_separated_number(limit_text)
    if limit == 0:
        raise ThrottleError(f"invalid ThrottleSpec `{s}`: limit must be greater than 0!")

    return ThrottleSpec(limit=limit, period=period, max_burst=max_burst, force_local=force_local)


def format_throttle(spec: ThrottleSpec) -> str:
    """Render like kumod's ``ThrottleSpec::as_string`` (its Display and Serialize form)."""
    period = {86400: "d", 3600: "h", 60: "m", 1: "s"}.get(spec.period)
    if period is None:
        period = f"{spec.period}s"
    burst = "" if spec.max_burst is None else f",max_burst={spec.max_burst}"
    local = _LOCAL_PREFIX if spec.force_local else ""
    return f"{local}{spec.limit}/{period}{burst}"


def suggest_throttle(spec: str) -> str | None:
    """The same rate respelled the way kumod accepts it ('100 / Hours' -> '100/hour'), or None.

    Only spaces, letter case and plurals of the period unit change, so the rate is exactly
    the one written."""
    import re

    match = re.fullmatch(r"(local:)?([0-9_,]+)/([0-9]*)([A-Za-z]+)(,max_burst=[0-9_,]+)?", "".join(spec.split()))
    if match is None:
        return None
    local, limit, scale, unit, burst = match.groups()
    unit = unit.lower()
    candidate = f"{local or ''}{limit}/{scale}{_UNIT_SPELLINGS.get(unit, unit)}{burst or ''}"
    try:
        parse_throttle(candidate)
    except ThrottleError:
        return None
    return candidate if candidate != spec else None
