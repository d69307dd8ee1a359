"""rustc/ruff-style output: location, code, message, the source line with a caret span, help."""

from __future__ import annotations

from collections import Counter

from kumocheck.diagnostics import Diagnostic, Severity
from kumocheck.diagnostics import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def _excerpt(diagnostic: Diagnostic, lines: list[str], color: bool) -> list[str]:
    span = diagnostic.span
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].expandtabs(1)
    number = str(span.line)
    gutter = " " * len(number)
    start = max(span.column - 1, 0)
    end = span.end_column - 1 if span.end_line == span.line else len(text)
    width = max(end - start, 1)
    carets = " " * start + "^" * min(width, max(len(text) - start, 1))
    return [
        f"{gutter} |",
        f"{number} | {text}",
        f"{gutter} | {_paint(carets, _COLORS[diagnostic.severity], color)}",
    ]


def render(report: Report, options) -> str:
    color = options.color
    out: list[str] = []
    split: dict[str, list[str]] = {}  # each file's lines, split once (not per diagnostic)
    for diagnostic in report.diagnostics:
        lines = split.get(diagnostic.path)
        if lines is None:
            lines = split[diagnostic.path] = report.sources.get(diagnostic.path, "").splitlines()
        head = _paint(f"{diagnostic.severity.value}[{diagnostic.code}]", _COLORS[diagnostic.severity], color)
        out.append(f"{head}: {_paint(diagnostic.message, '1', color)} [{diagnostic.rule}]")
        out.append(f"  --> {diagnostic.path}:{diagnostic.span.line}:{diagnostic.span.column}")
        out.extend("  " + line for line in _excerpt(diagnostic, lines, color))
        if diagnostic.help:
            out.append(f"  = help: {diagnostic.help}")
        out.append("")
    counts = Counter(d.severity for d in report.diagnostics)
    if report.diagnostics:
        parts = [f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}" for s in Severity if counts[s]]
        out.append(f"Found {len(report.diagnostics)} problem{'s' if len(report.diagnostics) != 1 else ''} "
                   f"({', '.join(parts)}) in {report.files_checked} file{'s' if report.files_checked != 1 else ''}.")
    elif not report.errors:
        out.append(f"All checks passed ({report.files_checked} file{'s' if report.files_checked != 1 else ''}).")
    return "\n".join(out) + "\n" if out else ""
