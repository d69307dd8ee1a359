"""The result cache under concurrent writers, killed writers and damaged entries: every
run reports exactly what a fresh `--no-cache` run reports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECK = ["-m", "kumocheck", "check", "--isolated", "--output-format", "json", "-j", "1"]


def _tree(tmp_path: Path, files: int = 30) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_policies import generate_tree
    finally:
        sys.path.pop(0)
    tree = tmp_path / "tree"
    generate_tree(tree, files=files, lines=files * 60)
    return tree


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _check(tmp_path: Path, *args: str) -> tuple[int, list]:
    done = subprocess.run([sys.executable, *CHECK, *args], capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def test_concurrent_writers_sharing_a_cache_all_get_the_fresh_answer(tmp_path):
    tree = _tree(tmp_path)
    fresh = _check(tmp_path, "--no-cache", str(tree))
    assert fresh[0] == 1 and fresh[1]
    cache = tmp_path / "shared-cache"
    command = [sys.executable, *CHECK, "--cache-dir", str(cache), str(tree)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=_env()) for _ in range(4)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert (run.returncode, json.loads(out)) == fresh, err
    assert len(_entries(cache)) == 30 and not list(cache.rglob("*.tmp"))
    assert _check(tmp_path, "--cache-dir", str(cache), str(tree)) == fresh  # warm, from the entries


CRASHING_WRITER = """
import os, sys
import kumocheck.cache as cache
from kumocheck.cli import main
calls = [0]
def dying_write(handle, payload):
    calls[0] += 1
    if calls[0] == int(os.environ["DIE_AT"]):
        os.write(handle, payload[: len(payload) // 2])  # half an entry, then the process dies
        os._exit(137)
    cache._write_all_original(handle, payload)
cache._write_all_original = cache._write_all
cache._write_all = dying_write
sys.exit(main(sys.argv[1:]))
"""


def test_a_writer_killed_mid_write_leaves_no_partial_entry(tmp_path):
    tree = _tree(tmp_path)
    fresh = _check(tmp_path, "--no-cache", str(tree))
    cache = tmp_path / "cache"
    args = CHECK[2:] + ["--cache-dir", str(cache), str(tree)]
    died = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CRASHING_WRITER), *args],
        capture_output=True, text=True, cwd=tmp_path, env={**_env(), "DIE_AT": "12"}, timeout=300,
    )
    assert died.returncode == 137
    assert len(_entries(cache)) == 11  # the entries written before the crash, whole
    assert len(list(cache.rglob("*.tmp"))) == 1  # the half-written one never got its name
    assert _check(tmp_path, "--cache-dir", str(cache), str(tree)) == fresh
    assert len(_entries(cache)) == 30


def test_a_check_killed_at_a_random_moment_never_poisons_the_cache(tmp_path):
    tree = _tree(tmp_path, files=60)
    fresh = _check(tmp_path, "--no-cache", str(tree))
    cache = tmp_path / "cache"
    for _ in range(3):
        run = subprocess.Popen([sys.executable, *CHECK, "--cache-dir", str(cache), str(tree)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path, env=_env())
        deadline = time.monotonic() + 120
        while run.poll() is None and len(_entries(cache)) < 5 and time.monotonic() < deadline:
            time.sleep(0.005)
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert _check(tmp_path, "--cache-dir", str(cache), str(tree)) == fresh
        for entry in _entries(cache)[::2]:
            entry.unlink()  # make the next run write again


def test_damaged_or_foreign_entries_are_ignored_and_rewritten(tmp_path):
    tree = _tree(tmp_path, files=10)
    fresh = _check(tmp_path, "--no-cache", str(tree))
    cache = tmp_path / "cache"
    assert _check(tmp_path, "--cache-dir", str(cache), str(tree)) == fresh
    entries = _entries(cache)
    with_findings = [e for e in entries if json.loads(e.read_text())["diagnostics"]]
    assert with_findings
    damaged = with_findings[0]
    original = json.loads(damaged.read_text())
    data = json.loads(damaged.read_text())
    data["diagnostics"][0]["line"] += 1  # a plausible entry with one wrong figure
    damaged.write_text(json.dumps(data))
    truncated = entries[1]
    truncated.write_bytes(truncated.read_bytes()[:-7])
    foreign = entries[2]
    foreign.write_bytes(with_findings[-1].read_bytes())  # another key's (valid) entry
    assert _check(tmp_path, "--cache-dir", str(cache), str(tree)) == fresh
    assert json.loads(damaged.read_text()) == original  # rewritten whole
    assert [json.loads(e.read_text())["key"] for e in entries] == [e.stem for e in entries]
