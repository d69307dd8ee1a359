"""What the model records: bindings, config calls, references, kumo uses -> PolicyModel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from luaparser import astnodes as ast

from kumocheck.extras.setup import DataFile, HelperCall, HelperUse
from kumocheck.model.folding import _builtin_module, _const_str, _contradict
from kumocheck.schema.values import Value
from kumocheck.source import Span

if TYPE_CHECKING:  # a function's defining scope; scopes.py imports this module
    from kumocheck.model.scopes import Scope


@attrs.define(eq=False)
class FunctionInfo:
    """A Lua function value: its node, its defining scope and file."""

    node: Any
    scope: "Scope"
    file: str
    name: str | None = None

    @property
    def params(self) -> list[str]:
        return [arg.id for arg in self.node.args if isinstance(arg, ast.Name)]

    @property
    def variadic(self) -> bool:
        return any(isinstance(arg, (ast.Varargs, ast.Dots)) for arg in self.node.args)

    @property
    def is_method(self) -> bool:
        return isinstance(self.node, ast.Method)


@attrs.define(eq=False)
class Binding:
    """A `kumo.on(name, handler)` call as it ran."""

    file: str
    span: Span
    name: Value
    name_span: Span
    handler: FunctionInfo | None
    inside_event: str | None  # the handler running when kumo.on was called
    branch_path: tuple[tuple[int, int], ...] = ()  # enclosing (if statement, branch) pairs
    in_loop: bool = False
    helper: str | None = None  # set when a policy-extras helper registers it
    call_site: Span | None = None  # the handler's call that led to this kumo.on, if indirect
    facts: frozenset = frozenset()  # conditions known true where it ran (see _facts)
    guarded_in_callee: bool = False  # a condition inside the called helper guards it

    def exclusive_with(self, other: "Binding") -> bool:
        """True when the two registrations cannot both run: different branches of one `if`,
        code after a branch that returns, or contradicting conditions."""
        mine = dict(self.branch_path)
        if any(mine.get(statement, branch) != branch for statement, branch in other.branch_path):
            return True
        return any(_contradict(a, b) for a in self.facts for b in other.facts)

    @property
    def event(self) -> str | None:
        return _const_str(self.name)


@attrs.define(eq=False)
class ConfigCall:
    """A `kumo.make_queue_config(arg)` call site and the value it received."""

    file: str
    span: Span
    arg: Value
    event: str | None


@attrs.define(eq=False)
class EventReference:
    """A place that names an event to be fired: custom_lua constructor, spawn_task..."""

    kind: str  # constructor | spawn_task | filter_event | log_disposition | keysource
    file: str
    span: Span
    name: Value

    @property
    def event(self) -> str | None:
        return _const_str(self.name)


@attrs.define(eq=False)
class ApiUse:
    file: str
    span: Span
    path: tuple[str, ...]


@attrs.define(eq=False)
class ApiCall:
    """A call of a kumo.* function with the value of its first argument."""

    file: str
    span: Span
    path: tuple[str, ...]
    arg: Value
    args: tuple[Value, ...] = ()  # every argument (kumo.memoize's table is the second)


@attrs.define(eq=False)
class MethodCall:
    """`obj:name(...)` where obj is provably a KumoMTA object (a typed handler parameter)."""

    file: str
    span: Span  # of the method name
    receiver: str  # object kind of rules/objects.toml: message | connection_meta
    method: str
    written: str = ""  # the receiver as written: `msg`


@attrs.define(eq=False)
class RequireUse:
    file: str
    span: Span
    module: str | None
    resolved: Path | None


@attrs.define(eq=False)
class HandlerReturn:
    """A `return` statement in the body of an event handler."""

    file: str
    span: Span
    event: str
    kind: str  # nil | table
    value: Value | None = None  # the returned value (its table options, for kind "table")


@attrs.define
class PolicyModel:
    """Everything the checks need to know about one policy (an entry file and its modules)."""

    root_file: str
    files: list[str] = attrs.Factory(list)
    bindings: list[Binding] = attrs.Factory(list)
    config_calls: list[ConfigCall] = attrs.Factory(list)
    references: list[EventReference] = attrs.Factory(list)
    api_uses: list[ApiUse] = attrs.Factory(list)
    api_calls: list[ApiCall] = attrs.Factory(list)
    requires: list[RequireUse] = attrs.Factory(list)
    returns: list[HandlerReturn] = attrs.Factory(list)
    kumo_extensions: set[str] = attrs.Factory(set)
    helper_modules: set[str] = attrs.Factory(set)
    loads_data: bool = False
    is_module: bool = False  # another file requires this one
    helper_calls: list[HelperCall] = attrs.Factory(list)  # sources:setup{...} and the like
    helper_uses: list[HelperUse] = attrs.Factory(list)  # names read from helper objects
    method_calls: list[MethodCall] = attrs.Factory(list)  # msg:get_meta(...) on typed parameters
    data_files: list[DataFile] = attrs.Factory(list)  # what the helpers load (kumocheck.extras.setup)
    data_files_complete: bool = True  # False when a file list could not be known statically
    binary: str = "kumod"  # which KumoMTA program loads the policy (from its file name)

    @property
    def unresolved_requires(self) -> list[RequireUse]:
        return [r for r in self.requires if r.resolved is None and not _builtin_module(r.module)]

    @property
    def complete(self) -> bool:
        """True when every binding and event reference of the policy is visible here."""
        return (
            not self.is_module
            and not self.unresolved_requires
            and all(b.event is not None for b in self.bindings)
        )

    @property
    def references_complete(self) -> bool:
        """True when every place naming an event is known (nothing comes from data)."""
        return self.complete and not self.loads_data and all(r.event is not None for r in self.references)
