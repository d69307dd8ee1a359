"""Every policy under tests/policies/ yields exactly the findings its comments expect.

A fixture is a `.lua` file, or a folder holding a policy (init.lua and its modules).
Each line that must produce a finding ends with `-- expect[rule-name]`; any finding not
announced that way, or announced but missing, fails the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import attrs

from kumocheck.config import Settings, load_settings
from kumocheck.project import check_sources

from checker_support import DATA_SUFFIXES, POLICIES, expected_findings, policy_files

FIXTURES = [
    pytest.param(
        p,
        id=p.name,
        # xfail_*: a known checker bug, written with the correct expectation
        marks=[pytest.mark.xfail(strict=True, reason="known checker bug")] if p.name.startswith("xfail_") else [],
    )
    for p in sorted(POLICIES.iterdir())
    if p.suffix == ".lua" or p.is_dir()
]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_policy_findings(fixture: Path) -> None:
    files = policy_files(fixture) if fixture.is_dir() else [fixture]
    if any(f.suffix in DATA_SUFFIXES for f in files):
        pytest.importorskip("kumocheck.parse.data", reason="the TOML/JSON reader (branch issue8-parse)")
    expected = set().union(*(expected_findings(f) for f in files))
    settings = Settings(policy_root=fixture if fixture.is_dir() else None)
    if fixture.is_dir() and (fixture / "kumocheck.toml").is_file():
        settings = attrs.evolve(load_settings(fixture / "kumocheck.toml"), policy_root=fixture)
    report = check_sources([fixture], settings)
    assert not report.errors
    actual = {(Path(d.path).name, d.span.line, d.rule) for d in report.diagnostics}
    messages = "\n".join(f"{d.path}:{d.span.line}: [{d.rule}] {d.message}" for d in report.diagnostics)
    assert actual == expected, f"findings differ\nmissing: {sorted(expected - actual)}\nunexpected: {sorted(actual - expected)}\nall:\n{messages}"
