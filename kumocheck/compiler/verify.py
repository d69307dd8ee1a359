"""Differential verification: the compiled module beside the original policy in Lua 5.4."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

import attrs

from kumocheck.runtime.errors import LuaError

__all__ = ["Outcome", "Difference", "outcome", "compare", "queue_names_from_text"]

_DOMAIN = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")
_WORD = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
FALLBACK_DOMAINS = ("example.com", "gmail.com", "unknown.invalid")


@attrs.frozen
class Outcome:
    """What resolving one queue name gave: a config shape, or an error."""

    shape: dict | None
    error: str | None
    internal: bool = False  # a Python exception: a kumocheck bug, never "the same"

    def same_as(self, other: "Outcome") -> bool:
        if self.internal or other.internal:
            return False
        if self.error is not None or other.error is not None:
            return self.error is not None and other.error is not None
        return self.shape == other.shape

    def describe(self) -> str:
        if self.error is not None:
            return f"error: {self.error}"
        import json

        return json.dumps(self.shape, sort_keys=True)


@attrs.frozen
class Difference:
    queue_name: str
    compiled: Outcome
    lua: Outcome


def outcome(resolve: Callable[[str], Any], name: str) -> Outcome:
    try:
        return Outcome(resolve(name).to_dict(), None)
    except LuaError as exc:
        return Outcome(None, str(exc))
    except RecursionError:
        return Outcome(None, "stack overflow")
    except Exception as exc:  # noqa: BLE001 - reported as a difference, not a crash
        return Outcome(None, f"internal error: {type(exc).__name__}: {exc}", internal=True)


def compare(compiled_resolve: Callable, lua_resolve: Callable, names: Iterable[str]) -> list[Difference]:
    differences = []
    for name in names:
        ours = outcome(compiled_resolve, name)
        theirs = outcome(lua_resolve, name)
        if not ours.same_as(theirs):
            differences.append(Difference(name, ours, theirs))
    return differences


def _strings(text: str) -> list[str]:
    """String constants of a Lua source (via the parser), in source order."""
    from luaparser import astnodes as A

    from kumocheck.compiler.codegen import string_value
    from kumocheck.parse.lua import parse_lua, run_deep

    found: list[str] = []

    def walk(node: Any) -> None:
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, A.String):
                try:
                    found.append(string_value(item).decode("utf-8"))
                except UnicodeDecodeError:
                    pass
            if isinstance(item, A.Node):
                for value in vars(item).values():
                    if isinstance(value, A.Node):
                        stack.append(value)
                    elif isinstance(value, list):
                        stack.extend(v for v in value if isinstance(v, A.Node))

    run_deep(lambda: walk(parse_lua(text).chunk))
    return found


def queue_names_from_text(texts: Iterable[str], limit: int = 400) -> list[str]:
    """Queue names built from a policy's own string constants (domains, tenants, campaigns)."""
    strings: list[str] = []
    for text in texts:
        strings.extend(_strings(text))
    domains: list[str] = []
    words: list[str] = []
    for value in strings:
        value = value.strip()
        if _DOMAIN.match(value) and value not in domains:
            domains.append(value)
        elif _WORD.match(value) and value not in words:
            words.append(value)
        # patterns such as '%.example%.com$' -> example.com
        unescaped = value.replace("%.", ".").replace("%-", "-").strip("^$")
        if unescaped != value and _DOMAIN.match(unescaped) and unescaped not in domains:
            domains.append(unescaped)
        if value.startswith(".") and _DOMAIN.match("mail" + value) and ("mail" + value) not in domains:
            domains.append("mail" + value)
    for fallback in FALLBACK_DOMAINS:
        if fallback not in domains:
            domains.append(fallback)
    tenants = words[:12]
    names: list[str] = []

    def add(name: str) -> None:
        if name not in names:
            names.append(name)

    for domain in domains:
        add(domain)
        add(domain.upper())
        add("sub." + domain)
    for index, domain in enumerate(domains):
        for tenant in tenants[: 6]:
            add(f"{tenant}@{domain}")
        if tenants:
            tenant = tenants[index % len(tenants)]
            campaign = tenants[(index + 1) % len(tenants)]
            add(f"{campaign}:{tenant}@{domain}")
            add(f"{campaign}:@{domain}")
            add(f"{tenant}@{domain}!{domains[(index + 1) % len(domains)]}")
        add(f"{domain}!relay.{domain}")
    return names[:limit]


def policy_texts(main: Path, modules: Iterable[str], root: Path) -> list[str]:
    from kumocheck.compiler.driver import _find_module

    texts = [main.read_text(encoding="utf-8")]
    for name in modules:
        found = _find_module(root, name)
        if found is not None:
            texts.append(found.read_text(encoding="utf-8"))
    return texts
