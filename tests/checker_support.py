"""Shared helpers for the checker tests (a uniquely named module: several test folders have a conftest)."""

from __future__ import annotations

import re
from pathlib import Path

from kumocheck.config import Settings
from kumocheck.diagnostics import Report
from kumocheck.project import check_sources

POLICIES = Path(__file__).parent / "policies"
EXPECT = re.compile(r"(?:--|#)\s*expect\[([^\]]+)\]")  # Lua comments, and TOML ones in data files
DATA_SUFFIXES = (".toml", ".json")


def expected_findings(path: Path) -> set[tuple[str, int, str]]:
    """(file name, line, rule) for every `-- expect[rule, ...]` comment in a file.

    In TOML the comment is `# expect[rule]`; JSON has no comments, so a JSON file's
    expectations are lines `LINE rule` in a sidecar `FILE.json.expect`."""
    found = set()
    sidecar = path.with_name(path.name + ".expect")
    if path.suffix == ".json":
        if sidecar.is_file():
            for line in sidecar.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    number, rule = line.split()
                    found.add((path.name, int(number), rule))
        return found
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # fixtures of the source-encoding rule
    for number, line in enumerate(text.splitlines(), start=1):
        for match in EXPECT.finditer(line):
            for rule in match.group(1).split(","):
                found.add((path.name, number, rule.strip()))
    return found


def check_text(tmp_path: Path, text: str, name: str = "init.lua", **settings) -> Report:
    """Check one policy text written to a temporary folder."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_sources([path], Settings(**settings))


def rules_of(report: Report) -> list[tuple[int, str]]:
    return [(d.span.line, d.rule) for d in report.diagnostics]


def policy_files(fixture: Path) -> list[Path]:
    """The Lua and data files of a fixture folder (the data files kumocheck.toml or names make known)."""
    return sorted(p for p in fixture.rglob("*") if p.suffix == ".lua" or p.suffix in DATA_SUFFIXES and p.name != "kumocheck.toml")
