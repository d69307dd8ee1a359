"""`--statistics`: how many findings each rule produced, most frequent first."""

from __future__ import annotations

from collections import Counter

from kumocheck.diagnostics import Report


def render(report: Report, options) -> str:
    counts = Counter((d.code, d.rule) for d in report.diagnostics)
    lines = [f"{count:>5}  {code}  {rule}" for (code, rule), count in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]
    lines.append(f"{sum(counts.values()):>5}  total in {report.files_checked} file{'s' if report.files_checked != 1 else ''}")
    return "\n".join(lines) + "\n"
