"""Shared helpers for the integration tests: running the real `kumocheck` program."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POLICIES = Path(__file__).resolve().parent / "policies"
SARIF_SCHEMA = REPO / ".." / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def kumocheck_env() -> dict[str, str]:
    """The environment for a `python -m kumocheck` child: this source tree first on the path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("NO_COLOR", None)
    env.pop("GITHUB_WORKSPACE", None)
    return env


def run_kumocheck(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m kumocheck ARGS` in `cwd` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "kumocheck", *args],
        cwd=cwd,
        env=kumocheck_env(),
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throw-away policy repository (a `.git` folder marks its root) with a good and a bad policy."""
    root = tmp_path / "repo"
    (root / "policy").mkdir(parents=True)
    (root / ".git").mkdir()
    for name in ("good.lua", "bad.lua", "nonascii.lua"):
        shutil.copy(POLICIES / name, root / "policy" / name)
    return root
