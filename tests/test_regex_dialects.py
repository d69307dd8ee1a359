"""Regexes judged by fancy-regex's and Rust regex's own grammars (kumocheck.values.regex)."""

from __future__ import annotations

import subprocess

import pytest

from kumocheck.parse.data import to_plain
from kumocheck.parse.toml import read_toml
from kumocheck.values.regex import regex_problem

from kumomta_source import MIRROR

BOTH_ACCEPT = [
    r"^4\d\d\s", r"(?i)rate limit(ed)?", r"421 4\.7\.0 \[TS0[1-3]\]", r"(?:too many|excessive) connections",
    r"[a-z0-9._-]+@example\.com", r"\x41\u00e9\U0001F600\x{1F600}", r"\p{L}\pL\P{Greek}", r"a{2}b{1,}c{0,3}?",
    r"[[:alpha:]][^[:digit:]]", r"[a-z&&[^aeiou]]", r"(?P<code>\d{3})", r"(?<code>\d{3}) (?-i:X)", r"\bword\B",
    r"[\]\[\-]", r"[]a]", r"[^]a]", r"a|", r"()", r"(?s).+$", r"(?x) a b # comment", r"\.\*\+\?\(\)\|\{\}\^\$\#\&\-\~",
    r"\t\n\r\f\v\a", r"\A\z", r"^$", r"[\d\s\w-]", r"\%\@\!", r"(a)(b)(c)", "é+",
]
FANCY_ONLY = [
    (r"(?=.*gmail)\d+", "look-ahead"), (r"(?<!blocked )mail", "look-behind"), (r"(?<=4\d\d )spam", "look-behind"),
    (r"(a)\1", "backreferences"), (r"(?P<x>a)(?P=x)", "(?P=name)"), (r"(?>a+)b", "atomic"), (r"a++b", None),
    (r"a{2,}+", None), (r"foo\Kbar", "unrecognized escape"), (r"\Gx", "unrecognized escape"), (r"\e\h", "unrecognized escape"),
    (r"(?<n>a)\k<n>", "unrecognized escape"), (r"(?'n'a)", "unknown group flag"), (r"x{", "counted repetition"),
    (r"x{,3}", "minimum"), (r"a{b}", "counted repetition"), (r"{", "nothing to repeat"), (r"\Z", "end of text is \\z"),
    (r"(?(1)a|b)(x)", "conditionals"), (r"(?P<1x>a)", "invalid group name"), (r"(?i-)a", "'-'"), (r"(?ii)a", "twice"),
]
RUST_ONLY = [
    (r"a**", "cannot repeat a repetition"), (r"^*", "repeats"), (r"(?R)a", "unknown group flag"), (r"\b{start}x", "word boundaries"),
    (r"(?x)a{2}", None),
]
RUST_REFUSES = [(r"(?P<1x>a)", "invalid group name"), (r"(?i-)a", "'-'"), (r"(?ii)a", "twice"), (r"(?P<n>a)(?P<n>b)", "duplicate")]
BOTH_REFUSE = [
    (r"(abc", 0, "unclosed group"), (r"abc)", 3, "unbalanced ')'"), (r"a(b(c)", 1, "unclosed group"), (r"\q", 0, "escape"),
    (r"*a", 0, "nothing to repeat"), (r"a|*", 2, "nothing to repeat"), (r"a{2,1}", 1, "minimum is larger"),
    (r"(?Q)", 2, "unknown group flag"), (r"[z-a]", 1, "invalid range 'z-a'"), (r"[abc", 0, "unclosed character class"),
    (r"\x4", 0, "hexadecimal"), (r"\x{110000}", 0, "Unicode scalar"), (r"\p{L", 0, "unclosed Unicode class"), ("abc\\", 3, "trailing backslash"),
    (r"(?P<>a)", 4, "empty group name"), (r"[\d-z]", 1, "range"), (r"(?-)", 2, "'-'"), (r"[\w-.]+@", 1, "is a class"),
]


@pytest.mark.parametrize("pattern", BOTH_ACCEPT)
def test_both_engines_accept(pattern):
    assert regex_problem(pattern, "fancy") is None
    assert regex_problem(pattern, "rust") is None


@pytest.mark.parametrize("pattern, rust_says", FANCY_ONLY)
def test_fancy_only_syntax(pattern, rust_says):
    assert regex_problem(pattern, "fancy") is None
    problem = regex_problem(pattern, "rust")
    if rust_says is None:
        assert problem is None
    else:
        assert problem is not None and rust_says in problem.message, problem


@pytest.mark.parametrize("pattern, fancy_says", RUST_ONLY)
def test_rust_only_syntax(pattern, fancy_says):
    assert regex_problem(pattern, "rust") is None
    problem = regex_problem(pattern, "fancy")
    if fancy_says is None:
        assert problem is None
    else:
        assert problem is not None and fancy_says in problem.message, problem


@pytest.mark.parametrize("pattern, words", RUST_REFUSES)
def test_rust_refuses(pattern, words):
    problem = regex_problem(pattern, "rust")
    assert problem is not None and words in problem.message, problem


@pytest.mark.parametrize("pattern, offset, words", BOTH_REFUSE)
def test_both_engines_refuse(pattern, offset, words):
    for dialect in ("fancy", "rust"):
        problem = regex_problem(pattern, dialect)
        assert problem is not None, (pattern, dialect)
        assert words in problem.message, (dialect, problem)
        assert problem.offset == offset, (dialect, problem)


@pytest.mark.parametrize(
    "pattern, words",
    [
        (r"(?<=a+)b", "fixed length"), (r"(?<!ab|c)d", "fixed length"), (r"\2(a)", "does not exist"),
        (r"(?<n>a)\1", "named groups"), (r"\k<nope>(?<nope>a)", "not defined before"), (r"[\1]", "inside a character class"),
        (r"(?-u)a", "Unicode"), ("(" * 64 + ")" * 64, "nested too deeply"), (r"\b{start}", "word boundaries"),
    ],
)
def test_fancy_refuses(pattern, words):
    problem = regex_problem(pattern, "fancy")
    assert problem is not None and words in problem.message, problem


def test_fixed_length_lookbehind_is_fine():
    for pattern in (r"(?<=ab|cd)x", r"(?<=\d{3} )x", r"(?<![a-z]\.)x", r"(?<=(?:ab){2})x"):
        assert regex_problem(pattern, "fancy") is None, pattern


def _mirror_file(path: str) -> str | None:
    if not MIRROR.exists():
        return None
    done = subprocess.run(["git", "-C", str(MIRROR), "show", f"HEAD:{path}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def _strings(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str):
        yield key, value


@pytest.mark.parametrize(
    "path, dialect",
    [("assets/policy-extras/shaping.toml", "fancy"), ("assets/community/shaping.toml", "fancy"), ("assets/community/bounces.toml", "rust")],
)
def test_kumomta_own_patterns_are_accepted(path, dialect):
    text = _mirror_file(path)
    if text is None:
        pytest.skip("KumoMTA mirror absent")
    patterns = [v for k, v in _strings(to_plain(read_toml(text, path).root)) if dialect == "rust" or k == "regex"]
    assert len(patterns) > 5
    refused = [(p, regex_problem(p, dialect)) for p in patterns if regex_problem(p, dialect)]
    assert refused == []


def test_validator_reports_invalid_regex_at_the_string():
    from kumocheck.schema.model import TypeRef, load_schema
    from kumocheck.schema.validate import Validator
    from kumocheck.source import SourceFile
    from kumocheck.parse.data import read_data

    text = "[[\"gmail.com\".automation]]\nregex = ['^4\\d\\d', '(?<=421 )rate+* limited']\naction = 'Suspend'\n"
    rule = read_data(SourceFile("shaping.toml", text), "toml").root.get(b"gmail.com").value.get(b"automation").value.entries[0].value
    validator = Validator(load_schema())
    problems = list(validator.validate(rule.get(b"regex").value, TypeRef.parse("list:fancy_regex"), ("automation", "regex")))
    assert [(p.rule, p.origin.line, p.origin.column) for p in problems] == [("invalid-regex", 2, 20)]
    assert "cannot repeat a repetition" in problems[0].message and "character 15" in problems[0].message
    assert list(validator.validate(rule.get(b"action").value, TypeRef.parse("rust_regex"), ("x",))) == []
    lookahead = read_data(SourceFile("s.toml", "r = '(?=x)y'\n"), "toml").root.get(b"r").value
    assert list(validator.validate(lookahead, TypeRef.parse("fancy_regex"), ("r",))) == []
    assert [p.rule for p in validator.validate(lookahead, TypeRef.parse("rust_regex"), ("r",))] == ["invalid-regex"]
