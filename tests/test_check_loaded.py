"""Checking an entry file reports the findings of the modules it loads, in those files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kumocheck.cli import main

POLICY = Path(__file__).resolve().parent / "policies" / "mf_typos_in_module"


@pytest.fixture
def policy(tmp_path, monkeypatch):
    shutil.copytree(POLICY, tmp_path / "p")
    monkeypatch.chdir(tmp_path / "p")
    return tmp_path / "p"


def _json(capsys, *args) -> tuple[int, list[tuple[str, int, str]]]:
    capsys.readouterr()
    code = main(["check", "--output-format", "json", *args])
    return code, sorted((d["path"], d["line"], d["rule"]) for d in json.loads(capsys.readouterr().out))


MODULE_FINDINGS = [("lib/routes.lua", 10, "unbound-constructor"), ("lib/routes.lua", 14, "unknown-event")]


def test_entry_file_reports_its_modules_findings(policy, capsys):
    assert _json(capsys, "--no-cache", "init.lua") == (1, MODULE_FINDINGS)


def test_module_named_too_is_reported_once(policy, capsys):
    assert _json(capsys, "--no-cache", "init.lua", "lib/routes.lua") == (1, MODULE_FINDINGS)
    assert _json(capsys, "--no-cache", "lib/routes.lua", "init.lua") == (1, MODULE_FINDINGS)


def test_cached_answer_is_the_same(policy, capsys):
    first = _json(capsys, "init.lua")
    assert first == _json(capsys, "init.lua") == _json(capsys, "init.lua", "lib/routes.lua") == (1, MODULE_FINDINGS)
    capsys.readouterr()
    main(["check", "init.lua"])
    out = capsys.readouterr().out
    assert "--> lib/routes.lua:10:79" in out and "| kumo.on('smtp_server_message_recieved'" in out
    assert "in 2 files." in out


def test_suppression_in_the_module_applies(policy, capsys):
    routes = policy / "lib" / "routes.lua"
    lines = routes.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[13] = lines[13].rstrip("\n") + " -- kumocheck: ignore[unknown-event]\n"
    routes.write_text("".join(lines), encoding="utf-8")
    assert _json(capsys, "--no-cache", "init.lua") == (1, MODULE_FINDINGS[:1])


def test_excluded_module_is_not_reported(policy, capsys):
    (policy / "kumocheck.toml").write_text('extend-exclude = ["lib"]\n', encoding="utf-8")
    assert _json(capsys, "--no-cache", "init.lua") == (0, [])
