"""What the checker reports."""

from __future__ import annotations

from enum import Enum

import attrs

from kumocheck.source import Span


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: How sure a fix is (ruff's levels): `safe` keeps what the author evidently meant and is
#: applied by `check --fix`; `unsafe` may change behaviour and needs `--unsafe-fixes`;
#: `display-only` is shown (JSON, SARIF, editor) but never applied automatically.
SAFE, UNSAFE, DISPLAY_ONLY = "safe", "unsafe", "display-only"
APPLICABILITIES = (SAFE, UNSAFE, DISPLAY_ONLY)


@attrs.frozen
class Fix:
    """Replace the text at `span` with `replacement`."""

    span: Span
    replacement: str
    title: str
    applicability: str = attrs.field(default=UNSAFE, validator=attrs.validators.in_(APPLICABILITIES))


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
            else Fix(
                Span(fix["line"], fix["column"], fix["end_line"], fix["end_column"]),
                fix["replacement"],
                fix["title"],
                fix.get("applicability", UNSAFE),
            ),
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
                "applicability": self.fix.applicability,
                "replacement": self.fix.replacement,
                "line": self.fix.span.line,
                "column": self.fix.span.column,
                "end_line": self.fix.span.end_line,
                "end_column": self.fix.span.end_column,
            },
        }


def unique_sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Diagnostics in report order, each once (a module reached from two entry files or
    named too is reported once; cached and fresh copies compare by their JSON form)."""
    seen: dict[tuple, Diagnostic] = {}
    for d in diagnostics:
        fix = d.fix and (d.fix.span.line, d.fix.span.column, d.fix.span.end_line, d.fix.span.end_column, d.fix.replacement)
        key = (d.path, d.span.line, d.span.column, d.span.end_line, d.span.end_column, d.code, d.message, fix)
        seen.setdefault(key, d)
    return sorted(seen.values(), key=lambda d: d.sort_key)


@attrs.define
class Report:
    """The outcome of one run."""

    diagnostics: list[Diagnostic] = attrs.Factory(list)
    files_checked: int = 0
    errors: list[str] = attrs.Factory(list)  # unreadable inputs (exit code 2)
    sources: dict[str, str] = attrs.Factory(dict)  # shown path -> text, for excerpts
    cached: int = 0  # files answered from the result cache
    loaded: dict[str, list[str]] = attrs.Factory(dict)  # entry file -> other files it loads
