"""Output formats: each module renders a `Report` as text."""

from __future__ import annotations

from typing import Callable

from kumocheck.diagnostics import Report

Renderer = Callable[[Report, "RenderOptions"], str]


class RenderOptions:
    """What a renderer may need besides the report."""

    def __init__(self, color: bool = False, statistics: bool = False, ranges: bool = False):
        self.color = color
        self.statistics = statistics
        self.ranges = ranges  # plain format: luacheck's path:line:col-endcol: form


def renderers() -> dict[str, Renderer]:
    """Output format name -> renderer (imported lazily)."""
    from kumocheck.reports import concise, full, json_format

    found: dict[str, Renderer] = {
        "full": full.render,
        "concise": concise.render,
        "json": json_format.render,
    }
    try:
        from kumocheck.reports import extra_formats

        found.update(extra_formats.RENDERERS)
    except ImportError:
        pass
    return found
