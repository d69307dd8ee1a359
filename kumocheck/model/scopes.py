"""Scopes and values in flight: variables, scopes, frames, branch journals, unwinding."""

from __future__ import annotations

import attrs

from kumocheck.model.records import FunctionInfo
from kumocheck.schema.values import UNKNOWN, Unknown, Value



@attrs.define(eq=False)
class Variable:
    name: str
    value: Value
    frame: "Frame"
    closure_assigned: bool = False  # assigned from a function other than its own


@attrs.define(eq=False)
class Scope:
    frame: "Frame"
    parent: "Scope | None" = None
    names: dict[str, Variable] = attrs.Factory(dict)

    def lookup(self, name: str) -> Variable | None:
        scope: Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def declare(self, name: str, value: Value) -> Variable:
        variable = Variable(name, value, self.frame)
        self.names[name] = variable
        return variable


@attrs.define(eq=False)
class Frame:
    """One function activation being evaluated."""

    function: FunctionInfo | None
    file: str
    event: str | None  # set on a handler's own frame
    varargs: Value = UNKNOWN
    returns: list[Value] = attrs.Factory(list)


class _Journal:
    """Records variable writes inside one branch so that branches can be merged."""

    def __init__(self) -> None:
        self.old: dict[Variable, Value] = {}

    def note(self, variable: Variable) -> None:
        self.old.setdefault(variable, variable.value)


class _Return(Exception):
    """Unwinds an unconditional `return`."""


class _Break(Exception):
    """Unwinds an unconditional `break`."""


_NOTHING = Unknown()  # marks a bare `return`
