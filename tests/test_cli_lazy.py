"""The command line imports a subcommand's module only when that subcommand runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kumocheck.cli import build_parser, main, registry

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("kumocheck.compiler", "kumocheck.runtime", "kumocheck.server")

# runs `kumocheck ARGV...` as the console script does, then reports what it imported
_PROBE = """
import json, sys
from kumocheck.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(m for m in sys.modules if m.startswith("kumocheck"))}))
"""


def _imported(tmp_path: Path, *argv: str) -> tuple[int, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, env=env, cwd=tmp_path, check=False
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["code"], found["modules"]


def _subcommands(parser) -> dict:
    (action,) = parser._subparsers._group_actions  # noqa: SLF001 - reading argparse's table
    return action


def test_check_imports_no_compiler_runtime_or_server(tmp_path):
    (tmp_path / "policy").mkdir()
    policy = tmp_path / "policy" / "init.lua"
    policy.write_text("kumo.on('get_queue_config', function() return kumo.make_queue_config {} end)\n")
    argv = ("check", "--cache-dir", str(tmp_path / "cache"), "--output-format", "concise", str(policy))
    code, cold = _imported(tmp_path, *argv)
    assert code == 0
    # the checker's constant folding uses the runtime's Lua arithmetic (model/folding.py)
    assert [m for m in cold if m.startswith(("kumocheck.compiler", "kumocheck.server"))] == []
    code, warm = _imported(tmp_path, *argv)  # answered from the cache
    assert code == 0
    assert [m for m in warm if m.startswith(HEAVY)] == []


def test_compile_imports_the_compiler(tmp_path):
    policy = tmp_path / "init.lua"
    policy.write_text("kumo.on('get_queue_config', function() return kumo.make_queue_config {} end)\n")
    code, modules = _imported(tmp_path, "compile", str(policy), "-o", str(tmp_path / "out.py"))
    assert code == 0 and "kumocheck.compiler.cli" in modules
    assert "kumocheck.server.cli" not in modules


def test_help_lists_every_subcommand_with_its_own_help(capsys):
    full = _subcommands(build_parser())
    lazy = _subcommands(build_parser("check"))
    helps = {a.dest: a.help for a in full._choices_actions}  # noqa: SLF001
    assert [a.dest for a in lazy._choices_actions] == list(helps)  # noqa: SLF001
    assert {a.dest: a.help for a in lazy._choices_actions} == helps  # noqa: SLF001
    table = {name: text for entry in registry.MODULES for name, text in entry.commands}
    assert {name: helps[name] for name in table} == table
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in helps)


def test_requested_command_is_the_first_word_that_is_not_an_option():
    assert registry.requested_command(["check", "x.lua"]) == "check"
    assert registry.requested_command(["--version"]) is None
    assert registry.requested_command(["-h", "verify", "p.lua"]) == "verify"
    assert registry.requested_command([]) is None


def test_a_placeholder_that_gets_chosen_is_parsed_again_with_every_module(monkeypatch, tmp_path, capsys):
    args = build_parser("check").parse_args(["schemas", str(tmp_path)])
    assert getattr(args, registry.PLACEHOLDER) == "schemas"
    monkeypatch.setattr(registry, "requested_command", lambda argv: None)  # the first-word rule missed it
    assert main(["schemas", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir())
