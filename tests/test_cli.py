"""The `kumocheck` command line: exit codes, output formats, rule selection, `rule`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kumocheck.cli import main

ROOT = Path(__file__).resolve().parent.parent

CLEAN = """\
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { retry_interval = '10m', max_age = '2 days' }
end)
"""

# line 3: nil-return (KC206); line 4: invalid-duration (KC103); line 5: unknown-key (KC101)
BAD = """\
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'skip.example' then return nil end
  return kumo.make_queue_config { retry_interval = '60',
    retry_intervall = '5m' }
end)
"""

JSON_KEYS = {"path", "line", "column", "end_line", "end_column", "severity", "code", "rule", "message", "help", "fix"}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """Run every command from an empty folder so no project configuration is picked up."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("KUMOCHECK_DEBUG", raising=False)


@pytest.fixture
def clean(tmp_path) -> Path:
    path = tmp_path / "clean.lua"
    path.write_text(CLEAN, encoding="utf-8")
    return path


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.lua"
    path.write_text(BAD, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def concise_rules(out: str) -> list[tuple[int, str]]:
    """(line, rule) from concise output lines `path:line:col: CODE [rule] message`."""
    found = []
    for line in out.splitlines():
        location, _, rest = line.partition(": ")
        line_number = int(location.rsplit(":", 2)[1])
        found.append((line_number, rest.split("[", 1)[1].split("]", 1)[0]))
    return found


# ---------------------------------------------------------------- exit codes


def test_clean_file_exits_0(capsys, clean):
    code, out, err = run(capsys, "check", str(clean))
    assert code == 0
    assert "All checks passed (1 file)" in out
    assert err == ""


def test_findings_exit_1(capsys, bad):
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    assert "KC206" in out and "KC103" in out and "KC101" in out


def test_exit_zero_option(capsys, bad):
    code, out, _ = run(capsys, "check", "--exit-zero", str(bad))
    assert code == 0
    assert "KC206" in out


def test_missing_path_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such file or directory" in err
    assert "Traceback" not in err


def test_missing_path_does_not_claim_success(capsys, tmp_path):
    _, out, _ = run(capsys, "check", str(tmp_path / "nowhere"))
    assert "passed" not in out


def test_missing_path_next_to_good_file_still_exits_2(capsys, tmp_path, bad):
    code, out, err = run(capsys, "check", str(bad), str(tmp_path / "nowhere.lua"))
    assert code == 2
    assert "KC206" in out  # the readable file is still checked
    assert "nowhere.lua" in err


def test_usage_errors_exit_2(capsys):
    assert run(capsys, "check", "--output-format", "xml")[0] == 2
    assert run(capsys, "check", "--no-such-option")[0] == 2
    code, out, _ = run(capsys)
    assert code == 2
    assert "check" in out  # the help lists the commands


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("kumocheck ")


def test_subprocess_exit_codes(tmp_path, clean, bad):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("NO_COLOR", None)
    for path, expected in ((clean, 0), (bad, 1), (tmp_path / "missing.lua", 2)):
        result = subprocess.run(
            [sys.executable, "-m", "kumocheck", "check", "--output-format", "concise", str(path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            timeout=60,
        )
        assert result.returncode == expected, result.stderr
        assert "Traceback" not in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "kumocheck", "check", "--output-format", "concise", str(bad)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert concise_rules(result.stdout) == [(3, "nil-return"), (4, "invalid-duration"), (5, "unknown-key")]


# ---------------------------------------------------------------- output formats


def test_full_format(capsys, bad):
    code, out, _ = run(capsys, "check", "--color", "never", str(bad))
    assert code == 1
    assert "error[KC206]" in out
    assert f"--> {bad}:3:" in out
    assert "3 |   if domain == 'skip.example' then return nil end" in out
    assert "^^^^^^^^^^" in out  # the caret span under `return nil`
    assert "= help:" in out
    assert "Found 3 problems" in out
    assert "\x1b[" not in out


def test_concise_format(capsys, bad):
    code, out, _ = run(capsys, "check", "--output-format", "concise", str(bad))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{bad}:3:")
    assert " KC206 [nil-return] " in lines[0]
    assert concise_rules(out) == [(3, "nil-return"), (4, "invalid-duration"), (5, "unknown-key")]


def test_concise_clean_prints_nothing(capsys, clean):
    code, out, _ = run(capsys, "check", "--output-format", "concise", str(clean))
    assert (code, out) == (0, "")


def test_json_format(capsys, bad):
    code, out, _ = run(capsys, "check", "--output-format", "json", str(bad))
    assert code == 1
    findings = json.loads(out)
    assert [f["rule"] for f in findings] == ["nil-return", "invalid-duration", "unknown-key"]
    for finding in findings:
        assert set(finding) == JSON_KEYS
        assert finding["path"] == str(bad)
        assert isinstance(finding["line"], int) and isinstance(finding["column"], int)
        assert finding["end_line"] >= finding["line"]
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["code"].startswith("KC")
    nil_return = findings[0]
    assert (nil_return["line"], nil_return["code"], nil_return["severity"]) == (3, "KC206", "error")
    # the span covers `return nil` exactly
    line = BAD.splitlines()[2]
    assert line[nil_return["column"] - 1 : nil_return["end_column"] - 1] == "return nil"
    fix = nil_return["fix"]
    assert fix["replacement"] == "return"
    assert set(fix) == {"title", "applicability", "replacement", "line", "column", "end_line", "end_column"}
    assert fix["applicability"] == "unsafe"  # the handler stops erroring: a change of behaviour


def test_json_clean_is_empty_list(capsys, clean):
    code, out, _ = run(capsys, "check", "--output-format", "json", str(clean))
    assert code == 0
    assert json.loads(out) == []


def test_output_file(capsys, tmp_path, bad):
    target = tmp_path / "report.json"
    code, out, _ = run(capsys, "check", "--output-format", "json", "-o", str(target), str(bad))
    assert code == 1
    assert out == ""
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 3


def test_statistics(capsys, bad):
    code, out, _ = run(capsys, "check", "--statistics", str(bad))
    assert code == 1
    assert "nil-return" in out or "KC206" in out


# ---------------------------------------------------------------- colour


def test_color_always(capsys, bad):
    _, out, _ = run(capsys, "check", "--color", "always", str(bad))
    assert "\x1b[31m" in out


def test_color_auto_not_a_tty(capsys, bad):
    _, out, _ = run(capsys, "check", str(bad))
    assert "\x1b[" not in out


def test_no_color_env_wins_over_auto(capsys, monkeypatch, bad):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    _, out, _ = run(capsys, "check", str(bad))
    assert "\x1b[" not in out


def test_color_never_and_json_have_no_escapes(capsys, bad):
    _, out, _ = run(capsys, "check", "--color", "never", str(bad))
    assert "\x1b[" not in out
    _, out, _ = run(capsys, "check", "--color", "always", "--output-format", "json", str(bad))
    assert "\x1b[" not in out
    json.loads(out)


# ---------------------------------------------------------------- stdin


def test_stdin_with_filename(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(BAD.encode()))
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--stdin-filename", "policy/init.lua", "-")
    assert code == 1
    assert out.splitlines()[0].startswith("policy/init.lua:3:")
    assert concise_rules(out) == [(3, "nil-return"), (4, "invalid-duration"), (5, "unknown-key")]


def test_stdin_clean(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", _Stdin(CLEAN.encode()))
    code, out, _ = run(capsys, "check", "--output-format", "json", "-")
    assert code == 0
    assert json.loads(out) == []


def test_stdin_filename_without_dash_is_usage_error(capsys, clean):
    code, _, err = run(capsys, "check", "--stdin-filename", "x.lua", str(clean))
    assert code == 2
    assert "--stdin-filename" in err


def test_stdin_with_other_paths_is_usage_error(capsys, monkeypatch, clean):
    monkeypatch.setattr(sys, "stdin", _Stdin(CLEAN.encode()))
    code, _, err = run(capsys, "check", "-", str(clean))
    assert code == 2
    assert "stdin" in err


class _Stdin:
    def __init__(self, data: bytes):
        import io

        self.buffer = io.BytesIO(data)


# ---------------------------------------------------------------- --select / --ignore


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("--select", "nil-return", ["nil-return"]),
        ("--select", "KC206", ["nil-return"]),
        ("--select", "kc206", ["nil-return"]),
        ("--select", "KC1", ["invalid-duration", "unknown-key"]),
        ("--select", "nil-return,unknown-key", ["nil-return", "unknown-key"]),
        ("--ignore", "nil-return", ["invalid-duration", "unknown-key"]),
        ("--ignore", "KC103", ["nil-return", "unknown-key"]),
        ("--ignore", "KC1", ["nil-return"]),
        ("--ignore", "KC", []),
    ],
)
def test_select_and_ignore(capsys, bad, option, value, expected):
    code, out, _ = run(capsys, "check", "--output-format", "concise", option, value, str(bad))
    assert [rule for _, rule in concise_rules(out)] == expected
    assert code == (1 if expected else 0)


def test_select_and_ignore_combined(capsys, bad):
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--select", "KC1", "--ignore", "unknown-key", str(bad))
    assert code == 1
    assert [rule for _, rule in concise_rules(out)] == ["invalid-duration"]


def test_select_repeated_option(capsys, bad):
    _, out, _ = run(capsys, "check", "--output-format", "concise", "--select", "KC206", "--select", "KC101", str(bad))
    assert [rule for _, rule in concise_rules(out)] == ["nil-return", "unknown-key"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_name_is_usage_error(capsys, bad, option):
    code, out, err = run(capsys, "check", option, "nil-retrun", str(bad))
    assert code == 2
    assert out == ""
    assert "unknown rule 'nil-retrun'" in err
    assert "nil-return" in err  # the suggestion
    assert len(err.strip().splitlines()) == 1


def test_unknown_code_is_usage_error(capsys, bad):
    code, _, err = run(capsys, "check", "--select", "KC999", str(bad))
    assert code == 2
    assert "KC999" in err


# ---------------------------------------------------------------- rule


def test_rule_by_name_and_code(capsys):
    code, by_name, _ = run(capsys, "rule", "nil-return")
    assert code == 0
    assert by_name.startswith("KC206 nil-return (error)")
    assert "Why:" in by_name and "Fix:" in by_name and "Example:" in by_name
    code, by_code, _ = run(capsys, "rule", "KC206")
    assert code == 0
    assert by_code == by_name


def test_rule_unknown(capsys):
    code, out, err = run(capsys, "rule", "nil-retrun")
    assert code == 2
    assert out == ""
    assert "did you mean 'nil-return'" in err


def test_rule_without_name(capsys):
    code, _, err = run(capsys, "rule")
    assert code == 2
    assert "--all" in err


def test_rule_all(capsys):
    import tomllib

    rules = tomllib.loads((ROOT / "rules" / "rules.toml").read_text(encoding="utf-8"))["rules"]
    code, out, _ = run(capsys, "rule", "--all")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(rules)
    codes = [line.split()[0] for line in lines]
    assert codes == sorted(codes)
    for name, spec in rules.items():
        assert any(line.split()[:3] == [spec["code"], name, spec["severity"]] for line in lines), name


def test_rule_all_markdown(capsys):
    code, out, _ = run(capsys, "rule", "--all", "--markdown")
    assert code == 0
    assert out.startswith("# Rules\n")
    assert "## KC206 nil-return" in out


# ---------------------------------------------------------------- directories


def test_directory_recursion(capsys, tmp_path):
    tree = tmp_path / "policy"
    (tree / "lib" / "deep").mkdir(parents=True)
    (tree / "init.lua").write_text(CLEAN, encoding="utf-8")
    (tree / "lib" / "deep" / "bad.lua").write_text(BAD, encoding="utf-8")
    (tree / "lib" / "notes.txt").write_text("return nil", encoding="utf-8")
    (tree / ".git").mkdir()
    (tree / ".git" / "hook.lua").write_text(BAD, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--output-format", "concise", str(tree))
    assert code == 1
    paths = {line.split(":", 1)[0] for line in out.splitlines()}
    assert paths == {str(tree / "lib" / "deep" / "bad.lua")}
    code, out, _ = run(capsys, "check", "--color", "never", str(tree))
    assert "in 2 files" in out


def test_default_path_is_cwd(capsys, tmp_path):
    (Path.cwd() / "init.lua").write_text(BAD, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--output-format", "concise")
    assert code == 1
    assert out.splitlines()[0].startswith("init.lua:3:")


def test_directory_without_lua_files(capsys, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "README.md").write_text("no policy here", encoding="utf-8")
    code, out, err = run(capsys, "check", str(empty))
    assert code == 0
    assert "Traceback" not in err
    # it says so, on stderr, without pretending something was checked
    assert "no Lua files" in err
    assert "0 files" in out or out == ""
    code, out, _ = run(capsys, "check", "--output-format", "json", str(empty))
    assert code == 0
    assert json.loads(out) == []


# ---------------------------------------------------------------- --target-version

NEWER = """\
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain)
  return kumo.make_queue_config {
    shrink_policy = { { interval = '1h', policy = 'ShrinkData' } },
  }
end)
"""


def test_target_version_flags_newer_keys(capsys, tmp_path):
    path = tmp_path / "init.lua"
    path.write_text(NEWER, encoding="utf-8")
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--target-version", "2024.11.08", str(path))
    assert code == 1
    assert concise_rules(out) == [(4, "requires-newer-kumomta")]
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--target-version", "2025.03.19", str(path))
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "check", "--output-format", "concise", str(path))
    assert (code, out) == (0, "")


def test_target_version_must_be_a_release(capsys, tmp_path):
    code, out, err = run(capsys, "check", "--target-version", "banana", str(tmp_path))
    assert code == 2
    assert out == ""
    assert "--target-version banana" in err


def test_target_version_flags_newer_throttle_syntax(capsys, tmp_path):
    path = tmp_path / "init.lua"
    path.write_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  return kumo.make_queue_config { max_message_rate = '20/30minute,max_burst=5' }\n"
        "end)\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--target-version", "2024.11.08", str(path))
    assert code == 1
    assert [rule for _, rule in concise_rules(out)] == ["requires-newer-kumomta"]
