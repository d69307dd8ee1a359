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


_MODULES = {
    "full": "kumocheck.reports.full",
    "concise": "kumocheck.reports.concise",
    "json": "kumocheck.reports.json_format",
}
_EXTRA = "kumocheck.reports.extra_formats"  # sarif, github, junit, plain


def renderer(name: str) -> Renderer | None:
    """The renderer of one output format, importing only its module."""
    import importlib

    if name in _MODULES:
        return importlib.import_module(_MODULES[name]).render
    try:
        return importlib.import_module(_EXTRA).RENDERERS.get(name)
    except ImportError:
        return None


def renderers() -> dict[str, Renderer]:
    """Output format name -> renderer (imports every format module)."""
    import importlib

    found: dict[str, Renderer] = {name: importlib.import_module(mod).render for name, mod in _MODULES.items()}
    try:
        found.update(importlib.import_module(_EXTRA).RENDERERS)
    except ImportError:
        pass
    return found
