"""What every front end reports: comments it set aside and the first syntax problem.

Kept free of heavy imports (no antlr/luaparser) so that data-file readers and the
suppression scan can use it cheaply.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from contextlib import contextmanager
from typing import Iterator

import attrs

from kumocheck.source import Span


@attrs.frozen
class SyntaxProblem:
    """Why a source text cannot be read; line and column are 1-based."""

    message: str
    line: int
    column: int
    end_column: int | None = None


@attrs.frozen
class Comment:
    """A comment: its text (with the leading `--` or `#`) and 1-based position."""

    text: str
    line: int
    column: int


class SourceSyntaxError(Exception):
    """A text that a front end cannot read; `problem` says where and why."""

    def __init__(self, problem: SyntaxProblem):
        super().__init__(f"{problem.line}:{problem.column}: {problem.message}")
        self.problem = problem


class LineIndex:
    """Offsets of a text turned into 1-based lines and character columns (lines end at \\n)."""

    def __init__(self, text: str, path: str | None):
        self.path = path
        self.size = len(text)
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._line = 0  # index into starts of the last offset looked up (reads go forward)

    def where(self, pos: int) -> tuple[int, int]:
        starts, i = self.starts, self._line
        if not (starts[i] <= pos and (i + 1 == len(starts) or pos < starts[i + 1])):
            i = self._line = bisect_right(starts, pos) - 1
        return i + 1, pos - starts[i] + 1

    def span(self, start: int, end: int) -> Span:
        starts, i = self.starts, self._line  # where(start), inlined: this is the hot path
        after = starts[i + 1] if i + 1 < len(starts) else self.size + 1
        if not (starts[i] <= start < after):
            i = self._line = bisect_right(starts, start) - 1
            after = starts[i + 1] if i + 1 < len(starts) else self.size + 1
        line, column = i + 1, start - starts[i] + 1  # one int object for line and end_line
        if end <= after:
            return Span(line, column, line, column + end - start, self.path)
        end_line, end_column = self.where(end)
        return Span(line, column, end_line, end_column, self.path)

    def problem(self, pos: int, message: str, end: int | None = None) -> SyntaxProblem:
        """A problem at offset `pos` (highlighting up to `end` when it is on the same line)."""
        pos = min(pos, self.size)
        line, column = self.where(pos)
        end_column = column + max(1, (end or pos + 1) - pos) if pos < self.size else None
        if end is not None and end_column is not None and (line < len(self.starts) and end > self.starts[line]):
            end_column = None
        return SyntaxProblem(message, line, column, end_column)


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic GC while a reader builds a large acyclic tree (restored after)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
