"""Applying fixes to one text: spans to offsets, quoting kept, overlaps left for later."""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import attrs

from kumocheck.diagnostics import DISPLAY_ONLY, SAFE, UNSAFE, Diagnostic, Fix

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_SIMPLE_STRING = re.compile(r"""(['"])([^'"\\\n]*)\1\Z""")


@attrs.frozen
class Edit:
    """Replace text[start:end] with `text`; `fix` and `diagnostic` say where it came from."""

    start: int
    end: int
    text: str
    fix: Fix
    diagnostic: Diagnostic | None = None


def fixes_for(diagnostics: Iterable[Diagnostic], unsafe: bool = False) -> list[Diagnostic]:
    """The diagnostics whose fix `--fix` applies: safe ones, plus unsafe ones when asked."""
    levels = {SAFE, UNSAFE} if unsafe else {SAFE}
    return [d for d in diagnostics if d.fix is not None and d.fix.applicability in levels]


def line_starts(text: str) -> list[int]:
    """Offsets where each line starts (lines end at `\\n`, as the parsers count them)."""
    starts = [0]
    index = text.find("\n")
    while index >= 0:
        starts.append(index + 1)
        index = text.find("\n", index + 1)
    return starts


def offset(starts: Sequence[int], text: str, line: int, column: int) -> int | None:
    """The offset of a 1-based line and character column, or None when outside the text."""
    if not 1 <= line <= len(starts) or column < 1:
        return None
    end = starts[line] - 1 if line < len(starts) else len(text)
    position = starts[line - 1] + column - 1
    return position if position <= end else None


def requote(original: str, replacement: str) -> str | None:
    """`replacement` written in the style of the text it replaces, or None when unsure.

    A name replacing a quoted key (`["retry_intervl"]`, TOML `"max_ag"`) is quoted the same
    way; a quoted string replacing a quoted string keeps the original's quote character;
    strings with escapes or long brackets are not touched; other text is replaced as is."""
    quoted = _SIMPLE_STRING.match(original)
    new_quoted = _SIMPLE_STRING.match(replacement)
    if new_quoted is None and replacement[:1] in ("'", '"', "["):
        return None  # a string with escapes or long brackets: too clever to restyle
    if quoted:
        quote = quoted.group(1)
        content = new_quoted.group(2) if new_quoted else replacement
        if quote in content or "\\" in content or "\n" in content:
            return None
        return f"{quote}{content}{quote}"
    if original[:1] in ("'", '"', "["):
        return None  # escapes or a long-bracket string: rewriting it could change its value
    return replacement


def edits_for(text: str, fixes: Iterable[Fix | Diagnostic]) -> list[Edit]:
    """Edits for the fixes that can be located in `text`, in text order, none overlapping.

    Of overlapping fixes the first (in text order) wins; the others are dropped here and
    come back on the next pass if their findings remain."""
    starts = line_starts(text)
    candidates: list[Edit] = []
    for item in fixes:
        diagnostic = item if isinstance(item, Diagnostic) else None
        fix = item.fix if isinstance(item, Diagnostic) else item
        if fix is None or fix.applicability == DISPLAY_ONLY:
            continue
        span = fix.span
        start = offset(starts, text, span.line, span.column)
        end = offset(starts, text, span.end_line, span.end_column)
        if start is None or end is None or end < start:
            continue
        written = requote(text[start:end], fix.replacement)
        if written is None:
            continue
        candidates.append(Edit(start, end, written, fix, diagnostic))
    candidates.sort(key=lambda e: (e.start, e.end))
    chosen: list[Edit] = []
    for edit in candidates:
        if chosen and (edit.start, edit.end, edit.text) == (chosen[-1].start, chosen[-1].end, chosen[-1].text):
            continue  # the same fix reported twice (two rules, two entry files)
        if chosen and edit.start < chosen[-1].end:
            continue
        if chosen and edit.start == edit.end == chosen[-1].end == chosen[-1].start:
            continue  # two insertions at one point: order would be a guess
        chosen.append(edit)
    return chosen


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits (in text order) to `text`."""
    out: list[str] = []
    position = 0
    for edit in edits:
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def apply_fixes(text: str, fixes: Iterable[Fix | Diagnostic]) -> tuple[str, list[Edit]]:
    """`text` with every fix applied that can be (one pass, no re-check), and the edits made.

    Give it only the fixes of one file (`fixes_for` chooses by applicability). Unchanged
    text comes back as it was; edits whose replacement equals the text are not counted."""
    edits = [e for e in edits_for(text, fixes) if text[e.start : e.end] != e.text]
    return apply_edits(text, edits), edits
