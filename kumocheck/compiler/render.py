"""The jinja2 environment that renders generated modules from templates/*.j2."""

from __future__ import annotations

import functools

import jinja2

__all__ = ["render_module"]


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kumocheck.compiler", "templates"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pyrepr"] = repr
    return env


def render_module(**context) -> str:
    """Render module.j2; values are inserted verbatim (never re-parsed as template text)."""
    return _environment().get_template("module.j2").render(**context)
