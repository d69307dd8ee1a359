"""unresolved-require: `require 'lib.tunning'` where the policy tree has `lib.tuning`.

kumod's package.path reaches beyond the policy tree (system Lua modules, luarocks), so a
module that is simply absent from the tree is never reported: only a name one small typo
away from a module that does exist there (or from a policy-extras helper) is.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.config import Settings
from kumocheck.files import MAX_SCAN_FILES, lua_files_under, policy_root
from kumocheck.schema.model import rules_dir

EXTRAS_PREFIX = "policy-extras."


@functools.lru_cache(maxsize=1)
def policy_extras_modules() -> dict[str, str]:
    """policy-extras module name -> since-version (rules/policy_extras.toml, [modules])."""
    path = rules_dir() / "policy_extras.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        modules = tomllib.load(handle).get("modules", {})
    return {name: data.get("since", "") for name, data in modules.items()}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of neighbours counts 1), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def near_module(name: str, known: set[str]) -> str | None:
    """A known module a small typo away: same dotted shape, one part differs slightly."""
    parts = name.split(".")
    best: tuple[int, str] | None = None
    for candidate in sorted(known):
        other = candidate.split(".")
        if len(other) != len(parts) or candidate == name:
            continue
        differing = [(p, o) for p, o in zip(parts, other) if p != o]
        if len(differing) != 1:
            continue
        typed, meant = differing[0]
        if typed.lower() == meant.lower() or typed.replace("-", "_") == meant.replace("-", "_"):
            distance = 0
        else:
            limit = 1 if len(meant) < 5 else 2
            distance = edit_distance(typed, meant, limit)
            if distance > limit:
                continue
        if best is None or distance < best[0]:
            best = (distance, candidate)
    return best[1] if best else None


def _modules_under(base: Path) -> set[str]:
    names = set()
    for path in lua_files_under(base, Settings(), MAX_SCAN_FILES):
        parts = path.relative_to(base).with_suffix("").parts
        if parts and parts[-1] == "init":
            parts = parts[:-1]
        if parts:
            names.add(".".join(parts))
    return names


def check(context: CheckContext) -> Iterator[Finding]:
    scanned: dict[Path, set[str]] = {}

    def known_near(file: str) -> set[str]:
        origin = Path(file).resolve()
        found: set[str] = set()
        root = context.policy_root or policy_root(origin, Settings())
        for base in (root, origin.parent):
            if base not in scanned:
                scanned[base] = _modules_under(base)
            found |= scanned[base]
        return found

    for use in context.model.requires:
        name = use.module
        if use.resolved is not None or not name or name == "kumo" or name.startswith("kumo."):
            continue
        if name.startswith(EXTRAS_PREFIX):
            helpers = policy_extras_modules()
            if not helpers or name[len(EXTRAS_PREFIX):] in helpers:
                continue
            meant = near_module(name, {EXTRAS_PREFIX + helper for helper in helpers})
            where = "KumoMTA's policy-extras"
        else:
            known = known_near(use.file)
            if "/" in name or name in known:
                continue
            if name.endswith(".lua") and name[: -len(".lua")] in known:
                yield Finding(
                    "unresolved-require",
                    use.file,
                    use.span,
                    f"require takes a module name, not a file name: '{name}' looks for {name.replace('.', '/')}.lua",
                    f"write require '{name[: -len('.lua')]}'",
                )
                continue
            meant = near_module(name, known)
            where = "the policy tree"
        if meant is None:
            continue
        yield Finding(
            "unresolved-require",
            use.file,
            use.span,
            f"module '{name}' does not exist in {where}: require raises \"module not found\"",
            f"did you mean '{meant}'?",
        )
