"""Rough edges a new user hit (issue 11): each test failed before its fix."""

from __future__ import annotations

import json

import pytest

from kumocheck.cli import main

BAD = """\
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { retry_intervall = '5m', max_age = '3 Dayz' }
end)
"""


@pytest.fixture
def bad(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "bad.lua"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_ranges_outside_plain_is_a_usage_error(bad, capsys):
    assert main(["check", "--no-cache", "--ranges", str(bad)]) == 2
    assert "--ranges needs --output-format plain" in capsys.readouterr().err
    assert main(["check", "--no-cache", "--ranges", "--output-format", "plain", str(bad)]) == 1
    assert "bad.lua:3:35-49: (E101)" in capsys.readouterr().out


def test_rule_all_with_a_name_is_a_usage_error(capsys):
    assert main(["rule", "--all", "nil-return"]) == 2
    assert "not both" in capsys.readouterr().err


def test_statistics_as_json(bad, capsys):
    assert main(["check", "--no-cache", "--statistics", "--output-format", "json", str(bad)]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert {(r["code"], r["name"], r["count"]) for r in rows} == {("KC101", "unknown-key", 1), ("KC103", "invalid-duration", 1)}
    assert next(r for r in rows if r["code"] == "KC101")["fixable"] == 1


def test_compile_a_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["compile", "empty"]) == 2
    assert "is a directory without init.lua" in capsys.readouterr().err
    policy = tmp_path / "policy"
    policy.mkdir()
    (policy / "init.lua").write_text(BAD, encoding="utf-8")
    assert main(["compile", "policy"]) == 1  # compiled as policy/init.lua: refused for its errors
    assert "policy/init.lua" in capsys.readouterr().err


def test_bad_rule_in_config_names_the_file_and_key(bad, tmp_path, capsys):
    (tmp_path / "kumocheck.toml").write_text('[per-file-ignores]\n"*.lua" = ["nil-retrun"]\n', encoding="utf-8")
    assert main(["check", "--no-cache", str(bad)]) == 2
    err = capsys.readouterr().err
    assert 'kumocheck.toml: `per-file-ignores."*.lua"`: unknown rule \'nil-retrun\'' in err
    assert "--ignore" not in err
    (tmp_path / "kumocheck.toml").write_text('ignore = ["KC1O1"]\n', encoding="utf-8")
    assert main(["check", "--no-cache", str(bad)]) == 2
    assert "kumocheck.toml: `ignore`: unknown rule 'KC1O1'" in capsys.readouterr().err


def test_non_utf8_byte_is_shown_as_a_byte(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.lua").write_bytes(b"local x = \xff\n")
    main(["check", "--no-cache", "--output-format", "concise", "x.lua"])
    out = capsys.readouterr().out
    assert "x.lua:1:11: KC001 [syntax-error] unexpected symbol near byte 0xFF" in out
    (tmp_path / "x.lua").write_bytes("x = é\n".encode())
    main(["check", "--no-cache", "--output-format", "concise", "x.lua"])
    assert "unexpected symbol near 'é' (U+00E9)" in capsys.readouterr().out


def test_force_exclude(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "lib.lua").write_text(BAD, encoding="utf-8")
    (tmp_path / "kumocheck.toml").write_text('extend-exclude = ["vendor"]\n', encoding="utf-8")
    assert main(["check", "--no-cache", "vendor/lib.lua"]) == 1  # named: checked (ruff's default)
    assert main(["check", "--no-cache", "--force-exclude", "vendor/lib.lua"]) == 0
    (tmp_path / "kumocheck.toml").write_text('extend-exclude = ["vendor"]\nforce-exclude = true\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["check", "--no-cache", "vendor/lib.lua"]) == 0
    (tmp_path / "kumocheck.toml").write_text('force-exclude = "yes"\n', encoding="utf-8")
    assert main(["check", "--no-cache", "vendor/lib.lua"]) == 2
    assert "`force-exclude` must be true or false" in capsys.readouterr().err
