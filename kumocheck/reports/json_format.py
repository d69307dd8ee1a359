"""A JSON array, one object per finding (1-based lines and columns, exclusive end)."""

from __future__ import annotations

import json

from kumocheck.diagnostics import Report


def render(report: Report, options) -> str:
    return json.dumps([d.to_json() for d in report.diagnostics], indent=2, ensure_ascii=False) + "\n"
