"""The result cache: never stale (also across files), robust, and parser-free when warm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kumocheck.cli import main

INIT = """\
local pools = require 'pools'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { retry_interval = pools.RETRY }
end)
"""


def _policy(tmp_path: Path, retry: str) -> Path:
    root = tmp_path / "policy"
    root.mkdir(exist_ok=True)
    (root / "init.lua").write_text(INIT, encoding="utf-8")
    (root / "pools.lua").write_text(f"return {{ RETRY = '{retry}' }}\n", encoding="utf-8")
    return root


def _run(capsys, *args: str) -> tuple[int, list[dict]]:
    code = main(["check", "--output-format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_warm_run_gives_the_same_answer(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "90 minuts")
    cold = _run(capsys, str(root))
    warm = _run(capsys, str(root))
    assert cold == warm
    assert cold[0] == 1 and [d["rule"] for d in cold[1]] == ["invalid-duration"]
    cache = tmp_path / ".kumocheck_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text().strip().endswith("*")


def test_changing_a_module_invalidates_the_files_that_use_it(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "90 minuts")
    assert _run(capsys, str(root / "pools.lua"))[0] == 1
    _policy(tmp_path, "90 minutes")  # only the module changes
    code, found = _run(capsys, str(root / "pools.lua"))
    assert (code, found) == (0, [])
    _policy(tmp_path, "1:30")
    code, found = _run(capsys, str(root))
    assert code == 1 and found[0]["path"].endswith("pools.lua") and "1:30" in found[0]["message"]


def test_corrupt_entries_are_rebuilt(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "5 parsecs")
    first = _run(capsys, str(root))
    for entry in (tmp_path / ".kumocheck_cache").rglob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    assert _run(capsys, str(root)) == first


def test_no_cache_and_cache_dir(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "10m")
    assert _run(capsys, "--no-cache", str(root)) == (0, [])
    assert not (tmp_path / ".kumocheck_cache").exists()
    assert _run(capsys, "--cache-dir", str(tmp_path / "elsewhere"), str(root)) == (0, [])
    assert list((tmp_path / "elsewhere").rglob("*.json"))


def test_settings_are_part_of_the_key(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "1:30")
    assert _run(capsys, str(root))[0] == 1
    assert _run(capsys, "--ignore", "invalid-duration", str(root)) == (0, [])


def test_version_and_warm_check_do_not_import_the_parser(tmp_path):
    root = _policy(tmp_path, "10m")
    probe = (
        "import sys\n"
        "from kumocheck.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in ('luaparser', 'antlr4', 'jinja2') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )

    import os

    import kumocheck

    env = dict(os.environ, PYTHONPATH=str(Path(kumocheck.__file__).resolve().parents[1]))

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env
        )
        return done.stdout.strip().splitlines()[-1]

    assert run("--version") == "HEAVY="
    run("check", str(root))  # fills the cache
    assert run("check", str(root)) == "HEAVY="
    assert run("check", "--no-cache", str(root)) == "HEAVY=antlr4,luaparser"


def test_parallel_run_matches_serial(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for index in range(12):
        folder = tmp_path / "many" / f"p{index}"
        folder.mkdir(parents=True)
        (folder / "init.lua").write_text(
            "kumo.on('get_queue_config', function(d)\n"
            f"  return kumo.make_queue_config {{ max_age = '{index} Days' }}\n"
            "end)\n",
            encoding="utf-8",
        )
    serial = _run(capsys, "--no-cache", "-j", "1", str(tmp_path / "many"))
    parallel = _run(capsys, "--no-cache", "-j", "2", str(tmp_path / "many"))
    assert serial == parallel
    assert len(serial[1]) == 12


def test_a_cache_inside_the_policy_folder_stays_warm(tmp_path, capsys, monkeypatch):
    """A cache under any name inside the checked folder is not searched for policy or
    data files (its CACHEDIR.TAG marks it), so its own entries never change the key."""
    monkeypatch.chdir(tmp_path)
    root = _policy(tmp_path, "90 minuts")
    cache = root / "build-cache"
    first = _run(capsys, "--cache-dir", str(cache), str(root))
    entries = sorted(cache.rglob("*.json"))
    for _ in range(2):
        assert _run(capsys, "--cache-dir", str(cache), str(root)) == first
    assert sorted(cache.rglob("*.json")) == entries and entries
