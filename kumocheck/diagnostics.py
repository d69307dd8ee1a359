"""What the checker reports."""

from __future__ import annotations

from enum import Enum

import attrs

from kumocheck.source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen
class Fix:
    """Replace the text at `span` with `replacement`."""

    span: Span
    replacement: str
    title: str


@attrs.frozen
class Diagnostic:
    """One finding, located in one file."""

    path: str
    span: Span
    severity: Severity
    code: str
    rule: str
    message: str
    help: str | None = None
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "severity": self.severity.value,
            "code": self.code,
            "rule": self.rule,
            "message": self.message,
            "help": self.help,
            "fix": None
            if self.fix is None
            else {
                "title": self.fix.title,
                "replacement": self.fix.replacement,
                "line": self.fix.span.line,
                "column": self.fix.span.column,
                "end_line": self.fix.span.end_line,
                "end_column": self.fix.span.end_column,
            },
        }
