"""`kumocheck server` with a real editor: Neovim's built-in LSP client, headless.

Skipped when `nvim` is not installed (CI installs Debian's neovim; see .ci/run)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integration_support import kumocheck_env

pytest.importorskip("pygls", reason="pygls is not installed (pip install kumocheck[server])")
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (apt-get install neovim): editor test skipped")
SESSION = Path(__file__).resolve().parent / "editors" / "neovim_session.lua"

POLICY = """local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'default',
    retry_interval = '10m',
    max_agee = '3 days',
  }
end)
"""


def test_neovim_diagnostics_completion_hover_and_code_action(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "policy").mkdir()
    (root / "policy" / "init.lua").write_text(POLICY, encoding="utf-8")
    (root / "policy" / "queues.toml").write_text('[tenant.bulk]\nmax_age = "3 days"\n', encoding="utf-8")
    out = tmp_path / "results.json"
    env = kumocheck_env() | {"KC_ROOT": str(root), "KC_OUT": str(out), "KC_PYTHON": sys.executable, "HOME": str(tmp_path)}
    proc = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {SESSION}"],
        cwd=tmp_path, env=env, timeout=240, capture_output=True, check=False, stdin=subprocess.DEVNULL,
    )
    assert out.is_file(), f"Neovim wrote no results: {proc.stderr[-2000:]!r}"
    results = json.loads(out.read_text("utf-8"))
    assert "failed" not in results, results["steps"]
    assert [(d["code"], d["line"], d["col"]) for d in results["diagnostics"]] == [("KC101", 6, 4)]
    assert "did you mean `max_age`?" in results["diagnostics"][0]["message"]
    assert "max_age" in results["completion"] and "retry_interval" not in results["completion"]
    assert results["hover"]["contents"]["value"].startswith("**retry_interval** · `QueueConfig`")
    assert results["applied"] == "Replace with max_age"
    assert "    max_age = '3 days'," in results["text_after"].splitlines()
    assert results["diagnostics_after"] == []
    assert "KC001" not in results["data_diagnostics"]  # a TOML file is never checked as Lua
