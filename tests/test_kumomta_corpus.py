"""KumoMTA's own policies and its documentation's Lua examples give no configuration-call
finding (skipped when the mirror of KumoMTA's source is absent).

The only tolerated findings are `missing-key` in tables the documentation elides with a
`-- ..` comment (an excerpt showing one option).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kumocheck.config import Settings
from kumocheck.project import check_sources
from kumocheck.schema.model import load_schema

from kumomta_source import MIRROR
CONFIG_RULES = {"unknown-key", "missing-key", "invalid-type", "invalid-duration", "invalid-value"}

pytestmark = pytest.mark.skipif(not MIRROR.is_dir(), reason="KumoMTA source mirror absent")


def _write_corpus(root: Path) -> list[Path]:
    """The mirror's .lua files, and the docs' ```lua blocks that call a typed function."""
    tree = root / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(MIRROR), "archive", "HEAD", "--", "*.lua", "docs/*.md"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    written = sorted(tree.rglob("*.lua"))
    functions = {f.split(".")[-1] for f in load_schema().call_structs}
    for page in sorted((tree / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for index, block in enumerate(re.findall(r"```lua[^\n]*\n(.*?)```", text, re.S)):
            if any(f"{function} " in block or f"{function}(" in block for function in functions):
                target = root / "examples" / f"{page.relative_to(tree).with_suffix('')}_{index}.lua"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block, encoding="utf-8")
                written.append(target)
    return written


def test_corpus_has_no_config_call_findings(tmp_path: Path) -> None:
    files = _write_corpus(tmp_path)
    assert len([f for f in files if "/tree/" in str(f)]) >= 100
    report = check_sources(files, Settings())
    wrong = []
    for diagnostic in report.diagnostics:
        if diagnostic.rule not in CONFIG_RULES:
            continue
        lines = Path(diagnostic.path).read_text(encoding="utf-8").splitlines()
        elided = any(re.fullmatch(r"\s*--\s*\.\.\.?\s*", line) for line in lines)
        if diagnostic.rule == "missing-key" and elided:
            continue
        wrong.append(f"{diagnostic.path}:{diagnostic.span.line}: [{diagnostic.rule}] {diagnostic.message}")
    assert not wrong, "\n".join(wrong)


def test_corpus_methods_on_messages_are_all_known(tmp_path: Path) -> None:
    """KumoMTA's policies and the docs' handler examples call only methods rules/objects.toml knows."""
    files = _write_corpus(tmp_path)
    tree = tmp_path / "tree"
    for page in sorted((tree / "docs").rglob("*.md")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for index, block in enumerate(re.findall(r"```lua[^\n]*\n(.*?)```", text, re.S)):
            if "kumo.on" in block and re.search(r"\w:\w+\s*[(\"'{]", block):
                target = tmp_path / "methods" / f"{page.relative_to(tree).with_suffix('')}_{index}.lua"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block, encoding="utf-8")
                files.append(target)
    report = check_sources(files, Settings())
    wrong = [f"{d.path}:{d.span.line}: {d.message}" for d in report.diagnostics if d.rule == "unknown-method"]
    assert not wrong, "\n".join(wrong)
