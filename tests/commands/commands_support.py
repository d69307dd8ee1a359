"""Helpers for the command tests: example paths, line lookup, running the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from kumocheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
ROUTING = ROOT / "examples" / "routing"
HELPERS = ROOT / "examples" / "helpers"
ESP = ROOT / "tests" / "extras" / "policies" / "esp"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of `text` in a file."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_json(capsys, *argv: str) -> tuple[int, dict]:
    code, out, _ = run(capsys, *argv, "--output-format", "json")
    return code, json.loads(out)
