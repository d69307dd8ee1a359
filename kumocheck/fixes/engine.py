"""Fixing files to a fixed point: check, apply the fixes, re-parse, re-check, repeat.

Nothing is written until the loop has settled; the fixed texts are fed back to the
checker as overlays, so every pass sees the files as they would be written.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import Callable

import attrs

from kumocheck.config import Settings
from kumocheck.diagnostics import Diagnostic, Report
from kumocheck.fixes.edits import Edit, apply_edits, edits_for, fixes_for
from kumocheck.parse.lua import LuaSyntaxError, parse_lua
from kumocheck.project import check_sources
from kumocheck.source import SourceFile

#: The checker runs at most this many times; fixes that keep producing new fixes stop here.
MAX_PASSES = 10
_BOM = b"\xef\xbb\xbf"


@attrs.define
class FileFix:
    """One file's text before and after fixing, and the edits that got it there."""

    path: Path
    shown: str
    original: str
    text: str
    bom: bool = False
    applied: list[Edit] = attrs.Factory(list)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def diff(self) -> str:
        """A unified diff (`--- a/x`, `+++ b/x`) from the original to the fixed text."""
        lines = difflib.unified_diff(
            _diff_lines(self.original), _diff_lines(self.text), f"a/{self.shown}", f"b/{self.shown}"
        )
        return "".join(lines)

    def write(self) -> None:
        """Replace the file atomically, keeping its mode, BOM and line endings."""
        data = (_BOM if self.bom else b"") + self.text.encode("utf-8")
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".kumofix")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, self.path.stat().st_mode & 0o7777)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@attrs.define
class FixOutcome:
    """What a fixing run did: the files it changed, the report of what remains."""

    files: dict[Path, FileFix]
    report: Report
    passes: int
    settled: bool  # False when MAX_PASSES ran out while fixes were still being made

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in sorted(self.files.values(), key=lambda f: f.shown) if f.changed]

    @property
    def applied(self) -> list[Edit]:
        return [edit for f in self.changed for edit in f.applied]


def _diff_lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def still_parses(path: Path, text: str, shown: str) -> bool:
    """True when the fixed text is still a valid file of its kind (never write one that is not)."""
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json"):
        try:  # the data-file reader (kumocheck.parse.data); without it, data files are not fixed
            from kumocheck.parse.data import DataSyntaxError, read_data
        except ImportError:
            return False
        try:
            read_data(SourceFile(shown, text), suffix[1:])
        except DataSyntaxError:
            return False
        return True
    try:
        parse_lua(text)
    except (LuaSyntaxError, RecursionError):
        return False
    return True


def _load(path: Path, shown: str) -> FileFix | None:
    """The file as UTF-8 text, or None when it cannot be rewritten byte-for-byte."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    bom = data.startswith(_BOM)
    try:
        text = data[len(_BOM) if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        return None  # read as Latin-1 for checking; rewriting it would change its bytes
    return FileFix(path, shown, text, text, bom)


def _verified_edits(state: FileFix, diagnostics: list[Diagnostic]) -> list[Edit]:
    """Edits for this pass that keep the file parseable: all together, else one by one."""
    edits = [e for e in edits_for(state.text, diagnostics) if state.text[e.start : e.end] != e.text]
    if not edits or still_parses(state.path, apply_edits(state.text, edits), state.shown):
        return edits
    kept: list[Edit] = []
    for edit in edits:
        trial = kept + [edit]
        if still_parses(state.path, apply_edits(state.text, trial), state.shown):
            kept = trial
    return kept


def fix_until_stable(
    paths: list[Path],
    settings: Settings,
    unsafe: bool = False,
    max_passes: int = MAX_PASSES,
    jobs: int = 1,
    check: Callable[..., Report] = check_sources,
) -> FixOutcome:
    """Check `paths`, apply the fixes at the chosen level, and repeat until nothing changes.

    Files are not written: call `FileFix.write()` on `outcome.changed` (or show `diff()`)."""
    files: dict[Path, FileFix] = {}
    skipped: set[Path] = set()
    overlays: dict[Path, SourceFile] = {}
    for passes in range(1, max_passes + 1):
        report = check(paths, settings, dict(overlays) or None, jobs=1 if overlays else jobs)
        by_file: dict[str, list[Diagnostic]] = {}
        for diagnostic in fixes_for(report.diagnostics, unsafe):
            by_file.setdefault(diagnostic.path, []).append(diagnostic)
        progress = False
        for shown, diagnostics in sorted(by_file.items()):
            key = Path(shown).resolve()
            if key in skipped:
                continue
            state = files.get(key) or _load(Path(shown), shown)
            if state is None:
                skipped.add(key)
                continue
            files[key] = state
            edits = _verified_edits(state, diagnostics)
            if not edits:
                continue
            state.text = apply_edits(state.text, edits)
            state.applied.extend(edits)
            overlays[key] = SourceFile(shown, state.text)
            progress = True
        if not progress:
            return FixOutcome(files, report, passes, True)
    return FixOutcome(files, check(paths, settings, dict(overlays) or None), max_passes, False)
