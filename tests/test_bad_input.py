"""Hostile and odd input never produces a traceback: exit 0, 1 or 2 and a readable message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kumocheck.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("KUMOCHECK_DEBUG", raising=False)


def check(capsys, path: Path, *extra: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--output-format", "json", *extra, str(path)])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, (json.loads(out) if out.strip() else []), err


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def rules(findings: list[dict]) -> list[str]:
    return [f["rule"] for f in findings]


def test_binary_file_with_nul_bytes(capsys, tmp_path):
    path = write(tmp_path, "x.lua", b"\x7fELF\x02\x01\x01\x00\x00\x00" + bytes(range(256)) * 4)
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert "syntax-error" in rules(findings)


def test_nul_byte_in_otherwise_valid_policy(capsys, tmp_path):
    path = write(tmp_path, "init.lua", b"local kumo = require 'kumo'\nlocal s = 'a\x00b'\n")
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert rules(findings) == ["syntax-error"]


def test_latin1_file(capsys, tmp_path):
    text = "-- politique de la file d'attente, caf\u00e9\nlocal kumo = require 'kumo'\n"
    text += "kumo.on('get_queue_config', function(domain)\n  return kumo.make_queue_config { retry_interval = '60' }\nend)\n"
    path = write(tmp_path, "init.lua", text.encode("latin-1"))
    code, findings, _ = check(capsys, path)
    assert code == 1
    by_rule = {f["rule"]: f for f in findings}
    assert by_rule["source-encoding"]["line"] == 1
    assert by_rule["source-encoding"]["severity"] == "warning"
    # the file is still checked (read as Latin-1)
    assert by_rule["invalid-duration"]["line"] == 4


def test_latin1_in_a_string_value(capsys, tmp_path):
    text = "local kumo = require 'kumo'\nkumo.on('get_queue_config', function(domain)\n"
    text += "  return kumo.make_queue_config { egress_pool = 'pool-\u00e9t\u00e9' }\nend)\n"
    path = write(tmp_path, "init.lua", text.encode("latin-1"))
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert "source-encoding" in rules(findings)
    assert next(f for f in findings if f["rule"] == "source-encoding")["line"] == 3


def test_utf8_bom_is_accepted(capsys, tmp_path):
    path = write(tmp_path, "init.lua", b"\xef\xbb\xbflocal kumo = require 'kumo'\n")
    assert check(capsys, path)[:2] == (0, [])


@pytest.mark.parametrize("text", ["", "   \n\t\n  ", "\n" * 1000, "-- only a comment\n", "--[[ long\ncomment ]]"])
def test_empty_and_blank_files(capsys, tmp_path, text):
    path = write(tmp_path, "init.lua", text)
    assert check(capsys, path)[:2] == (0, [])


def test_unterminated_long_comment(capsys, tmp_path):
    path = write(tmp_path, "init.lua", "local kumo = require 'kumo'\n--[[ never closed\n")
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert rules(findings) == ["syntax-error"]


def test_300_nested_parentheses(capsys, tmp_path):
    path = write(tmp_path, "init.lua", "local x = " + "(" * 300 + "1" + ")" * 300 + "\n")
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert rules(findings) == ["syntax-error"]


def test_150_nested_tables_are_fine(capsys, tmp_path):
    path = write(tmp_path, "init.lua", "local x = " + "{" * 150 + "}" * 150 + "\n")
    assert check(capsys, path)[:2] == (0, [])


def test_5000_nested_tables(capsys, tmp_path):
    path = write(tmp_path, "init.lua", "local x = " + "{" * 5000 + "}" * 5000 + "\n")
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert rules(findings) == ["syntax-error"]
    assert "200" in findings[0]["message"]


def test_deeply_nested_functions_and_blocks(capsys, tmp_path):
    text = "local kumo = require 'kumo'\n" + "do " * 1000 + "end " * 1000 + "\n"
    code, findings, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert code == 1
    assert rules(findings) == ["syntax-error"]


def test_long_concatenation_chain(capsys, tmp_path):
    # a flat (not nested) expression with thousands of operands is valid Lua
    text = "local kumo = require 'kumo'\nlocal s = " + " .. ".join(["'a'"] * 3000) + "\n"
    code, _, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert code in (0, 1)


def test_very_long_string_literal(capsys, tmp_path):
    text = (
        "local kumo = require 'kumo'\n"
        f"local POOL = '{'p' * 1_000_000}'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  return kumo.make_queue_config { egress_pool = POOL, retry_interval = '1 Minutes' }\n"
        "end)\n"
    )
    started = time.monotonic()
    code, findings, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert time.monotonic() - started < 20
    assert code == 1
    assert [(f["line"], f["rule"]) for f in findings] == [(4, "invalid-duration")]


def test_very_long_line_of_code(capsys, tmp_path):
    entries = ", ".join(f"d{i} = '{i}m'" for i in range(5000))
    text = f"local kumo = require 'kumo'\nlocal T = {{ {entries} }}\n"
    code, _, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert code == 0


def _generated_policy(size: int) -> str:
    lines = ["local kumo = require 'kumo'", "local DOMAINS = {"]
    total, i = 0, 0
    while total < size:
        line = (
            f"  ['d{i}.example.com'] = {{ retry_interval = '{i % 50 + 1}m', "
            f"max_message_rate = '{i % 900 + 1}/h', egress_pool = 'pool-{i % 7}' }},"
        )
        lines.append(line)
        total += len(line) + 1
        i += 1
    lines += [
        "}",
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)",
        "  local d = DOMAINS[domain]",
        "  if d then return kumo.make_queue_config(d) end",
        "  return kumo.make_queue_config { retry_interval = '5 Minutes' }",
        "end)",
    ]
    return "\n".join(lines) + "\n"


def test_generated_200k_policy(capsys, tmp_path):
    text = _generated_policy(200_000)
    started = time.monotonic()
    code, findings, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert time.monotonic() - started < 20
    assert code == 1
    assert [(f["line"], f["rule"]) for f in findings] == [(len(text.splitlines()) - 1, "invalid-duration")]


@pytest.mark.skipif(not os.environ.get("KUMOCHECK_SLOW_TESTS"), reason="takes about 40 s; set KUMOCHECK_SLOW_TESTS=1")
def test_generated_2mb_policy(capsys, tmp_path):
    text = _generated_policy(2_000_000)
    started = time.monotonic()
    code, findings, _ = check(capsys, write(tmp_path, "init.lua", text))
    elapsed = time.monotonic() - started
    assert code == 1
    assert [(f["line"], f["rule"]) for f in findings] == [(len(text.splitlines()) - 1, "invalid-duration")]
    assert elapsed < 20, f"a 2 MB policy took {elapsed:.1f} s"


def test_file_over_8_mib_is_refused_with_a_finding(capsys, tmp_path):
    path = write(tmp_path, "init.lua", b"-- " + b"x" * (8 * 1024 * 1024 + 10) + b"\n")
    code, findings, _ = check(capsys, path)
    assert code == 1
    assert rules(findings) == ["syntax-error"]
    assert "8 MiB" in findings[0]["message"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file(capsys, tmp_path):
    path = write(tmp_path, "init.lua", "local kumo = require 'kumo'\n")
    path.chmod(0)
    try:
        code, _, err = check(capsys, path)
    finally:
        path.chmod(0o644)
    assert code == 2
    assert "permission denied" in err


def test_missing_directory(capsys, tmp_path):
    code, findings, err = check(capsys, tmp_path / "no" / "such" / "policy")
    assert code == 2
    assert findings == []
    assert "no such file or directory" in err
    assert len(err.strip().splitlines()) == 1


def test_fifo_in_policy_folder_does_not_hang(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    directory = tmp_path / "policy"
    directory.mkdir()
    (directory / "init.lua").write_text("local kumo = require 'kumo'\n", encoding="utf-8")
    os.mkfifo(directory / "pipe.lua")  # a directory walk must not block on it
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kumocheck", "check", "--isolated", str(directory)],
            capture_output=True,
            cwd=tmp_path,
            env=env,
            timeout=5,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("kumocheck hung on a FIFO")
    assert result.returncode in (0, 2)


def test_directory_named_like_a_lua_file(capsys, tmp_path):
    directory = tmp_path / "policy"
    (directory / "odd.lua").mkdir(parents=True)
    (directory / "init.lua").write_text("local kumo = require 'kumo'\n", encoding="utf-8")
    code, _, _ = check(capsys, directory)
    assert code == 0


def test_require_cycle(capsys, tmp_path):
    root = tmp_path / "policy"
    root.mkdir()
    (root / "init.lua").write_text("local a = require 'a'\nlocal kumo = require 'kumo'\n", encoding="utf-8")
    (root / "a.lua").write_text("local b = require 'b'\nreturn { b = b }\n", encoding="utf-8")
    (root / "b.lua").write_text("local a = require 'a'\nreturn { a = a }\n", encoding="utf-8")
    code, _, _ = check(capsys, root)
    assert code == 0


def test_module_with_syntax_error_required_by_init(capsys, tmp_path):
    root = tmp_path / "policy"
    root.mkdir()
    (root / "init.lua").write_text(
        "local kumo = require 'kumo'\nlocal pools = require 'pools'\n"
        "kumo.on('get_queue_config', function(d) return kumo.make_queue_config { egress_pool = pools[d] } end)\n",
        encoding="utf-8",
    )
    (root / "pools.lua").write_text("return { a = 'x' \n", encoding="utf-8")
    code, findings, _ = check(capsys, root)
    assert code == 1
    assert [(Path(f["path"]).name, f["rule"]) for f in findings] == [("pools.lua", "syntax-error")]


def test_recursive_helper_functions(capsys, tmp_path):
    text = (
        "local kumo = require 'kumo'\n"
        "local function f(n) if n > 0 then return f(n - 1) end return kumo.make_queue_config { max_age = n } end\n"
        "local function g(n) return g(n) end\n"
        "kumo.on('get_queue_config', function(domain) g(1) return f(10) end)\n"
    )
    code, _, _ = check(capsys, write(tmp_path, "init.lua", text))
    assert code in (0, 1)


# ---------------------------------------------------------------- configuration files


@pytest.mark.parametrize(
    "name, text, fragment",
    [
        ("kumocheck.toml", "select = [\n", "invalid TOML"),
        ("kumocheck.toml", "colour = 'always'\n", "unknown option"),
        ("kumocheck.toml", "select = 5\n", "select"),
        ("kumocheck.toml", "per-file-ignores = ['a']\n", "per-file-ignores"),
        ("pyproject.toml", "[tool.kumocheck]\nfoo = 1\n", "unknown option"),
        ("pyproject.toml", "[tool.kumocheck\n", "invalid TOML"),
    ],
)
def test_bad_config_file(capsys, tmp_path, name, text, fragment):
    policy = write(tmp_path, "init.lua", "local kumo = require 'kumo'\n")
    config = tmp_path / "conf" / name
    config.parent.mkdir()
    config.write_text(text, encoding="utf-8")
    code = main(["check", "--config", str(config), str(policy)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1


def test_config_file_that_does_not_exist(capsys, tmp_path):
    code = main(["check", "--config", str(tmp_path / "missing.toml"), str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "no such file" in err


def test_bad_config_found_automatically(capsys, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "kumocheck.toml").write_text("select = [\n", encoding="utf-8")
    (project / "init.lua").write_text("local kumo = require 'kumo'\n", encoding="utf-8")
    os.chdir(project)
    code = main(["check", "init.lua"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "invalid TOML" in err
    assert "Traceback" not in err


def test_subprocess_binary_input_on_stdin(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "kumocheck", "check", "--isolated", "-"],
        input=b"\x00\xff\xfe" * 100,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode in (0, 1, 2)
    assert b"Traceback" not in result.stderr


def test_duration_too_large_for_rust_is_a_finding_not_a_crash(capsys, tmp_path):
    text = "local kumo = require 'kumo'\nreturn kumo.make_queue_config { max_age = '99999999999999999999s' }\n"
    code = main(["check", "--isolated", "--output-format", "json", str(write(tmp_path, "init.lua", text))])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert [(f["line"], f["rule"]) for f in json.loads(out)] == [(2, "invalid-duration")]
