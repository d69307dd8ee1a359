"""The set-up snippets in docs/integrations.md and the example workflow are usable as written."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from integration_support import REPO

DOC = REPO / "docs" / "integrations.md"
WORKFLOW = REPO / "docs" / "github-actions-example.yml"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


def _kumocheck_commands(text: str) -> list[list[str]]:
    """Every `kumocheck ...` command line the text shows (up to a backtick or a shell redirection)."""
    found = re.findall(r"\bkumocheck ((?:check|server|rule)\b[^\n`<|]*)", text)
    commands = [shlex.split(m) for m in found]
    return [argv for argv in commands if not any(re.fullmatch(r"[A-Z]{3,}", arg) for arg in argv)]  # placeholders


def test_pre_commit_snippet_is_a_valid_config(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install kumocheck[test])")
    snippet = next(b for b in _blocks("yaml") if "id: kumocheck" in b)
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_editor_snippets_parse() -> None:
    (vscode,) = _blocks("json")
    settings = json.loads(vscode)
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["kumocheck", "server"]
    (helix,) = _blocks("toml")
    languages = tomllib.loads(helix)
    assert languages["language-server"]["kumocheck"] == {"command": "kumocheck", "args": ["server"]}
    assert all("'kumocheck', 'server'" in block for block in _blocks("lua"))


def test_workflow_runs_real_commands() -> None:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with pre-commit)")
    from kumocheck.cli import build_parser

    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["kumocheck"]["steps"]
    assert workflow["jobs"]["kumocheck"]["permissions"]["security-events"] == "write"
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    commands = [shlex.split(s["run"]) for s in steps if s.get("run", "").startswith("kumocheck ")]
    assert len(commands) == 2
    parser = build_parser()
    formats = []
    for argv in commands + _kumocheck_commands(DOC.read_text(encoding="utf-8")):
        args = parser.parse_args(argv[1:] if argv[0] == "kumocheck" else argv)
        formats.append(getattr(args, "output_format", None))
        if formats[-1] == "sarif":
            assert args.output_file == upload["with"]["sarif_file"] or args.output_file.endswith(".sarif")
    assert {"github", "sarif", "junit", "plain"} <= set(formats)
