"""Tests for kumocheck.values.throttle (kumomta crates/throttle ThrottleSpec).

Expectations: the crate's own tests, the queue-config fact sheet (section 5)
and runs of the real Rust parser.
"""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from kumocheck.values.throttle import ThrottleError, ThrottleSpec, format_throttle, parse_throttle

U64_MAX = 2**64 - 1


def spec(limit: int, period: int, burst: int | None = None, local: bool = False) -> ThrottleSpec:
    return ThrottleSpec(limit=limit, period=period, max_burst=burst, force_local=local)


VALID = [
    # docs and crate tests (fact sheet 5.4)
    ("10/s", spec(10, 1)),
    ("10/sec", spec(10, 1)),
    ("10/second", spec(10, 1)),
    ("50/m", spec(50, 60)),
    ("50/min", spec(50, 60)),
    ("50/minute", spec(50, 60)),
    ("1,000/hr", spec(1000, 3600)),
    ("1_000/h", spec(1000, 3600)),
    ("1000/hour", spec(1000, 3600)),
    ("10_000/d", spec(10_000, 86400)),
    ("10,000/day", spec(10_000, 86400)),
    ("local:10/second", spec(10, 1, local=True)),
    ("60/minute,max_burst=1", spec(60, 60, 1)),
    ("20/30minute", spec(20, 1800)),
    ("100/hr", spec(100, 3600)),
    ("local:100/hr", spec(100, 3600, local=True)),
    ("local:100/123m", spec(100, 7380, local=True)),
    ("1_0,0/hour", spec(100, 3600)),
    ("50/day,max_burst=1", spec(50, 86400, 1)),
    # found valid in the experiment
    ("+10/s", spec(10, 1)),
    (",1,/s", spec(1, 1)),
    ("1,000,000/d", spec(1_000_000, 86400)),
    ("10/s,max_burst=0", spec(10, 1, 0)),
    ("local:1_000/h,max_burst=1,000", spec(1000, 3600, 1000, True)),
    ("10/1h", spec(10, 3600)),
    # more edges
    ("100/0s", spec(100, 0)),  # period 0 is accepted
    ("10/s,max_burst=+5", spec(10, 1, 5)),
    ("10/s,max_burst=_1_", spec(10, 1, 1)),
    (f"{U64_MAX}/s", spec(U64_MAX, 1)),
    ("1/007s", spec(1, 7)),
    # scale overflow wraps (unchecked multiply in release builds)
    ("10/999999999999999d", spec(10, (999_999_999_999_999 * 86400) % 2**64)),
    (f"10/{U64_MAX}m", spec(10, (U64_MAX * 60) % 2**64)),
]


@pytest.mark.parametrize("text,expected", VALID)
def test_valid(text: str, expected: ThrottleSpec) -> None:
    assert parse_throttle(text) == expected


INVALID = [
    # crate tests
    ("100/our", "unknown period quantity our"),
    ("three/hour", "invalid limit 'three': invalid digit found in string"),
    ("10/1", "invalid period quantity 1"),
    # fact sheet 5.4 / experiment
    ("10/seconds", "unknown period quantity seconds"),
    ("10/minutes", "unknown period quantity minutes"),
    ("10/hours", "unknown period quantity hours"),
    ("10/days", "unknown period quantity days"),
    ("10/secs", "unknown period quantity secs"),
    ("10/mins", "unknown period quantity mins"),
    ("10/w", "unknown period quantity w"),
    ("10", "expected 'limit/period', got 10"),
    ("10 / s", "unknown period quantity  s"),
    ("10/s ", "unknown period quantity s "),
    (" 10/s", "invalid limit ' 10': invalid digit found in string"),
    ("LOCAL:10/s", "invalid limit 'LOCAL:10': invalid digit found in string"),
    ("local:local:10/s", "invalid limit 'local:10': invalid digit found in string"),
    ("10/s, max_burst=5", "unknown period quantity s, max_burst=5"),
    ("max_burst=5,10/s", "invalid limit 'max_burst=5,10': invalid digit found in string"),
    ("10/s,max_burst=5,max_burst=6", "invalid limit '5,max_burst=6': invalid digit found in string"),
    ("1.5/s", "invalid limit '1.5': invalid digit found in string"),
    ("-10/s", "invalid limit '-10': invalid digit found in string"),
    ("0/s", "invalid ThrottleSpec `0/s`: limit must be greater than 0!"),
    ("local:0_0/h,max_burst=3", "invalid ThrottleSpec `0_0/h`: limit must be greater than 0!"),
    ("10/S", "unknown period quantity S"),
    ("10/1q", "unknown period quantity q"),
    ("10/s/x", "unknown period quantity s/x"),
    ("99999999999999999999/s", "invalid limit '99999999999999999999': number too large to fit in target type"),
    (f"{U64_MAX + 1}/s", f"invalid limit '{U64_MAX + 1}': number too large to fit in target type"),
    ("", "expected 'limit/period', got "),
    ("10/5", "invalid period quantity 5"),
    ("10/", "invalid period quantity "),
    ("/s", "invalid limit '': cannot parse integer from empty string"),
    ("_/s", "invalid limit '_': cannot parse integer from empty string"),
    ("+/s", "invalid limit '+': invalid digit found in string"),
    ("++1/s", "invalid limit '++1': invalid digit found in string"),
    ("10/s,max_burst=", "invalid limit '': cannot parse integer from empty string"),
    ("10/s,max_burst=x", "invalid limit 'x': invalid digit found in string"),
    ("10/s,max_burst=-1", "invalid limit '-1': invalid digit found in string"),
    ("10/99999999999999999999s", "number too big"),
    ("\uff11\uff10/s", "invalid limit '\uff11\uff10': invalid digit found in string"),  # fullwidth digits
    ("10/\uff11s", "unknown period quantity \uff11s"),
]


@pytest.mark.parametrize("text,message", INVALID)
def test_invalid(text: str, message: str) -> None:
    with pytest.raises(ThrottleError) as info:
        parse_throttle(text)
    assert str(info.value) == message


def test_burst_is_checked_before_the_rate() -> None:
    with pytest.raises(ThrottleError, match="invalid limit 'x'"):
        parse_throttle("0/nope,max_burst=x")


def test_overflowing_limit_reports_overflow_before_later_bad_digit() -> None:
    with pytest.raises(ThrottleError, match="number too large"):
        parse_throttle("99999999999999999999x/s")
    with pytest.raises(ThrottleError, match="invalid digit"):
        parse_throttle("9999999999999999999x9/s")


@pytest.mark.parametrize(
    "value,text",
    [
        (spec(100, 3600), "100/h"),
        (spec(100, 3600, local=True), "local:100/h"),
        (spec(100, 7380, local=True), "local:100/7380s"),
        (spec(50, 86400, 1), "50/d,max_burst=1"),
        (spec(10, 1), "10/s"),
        (spec(10, 60), "10/m"),
        (spec(10, 1800), "10/1800s"),
        (spec(10, 0), "10/0s"),
        (spec(1000, 3600, 1000, True), "local:1000/h,max_burst=1000"),
    ],
)
def test_format_throttle(value: ThrottleSpec, text: str) -> None:
    assert format_throttle(value) == text


def test_format_normalises_what_was_written() -> None:
    assert format_throttle(parse_throttle("1,000/hour")) == "1000/h"
    assert format_throttle(parse_throttle("20/30minute")) == "20/1800s"
    assert format_throttle(parse_throttle("local:+5/1d,max_burst=0")) == "local:5/d,max_burst=0"


def test_spec_is_frozen_and_hashable() -> None:
    s = parse_throttle("10/s")
    with pytest.raises(AttributeError):
        s.limit = 5  # type: ignore[misc]
    assert hash(s) == hash(spec(10, 1))


specs = st.builds(
    ThrottleSpec,
    limit=st.integers(1, U64_MAX),
    period=st.integers(0, U64_MAX),
    max_burst=st.none() | st.integers(0, U64_MAX),
    force_local=st.booleans(),
)


@given(specs)
def test_format_parses_back(value: ThrottleSpec) -> None:
    assert parse_throttle(format_throttle(value)) == value


UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
         "h": 3600, "hr": 3600, "hour": 3600, "d": 86400, "day": 86400}


@given(
    st.integers(1, 10**12),
    st.none() | st.integers(0, 10**6),
    st.sampled_from(sorted(UNITS)),
    st.none() | st.integers(0, 10**6),
    st.booleans(),
    st.sampled_from(["", "_", ","]),
)
def test_grammar(limit: int, scale: int | None, unit: str, burst: int | None, local: bool, sep: str) -> None:
    limit_text = sep.join(str(limit))  # separators may sit between any digits
    text = ("local:" if local else "") + f"{limit_text}/{'' if scale is None else scale}{unit}"
    if burst is not None:
        text += f",max_burst={burst}"
    expected = spec(limit, UNITS[unit] * (1 if scale is None else scale), burst, local)
    assert parse_throttle(text) == expected


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        result = parse_throttle(text)
    except ThrottleError:
        return
    assert result.limit > 0
    assert "/" in text
