"""Suppression comments and configuration files (kumocheck.toml, pyproject.toml)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kumocheck.cli import main

from checker_support import rules_of

HEAD = "local kumo = require 'kumo'\nkumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
TAIL = "end)\n"


def policy(*body: str) -> str:
    """A get_queue_config policy; body lines start at line 3."""
    return HEAD + "".join(line + "\n" for line in body) + TAIL


# ---------------------------------------------------------------- suppression comments


def test_ignore_at_line_end(check):
    report = check(policy(
        "  return kumo.make_queue_config {",
        "    egress_pool = 1, -- kumocheck: ignore[invalid-type]",
        "    provider_name = 2,",
        "  }",
    ))
    assert rules_of(report) == [(5, "invalid-type")]


def test_ignore_on_the_line_before(check):
    report = check(policy(
        "  return kumo.make_queue_config {",
        "    -- kumocheck: ignore[invalid-duration]",
        "    retry_interval = '60',",
        "    max_age = '60',",
        "  }",
    ))
    assert rules_of(report) == [(6, "invalid-duration")]


def test_ignore_by_code_any_case(check):
    report = check(policy(
        "  return kumo.make_queue_config {",
        "    retry_interval = '60', -- kumocheck: ignore[KC103]",
        "    max_age = '60', -- kumocheck: ignore[kc103]",
        "    reap_interval = '60', -- KUMOCHECK: IGNORE[Invalid-Duration]",
        "  }",
    ))
    assert rules_of(report) == []


def test_ignore_only_the_named_rule(check):
    report = check(policy(
        "  if domain == 'x' then return nil end -- kumocheck: ignore[invalid-type]",
        "  return kumo.make_queue_config {}",
    ))
    assert rules_of(report) == [(3, "nil-return"), (3, "unused-suppression")]  # it silenced nothing


def test_ignore_several_rules(check):
    report = check(policy(
        "  return kumo.make_queue_config { retry_interval = '2h', max_age = 'x' } -- kumocheck: ignore[invalid-duration, KC106]",
    ))
    # retry-exceeds-max-age cannot judge an invalid max_age: KC106 silenced nothing
    assert rules_of(report) == [(3, "unused-suppression")]


def test_bare_ignore_silences_everything_on_the_line(check):
    report = check(policy(
        "  return kumo.make_queue_config { egress_pool = 1, max_age = '3 Days' } -- kumocheck: ignore",
    ))
    assert rules_of(report) == []


def test_ignore_does_not_reach_two_lines_down(check):
    report = check(policy(
        "  -- kumocheck: ignore[invalid-type]",
        "",
        "  return kumo.make_queue_config { egress_pool = 1 }",
    ))
    assert rules_of(report) == [(3, "unused-suppression"), (5, "invalid-type")]


def test_ignore_file(check):
    report = check(
        "-- kumocheck: ignore-file[invalid-duration]\n"
        + policy(
            "  return kumo.make_queue_config {",
            "    retry_interval = '60',",
            "    max_age = '3 Days',",
            "    egress_pool = 1,",
            "  }",
        )
    )
    assert rules_of(report) == [(7, "invalid-type")]


def test_ignore_file_anywhere_and_by_code(check):
    report = check(policy(
        "  return kumo.make_queue_config { retry_interval = '60', egress_pool = 1 }",
    ) + "-- kumocheck: ignore-file[KC102, KC103]\n")
    assert rules_of(report) == []


def test_unknown_rule_in_suppression(check):
    report = check(policy(
        "  return kumo.make_queue_config {",
        "    egress_pool = 1, -- kumocheck: ignore[invalid-typo]",
        "  }",
    ))
    assert sorted(rules_of(report)) == [(4, "invalid-type"), (4, "unknown-suppression")]
    unknown = next(d for d in report.diagnostics if d.rule == "unknown-suppression")
    assert "invalid-typo" in unknown.message
    assert "invalid-type" in (unknown.help or "")


def test_unknown_rule_in_ignore_file(check):
    report = check("-- kumocheck: ignore-file[no-such-rule]\nlocal kumo = require 'kumo'\n")
    assert rules_of(report) == [(1, "unknown-suppression")]


def test_unknown_code_in_suppression(check):
    report = check("local kumo = require 'kumo' -- kumocheck: ignore[KC999]\n")
    assert rules_of(report) == [(1, "unknown-suppression")]


def test_unknown_suppression_cannot_silence_itself(check):
    report = check("local kumo = require 'kumo' -- kumocheck: ignore[bogus, unknown-suppression]\n")
    assert sorted(rules_of(report)) == [(1, "unknown-suppression"), (1, "unused-suppression")]


def test_suppression_text_inside_a_string_is_not_a_directive(check):
    report = check(policy(
        "  local note = '-- kumocheck: ignore[invalid-type]'",
        "  return kumo.make_queue_config { egress_pool = 1 }",
    ))
    assert rules_of(report) == [(4, "invalid-type")]


def test_suppression_in_long_comment_before_line(check):
    report = check(policy(
        "  --[[ kumocheck: ignore[invalid-type] ]]",
        "  return kumo.make_queue_config { egress_pool = 1 }",
    ))
    assert rules_of(report) == []


def test_syntax_errors_cannot_be_suppressed(check):
    # a file that does not parse has no reliable comments: kumod would refuse it anyway
    report = check("-- kumocheck: ignore-file[syntax-error]\nlocal x = = 1\n")
    assert rules_of(report) == [(2, "syntax-error")]


# ---------------------------------------------------------------- configuration files

BAD_POLICY = policy(
    "  if domain == 'x' then return nil end",
    "  return kumo.make_queue_config { retry_interval = '60', egress_pool = 1 }",
)
# findings: (3, nil-return KC206), (4, invalid-duration KC103), (4, invalid-type KC102)


def run_json(capsys, *argv: str) -> tuple[int, list[tuple[str, int, str]]]:
    code = main(["check", "--output-format", "json", *argv])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, sorted((Path(f["path"]).name, f["line"], f["rule"]) for f in json.loads(out))


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "project"
    (root / "policy" / "lib").mkdir(parents=True)
    (root / "policy" / "init.lua").write_text(BAD_POLICY, encoding="utf-8")
    (root / "policy" / "lib" / "extra.lua").write_text(BAD_POLICY, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


ALL_FINDINGS = [
    ("extra.lua", 3, "nil-return"),
    ("extra.lua", 4, "invalid-duration"),
    ("extra.lua", 4, "invalid-type"),
    ("init.lua", 3, "nil-return"),
    ("init.lua", 4, "invalid-duration"),
    ("init.lua", 4, "invalid-type"),
]


def test_no_configuration(capsys, project):
    assert run_json(capsys, "policy") == (1, ALL_FINDINGS)


def test_kumocheck_toml_select(capsys, project):
    (project / "kumocheck.toml").write_text('select = ["KC2"]\n', encoding="utf-8")
    assert run_json(capsys, "policy") == (1, [f for f in ALL_FINDINGS if f[2] == "nil-return"])


def test_kumocheck_toml_ignore_by_name_and_code(capsys, project):
    (project / "kumocheck.toml").write_text('ignore = ["nil-return", "KC102"]\n', encoding="utf-8")
    assert run_json(capsys, "policy") == (1, [f for f in ALL_FINDINGS if f[2] == "invalid-duration"])


def test_pyproject_tool_table(capsys, project):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "mail"\n\n[tool.kumocheck]\nignore = ["invalid-duration"]\n', encoding="utf-8"
    )
    assert run_json(capsys, "policy") == (1, [f for f in ALL_FINDINGS if f[2] != "invalid-duration"])


def test_pyproject_without_tool_table_is_skipped(capsys, project):
    (project / "pyproject.toml").write_text('[project]\nname = "mail"\n', encoding="utf-8")
    assert run_json(capsys, "policy") == (1, ALL_FINDINGS)


def test_kumocheck_toml_wins_over_pyproject(capsys, project):
    (project / "pyproject.toml").write_text('[tool.kumocheck]\nignore = ["KC1"]\n', encoding="utf-8")
    (project / "kumocheck.toml").write_text('ignore = ["KC2"]\n', encoding="utf-8")
    assert run_json(capsys, "policy") == (1, [f for f in ALL_FINDINGS if f[2] != "nil-return"])


def test_config_in_a_parent_folder(capsys, project, monkeypatch):
    (project / "kumocheck.toml").write_text('ignore = ["KC1"]\n', encoding="utf-8")
    monkeypatch.chdir(project / "policy")
    assert run_json(capsys, ".") == (1, [f for f in ALL_FINDINGS if f[2] == "nil-return"])


def test_per_file_ignores(capsys, project):
    (project / "kumocheck.toml").write_text(
        '[per-file-ignores]\n"policy/lib/*.lua" = ["nil-return", "KC103"]\n"init.lua" = ["invalid-type"]\n',
        encoding="utf-8",
    )
    assert run_json(capsys, "policy") == (
        1,
        [
            ("extra.lua", 4, "invalid-type"),
            ("init.lua", 3, "nil-return"),
            ("init.lua", 4, "invalid-duration"),
        ],
    )


def test_command_line_select_overrides_config_select(capsys, project):
    (project / "kumocheck.toml").write_text('select = ["KC2"]\n', encoding="utf-8")
    assert run_json(capsys, "--select", "invalid-type", "policy") == (
        1,
        [f for f in ALL_FINDINGS if f[2] == "invalid-type"],
    )


def test_command_line_ignore_adds_to_config_ignore(capsys, project):
    (project / "kumocheck.toml").write_text('ignore = ["KC2"]\n', encoding="utf-8")
    assert run_json(capsys, "--ignore", "KC103", "policy") == (
        1,
        [f for f in ALL_FINDINGS if f[2] == "invalid-type"],
    )


def test_isolated_ignores_config(capsys, project):
    (project / "kumocheck.toml").write_text('ignore = ["KC1", "KC2"]\n', encoding="utf-8")
    assert run_json(capsys, "--isolated", "policy") == (1, ALL_FINDINGS)


def test_explicit_config_option(capsys, project, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text('select = ["invalid-type"]\n', encoding="utf-8")
    (project / "kumocheck.toml").write_text('select = ["nil-return"]\n', encoding="utf-8")
    assert run_json(capsys, "--config", str(other), "policy") == (
        1,
        [f for f in ALL_FINDINGS if f[2] == "invalid-type"],
    )


def test_unknown_rule_in_config_is_usage_error(capsys, project):
    (project / "kumocheck.toml").write_text('ignore = ["nil-retrun"]\n', encoding="utf-8")
    code = main(["check", "policy"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "nil-retrun" in err


def _policy_root_layout(root: Path) -> None:
    """policies/site.lua requires shared.pools, which lives next to policies/, not under it."""
    (root / "policies").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / "policies" / "site.lua").write_text(
        "local kumo = require 'kumo'\nlocal pools = require 'shared.pools'\n"
        "kumo.on('get_queue_config', function(domain, tenant)\n"
        "  return kumo.make_queue_config { egress_pool = pools[tenant] }\nend)\n",
        encoding="utf-8",
    )
    (root / "shared" / "pools.lua").write_text(
        "return {\n  acme = 'pool-acme',\n  globex = 42,\n}\n", encoding="utf-8"
    )


def test_policy_root_from_config(capsys, tmp_path, monkeypatch):
    root = tmp_path / "etc"
    _policy_root_layout(root)
    monkeypatch.chdir(root)
    # without a policy root the module cannot be found from policies/: its values are unknown
    assert run_json(capsys, ".") == (0, [])
    (root / "kumocheck.toml").write_text('policy-root = "."\n', encoding="utf-8")
    assert run_json(capsys, ".") == (1, [("pools.lua", 3, "invalid-type")])


def test_policy_root_option(capsys, tmp_path, monkeypatch):
    root = tmp_path / "etc"
    _policy_root_layout(root)
    monkeypatch.chdir(tmp_path)
    assert run_json(capsys, "--isolated", "--policy-root", str(root), str(root)) == (
        1,
        [("pools.lua", 3, "invalid-type")],
    )


def test_policy_root_must_be_a_directory(capsys, tmp_path):
    code = main(["check", "--policy-root", str(tmp_path / "missing"), str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "--policy-root" in err


def test_config_found_from_the_checked_path(capsys, project, tmp_path, monkeypatch):
    (project / "kumocheck.toml").write_text('ignore = ["KC1"]\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, findings = run_json(capsys, str(project / "policy"))
    assert [f[2] for f in findings] == ["nil-return", "nil-return"]


def test_stdin_filename_finds_config(capsys, project, monkeypatch):
    import io
    import sys

    (project / "kumocheck.toml").write_text('ignore = ["KC1"]\n', encoding="utf-8")
    monkeypatch.chdir(project.parent)

    class Stdin:
        buffer = io.BytesIO(BAD_POLICY.encode())

    monkeypatch.setattr(sys, "stdin", Stdin)
    code, findings = run_json(capsys, "--stdin-filename", str(project / "policy" / "init.lua"), "-")
    assert (code, [f[2] for f in findings]) == (1, ["nil-return"])
