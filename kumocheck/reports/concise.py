"""`path:line:col: CODE [rule] message`, one line per finding."""

from __future__ import annotations

from kumocheck.diagnostics import Report


def render(report: Report, options) -> str:
    lines = [
        f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.rule}] {d.message}" for d in report.diagnostics
    ]
    return "\n".join(lines) + ("\n" if lines else "")
