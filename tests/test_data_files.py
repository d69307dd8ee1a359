"""Data files through the CLI and the project: kinds, settings, syntax errors, suppressions, cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kumocheck.cli import main

pytest.importorskip("kumocheck.parse.data")

POLICY = """\
local sources = require 'policy-extras.sources'
sources:setup { '/opt/kumomta/etc/policy/egress.toml' }
"""


@pytest.fixture(autouse=True)
def _cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KUMOCHECK_CACHE_DIR", str(tmp_path / "cache"))


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["check", "--output-format", "json", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _rules(out: str) -> list[tuple[str, int, str]]:
    return [(Path(d["path"]).name, d["line"], d["rule"]) for d in json.loads(out)]


def test_conventional_name_judged_alone(tmp_path, capsys) -> None:
    (tmp_path / "sources.toml").write_text('[source."a"]\nehlo_domian = "x"\n')
    code, out, _ = _run(capsys, "sources.toml")
    assert code == 1
    assert _rules(out) == [("sources.toml", 2, "unknown-key")]


def test_syntax_error_at_its_line(tmp_path, capsys) -> None:
    (tmp_path / "shaping.toml").write_text('["default"]\nconnection_limit = \n')
    code, out, _ = _run(capsys, "shaping.toml")
    assert code == 1
    assert _rules(out) == [("shaping.toml", 2, "syntax-error")]


def test_unknown_kind_named_explicitly_is_a_usage_error(tmp_path, capsys) -> None:
    (tmp_path / "settings.toml").write_text("a = 1\n")
    code, _, err = _run(capsys, "settings.toml")
    assert code == 2
    assert "settings.toml: not a data file of a known kind" in err
    assert "--data-kind" in err


def test_unknown_kind_skipped_in_folder_walks(tmp_path, capsys) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "init.lua").write_text("local kumo = require 'kumo'\n")
    code, out, _ = _run(capsys, ".")
    assert code == 0 and json.loads(out) == []


def test_data_kind_option(tmp_path, capsys) -> None:
    (tmp_path / "ips.toml").write_text('[pool.p."s"]\nweight = "2"\n')
    code, out, _ = _run(capsys, "--data-kind", "sources", "ips.toml")
    assert code == 1
    assert _rules(out) == [("ips.toml", 2, "invalid-type")]


def test_data_files_setting_and_suppression(tmp_path, capsys) -> None:
    (tmp_path / "kumocheck.toml").write_text('[data-files]\n"limits/*.toml" = "shaping"\n')
    (tmp_path / "limits").mkdir()
    (tmp_path / "limits" / "big.toml").write_text(
        '["example.com"]\nmx_rollup = false\nconection_limit = 5  # kumocheck: ignore[unknown-key]\nidle_timeout = "5 minuts"\n'
    )
    code, out, _ = _run(capsys, ".")
    assert code == 1
    assert _rules(out) == [("big.toml", 4, "invalid-duration")]


def test_file_known_only_from_the_policy(tmp_path, capsys) -> None:
    (tmp_path / "init.lua").write_text(POLICY)
    (tmp_path / "egress.toml").write_text('[source."a"]\nsource_address = "10.0.0.1/8"\n')
    code, out, _ = _run(capsys, "egress.toml")
    assert code == 1
    assert _rules(out) == [("egress.toml", 2, "invalid-value")]
    code, out, _ = _run(capsys, ".")
    assert _rules(out) == [("egress.toml", 2, "invalid-value")]


def test_cache_key_includes_data_files(tmp_path, capsys) -> None:
    (tmp_path / "init.lua").write_text(POLICY)
    (tmp_path / "egress.toml").write_text('[source."a"]\n[pool.p."a"]\n')
    assert _run(capsys, "init.lua")[0] == 0
    (tmp_path / "egress.toml").write_text('[source."a"]\n[pool.p."b"]\n')
    code, out, _ = _run(capsys, "egress.toml")
    assert code == 1 and _rules(out) == [("egress.toml", 2, "undefined-reference")]
    missing = tmp_path / "egress.toml"
    os.remove(missing)
    code, out, _ = _run(capsys, "init.lua")
    assert code == 1 and _rules(out) == [("init.lua", 2, "missing-data-file")]


def test_data_paths_setting(tmp_path, capsys) -> None:
    (tmp_path / "kumocheck.toml").write_text('[data-paths]\n"/etc/kumo/" = "conf/"\n')
    (tmp_path / "init.lua").write_text(
        "local sources = require 'policy-extras.sources'\nsources:setup { '/etc/kumo/ips.toml', '/srv/x/ips.toml' }\n"
    )
    code, out, _ = _run(capsys, "init.lua")
    assert code == 1 and _rules(out) == [("init.lua", 2, "missing-data-file")]
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ips.toml").write_text('[source."a"]\n')
    assert _run(capsys, "init.lua")[0] == 0


def test_target_version_applies_to_helpers(tmp_path, capsys) -> None:
    (tmp_path / "init.lua").write_text(
        "local log_hooks = require 'policy-extras.log_hooks'\n"
        "log_hooks:new_disposition_hook { name = 'd', hook = function() end }\n"
        "local shaping = require 'policy-extras.shaping'\n"
        "shaping:setup_with_automation { no_default_files = true, allow_stale_shaping_data = true }\n"
    )
    code, out, _ = _run(capsys, "--target-version", "2024.11.08", "init.lua")
    assert code == 1
    assert _rules(out) == [("init.lua", 2, "requires-newer-kumomta"), ("init.lua", 4, "requires-newer-kumomta")]
    assert _run(capsys, "--target-version", "2025.10.06", "init.lua")[0] == 0


def test_target_version_applies_to_data_keys(tmp_path, capsys) -> None:
    (tmp_path / "shaping.toml").write_text(
        '["example.com"]\nmx_rollup = false\n\n[provider."big"]\nmatch = [{ HostName = "mx.big.test" }]\n'
    )
    code, out, _ = _run(capsys, "--target-version", "2024.11.08", "shaping.toml")
    assert code == 1 and _rules(out) == [("shaping.toml", 5, "requires-newer-kumomta")]  # HostName: 2025.01.23
    code, out, _ = _run(capsys, "--target-version", "2024.09.02", "shaping.toml")
    assert ("shaping.toml", 4, "requires-newer-kumomta") in _rules(out)  # providers: 2024.11.08
    assert _run(capsys, "--target-version", "2025.01.23", "shaping.toml")[0] == 0
