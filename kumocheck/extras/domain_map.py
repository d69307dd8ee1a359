"""`kumo.domain_map.new`: KumoMTA's DomainMap lookup (crates/domain-map), in Python.

Keys are split on `.` and walked from the rightmost label. A label that is missing at
some level falls back to the `*` child of that level, if any. No case folding, no
trailing-dot handling: `*.example.com` matches `a.b.example.com` but not `example.com`,
and a deeper explicit key shadows the wildcard for its own subtree.
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["DomainMap"]


class _Node:
    __slots__ = ("value", "has_value", "children", "key")

    def __init__(self) -> None:
        self.value: Any = None
        self.has_value = False
        self.children: dict[str, _Node] = {}
        self.key: str | None = None


class DomainMap:
    """Pattern -> value, looked up like kumod's DomainMap::get."""

    def __init__(self, items: Iterable[tuple[str, Any]] = ()) -> None:
        self.top: dict[str, _Node] = {}
        self.items: dict[str, Any] = {}
        for pattern, value in items:
            self.insert(pattern, value)

    def insert(self, pattern: str, value: Any) -> None:
        self.items[pattern] = value
        current = self.top
        labels = pattern.split(".")[::-1]
        for position, label in enumerate(labels):
            node = current.get(label)
            if node is None:
                node = current[label] = _Node()
            if position == len(labels) - 1:
                node.value, node.has_value, node.key = value, True, pattern
                return
            current = node.children

    def find(self, name: str) -> tuple[str | None, Any]:
        """(the pattern that matched, its value), or (None, None)."""
        current = self.top
        labels = name.split(".")[::-1]
        for position, label in enumerate(labels):
            node = current.get(label)
            if node is not None:
                if position == len(labels) - 1:
                    return (node.key, node.value) if node.has_value else (None, None)
                current = node.children
                continue
            wild = current.get("*")
            if wild is None or not wild.has_value:
                return None, None
            return wild.key, wild.value
        return None, None

    def get(self, name: str) -> Any:
        return self.find(name)[1]
