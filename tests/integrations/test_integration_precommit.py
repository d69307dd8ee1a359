"""The pre-commit hook, run by the real `pre-commit try-repo` against a throw-away repository.

pre-commit builds its own virtualenv and pip-installs kumocheck from a committed copy
of this source tree, so the first run needs network access to PyPI (about a minute).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from integration_support import POLICIES, REPO

PRE_COMMIT = shutil.which("pre-commit")
pytestmark = pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed (pip install kumocheck[test])")

COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "venv", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".benchmarks",
    "*.egg-info", "build", "dist", ".kumocheck_cache", "node_modules", ".mypy_cache", ".ruff_cache",
)
GIT_ENV = {
    "GIT_AUTHOR_NAME": "kumocheck tests",
    "GIT_AUTHOR_EMAIL": "tests@kumocheck.invalid",
    "GIT_COMMITTER_NAME": "kumocheck tests",
    "GIT_COMMITTER_EMAIL": "tests@kumocheck.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}

TUNING_GOOD = """\
-- Per-domain tuning, required by init.lua.
local M = {}
M.DOMAINS = { ['gmail.com'] = { retry_interval = '10m' } }
return M
"""
TUNING_BAD = TUNING_GOOD.replace("'10m'", "'1:30'")
INIT = """\
local kumo = require 'kumo'
local tuning = require 'tuning'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local entry = tuning.DOMAINS[domain] or {}
  return kumo.make_queue_config { retry_interval = entry.retry_interval or '20m' }
end)
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        check=True,
        capture_output=True,
    )


def _commit_all(repo: Path) -> None:
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot")


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed copy of this source tree (tracked and untracked files) for try-repo."""
    copy = tmp_path_factory.mktemp("hook") / "kumocheck"
    shutil.copytree(REPO, copy, ignore=COPY_IGNORE)
    _commit_all(copy)
    return copy


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away policy repository: two policy folders (entry file plus a required module)
    and enough standalone files that pre-commit splits them into several batches."""
    repo = tmp_path_factory.mktemp("policies") / "repo"
    for folder, tuning in (("good", TUNING_GOOD), ("bad", TUNING_BAD)):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "init.lua").write_text(INIT, encoding="utf-8")
        (repo / folder / "tuning.lua").write_text(tuning, encoding="utf-8")
    (repo / "standalone").mkdir()
    for i in range(8):
        shutil.copy(POLICIES / "good.lua", repo / "standalone" / f"good{i}.lua")
    shutil.copy(POLICIES / "bad.lua", repo / "standalone" / "bad.lua")
    (repo / "README.txt").write_text("not Lua: the hook must not receive this file\n", encoding="utf-8")
    _commit_all(repo)
    return repo


@pytest.fixture(scope="module")
def try_repo(hook_repo: Path, policies: Path, tmp_path_factory: pytest.TempPathFactory):
    """Run `pre-commit try-repo <copy> kumocheck ARGS` in the policy repository."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hook must run the kumocheck pre-commit installed

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, "try-repo", str(hook_repo), "kumocheck", "--verbose", *args],
            cwd=policies,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    first = run("--files", "good/init.lua")
    if first.returncode != 0 and "kumocheck" not in first.stdout:
        pytest.fail(f"pre-commit could not install the hook:\n{first.stdout}\n{first.stderr}")
    return run


def test_hook_definition_is_valid() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hook_passes_on_good_policies(try_repo) -> None:
    result = try_repo("--files", "good/init.lua", "good/tuning.lua", "standalone/good0.lua", "README.txt")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^kumocheck\.+Passed$", result.stdout, re.M), result.stdout


def test_hook_fails_on_a_bad_policy(try_repo) -> None:
    result = try_repo("--files", "standalone/bad.lua", "standalone/good1.lua")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^kumocheck\.+Failed$", result.stdout, re.M), result.stdout
    assert "standalone/bad.lua:10:5" in result.stdout and "KC101" in result.stdout


def test_module_checked_alone(try_repo) -> None:
    """A changed module passed on its own is still checked as its importer uses it."""
    result = try_repo("--files", "bad/tuning.lua")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "invalid duration '1:30'" in result.stdout


def test_all_files_in_batches(try_repo) -> None:
    """Batched (and parallel) runs report each finding once, in the file that holds it."""
    result = try_repo("--all-files")
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("invalid duration '1:30'") == 1, result.stdout
    assert result.stdout.count("retry_intervall") >= 1
    assert "README.txt" not in result.stdout
