"""What every front end reports: comments it set aside and the first syntax problem.

Kept free of heavy imports (no antlr/luaparser) so that data-file readers and the
suppression scan can use it cheaply.
"""

from __future__ import annotations

import attrs


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
