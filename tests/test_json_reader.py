"""The positional JSON reader: serde_json's language (Python's json, minus its extensions,
as the value reference), spans, duplicate keys, errors with line and column."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumocheck.parse.data import DataSyntaxError, read_data, to_plain
from kumocheck.parse.json import MAX_NESTING, JsonSyntaxError, read_json
from kumocheck.source import SourceFile


def _reject_constants(name):
    raise ValueError(name)


def _lua_integer(text: str):
    """serde_json reads integers beyond 64 bits as floats; Lua sees u64 beyond i64 as floats too."""
    value = int(text)
    return value if -(2**63) <= value < 2**63 else float(value)


def _reference(text: str):
    try:
        value = json.loads(text, parse_constant=_reject_constants, parse_int=_lua_integer)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, (dict, list)) else None


def _ours(text: str):
    try:
        return to_plain(read_json(text))
    except JsonSyntaxError:
        return None


CASES = [
    "{}", "[]", " {\n} ", '{"a": 1}', '{"a": 1,}', "[1,]", "[1 2]", '{"a" 1}', "{a: 1}", "{'a': 1}",
    '{"a": NaN}', '{"a": Infinity}', '{"a": -Infinity}', '{"a": 1} // c', '{"a": /* c */ 1}', '{"a": 1} x',
    '{"a": 01}', '{"a": -0}', '{"a": 1.}', '{"a": .5}', '{"a": 1e5}', '{"a": 1E+2}', '{"a": -}', '{"a": 0x10}',
    '{"a": "\\u00e9\\ud83d\\ude00"}', '{"a": "\\x41"}', '{"a": "\\q"}', '{"a": "tab\there"}', '{"a": "\\/"}',
    '{"a": tru}', '{"a": true, "b": false, "c": null}', '{"a": [1, [2, {"b": []}]]}', "", "   ", "[", "{",
    '{"a": "unterminated}', '{"a":\n', '[1, 2', '{"a": 1 "b": 2}', "\ufeff{}", '{"a": 1}\n\n', '{"a": "\\u12"}',
    '[1e999]', '[18446744073709551616]', '[-9223372036854775809]', '["\\ud800"]', '["\\udc00"]', '["a\x7fb"]',
]


@pytest.mark.parametrize("text", CASES)
def test_accepts_and_reads_like_serde_json(text):
    ours = _ours(text)
    reference = _reference(text)
    if text == "[1e999]":  # Python reads inf; serde_json says "number out of range"
        assert ours is None
        return
    if text == '["\\ud800"]' or text == '["\\udc00"]':  # serde_json refuses lone surrogates
        assert ours is None
        return
    assert ours == reference, text


def test_duplicate_keys_are_kept_in_order():
    root = read_json('{"pool": {"source": "a", "source": "b"}}', "sources.json")
    pool = root.get(b"pool").value
    assert [(e.key.value, e.value.value, e.origin.column) for e in pool.entries] == [
        (b"source", b"a", 11), (b"source", b"b", 26)
    ]
    assert pool.get(b"source").value.value == b"b"


def test_spans():
    root = read_json('{\n  "queue": {\n    "max_age": "3 days",\n    "n": [1, 2.5]\n  }\n}', "q.json")
    queue = root.get(b"queue")
    assert (queue.origin.line, queue.origin.column, queue.origin.end_column) == (2, 3, 10)
    max_age = queue.value.get(b"max_age")
    assert (max_age.value.origin.line, max_age.value.origin.column, max_age.value.origin.end_column) == (3, 16, 24)
    assert max_age.value.origin.file == "q.json"
    numbers = queue.value.get(b"n").value
    assert numbers.array_meta and [(e.key.value, e.value.value, e.origin.column) for e in numbers.entries] == [(1, 1, 11), (2, 2.5, 14)]


@pytest.mark.parametrize(
    "text, line, column, message",
    [
        ('{\n  "a": 1,\n}', 3, 1, "trailing comma"),
        ('{\n  "a": NaN\n}', 2, 8, "expected value"),
        ('{"a": 1} // c', 1, 10, "trailing characters"),
        ('{\n "a": "x\\qy"}', 2, 10, "invalid escape"),
        ('{"a": [1, 2}', 1, 12, "expected `,` or `]`"),
        ('{"a": "open', 1, 12, "EOF while parsing a string"),
        ("{a: 1}", 1, 2, "key must be a string"),
        ('"just a string"', 1, 1, "expected a JSON object"),
    ],
)
def test_errors_like_serde_json(text, line, column, message):
    with pytest.raises(DataSyntaxError) as caught:
        read_data(SourceFile("x.json", text), "json")
    problem = caught.value.problem
    assert (problem.line, problem.column, problem.message) == (line, column, problem.message)
    assert message in problem.message


def test_nesting_limit_like_serde_json():
    read_json("[" * MAX_NESTING + "]" * MAX_NESTING)
    for depth in (MAX_NESTING + 1, 100_000):
        with pytest.raises(JsonSyntaxError) as caught:
            read_json('{"a":' * depth + "1" + "}" * depth)
        assert caught.value.problem.message == "recursion limit exceeded"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.text(max_size=3), _JSON, max_size=4), st.booleans(), st.data())
def test_generated_json_reads_like_json(value, indent, data):
    text = json.dumps(value, indent=2 if indent else None, ensure_ascii=data.draw(st.booleans()))
    assert _ours(text) == value
    cut = data.draw(st.integers(0, len(text)))
    mutated = text[:cut] + data.draw(st.sampled_from([",", "]", "}", '"', "\\", " ", ":", "1", "x", ""])) + text[cut + 1 :]
    if "\\ud8" not in mutated.lower() and "\\udc" not in mutated.lower():
        assert _ours(mutated) == _reference(mutated), mutated
