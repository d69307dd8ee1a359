"""Durations exactly as kumod decodes them.

``parse_duration`` and ``format_duration`` re-implement humantime 2.4.0
(``src/duration.rs``, the version pinned by kumomta's ``Cargo.lock``);
``duration_from_seconds`` re-implements the number branches of kumomta's
``crates/duration-serde`` (``Duration::from_secs`` / ``Duration::from_secs_f64``).

A duration is represented as ``(seconds, nanoseconds)`` with
``0 <= seconds < 2**64`` and ``0 <= nanoseconds < 10**9``, like Rust's
``std::time::Duration``.
"""

from __future__ import annotations

from fractions import Fraction
import math

__all__ = [
    "DurationError",
    "parse_duration",
    "format_duration",
    "duration_from_seconds",
    "U64_MAX",
]

U64_MAX = (1 << 64) - 1
_NANOS = 1_000_000_000

# Rust's `char::is_whitespace` (Unicode White_Space). Python's str.isspace()
# differs (it also accepts U+001C..U+001F), so spell the set out.
_WHITESPACE = frozenset(
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)
_MICRO_SIGN = "\u00b5"  # 'µ' as written in humantime's source (not Greek mu)

# unit spelling -> (whole seconds per unit, nanoseconds per unit); case-sensitive
_NS, _US, _MS, _S, _MIN, _H, _D, _W, _MON, _Y = range(10)
_UNITS: dict[str, int] = {}
for _names, _unit in (
    (("nanos", "nsec", "ns"), _NS),
    (("usec", "us", _MICRO_SIGN + "s"), _US),
    (("millis", "msec", "ms"), _MS),
    (("seconds", "second", "secs", "sec", "s"), _S),
    (("minutes", "minute", "min", "mins", "m"), _MIN),
    (("hours", "hour", "hr", "hrs", "h"), _H),
    (("days", "day", "d"), _D),
    (("weeks", "week", "wk", "wks", "w"), _W),
    (("months", "month", "M"), _MON),  # 30.44 days
    (("years", "year", "yr", "yrs", "y"), _Y),  # 365.25 days
):
    for _name in _names:
        _UNITS[_name] = _unit

_SECS_PER_UNIT = {_H: 3600, _D: 86400, _W: 604_800, _MON: 2_630_016, _Y: 31_557_600}

_UNKNOWN_UNIT_HINT = (
    "supported units: ns, us/\u00b5s, ms, sec, min, hours, days, weeks, months,"
    " years (and few variations)"
)
_OVERFLOW_MSG = (
    "number is too large or cannot be represented without a lack of precision"
    " (values below 1ns are not supported)"
)


class DurationError(ValueError):
    """A value kumod would not accept as a duration.

    ``kind`` names the failure (humantime's error variants plus the
    duration-serde cases); ``panics`` is True when kumod does not return an
    error but panics (the Lua ``pcall`` cannot catch that).
    """

    def __init__(self, message: str, kind: str = "invalid", *, panics: bool = False):
        super().__init__(message)
        self.kind = kind
        self.panics = panics


def _overflow() -> DurationError:
    return DurationError(_OVERFLOW_MSG, "number_overflow")


def _is_unit_char(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or c == _MICRO_SIGN


class _Parser:
    """Character-by-character port of humantime 2.4.0's duration parser."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0  # index of the next character
        self.secs = 0
        self.nanos = 0
        # byte offset (UTF-8) of each character index, for error messages
        self._byte_offsets = [0]
        for ch in src:
            self._byte_offsets.append(self._byte_offsets[-1] + len(ch.encode("utf-8", "surrogatepass")))

    def _next(self) -> str | None:
        if self.pos < len(self.src):
            c = self.src[self.pos]
            self.pos += 1
            return c
        return None

    def _byte(self, index: int) -> int:
        return self._byte_offsets[index]

    def parse(self) -> tuple[int, int]:
        n = self._first_digit()
        if n is None:
            raise DurationError("value was empty", "empty")
        while True:
            frac: tuple[int, int] | None = None
            off = self.pos
            # integer part (whitespace between digits is skipped, as upstream)
            while (c := self._next()) is not None:
                if "0" <= c <= "9":
                    n = n * 10 + (ord(c) - 48)
                    if n > U64_MAX:
                        raise _overflow()
                elif c in _WHITESPACE:
                    pass
                elif _is_unit_char(c):
                    break
                elif c == ".":
                    frac, off = self._fraction(off)
                    break
                else:
                    raise DurationError(f"invalid character at {self._byte(off)}", "invalid_character")
                off = self.pos
            start = off
            off = self.pos
            restart = False
            # unit name
            while (c := self._next()) is not None:
                if "0" <= c <= "9":
                    self._add_span(n, frac, start, off)
                    n = ord(c) - 48
                    restart = True
                    break
                if c in _WHITESPACE:
                    break
                if not _is_unit_char(c):
                    raise DurationError(f"invalid character at {self._byte(off)}", "invalid_character")
                off = self.pos
            if restart:
                continue
            self._add_span(n, frac, start, off)
            n = self._first_digit()
            if n is None:
                return self.secs, self.nanos

    def _first_digit(self) -> int | None:
        off = self.pos
        while (c := self._next()) is not None:
            if "0" <= c <= "9":
                return ord(c) - 48
            if c in _WHITESPACE:
                continue
            raise DurationError(f"expected number at {self._byte(off)}", "number_expected")
        return None

    def _fraction(self, off: int) -> tuple[tuple[int, int], int]:
        numerator, denominator, zeros = 0, 1, True
        while (c := self._next()) is not None:
            if c == "0":
                denominator *= 10
                if not zeros:
                    numerator *= 10
            elif "1" <= c <= "9":
                zeros = False
                denominator *= 10
                numerator = numerator * 10 + (ord(c) - 48)
            elif c in _WHITESPACE:
                pass
            elif _is_unit_char(c):
                break
            else:
                raise DurationError(f"invalid character at {self._byte(off)}", "invalid_character")
            if denominator > U64_MAX or numerator > U64_MAX:
                raise _overflow()
            off = self.pos
        if denominator == 1:  # "1." : no digit after the separator
            raise DurationError(f"invalid character at {self._byte(off)}", "invalid_character")
        return (numerator, denominator), off

    def _add_span(self, n: int, frac: tuple[int, int] | None, start: int, end: int) -> None:
        name = self.src[start:end]
        unit = _UNITS.get(name)
        if unit is None:
            if not name:
                raise DurationError(f"time unit needed, for example {n}sec or {n}ms", "unknown_unit")
            raise DurationError(f'unknown time unit "{name}", {_UNKNOWN_UNIT_HINT}', "unknown_unit")

        # integer part
        if unit == _NS:
            sec, nsec = 0, n
        elif unit == _US:
            sec, nsec = 0, _mul(n, 1000)
        elif unit == _MS:
            sec, nsec = 0, _mul(n, 1_000_000)
        elif unit == _S:
            sec, nsec = n, 0
        elif unit == _MIN:
            sec, nsec = _mul(n, 60), 0
        else:
            sec, nsec = _mul(n, _SECS_PER_UNIT[unit]), 0
        self._add_current(sec, nsec)

        # fractional part: must convert exactly, otherwise it is an error
        if frac is not None:
            num, den = frac
            if unit == _NS:
                raise _overflow()
            if unit == _US:
                sec, nsec = 0, _exact_div(_mul(num, 1000), den)
            elif unit == _MS:
                sec, nsec = 0, _exact_div(_mul(num, 1_000_000), den)
            elif unit == _S:
                sec, nsec = 0, _exact_div(_mul(num, _NANOS), den)
            elif unit == _MIN:
                sec, nsec = 0, _exact_div(_mul(num, 60 * _NANOS), den)
            else:
                sec, nsec = _exact_div(_mul(num, _SECS_PER_UNIT[unit]), den), 0
            self._add_current(sec, nsec)

    def _add_current(self, sec: int, nsec: int) -> None:
        nsec = self.nanos + nsec
        if nsec > U64_MAX:
            raise _overflow()
        # humantime 2.4.0 tests `nsec > 1_000_000_000` (not >=); an exact
        # carry of one second is then done by `Duration::new`, which panics
        # if it overflows the seconds counter.
        if nsec > _NANOS:
            sec = sec + nsec // _NANOS
            if sec > U64_MAX:
                raise _overflow()
            nsec %= _NANOS
        sec = self.secs + sec
        if sec > U64_MAX:
            raise _overflow()
        if nsec == _NANOS:
            if sec == U64_MAX:
                raise DurationError(
                    "overflow in Duration::new: humantime 2.4.0 panics on this value,"
                    " which crashes the kumod task",
                    "panic",
                    panics=True,
                )
            sec, nsec = sec + 1, 0
        self.secs, self.nanos = sec, nsec


def _mul(a: int, b: int) -> int:
    r = a * b
    if r > U64_MAX:
        raise _overflow()
    return r


def _exact_div(a: int, b: int) -> int:
    q, r = divmod(a, b)
    if r:
        raise _overflow()
    return q


def parse_duration(text: str) -> tuple[int, int]:
    """Parse ``text`` like humantime 2.4.0 ``parse_duration``.

    Returns ``(seconds, nanoseconds)``; raises :class:`DurationError`.
    """
    if text == "0":
        return (0, 0)
    return _Parser(text).parse()


def _check_duration(seconds: int, nanos: int) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 0 <= seconds <= U64_MAX:
        raise DurationError(f"seconds out of range for a Duration: {seconds!r}", "range")
    if isinstance(nanos, bool) or not isinstance(nanos, int) or not 0 <= nanos < _NANOS:
        raise DurationError(f"nanoseconds out of range for a Duration: {nanos!r}", "range")


def format_duration(seconds: int, nanos: int = 0) -> str:
    """Format like humantime 2.4.0 ``format_duration(...).to_string()``.

    This is how kumod serializes durations back to Lua (``"20m"``, ``"7days"``).
    """
    _check_duration(seconds, nanos)
    if seconds == 0 and nanos == 0:
        return "0s"
    years, ydays = divmod(seconds, 31_557_600)
    months, mdays = divmod(ydays, 2_630_016)
    days, day_secs = divmod(mdays, 86400)
    parts: list[str] = []
    for value, name, plural in (
        (years, "year", True),
        (months, "month", True),
        (days, "day", True),
        (day_secs // 3600, "h", False),
        (day_secs % 3600 // 60, "m", False),
        (day_secs % 60, "s", False),
        (nanos // 1_000_000, "ms", False),
        (nanos // 1000 % 1000, "us", False),  # humantime's "mu" feature is off in kumod
        (nanos % 1000, "ns", False),
    ):
        if value > 0:
            parts.append(f"{value}{name}{'s' if plural and value > 1 else ''}")
    return " ".join(parts)


def _from_secs_f64(value: float) -> tuple[int, int]:
    """Rust ``Duration::from_secs_f64``: exact value rounded to the nearest ns (ties to even)."""
    if math.isnan(value) or value >= 2.0**64:
        raise DurationError(
            "cannot convert float seconds to Duration: value is either too big or NaN"
            " (Duration::from_secs_f64 panics, crashing the kumod task)",
            "float_panic",
            panics=True,
        )
    if value < 0.0:
        raise DurationError(
            "cannot convert float seconds to Duration: value is negative"
            " (Duration::from_secs_f64 panics, crashing the kumod task)",
            "float_panic",
            panics=True,
        )
    total = round(Fraction(value) * _NANOS)  # Fraction rounds half to even
    return divmod(total, _NANOS)


def duration_from_seconds(value: int | float) -> tuple[int, int]:
    """Decode a Lua number used as a duration, as kumod's duration-serde does.

    An integer is whole seconds and must be non-negative (a clean error
    otherwise); a float goes through ``Duration::from_secs_f64``, which
    panics for negative, NaN, infinite or too large (>= 2**64) values:
    those raise :class:`DurationError` with ``panics=True``.
    """
    if isinstance(value, bool):
        raise DurationError(f"invalid type: boolean `{str(value).lower()}`, expected a duration", "type")
    if isinstance(value, int):
        if value < 0:
            raise DurationError(
                "duration must either be a string or a positive integer specifying the"
                " number of seconds. (error: out of range integral type conversion attempted)",
                "negative_integer",
            )
        if value > U64_MAX:
            raise DurationError(f"integer {value} does not fit in 64 bits", "range")
        return (value, 0)
    if isinstance(value, float):
        return _from_secs_f64(value)
    raise DurationError(f"invalid type: {type(value).__name__}, expected a duration", "type")
