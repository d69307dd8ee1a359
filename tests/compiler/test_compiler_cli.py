"""The compile, resolve and verify commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kumocheck.cli import main

POLICIES = Path(__file__).parent / "policies"


def test_compile_to_file_and_stdout(tmp_path, capsys):
    out = tmp_path / "policy.py"
    assert main(["compile", str(POLICIES / "p01_domain_map.lua"), "-o", str(out)]) == 0
    text = out.read_text()
    assert "# lua:14:" in text and "def chunk_main" in text
    assert main(["compile", str(POLICIES / "p01_domain_map.lua")]) == 0
    assert capsys.readouterr().out == text


def test_compile_refuses_checker_errors(capsys):
    assert main(["compile", str(POLICIES / "p30_explicit_nil.lua")]) == 1
    err = capsys.readouterr().err
    assert "not compiled" in err and "nil-return" in err


def test_compile_reports_unsupported_constructs(tmp_path, capsys):
    bad = tmp_path / "bad.lua"
    bad.write_text("local x = 1\nlocal t = setmetatable({}, {})\n")
    assert main(["compile", str(bad)]) == 1
    assert "bad.lua:2" in capsys.readouterr().err


def test_usage_errors(tmp_path, capsys):
    assert main(["compile", str(tmp_path / "missing.lua")]) == 2
    assert main(["resolve", str(POLICIES / "p01_domain_map.lua"), "x", "--policy-root", str(tmp_path / "nope")]) == 2
    assert main(["verify", str(POLICIES / "p01_domain_map.lua"), "--queues", str(tmp_path / "nope.txt")]) == 2


def test_resolve_full_and_json(capsys):
    path = str(POLICIES / "p01_domain_map.lua")
    assert main(["resolve", path, "gmail.com", "t@yahoo.com"]) == 0
    out = capsys.readouterr().out
    assert "# gmail.com" in out and '"retry_interval": "5m"' in out and '"max_age": "3days"' in out
    assert main(["resolve", path, "gmail.com", "--output-format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shape = data["gmail.com"]
    assert shape["max_retry_interval"] == "1h"
    assert sorted(shape) == sorted([
        "retry_interval", "max_retry_interval", "max_age", "egress_pool", "max_message_rate", "protocol",
        "reap_interval", "refresh_interval", "timerwheel_tick_interval", "strategy", "refresh_strategy",
        "provider_name", "shrink_policy",
    ])


def test_resolve_error_exit_code(tmp_path, capsys):
    policy = tmp_path / "p.lua"
    policy.write_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  if domain == 'boom.example' then error('boom') end\n"
        "end)\n"
    )
    assert main(["resolve", str(policy), "ok.example", "boom.example", "--output-format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok.example"]["retry_interval"] == "20m"
    assert "boom" in data["boom.example"]["error"]


def test_verify_clean_and_with_queue_file(tmp_path, capsys):
    pytest.importorskip("lupa.lua54")
    assert main(["verify", str(POLICIES / "p12_while_repeat.lua")]) == 0
    assert "0 difference(s)" in capsys.readouterr().out
    queues = tmp_path / "queues.txt"
    queues.write_text("# names\nexample.com\nt@www.example.com\n\nco.uk\n")
    assert main(["verify", str(POLICIES / "p12_while_repeat.lua"), "--queues", str(queues)]) == 0
    assert "3 queue name(s), 0 difference(s)" in capsys.readouterr().out


def test_verify_reports_differences(tmp_path, monkeypatch, capsys):
    pytest.importorskip("lupa.lua54")
    from kumocheck.runtime import policy as runtime_policy

    real = runtime_policy.concat_n

    def broken(*operands):  # simulate a miscompilation of `a .. b .. c`
        return real(*operands) + b"!"

    monkeypatch.setattr(runtime_policy, "concat_n", broken)
    queues = tmp_path / "queues.txt"
    # p17 builds its provider name with a concatenation chain
    queues.write_text("a.b.c\nx.y\n")
    assert main(["verify", str(POLICIES / "p17_multiple_returns.lua"), "--queues", str(queues)]) == 1
    out = capsys.readouterr().out
    assert "compiled and Lua 5.4 differ" in out and "2 difference(s)" in out


def test_generated_module_imports_no_compiler_dependencies(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "gen_policy.py"
    assert main(["compile", str(POLICIES / "p25_require_module.lua"), "-o", str(out)]) == 0
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, gen_policy\n"
        "assert gen_policy.resolve('gmail.com').to_dict()['retry_interval'] == '3m'\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('luaparser', 'jinja2', 'lupa', 'antlr4')]\n"
        "assert not bad, bad\n"
    )
    env = {"PYTHONPATH": f"{tmp_path}:{root}", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
