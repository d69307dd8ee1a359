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

    @classmethod
    def from_json(cls, data: dict) -> "Diagnostic":
        """The inverse of `to_json` (used by the result cache)."""
        fix = data.get("fix")
        return cls(
            data["path"],
            Span(data["line"], data["column"], data["end_line"], data["end_column"]),
            Severity(data["severity"]),
            data["code"],
            data["rule"],
            data["message"],
            data.get("help"),
            None
            if fix is None
            else Fix(Span(fix["line"], fix["column"], fix["end_line"], fix["end_column"]), fix["replacement"], fix["title"]),
        )

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


@attrs.define
class Report:
    """The outcome of one run."""

    diagnostics: list[Diagnostic] = attrs.Factory(list)
    files_checked: int = 0
    errors: list[str] = attrs.Factory(list)  # unreadable inputs (exit code 2)
    sources: dict[str, str] = attrs.Factory(dict)  # shown path -> text, for excerpts
    cached: int = 0  # files answered from the result cache
