"""`kumocheck diff`: changed fields and errors between two policies, checked against Lua 5.4."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from commands_support import ROUTING, run, run_json


def _copy(tmp_path, name: str):
    folder = tmp_path / name
    shutil.copytree(ROUTING, folder)
    return folder


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def versions(tmp_path):
    old = _copy(tmp_path, "old")
    new = _copy(tmp_path, "new")
    _edit(new / "tuning.lua", "retry_interval = '15m', rate = '2000/h'", "retry_interval = '10m', rate = '2000/h'")
    _edit(new / "policy.lua", "if domain:find('%.invalid$') then", "if domain:find('%.invalid$') or domain == 'aol.com' then")
    return old, new


def test_changes_and_new_errors_match_the_lua_reference(versions, capsys, lupa_policy):
    old, new = versions
    code, data = run_json(capsys, "diff", str(old), str(new))
    assert code == 1
    assert "gmail.com" in data["changed"]
    assert data["changed"]["gmail.com"] == {"retry_interval": {"old": "15m", "new": "10m"}}
    assert data["errors"]["aol.com"]["old"] is None and "refusing to queue for aol.com" in data["errors"]["aol.com"]["new"]
    assert not any(name.endswith("@example.com") for name in data["changed"])
    reference_old, reference_new = lupa_policy(old / "policy.lua"), lupa_policy(new / "policy.lua")
    for name, fields in data["changed"].items():
        before, after = reference_old.resolve(name).to_dict(), reference_new.resolve(name).to_dict()
        assert {f: {"old": before[f], "new": after[f]} for f in before if before[f] != after[f]} == fields
    for name in data["errors"]:
        reference_old.resolve(name)
        with pytest.raises(Exception):
            reference_new.resolve(name)


def test_plan_output_and_summary(versions, capsys):
    old, new = versions
    code, out, _ = run(capsys, "diff", str(old / "policy.lua"), str(new / "policy.lua"))
    assert code == 1
    changed = next(block for block in ("\n" + out).split("\n~ ") if "retry_interval" in block)
    header = changed.split("    retry_interval")[0]
    assert "gmail.com," in header and "googlemail.com," in header and header.split(":")[0].endswith("queues")
    assert '    retry_interval  "15m" -> "10m"\n' in changed
    assert "\n! " in out and "    start raising an error\n    + policy.lua:" in out

    last = out.strip().splitlines()[-1]
    assert last.startswith("diff: ") and " changed, " in last and "start raising errors" in last


def test_no_change_exits_0(tmp_path, capsys):
    old = _copy(tmp_path, "old")
    new = _copy(tmp_path, "new")
    _edit(new / "policy.lua", "-- Internal sink", "-- a comment, then the internal sink\n\n-- Internal sink")
    code, data = run_json(capsys, "diff", str(old), str(new))
    assert code == 0
    assert data["changed"] == {} and data["errors"] == {} and data["queues"] > 20
    # the moved error() line changes the message's position only: not a change


def test_extra_queue_names(versions, capsys, tmp_path):
    old, new = versions
    names = tmp_path / "queues.txt"
    names.write_text("# extra\nnewsletter@googlemail.com\n")
    code, data = run_json(capsys, "diff", str(old), str(new), "--queues", str(names))
    assert data["changed"]["newsletter@googlemail.com"] == {"retry_interval": {"old": "15m", "new": "10m"}}


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_git_revision_against_the_working_tree(tmp_path, capsys, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    policy = _copy(repo, "policy")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout
    _edit(policy / "policy.lua", "max_age = '3 days'", "max_age = '2 days'")
    monkeypatch.chdir(policy)
    code, data = run_json(capsys, "diff", "--git", "HEAD")
    assert code == 1
    assert data["changed"]["example.com"] == {"max_age": {"old": "3days", "new": "2days"}}
    code, data = run_json(capsys, "diff", "--git", "HEAD", str(policy / "policy.lua"))
    assert code == 1 and "example.com" in data["changed"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout
    assert status.strip() == "M policy/policy.lua"
    assert subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout == head
    assert run(capsys, "diff", "--git", "no-such-rev")[0] == 2


def test_usage_errors(tmp_path, capsys):
    assert run(capsys, "diff", str(ROUTING))[0] == 2
    assert run(capsys, "diff", str(ROUTING), str(tmp_path / "missing"))[0] == 2
    assert run(capsys, "diff", str(ROUTING), str(ROUTING), "--queues", str(tmp_path / "none.txt"))[0] == 2
    assert run(capsys, "diff", "--git", "HEAD", "a.lua", "b.lua")[0] == 2
    monkey = tmp_path / "plain"
    monkey.mkdir()
    (monkey / "policy.lua").write_text("local kumo = require 'kumo'\n")
    assert run(capsys, "diff", "--git", "HEAD", str(monkey / "policy.lua"))[0] == 2  # not a git repository
