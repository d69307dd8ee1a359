"""Shared helpers for the checker tests (a uniquely named module: several test folders have a conftest)."""

from __future__ import annotations

import re
from pathlib import Path

from kumocheck.config import Settings
from kumocheck.diagnostics import Report
from kumocheck.project import check_sources

POLICIES = Path(__file__).parent / "policies"
EXPECT = re.compile(r"--\s*expect\[([^\]]+)\]")


def expected_findings(path: Path) -> set[tuple[str, int, str]]:
    """(file name, line, rule) for every `-- expect[rule, ...]` comment in a file."""
    found = set()
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
