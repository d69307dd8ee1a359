"""`--statistics`: how many findings each rule produced, most frequent first (text or JSON)."""

from __future__ import annotations

from collections import Counter

from kumocheck.diagnostics import Report


def _counts(report: Report) -> list[tuple[tuple[str, str], int]]:
    counts = Counter((d.code, d.rule) for d in report.diagnostics)
    return sorted(counts.items(), key=lambda i: (-i[1], i[0]))


def render_json(report: Report, options) -> str:
    """ruff's `--statistics --output-format json`: one object per rule, and the total."""
    import json

    fixable = Counter(d.code for d in report.diagnostics if d.fix is not None and d.fix.applicability == "safe")
    rows = [{"code": code, "name": rule, "count": n, "fixable": fixable[code]} for (code, rule), n in _counts(report)]
    return json.dumps(rows, indent=2) + "\n"


def render(report: Report, options) -> str:
    counts = _counts(report)
    lines = [f"{count:>5}  {code}  {rule}" for (code, rule), count in counts]
    lines.append(f"{sum(n for _, n in counts):>5}  total in {report.files_checked} file{'s' if report.files_checked != 1 else ''}")
    return "\n".join(lines) + "\n"
