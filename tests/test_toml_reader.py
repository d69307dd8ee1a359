"""The positional TOML reader: tomllib's accept/reject and values for TOML 1.0, TOML 1.1
on top (recorded), exact spans, clear errors, hostile input."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "data_files"))
from data_support import TOML10_CASES, norm as _norm  # noqa: E402

from kumocheck.parse.data import DataSyntaxError, read_data, to_plain  # noqa: E402
from kumocheck.parse.toml import MAX_NESTING, TomlSyntaxError, read_toml  # noqa: E402
from kumocheck.source import SourceFile, decode_source  # noqa: E402
from kumocheck.suppress import collect  # noqa: E402


def _ours(text: str):
    """(plain value or None, toml11 uses, error or None)."""
    try:
        reader = read_toml(text)
    except TomlSyntaxError as exc:
        return None, [], exc
    return _norm(to_plain(reader.root)), reader.toml11, None


def _reference(text: str):
    try:
        return _norm(tomllib.loads(text)), None
    except tomllib.TOMLDecodeError as exc:
        return None, exc


def assert_same_as_tomllib(text: str) -> None:
    ours, toml11, error = _ours(text)
    reference, ref_error = _reference(text)
    if toml11:  # 1.1-only syntax: TOML 1.0 (tomllib) must refuse the document
        assert ref_error is not None, (text, toml11)
        return
    if error is not None and "64 bits" in error.problem.message:
        return  # tomllib accepts integers of any size; TOML (and KumoMTA) cap them at 64 bits
    assert (error is None) == (ref_error is None), (text, error, ref_error)
    assert ours == reference, text


@pytest.mark.parametrize("text", TOML10_CASES)
def test_accepts_and_reads_like_tomllib(text):
    assert_same_as_tomllib(text)


def _span(entry):
    s = entry.origin
    return (s.line, s.column, s.end_line, s.end_column)


def test_every_key_and_value_has_its_span():
    text = (
        '[providers."yahoo"]\n'
        "  match = [{ MXSuffix = '.yahoodns.net' }]\n"
        'connection_limit = 10 # kumocheck: ignore[unknown-key]\n'
        "\n"
        "[[providers.yahoo.automation]]\n"
        'regex = "é\\t"\n'
    )
    root = read_toml(text, "shaping.toml").root
    providers = root.get(b"providers")
    assert _span(providers) == (1, 2, 1, 11)
    yahoo = providers.value.get(b"yahoo")
    assert _span(yahoo) == (1, 12, 1, 19)
    assert yahoo.value.origin.line == 1 and yahoo.value.origin.column == 1
    assert yahoo.value.origin.file == "shaping.toml"
    match = yahoo.value.get(b"match")
    assert _span(match) == (2, 3, 2, 8)
    inline = match.value.entries[0].value
    suffix = inline.get(b"MXSuffix")
    assert _span(suffix) == (2, 14, 2, 22)
    assert (suffix.value.origin.column, suffix.value.origin.end_column) == (25, 40)
    assert suffix.value.value == b".yahoodns.net"
    limit = yahoo.value.get(b"connection_limit")
    assert limit.value.value == 10 and (limit.value.origin.column, limit.value.origin.end_column) == (20, 22)
    automation = yahoo.value.get(b"automation")
    assert automation.value.array_meta and automation.value.entries[0].key.value == 1
    rule = automation.value.entries[0].value
    assert rule.origin.line == 5
    regex = rule.get(b"regex").value
    assert regex.value == "é\t".encode() and (regex.origin.line, regex.origin.column, regex.origin.end_column) == (6, 9, 14)


def test_comments_carry_suppressions():
    text = "# kumocheck: ignore[unknown-key]\nconnection_limt = 3\nx = 1 # kumocheck: ignore[invalid-type]\n"
    doc = read_data(SourceFile("shaping.toml", text), "toml")
    found = collect(doc.comments, text.splitlines())
    assert found.by_line == {2: {"unknown-key"}, 3: {"invalid-type"}}


def test_datetimes_are_opaque_with_their_value():
    entry = read_toml("when = 1979-05-27T07:32:00Z\n").root.get(b"when")
    assert entry.value.kind == "datetime" and entry.value.detail.year == 1979
    assert (entry.value.origin.column, entry.value.origin.end_column) == (8, 28)


@pytest.mark.parametrize(
    "text, value, what",
    [
        ('a = { x = 1,\n  y = 2, }\n', {"a": {"x": 1, "y": 2}}, "newline or comment inside an inline table"),
        ("a = {\n  x = 1, # first\n}\n", {"a": {"x": 1}}, "newline or comment inside an inline table"),
        ("a = {x = 1,}\n", {"a": {"x": 1}}, "trailing comma in an inline table"),
        ('a = "\\e[0m"\n', {"a": "\x1b[0m"}, "\\e escape"),
        ('a = "\\x41\\xff"\n', {"a": "A\xff"}, "\\x escape"),
        ("a = 07:32\n", None, "time without seconds"),
        ("a = 1979-05-27T07:32Z\n", None, "time without seconds"),
    ],
)
def test_toml_1_1_is_read_and_recorded(text, value, what):
    reader = read_toml(text, "q.toml")
    assert reader.toml11 and any(what in description for _, description in reader.toml11)
    assert reader.toml11[0][0].file == "q.toml"
    if value is not None:
        assert to_plain(reader.root) == value
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)


def test_a_multi_line_inline_table_is_recorded_once():
    reader = read_toml("a = {\n  x = 1,\n  y = 2,\n  z = { q = 1,\n  }\n}\n")
    assert [(span.line, what.split(" (")[0]) for span, what in reader.toml11] == [
        (1, "newline or comment inside an inline table"),
        (4, "newline or comment inside an inline table"),
        (4, "trailing comma in an inline table"),
    ]


def test_toml_1_1_spans_point_at_the_syntax():
    reader = read_toml('a = "ok\\e"\nb = {x = 1,}\n')
    (escape, _), (comma, _) = reader.toml11
    assert (escape.line, escape.column, escape.end_column) == (1, 8, 10)
    assert (comma.line, comma.column) == (2, 11)


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ('[a]\nx = 1\n\n[b]\nx = 2\nx = 3\n', 6, 1, ["duplicate key 'x'", "line 5"]),
        ("[queue]\nmax_age = '1d'\n[queue]\n", 3, 2, ["[queue] is defined twice", "line 1"]),
        ('a = "bad \\q"\n', 1, 10, ["invalid escape '\\q'"]),
        ('\na = "never closed\n', 2, 5, ["unterminated string"]),
        ("a = 1_000_\n", 1, 5, ["invalid number"]),
        ("a = 2024-02-30\n", 1, 5, ["invalid date"]),
        ("a = 'x\x01'\n", 1, 7, ["U+0001", "string"]),
        ("# ok\n# bad \x7f\n", 2, 7, ["U+007F", "comment"]),
        ("a = [1, 2\nb = 3\n", 2, 1, ["',' or ']'", "line 1"]),
        ("a = {x = 1}\n[a]\n", 2, 2, ["line 1", "cannot be extended"]),
        ("a = yes\n", 1, 5, ["'yes'", "quotes"]),
        ("a = 9223372036854775808\n", 1, 5, ["64 bits"]),
        ('a = """never\n', 1, 5, ["unterminated multi-line string"]),
    ],
)
def test_errors_say_where_and_why(text, line, column, words):
    with pytest.raises(DataSyntaxError) as caught:
        read_data(SourceFile("f.toml", text), "toml")
    problem = caught.value.problem
    assert (problem.line, problem.column) == (line, column), problem
    for word in words:
        assert word in problem.message


def test_deep_nesting_is_a_syntax_error_not_a_crash():
    for opener, closer in (("[", "]"), ("{x=", "}")):
        ok = "a = " + opener * MAX_NESTING + "1" * (opener == "{x=") + closer * MAX_NESTING
        read_toml(ok)
        for depth in (MAX_NESTING + 1, 100_000):
            text = "a = " + opener * depth + "1" * (opener == "{x=") + closer * depth
            with pytest.raises(DataSyntaxError) as caught:
                read_data(SourceFile("deep.toml", text), "toml")
            assert "nested more than" in caught.value.problem.message


def test_binary_and_non_utf8_input_get_a_message():
    with pytest.raises(DataSyntaxError) as caught:
        read_data(decode_source("x.toml", b"a = 1\n\x00\x01\x02\xff"), "toml")
    assert "binary" in caught.value.problem.message and caught.value.problem.line == 2
    with pytest.raises(DataSyntaxError) as caught:
        read_data(decode_source("x.toml", b"a = 'caf\xe9'\n"), "toml")
    assert "UTF-8" in caught.value.problem.message


# -- property: generated documents are judged and read exactly like tomllib ---------------

_KEYS = st.sampled_from(["a", "b", "a.b", "b.a", '"a"', "'b'", "a . b", '"a.b"', "c-d", "1", "a.b.c", '""'])
_CHARS = st.sampled_from(list("ab \t\"'\\#=.,[]{}\n_-+:0123456789exTZ") + ["\\u00e9", "\\U0001F600", "\\q", "\x01", "\x7f", "é", "\r\n", "\r"])
_STRINGS = st.builds(lambda q, body: q + body + q, st.sampled_from(['"', "'", '"""', "'''"]), st.lists(_CHARS, max_size=8).map("".join))


def _join(parts):
    return "".join(parts)


_NUMBERS = st.lists(st.sampled_from(list("0123456789_.eE+-xob") + ["inf", "nan", "0x", "1979-05-27", "T07:32:00", " 07:32:00", "Z", "+01:00", ".5"]), min_size=1, max_size=6).map(_join)
_SCALARS = st.one_of(_STRINGS, _NUMBERS, st.sampled_from(["true", "false", "True", "1979-05-27T07:32:00Z", "00:00:00.123"]))


def _values(depth: int):
    if depth == 0:
        return _SCALARS
    inner = _values(depth - 1)
    array = st.lists(st.tuples(inner, st.sampled_from([",", ", ", ",\n", " ,", ",#c\n"])), max_size=3).map(
        lambda items: "[" + "".join(v + sep for v, sep in items)[:-1 or None] + "]"
    )
    table = st.lists(st.tuples(_KEYS, inner), max_size=3).map(lambda items: "{" + ", ".join(f"{k} = {v}" for k, v in items) + "}")
    return st.one_of(_SCALARS, array, table)


_LINES = st.one_of(
    st.builds(lambda k, v: f"{k} = {v}", _KEYS, _values(2)),
    st.builds(lambda k: f"[{k}]", _KEYS),
    st.builds(lambda k: f"[[{k}]]", _KEYS),
    st.sampled_from(["", "# comment", "  # indented", "[a", "a =", "= 1", "[[a]", "x = 1 # trailing"]),
)
_DOCUMENTS = st.lists(_LINES, max_size=8).map("\n".join)


@settings(max_examples=700, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(_DOCUMENTS)
def test_generated_documents_match_tomllib(text):
    assert_same_as_tomllib(text)


@settings(max_examples=500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.sampled_from([c for c in TOML10_CASES if len(c) > 4]), st.data())
def test_mutated_documents_match_tomllib(text, data):
    """One character inserted, deleted or replaced in a hand-written case."""
    at = data.draw(st.integers(0, len(text)))
    char = data.draw(_CHARS)
    mutated = data.draw(st.sampled_from([text[:at] + char + text[at:], text[:at] + text[at + 1 :], text[:at] + char + text[at + 1 :]]))
    assert_same_as_tomllib(mutated)
