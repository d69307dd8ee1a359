"""Fuzzing and resource-safety tests for the checker.

Property tests (hypothesis, derandomized) mutate the realistic policies under
tests/policies/ -- delete or duplicate tokens, flip bytes, truncate, insert bytes
that are not UTF-8 -- and assert that the checker always answers with diagnostics
and an exit code of 0, 1 or 2: never a traceback, never exit 3 (internal error).

The resource tests feed inputs that stress recursion, memory and quadratic paths:
deep nesting (Lua's limit is 200 levels), a 3 MB generated policy, a 1 MB string
literal, a 100k-operand concatenation chain, a long comment and 50,000 statements.

For on-demand coverage-guided fuzzing see fuzz/atheris_check.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumocheck import cli
from kumocheck.config import Settings
from kumocheck.diagnostics import Diagnostic
from kumocheck.project import Report, check_sources

POLICIES = Path(__file__).parent / "policies"
ROOT = Path(__file__).resolve().parent.parent

#: Every .lua file under tests/policies (single files and the multi-file folders).
SEEDS: list[tuple[str, bytes]] = sorted(
    (str(p.relative_to(POLICIES)), p.read_bytes()) for p in POLICIES.rglob("*.lua")
)
MULTI_FILE = sorted(p for p in POLICIES.iterdir() if p.is_dir() and any(p.rglob("*.lua")))

#: Lua-ish tokens: long brackets, strings, comments, names, numbers, operators, spaces.
_TOKEN = re.compile(
    rb"--\[=*\[.*?\]=*\]|--[^\n]*|\[=*\[.*?\]=*\]|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\""
    rb"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d*)?|\.\.\.|\.\.|==|~=|<=|>=|::|//|<<|>>|\s+|.",
    re.S,
)
_NOT_UTF8 = [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]
_INTERESTING = [
    b"(", b")", b"{", b"}", b"[", b"]", b"[[", b"]]", b"--[[", b"'", b'"', b"end", b"function",
    b"local", b"return", b"kumo.on", b"kumo.make_queue_config", b"require", b"...", b"..", b"\\",
    b"\x00", b"\r", b"#", b"goto", b"::x::", b"0x", b"1e999", b"nil", b"=", b",", b";",
]


def tokens(data: bytes) -> list[bytes]:
    return _TOKEN.findall(data)


def _option_supported(flag: str) -> bool:
    parser = cli.build_parser()
    for action in parser._subparsers._group_actions:  # noqa: SLF001 - probing is all we do
        check = action.choices.get("check")
        if check is not None:
            return any(flag in a.option_strings for a in check._actions)  # noqa: SLF001
    return False


#: The lead's result cache and parallel checking: keep in-process runs pure and serial.
EXTRA_ARGS = (["--no-cache"] if _option_supported("--no-cache") else []) + (
    ["-j", "1"] if _option_supported("--jobs") else []
)


# --------------------------------------------------------------------------- mutations


@st.composite
def mutated_policy(draw) -> bytes:
    """A seed policy with 1-4 random edits."""
    _name, data = draw(st.sampled_from(SEEDS))
    toks = tokens(data)
    assert b"".join(toks) == data
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(["delete", "duplicate", "flip", "truncate", "non_utf8", "insert", "swap"])
        )
        if not toks:
            toks = [b""]
        i = draw(st.integers(0, len(toks) - 1))
        if kind == "delete":
            n = draw(st.integers(1, 3))
            del toks[i : i + n]
        elif kind == "duplicate":
            toks.insert(i, toks[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
        elif kind == "insert":
            toks.insert(i, draw(st.sampled_from(_INTERESTING)))
        elif kind == "non_utf8":
            toks.insert(i, draw(st.sampled_from(_NOT_UTF8)))
        else:
            flat = b"".join(toks)
            if not flat:
                continue
            if kind == "truncate":
                flat = flat[: draw(st.integers(0, len(flat)))]
            else:  # flip one byte
                at = draw(st.integers(0, len(flat) - 1))
                flat = flat[:at] + bytes([flat[at] ^ (1 << draw(st.integers(0, 7)))]) + flat[at + 1 :]
            toks = tokens(flat) or [b""]
    return b"".join(toks)


FUZZ = settings(
    max_examples=int(os.environ.get("KUMOCHECK_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --------------------------------------------------------------------------- drivers


def assert_sane(report: Report) -> None:
    assert isinstance(report, Report)
    for d in report.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.span.line >= 1 and d.span.column >= 1, d
        assert d.rule and d.code and isinstance(d.message, str), d


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """`kumocheck.cli.main(args)` in-process, with stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def assert_cli_ok(path: Path, *extra: str) -> tuple[int, str, str]:
    code, out, err = run_cli(
        ["check", "--isolated", "--color", "never", *EXTRA_ARGS, *extra, str(path)]
    )
    assert code in (0, 1, 2), f"exit {code}\nstdout:\n{out[-2000:]}\nstderr:\n{err[-2000:]}"
    assert "internal error" not in err and "Traceback" not in err, err
    assert "Traceback" not in out
    if code == 1:
        assert out.strip(), "exit 1 without any finding printed"
    return code, out, err


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def test_seeds_tokenize_losslessly():
    assert SEEDS, "no seed policies under tests/policies"
    for name, data in SEEDS:
        assert b"".join(tokens(data)) == data, name


@FUZZ
@given(data=mutated_policy())
def test_mutated_policy_check_sources(workdir, data):
    path = workdir / "init.lua"
    path.write_bytes(data)
    report = check_sources([path], Settings())
    assert_sane(report)
    assert report.files_checked == 1 or report.errors


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 2, 10))
@given(data=mutated_policy(), fmt=st.sampled_from(["full", "concise", "json", "sarif", "github", "junit"]))
def test_mutated_policy_cli(workdir, data, fmt):
    path = workdir / "policy.lua"
    path.write_bytes(data)
    assert_cli_ok(path, "--output-format", fmt)


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 5, 10))
@given(folder=st.sampled_from(MULTI_FILE), data=st.data())
def test_mutated_module_in_multi_file_policy(tmp_path_factory, folder, data):
    """Break one file of a multi-file policy and check the whole folder (require resolution)."""
    import shutil

    target = tmp_path_factory.mktemp("mf") / folder.name
    shutil.copytree(folder, target)
    files = sorted(target.rglob("*.lua"))
    victim = data.draw(st.sampled_from(files))
    toks = tokens(victim.read_bytes())
    if toks:
        i = data.draw(st.integers(0, len(toks) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "truncate", "non_utf8"]))
        if op == "delete":
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        elif op == "truncate":
            del toks[i:]
        else:
            toks.insert(i, b"\xff")
    victim.write_bytes(b"".join(toks))
    assert_sane(check_sources([target], Settings()))
    assert_cli_ok(target)


def test_stdin_mode_with_non_utf8(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"local x = '\xff\xfe'\nreturn x\n")))
    code, out, err = run_cli(["check", "--isolated", *EXTRA_ARGS, "-", "--stdin-filename", "init.lua"])
    assert code in (0, 1, 2), err
    assert "internal error" not in err


@pytest.mark.parametrize("name", [n for n, _ in SEEDS][:8])
def test_subprocess_on_mutated_seed(tmp_path, name):
    """A few real processes: the entry point, the encoding of output and the exit code."""
    data = dict(SEEDS)[name]
    mutated = data[: len(data) // 2] + b"\xff(" + data[len(data) // 2 :]
    path = tmp_path / "init.lua"
    path.write_bytes(mutated)
    proc = subprocess.run(
        [sys.executable, "-m", "kumocheck", "check", "--isolated", *EXTRA_ARGS, str(path)],
        capture_output=True,
        cwd=tmp_path,  # any cache directory lands here, not in the repository
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode in (0, 1, 2), proc.stderr.decode(errors="replace")
    assert b"Traceback" not in proc.stderr and b"internal error" not in proc.stderr


# --------------------------------------------------------------------------- resources


def check_text(tmp_path: Path, text: str | bytes, *, via_cli: bool = True) -> tuple[Report, int, str]:
    """check_sources on the text and (unless the input is huge) the CLI in-process too."""
    path = tmp_path / "init.lua"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    report = check_sources([path], Settings())
    assert_sane(report)
    if not via_cli:
        return report, 1 if report.diagnostics else 0, ""
    code, out, _err = assert_cli_ok(path, "--output-format", "concise")
    assert code == (1 if report.diagnostics else 0)
    return report, code, out


def test_nesting_at_lua_limit_is_accepted(tmp_path):
    # Lua's bound counts C levels, so the exact depth depends on the loader's own calls
    # (lupa's load() refuses 197 parentheses); 190 is accepted by every loader
    report, code, _ = check_text(tmp_path, "local x = " + "(" * 190 + "1" + ")" * 190 + "\nreturn x\n")
    assert not [d for d in report.diagnostics if d.rule == "syntax-error"]


def test_nesting_beyond_lua_limit_is_a_syntax_error(tmp_path):
    report, code, out = check_text(tmp_path, "local x = " + "(" * 201 + "1" + ")" * 201 + "\n")
    assert code == 1
    assert [d.rule for d in report.diagnostics] == ["syntax-error"]
    assert "syntax-error" in out or "KC" in out


_N = 5000


@pytest.mark.parametrize(
    "body",
    [
        "local y = " + "{" * _N + "1" + "}" * _N,
        "do " * _N + "local z = 1" + " end" * _N,
        "if x then " * _N + "local z = 1" + " end" * _N,
        "local f = " + "function() return " * _N + "1" + " end" * _N,
        "local t = x" + "[x" * _N + "]" * _N,
    ],
    ids=["tables", "do-blocks", "if-blocks", "functions", "indexes"],
)
def test_deep_blocks_and_tables(tmp_path, body):
    report, code, _ = check_text(tmp_path, "local x = 1\n" + body + "\n")
    assert code == 1
    assert any(d.rule == "syntax-error" for d in report.diagnostics)


def test_deep_unary_chains(tmp_path):
    # Lua itself rejects these ("C stack overflow": each unary operator is a C level);
    # kumocheck accepts them. Either answer is fine here: no crash, sane output.
    report, code, _ = check_text(tmp_path, "local x = " + "- " * 10000 + "1\nlocal y = " + "not " * 10000 + "true\n")
    assert code in (0, 1)


def test_one_megabyte_string_literal(tmp_path):
    text = "local s = '" + "a" * (1 << 20) + "'\nreturn s\n"
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert code == 0, report.diagnostics


def test_one_megabyte_long_bracket_string(tmp_path):
    text = "local s = [==[" + ("line ]] of text\n" * 65536) + "]==]\nreturn s\n"
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert code == 0, report.diagnostics


def test_concatenation_chain_at_lua_limit(tmp_path):
    # `..` is right-associative: Lua 5.4 nests one C level per operator and accepts ~190
    report, code, _ = check_text(tmp_path, "local a = 'x'\nlocal s = a" + " .. a" * 150 + "\nreturn s\n")
    assert code == 0, report.diagnostics


@pytest.mark.slow  # ~15 s on 2 cores
def test_long_concatenation_chain(tmp_path):
    # 100k operands: Lua itself refuses this chunk (C stack overflow); we must answer
    # with a syntax-error diagnostic, not crash
    text = "local a = 'x'\nlocal s = a" + " .. a" * 100_000 + "\nreturn s\n"
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert code == 1
    assert [d.rule for d in report.diagnostics] == ["syntax-error"]


@pytest.mark.slow  # ~15 s on 2 cores
def test_long_addition_chain(tmp_path):
    text = "local a = 1\nlocal s = a" + " + a" * 100_000 + "\nreturn s\n"
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert not [d for d in report.diagnostics if d.rule == "syntax-error"]


def test_long_comments(tmp_path):
    text = (
        "--[[\n" + ("a long block comment line describing the policy\n" * 40_000) + "]]\n"
        + ("-- a line comment\n" * 10_000) + "local x = 1\n-- " + "c" * 500_000 + "\n"
    )
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert code == 0, report.diagnostics


def test_many_directives_in_one_block_comment(tmp_path):
    # suppress.collect counted the newlines of the whole comment once per directive
    # (quadratic: 50k lines took ~40 s); 10k lines keeps this test short either way
    text = "--[[\n" + ("note -- kumocheck: ignore[unknown-key]\n" * 10_000) + "]]\nlocal x = 1\n"
    report, code, _ = check_text(tmp_path, text, via_cli=False)
    assert code in (0, 1)


def test_fifty_thousand_statements(tmp_path):
    # assignments, not `local`s: Lua refuses more than 200 locals in one function
    report, code, _ = check_text(tmp_path, "x = 1\n" * 50_000, via_cli=False)
    assert code in (0, 1)
    assert not [d for d in report.diagnostics if d.rule == "syntax-error"]


def test_too_many_locals_is_lua_s_syntax_error(tmp_path):
    report, code, _ = check_text(tmp_path, "local x = 1\n" * 201, via_cli=False)
    assert code == 1
    assert [d.rule for d in report.diagnostics] == ["syntax-error"]
    assert "too many local variables" in report.diagnostics[0].message


def _generated_policy(target_bytes: int) -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_policies import big_policy
    finally:
        sys.path.pop(0)
    return big_policy(target_bytes)


@pytest.mark.slow  # ~25-50 s on 2 cores
def test_three_megabyte_generated_policy(tmp_path):
    text = _generated_policy(3 * 1024 * 1024)
    assert len(text.encode()) >= 3 * 1024 * 1024
    report, code, out = check_text(tmp_path, text, via_cli=False)
    assert code == 1
    assert not [d for d in report.diagnostics if d.rule == "syntax-error"]
    # the generator plants one mistake per domain block: they must be found
    assert any(d.rule == "invalid-duration" for d in report.diagnostics)


def test_file_over_size_limit_is_refused_cleanly(tmp_path):
    from kumocheck.source import MAX_SOURCE_BYTES

    path = tmp_path / "init.lua"
    with open(path, "wb") as handle:
        line = b"local x = 1\n"
        handle.write(line * (MAX_SOURCE_BYTES // len(line) + 2))
    report = check_sources([path], Settings())
    assert_sane(report)
    code, _out, _err = assert_cli_ok(path)
    assert code in (1, 2)


# --------------------------------------------------------------------------- found by fuzzing


def test_regression_out_of_range_duration_is_a_finding(tmp_path):
    """Found by test_mutated_policy_*: suggesting a replacement for an out-of-range
    duration raised DurationError in humantime.format_duration (exit 3)."""
    text = (
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  return kumo.make_queue_config { max_age = '99999999999999999999s' }\n"
        "end)\n"
    )
    report, code, _ = check_text(tmp_path, text)
    assert code == 1
    assert [d.rule for d in report.diagnostics] == ["invalid-duration"]
