"""KumoMTA's Lua objects (message, connection metadata) and their methods, as data.

Loaded from rules/objects.toml by `kumocheck.schema.model.load_schema`; handler parameters
are given these kinds by `param_types` in rules/events.toml.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class ObjectMethod:
    name: str
    since: str | None = None


@attrs.frozen
class ObjectSpec:
    """One userdata kind that KumoMTA hands to a policy."""

    name: str  # the kind as written in param_types: "message"
    rust: str  # the Rust type whose `impl UserData` defines the methods
    label: str  # how messages name it
    methods: dict[str, ObjectMethod]


def load_objects(data: dict) -> dict[str, ObjectSpec]:
    """The [objects.X] tables of rules/objects.toml."""
    return {
        name: ObjectSpec(
            name,
            spec.get("rust", name),
            spec.get("label", name),
            {m: ObjectMethod(m, facts.get("since")) for m, facts in spec.get("methods", {}).items()},
        )
        for name, spec in data.get("objects", {}).items()
    }
