"""Tests for kumocheck.values.humantime (humantime 2.4.0 + kumod duration-serde).

Expected values come from humantime 2.4.0's own test-suite, kumomta's
duration-serde tests, the queue-config fact sheet (section 4) and runs of
the real Rust code.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from kumocheck.values.humantime import (
    U64_MAX,
    DurationError,
    duration_from_seconds,
    format_duration,
    parse_duration,
)

MONTH = 2_630_016
YEAR = 31_557_600

# --- upstream humantime test_units ------------------------------------------

UNITS = [
    ("17nsec", (0, 17)),
    ("17nanos", (0, 17)),
    ("33ns", (0, 33)),
    ("3usec", (0, 3000)),
    ("78us", (0, 78000)),
    ("163\u00b5s", (0, 163000)),
    ("31msec", (0, 31_000_000)),
    ("31millis", (0, 31_000_000)),
    ("6ms", (0, 6_000_000)),
    ("3000s", (3000, 0)),
    ("300sec", (300, 0)),
    ("300secs", (300, 0)),
    ("50seconds", (50, 0)),
    ("1second", (1, 0)),
    ("100m", (6000, 0)),
    ("12min", (720, 0)),
    ("12mins", (720, 0)),
    ("1minute", (60, 0)),
    ("7minutes", (420, 0)),
    ("2h", (7200, 0)),
    ("7hr", (25200, 0)),
    ("7hrs", (25200, 0)),
    ("1hour", (3600, 0)),
    ("24hours", (86400, 0)),
    ("1day", (86400, 0)),
    ("2days", (172_800, 0)),
    ("365d", (31_536_000, 0)),
    ("1week", (604_800, 0)),
    ("7weeks", (4_233_600, 0)),
    ("104wks", (2 * 31_449_600, 0)),
    ("100wk", (60_480_000, 0)),
    ("52w", (31_449_600, 0)),
    ("1month", (MONTH, 0)),
    ("3months", (3 * MONTH, 0)),
    ("12M", (31_560_192, 0)),
    ("1year", (YEAR, 0)),
    ("7years", (7 * YEAR, 0)),
    ("15yrs", (15 * YEAR, 0)),
    ("10yr", (10 * YEAR, 0)),
    ("17y", (536_479_200, 0)),
]


@pytest.mark.parametrize("text,expected", UNITS)
def test_units(text: str, expected: tuple[int, int]) -> None:
    assert parse_duration(text) == expected


FRACTIONAL = [
    ("3.1usec", (0, 3100)),
    ("3.1us", (0, 3100)),
    ("3.01us", (0, 3010)),
    ("3.001us", (0, 3001)),
    ("31.1msec", (0, 31_100_000)),
    ("31.1millis", (0, 31_100_000)),
    ("31.1ms", (0, 31_100_000)),
    ("31.01ms", (0, 31_010_000)),
    ("31.001ms", (0, 31_001_000)),
    ("31.0001ms", (0, 31_000_100)),
    ("31.00001ms", (0, 31_000_010)),
    ("31.000001ms", (0, 31_000_001)),
    ("300.0sec", (300, 0)),
    ("300.0secs", (300, 0)),
    ("300.0seconds", (300, 0)),
    ("300.0s", (300, 0)),
    ("0.0s", (0, 0)),
    ("0.2s", (0, 200_000_000)),
    ("1.2s", (1, 200_000_000)),
    ("1.02s", (1, 20_000_000)),
    ("1.002s", (1, 2_000_000)),
    ("1.0002s", (1, 200_000)),
    ("1.00002s", (1, 20_000)),
    ("1.000002s", (1, 2_000)),
    ("1.0000002s", (1, 200)),
    ("1.00000002s", (1, 20)),
    ("1.000000002s", (1, 2)),
    ("1.123456789s", (1, 123_456_789)),
    ("4.2s", (4, 200_000_000)),
    ("100.0m", (6000, 0)),
    ("12.1min", (726, 0)),
    ("12.1mins", (726, 0)),
    ("1.5minute", (90, 0)),
    ("1.5minutes", (90, 0)),
    ("2.0h", (7200, 0)),
    ("2.0hr", (7200, 0)),
    ("2.0hrs", (7200, 0)),
    ("2.0hours", (7200, 0)),
    ("2.5h", (9000, 0)),
    ("0.5h", (1800, 0)),
    ("1.1h", (3960, 0)),
    ("1.5day", (129_600, 0)),
    ("1.5days", (129_600, 0)),
    ("1.5d", (129_600, 0)),
    # combined spans
    ("7.120us 3ns", (0, 7123)),
    ("7.123us 4ns", (0, 7127)),
    ("1.234s 789ns", (1, 234_000_789)),
    ("1.234s 0.789us", (1, 234_000_789)),
    ("1.234567s 0.789us", (1, 234_567_789)),
    ("1.234s 1.345ms 1.678us 1ns", (1, 235_346_679)),
    ("1.234s 0.345ms 0.678us 0ns", (1, 234_345_678)),
    ("1.234s0.345ms0.678us0ns", (1, 234_345_678)),
    ("20 min 17 nsec ", (1200, 17)),
    ("2h 15m", (8100, 0)),
    ("2h 37min", (9420, 0)),
    ("32ms", (0, 32_000_000)),
]


@pytest.mark.parametrize("text,expected", FRACTIONAL)
def test_fractions_and_combinations(text: str, expected: tuple[int, int]) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0.000123456789s",
        "17.5nsec",
        "5.1nanos",
        "0.0005ns",
        "0.0ns",  # any fraction of nanoseconds is refused, even zero
        "3.0001us",
        "0.0001us",
        "0.123456us",
        "31.0000001ms",
        "1.0000000002s",
        "0.0000000002s",
        "0.00000005d",
        "1.0001h",  # 0.36 s: hour fractions must give whole seconds
        "0.123456789012m",  # numerator * 60e9 overflows u64
        "1.12345678901234567890s",  # 20 fractional digits: denominator overflows
        # upstream test_overlow
        "100000000000000000000ns",
        "100000000000000000us",
        "100000000000000ms",
        "100000000000000000000s",
        "10000000000000000000m",
        "1000000000000000000h",
        "100000000000000000d",
        "10000000000000000w",
        "1000000000000000M",
        "10000000000000y",
        "99999999999999999999s",
        f"{U64_MAX}s 1000000001ns",
        f"{U64_MAX}s 1s",
    ],
)
def test_number_overflow(text: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert info.value.kind == "number_overflow"
    assert not info.value.panics
    assert str(info.value).startswith("number is too large")


@pytest.mark.parametrize(
    "text,message",
    [
        ("123", "time unit needed, for example 123sec or 123ms"),
        ("10 months 1", "time unit needed, for example 1sec or 1ms"),
        (
            "10nights",
            'unknown time unit "nights", supported units: ns, us/\u00b5s, ms, sec, min,'
            " hours, days, weeks, months, years (and few variations)",
        ),
        ("\0", "expected number at 0"),
        ("\r", "value was empty"),
        ("1~", "invalid character at 1"),
        ("1N\u00e5", "invalid character at 2"),
        ("1.5\u03bcs", "invalid character at 3"),  # Greek mu is not the micro sign
        (
            "222nsec221nanosmsec7s5msec572s",
            'unknown time unit "nanosmsec", supported units: ns, us/\u00b5s, ms, sec,'
            " min, hours, days, weeks, months, years (and few variations)",
        ),
        ("1.s", "invalid character at 1"),
        ("1..s", "invalid character at 1"),
        (".1s", "expected number at 0"),
        (".", "expected number at 0"),
        ("1h x", "expected number at 3"),
        ("1h.5m", "invalid character at 2"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert str(info.value) == message


# --- fact sheet section 4.3 ---------------------------------------------------

@pytest.mark.parametrize(
    "text,expected",
    [
        ("0", (0, 0)),
        ("  1h30m  ", (5400, 0)),
        ("1h 30m", (5400, 0)),
        ("1h30m", (5400, 0)),
        ("2 hours 1 min", (7260, 0)),
        ("1.5 days", (129_600, 0)),
        ("1.5h", (5400, 0)),
        ("1M", (MONTH, 0)),
        ("1m", (60, 0)),
        ("1y", (YEAR, 0)),
        ("20 minutes", (1200, 0)),
        ("60 s", (60, 0)),
        ("15 seconds", (15, 0)),  # duration-serde simple_string
        ("0s", (0, 0)),
        ("5\u00b5s", (0, 5000)),
    ],
)
def test_fact_sheet_valid(text: str, expected: tuple[int, int]) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text,kind",
    [
        ("60", "unknown_unit"),
        ("", "empty"),
        ("   ", "empty"),
        ("-5m", "number_expected"),
        ("+5m", "number_expected"),
        ("1,000s", "invalid_character"),
        ("1_000s", "invalid_character"),
        ("m", "number_expected"),
        ("PT5M", "number_expected"),
        ("99999999999999999999s", "number_overflow"),
        ("3 Days", "unknown_unit"),
        ("1H", "unknown_unit"),
        ("1MIN", "unknown_unit"),
        ("1Days", "unknown_unit"),
        ("1.h", "invalid_character"),
        (" 0", "unknown_unit"),  # only the exact string "0" may omit the unit
        ("0 ", "unknown_unit"),
        ("1 h m", "number_expected"),
        ("1.5", "unknown_unit"),
    ],
)
def test_fact_sheet_invalid(text: str, kind: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert info.value.kind == kind


def test_whitespace_quirks() -> None:
    # whitespace between digits is skipped by humantime's integer loop
    assert parse_duration("1 0s") == (10, 0)
    # ... and inside the fractional part too
    assert parse_duration("1.5 5h") == (5580, 0)
    assert parse_duration("1 . 5 s") == (1, 500_000_000)
    # Rust's char::is_whitespace: NBSP and EM SPACE yes, U+001C no
    assert parse_duration("\u00a01\u2003s\u3000") == (1, 0)
    with pytest.raises(DurationError):
        parse_duration("1\x1cs")
    with pytest.raises(DurationError):
        parse_duration("\x1c1s")


def test_nanosecond_carry_of_2_4_0() -> None:
    assert parse_duration("500ms 500ms") == (1, 0)
    assert parse_duration("999999999ns 1ns") == (1, 0)
    assert parse_duration("1500ms 600ms") == (2, 100_000_000)
    # humantime 2.4.0 (kumod's version) panics on an exact carry at u64::MAX
    # seconds; the fix came after 2.4.0.
    for text in (f"{U64_MAX}s1000ms", f"{U64_MAX}s 999999999ns 1ns"):
        with pytest.raises(DurationError) as info:
            parse_duration(text)
        assert info.value.panics and info.value.kind == "panic"
    assert parse_duration(f"{U64_MAX - 1}s 1000ms") == (U64_MAX, 0)
    assert parse_duration(f"{U64_MAX}s 999999999ns") == (U64_MAX, 999_999_999)


SPELLINGS = {
    "nanos": (0, 1), "nsec": (0, 1), "ns": (0, 1),
    "usec": (0, 1000), "us": (0, 1000), "\u00b5s": (0, 1000),
    "millis": (0, 10**6), "msec": (0, 10**6), "ms": (0, 10**6),
    "seconds": (1, 0), "second": (1, 0), "secs": (1, 0), "sec": (1, 0), "s": (1, 0),
    "minutes": (60, 0), "minute": (60, 0), "min": (60, 0), "mins": (60, 0), "m": (60, 0),
    "hours": (3600, 0), "hour": (3600, 0), "hr": (3600, 0), "hrs": (3600, 0), "h": (3600, 0),
    "days": (86400, 0), "day": (86400, 0), "d": (86400, 0),
    "weeks": (604800, 0), "week": (604800, 0), "wk": (604800, 0), "wks": (604800, 0), "w": (604800, 0),
    "months": (MONTH, 0), "month": (MONTH, 0), "M": (MONTH, 0),
    "years": (YEAR, 0), "year": (YEAR, 0), "yr": (YEAR, 0), "yrs": (YEAR, 0), "y": (YEAR, 0),
}


@given(st.sampled_from(sorted(SPELLINGS)), st.integers(0, 10**6), st.sampled_from(["", " ", "  "]))
def test_every_spelling_scales(unit: str, n: int, sep: str) -> None:
    sec, nsec = SPELLINGS[unit]
    total = n * (sec * 10**9 + nsec)
    assert parse_duration(f"{n}{sep}{unit}") == divmod(total, 10**9)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8))
def test_unknown_spellings_rejected(unit: str) -> None:
    if unit in SPELLINGS:
        assert parse_duration("2" + unit) == divmod(2 * (SPELLINGS[unit][0] * 10**9 + SPELLINGS[unit][1]), 10**9)
    else:
        with pytest.raises(DurationError) as info:
            parse_duration("2" + unit)
        assert f'"{unit}"' in str(info.value)


@pytest.mark.parametrize(
    "unit",
    ["mo", "mon", "mth", "mns", "msecs", "nsecs", "usecs", "millisecond", "milliseconds",
     "microseconds", "nanoseconds", "minuts", "hs", "ds", "ys", "Y", "D", "W", "S", "MS", "Ms",
     "Sec", "Min", "Hour", "Day", "Week", "Month", "Year", "sek", "weekss"],
)
def test_near_miss_spellings_rejected(unit: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration("3" + unit)
    assert info.value.kind == "unknown_unit"


@given(st.lists(st.tuples(st.integers(0, 10**9), st.sampled_from(sorted(SPELLINGS))), min_size=1, max_size=5))
def test_spans_add_up(spans: list[tuple[int, str]]) -> None:
    text = " ".join(f"{n}{u}" for n, u in spans)
    total = sum(n * (SPELLINGS[u][0] * 10**9 + SPELLINGS[u][1]) for n, u in spans)
    assert parse_duration(text) == divmod(total, 10**9)


# --- format_duration ------------------------------------------------------------

@pytest.mark.parametrize(
    "secs,nanos,text",
    [
        (0, 0, "0s"),
        (1200, 0, "20m"),
        (604_800, 0, "7days"),
        (5400, 0, "1h 30m"),
        (9420, 0, "2h 37m"),
        (15, 0, "15s"),
        (600, 0, "10m"),
        (60, 0, "1m"),
        (86400, 0, "1day"),
        (86401, 0, "1day 1s"),
        (MONTH, 0, "1month"),
        (2 * MONTH, 0, "2months"),
        (12 * MONTH, 0, "1year 43m 12s"),
        (YEAR, 0, "1year"),
        (2 * YEAR + MONTH + 86400 + 3661, 0, "2years 1month 1day 1h 1m 1s"),
        (0, 32_000_000, "32ms"),
        (0, 123_000, "123us"),
        (0, 1, "1ns"),
        (1, 234_567_890, "1s 234ms 567us 890ns"),
        (U64_MAX, 999_999_999,
         "584542046090years 7months 15days 17h 5m 3s 999ms 999us 999ns"),
    ],
)
def test_format_duration(secs: int, nanos: int, text: str) -> None:
    assert format_duration(secs, nanos) == text


def test_format_duration_rejects_out_of_range() -> None:
    for args in ((-1, 0), (U64_MAX + 1, 0), (0, 10**9), (0, -1)):
        with pytest.raises(DurationError):
            format_duration(*args)


def test_all_seconds_of_a_day_round_trip() -> None:
    for second in range(0, 86400, 7):
        assert parse_duration(format_duration(second)) == (second, 0)


@given(st.integers(0, U64_MAX), st.integers(0, 10**9 - 1))
def test_format_parses_back(secs: int, nanos: int) -> None:
    assert parse_duration(format_duration(secs, nanos)) == (secs, nanos)


@given(st.integers(0, 253_370_764_800))
def test_format_parses_back_whole_seconds(secs: int) -> None:
    text = format_duration(secs)
    assert parse_duration(text) == (secs, 0)
    assert "ms" not in text and "ns" not in text


# --- duration_from_seconds (duration-serde number branches) ----------------------

@pytest.mark.parametrize(
    "value,expected",
    [
        (0, (0, 0)),
        (15, (15, 0)),
        (86400, (86400, 0)),
        (2**63 - 1, (2**63 - 1, 0)),
        (15.0, (15, 0)),
        (1.5, (1, 500_000_000)),
        (0.5, (0, 500_000_000)),
        (3600 / 2, (1800, 0)),
        (0.1, (0, 100_000_000)),
        (-0.0, (0, 0)),
        (1e-9, (0, 1)),
        (1e-10, (0, 0)),
        (5e-10, (0, 1)),  # the double is a hair above 0.5 ns
        (2.5e-9, (0, 3)),
        (1 / 1024, (0, 976_562)),  # exact tie 976562.5 ns -> even
        (3 / 1024, (0, 2_929_688)),  # exact tie 2929687.5 ns -> even
        (0.9999999995, (0, 999_999_999)),
        (1.0000000005, (1, 1)),
        (4503599627370495.5, (4503599627370495, 500_000_000)),
        (2.0**64 - 2048, (2**64 - 2048, 0)),
    ],
)
def test_duration_from_seconds(value: float, expected: tuple[int, int]) -> None:
    assert duration_from_seconds(value) == expected


def test_negative_integer_is_a_clean_error() -> None:
    with pytest.raises(DurationError) as info:
        duration_from_seconds(-1)
    assert not info.value.panics
    assert str(info.value).startswith(
        "duration must either be a string or a positive integer specifying the number of seconds."
    )


@pytest.mark.parametrize("value", [-1.5, -1e-300, -math.inf, math.inf, math.nan, 1e20, 2.0**64])
def test_bad_float_panics(value: float) -> None:
    with pytest.raises(DurationError) as info:
        duration_from_seconds(value)
    assert info.value.panics
    assert "cannot convert float seconds to Duration" in str(info.value)
    assert ("negative" in str(info.value)) == (value < 0)


@pytest.mark.parametrize("value", [True, False, "10", None, [1]])
def test_non_numbers_rejected(value: object) -> None:
    with pytest.raises(DurationError) as info:
        duration_from_seconds(value)  # type: ignore[arg-type]
    assert not info.value.panics


@given(st.integers(0, U64_MAX))
def test_integer_seconds(value: int) -> None:
    assert duration_from_seconds(value) == (value, 0)


@given(st.floats(min_value=0.0, max_value=2.0**63, allow_nan=False))
def test_float_seconds_round_to_nearest_nanosecond(value: float) -> None:
    secs, nanos = duration_from_seconds(value)
    assert 0 <= nanos < 10**9
    assert abs((secs * 10**9 + nanos) - Fraction(value) * 10**9) <= Fraction(1, 2)
    if value == int(value):
        assert (secs, nanos) == (int(value), 0)
