"""The rule catalogue, its generated documentation, its checks and its fixtures stay in step."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from kumocheck.docs import rule_markdown
from kumocheck.schema.model import load_schema

from checker_support import POLICIES, expected_findings, policy_files

ROOT = Path(__file__).resolve().parent.parent
RULES_TOML = ROOT / "rules" / "rules.toml"
DOCS = ROOT / "docs" / "rules.md"
SOURCES = ROOT / "kumocheck"

RULES: dict[str, dict] = tomllib.loads(RULES_TOML.read_text(encoding="utf-8"))["rules"]
# rules the fixture harness cannot exercise yet: a setting (target-version) or a non-UTF-8
# fixture file; their positive fixtures are xfail_ until the harness supports them
SETTING_ONLY: set[str] = set()  # every rule now has a passing positive fixture


def _fixture_files() -> dict[Path, list[Path]]:
    """Each fixture (a .lua file or a policy folder) and its Lua files."""
    out = {}
    for entry in sorted(POLICIES.iterdir()):
        if entry.suffix == ".lua":
            out[entry] = [entry]
        elif entry.is_dir():
            out[entry] = policy_files(entry)  # Lua and data files
    return out


def _expected_rules(files: list[Path]) -> set[str]:
    return {rule for path in files for _, _, rule in expected_findings(path)}


FIXTURES = {fixture: _expected_rules(files) for fixture, files in _fixture_files().items()}


def test_docs_match_generated_markdown():
    assert DOCS.is_file(), "generate it: python -m kumocheck rule --all --markdown > docs/rules.md"
    assert DOCS.read_text(encoding="utf-8") == rule_markdown(load_schema()), (
        "docs/rules.md is stale: python -m kumocheck rule --all --markdown > docs/rules.md"
    )


def test_docs_match_cli_output(capsys):
    from kumocheck.cli import main

    assert main(["rule", "--all", "--markdown"]) == 0
    assert capsys.readouterr().out == DOCS.read_text(encoding="utf-8")


def test_codes_are_unique_and_well_formed():
    codes = [spec["code"] for spec in RULES.values()]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    for name, spec in RULES.items():
        assert re.fullmatch(r"KC\d{3}", spec["code"]), name
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name


def test_names_are_unique_case_insensitively():
    lowered = [name.lower() for name in RULES]
    assert len(lowered) == len(set(lowered))


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_documentation_is_complete(name):
    spec = RULES[name]
    for key in ("code", "severity", "summary", "why", "example", "fix"):
        assert spec.get(key, "").strip(), f"{name}: `{key}` is empty"
    assert spec["severity"] in ("error", "warning", "info")


def test_schema_loads_every_rule():
    schema = load_schema()
    assert set(schema.rules) == set(RULES)
    for name, spec in RULES.items():
        assert schema.rule(name).code == spec["code"]
        assert schema.rule(spec["code"]).name == name


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_check_that_emits_it(name):
    quoted = re.compile(r"""["']""" + re.escape(name) + r"""["']""")
    emitters = [
        path.relative_to(ROOT)
        for path in SOURCES.rglob("*.py")
        if quoted.search(path.read_text(encoding="utf-8"))
    ]
    assert emitters, f"no source under kumocheck/ names the rule '{name}'"


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_positive_fixture(name):
    positives = [f.name for f, rules in FIXTURES.items() if name in rules]
    assert positives, f"no fixture under tests/policies expects [{name}]"


@pytest.mark.parametrize("name", sorted(set(RULES) - SETTING_ONLY))
def test_every_rule_has_a_positive_fixture_that_passes(name):
    positives = [f.name for f, rules in FIXTURES.items() if name in rules and not f.name.startswith("xfail_")]
    assert positives, f"[{name}] is only expected by xfail_ fixtures"


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_has_a_negative_fixture(name):
    negatives = [f.name for f, rules in FIXTURES.items() if name not in rules and not f.name.startswith("xfail_")]
    assert negatives, f"every fixture expects [{name}]"


def test_expect_comments_name_real_rules():
    unknown = {
        (fixture.name, rule) for fixture, rules in FIXTURES.items() for rule in rules if rule not in RULES
    }
    assert not unknown


def test_there_are_enough_fixtures():
    assert len(FIXTURES) >= 37
    assert sum(1 for f in FIXTURES if f.is_dir()) >= 8
