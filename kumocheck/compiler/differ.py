"""Compare what two versions of a policy decide, queue name by queue name (`kumocheck diff`)."""

from __future__ import annotations

import re
from typing import Any, Iterable

import attrs

from kumocheck.compiler.resolution import ResolvedPolicy
from kumocheck.compiler.verify import Outcome

__all__ = ["PolicyDiff", "diff_policies", "union_names", "same_error"]

# `policy.lua:12: ` that error() puts in front of a message: moves with unrelated edits
_POSITION = re.compile(r"^[^\s:]+\.lua:\d+: ")


def same_error(old: str, new: str) -> bool:
    """Two error messages say the same thing (positions of error() calls aside)."""
    return _POSITION.sub("", old) == _POSITION.sub("", new)


@attrs.frozen
class PolicyDiff:
    """`changed`: name -> field -> (old, new); `errors`: name -> (old error, new error)."""

    queues: int
    changed: dict[str, dict[str, tuple[Any, Any]]]
    errors: dict[str, tuple[str | None, str | None]]

    @property
    def empty(self) -> bool:
        return not self.changed and not self.errors

    def counts(self) -> tuple[int, int, int, int]:
        """(changed, start raising, stop raising, raise another error)."""
        starts = sum(1 for old, new in self.errors.values() if old is None)
        stops = sum(1 for old, new in self.errors.values() if new is None)
        return len(self.changed), starts, stops, len(self.errors) - starts - stops

    def to_json(self) -> dict:
        return {
            "queues": self.queues,
            "changed": {
                name: {field: {"old": old, "new": new} for field, (old, new) in fields.items()}
                for name, fields in self.changed.items()
            },
            "errors": {name: {"old": old, "new": new} for name, (old, new) in self.errors.items()},
        }


def union_names(*groups: Iterable[str]) -> list[str]:
    """The names of every group, each once, in first-seen order."""
    seen: dict[str, None] = {}
    for group in groups:
        for name in group:
            seen.setdefault(name, None)
    return list(seen)


def _field_changes(old: dict, new: dict) -> dict[str, tuple[Any, Any]]:
    """Fields whose value differs, in the shape's field order."""
    names = list(old) + [name for name in new if name not in old]
    return {name: (old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)}


def compare_outcomes(name: str, old: Outcome, new: Outcome, diff_changed: dict, diff_errors: dict) -> None:
    if old.error is not None or new.error is not None:
        if old.error is not None and new.error is not None and same_error(old.error, new.error):
            return
        diff_errors[name] = (old.error, new.error)
        return
    fields = _field_changes(old.shape, new.shape)
    if fields:
        diff_changed[name] = fields


def diff_policies(old: ResolvedPolicy, new: ResolvedPolicy, extra: Iterable[str] = ()) -> PolicyDiff:
    """Resolve the union of both policies' queue names (plus `extra`) with each; compare."""
    names = union_names(old.queue_names(), new.queue_names(), extra)
    changed: dict = {}
    errors: dict = {}
    for name in names:
        compare_outcomes(name, old.outcome(name), new.outcome(name), changed, errors)
    return PolicyDiff(len(names), changed, errors)
