"""The outputs docs/testing.md shows for the bundled examples are what the commands print."""

from __future__ import annotations

import pytest

from commands_support import ROOT, run

DOC = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv", [
    ("explain", "examples/routing", "bulk@gmail.com"),
    ("explain", "examples/helpers", "bulk@gmail.com"),
    ("test", "examples/routing"),
    ("test", "examples/helpers"),
], ids=" ".join)
def test_shown_output_is_current(argv, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, *argv)
    assert code == 0
    assert f"`kumocheck {' '.join(argv)}`" in DOC
    assert "```\n" + out in DOC
