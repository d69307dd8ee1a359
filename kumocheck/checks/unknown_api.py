"""unknown-api: `kumo.X` that KumoMTA does not provide.

Calling it raises "attempt to call a nil value" when the code runs, often in a rarely
taken branch.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.schema.validate import nearest


def _members(context: CheckContext, prefix: tuple[str, ...]) -> list[str]:
    api = context.schema.api
    if not prefix:
        return sorted(set(api.functions) | {m.split(".")[0] for m in api.modules})
    module = api.modules.get(".".join(prefix), {})
    nested = [m.split(".")[-1] for m in api.modules if m.startswith(".".join(prefix) + ".")]
    return sorted(set(module.get("functions", [])) | set(nested))


def check(context: CheckContext) -> Iterator[Finding]:
    api = context.schema.api
    if not api.functions:
        return
    extensions = context.model.kumo_extensions
    for use in context.model.api_uses:
        path = use.path
        if not path or path[0] in extensions:
            continue
        # report only the first unknown segment of a chain
        if len(path) > 1 and api.knows(path[:-1]) is not True:
            continue
        if api.knows(path) is not False:
            continue
        candidates = _members(context, path[:-1])
        guess = nearest(path[-1], candidates)
        dotted = "kumo." + ".".join(path)
        yield Finding(
            "unknown-api",
            use.file,
            use.span,
            f"`{dotted}` does not exist in KumoMTA",
            f"did you mean `kumo.{'.'.join(path[:-1] + (guess,))}`?" if guess else None,
        )
