"""README.md's example output and suppression example match the tool exactly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _indented_block_after(marker: str) -> str:
    text = README[README.index(marker) :]
    lines = text.splitlines()[1:]
    while lines and not lines[0].strip():
        lines.pop(0)
    block: list[str] = []
    for line in lines:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block).strip("\n") + "\n"


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "kumocheck", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_example_output_is_what_the_tool_prints():
    shown = _indented_block_after("Example output")
    result = _run("check", "--no-cache", "examples/policy")
    assert result.returncode == 1
    assert result.stdout.endswith(shown), result.stdout


def test_suppression_example_silences_a_real_finding(tmp_path):
    line = _indented_block_after("### Suppressing a finding").splitlines()[0]
    assert "kumocheck: ignore[" in line
    policy = (
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  return kumo.make_queue_config {\n" + line + "\n  }\nend)\n"
    )
    (tmp_path / "init.lua").write_text(policy, encoding="utf-8")
    assert _run("check", "--no-cache", "--isolated", "init.lua", cwd=tmp_path).returncode == 0
    without = re.sub(r"\s*--.*", "", line)
    (tmp_path / "init.lua").write_text(policy.replace(line, without), encoding="utf-8")
    result = _run("check", "--no-cache", "--isolated", "--output-format", "concise", "init.lua", cwd=tmp_path)
    assert result.returncode == 1 and "[invalid-duration]" in result.stdout  # the comment silences a real finding


def test_fix_commands_shown_in_the_readme_work(tmp_path):
    import shutil

    shutil.copytree(ROOT / "examples" / "policy", tmp_path / "examples" / "policy")
    diff = _run("check", "--no-cache", "--diff", "examples/policy", cwd=tmp_path)
    assert diff.returncode == 1 and diff.stdout.startswith("--- a/examples/policy/")
    fixed = _run("check", "--no-cache", "--fix", "--show-fixes", "examples/policy", cwd=tmp_path)
    assert "Fixed" in fixed.stderr
    assert _run("check", "--no-cache", "--diff", "examples/policy", cwd=tmp_path).returncode == 0
