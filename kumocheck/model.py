"""What a policy binds and configures, found by evaluating it abstractly.

The `Interpreter` runs a policy the way kumod loads it — top-level code in order, then
each event handler — over abstract values (`kumocheck.schema.values`): constants,
tables, unions of possibilities and `Unknown`. It follows locals, file-level tables, map
lookups, `a or b`, concatenation of constants, helper functions (evaluated per call with
the caller's arguments) and `require`d modules. Anything it cannot know is `Unknown`,
which no check ever reports.

The result is a `PolicyModel`: every `kumo.on` binding, `make_queue_config` call site,
custom_lua constructor and other event-name reference, `kumo.*` use and `require`.
"""

from __future__ import annotations

import re
import math
from pathlib import Path
from typing import Any, Callable

import attrs
from luaparser import astnodes as ast

from kumocheck.extras.setup import DataFile, HelperCall, HelperUse, snapshot
from kumocheck.runtime import lua_number
from kumocheck.runtime.errors import LuaError
from kumocheck.schema.values import (
    UNKNOWN,
    Const,
    Entry,
    OneOf,
    Opaque,
    TableValue,
    Unknown,
    Value,
    lua_repr,
    one_of,
    options,
)
from kumocheck.source import Span, span_of

MAX_CALL_DEPTH = 8
LUA_TYPES = frozenset({"nil", "boolean", "number", "string", "table", "function", "userdata", "thread"})
MAX_EVALUATIONS_PER_FUNCTION = 64
#: Modules of KumoMTA programs whose functions are followed like kumo.*: kumod's `kumo`,
#: tsa-daemon's `tsa`, proxy-server's `proxy`, and `redis` (their calls' tables are judged by data).
CALL_MODULES = frozenset({"kumo", "tsa", "proxy", "redis"})
BUILTIN_MODULES = {"kumo", "redis", "sqlite", "tsa", "proxy", "string", "table", "math", "os", "io", "utf8", "coroutine"}
MATH_CONSTANTS = {"huge": float("inf"), "pi": math.pi, "maxinteger": 2**63 - 1, "mininteger": -(2**63)}
LOAD_DATA_FUNCTIONS = {"json_load", "toml_load", "yaml_load", "json_parse", "toml_parse", "yaml_parse"}


# ---------------------------------------------------------------------------------
# What the model records


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


def _builtin_module(name: str | None) -> bool:
    if name is None:
        return False
    return name in BUILTIN_MODULES or name.startswith("policy-extras.") or name.startswith("kumo.")


def _const_str(value: Value) -> str | None:
    if isinstance(value, Const) and isinstance(value.value, bytes):
        return value.value.decode("utf-8", "replace")
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return lua_repr(value.value)
    return None


# ---------------------------------------------------------------------------------
# Scopes


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


# ---------------------------------------------------------------------------------
# The interpreter


class Interpreter:
    """Evaluates one policy: an entry file plus the modules it requires."""

    def __init__(
        self,
        model: PolicyModel,
        load_module: Callable[[str, str], tuple[str, ast.Chunk] | None],
        resolve_module: Callable[[str, str], Path | None],
        tainted: set[tuple] | None = None,
    ):
        self.model = model
        self.tainted = tainted if tainted is not None else set()
        self._load_module = load_module
        self._resolve_module = resolve_module
        self.globals: dict[str, Variable] = {}
        self._global_frame = Frame(None, model.root_file, None)
        self._modules: dict[Path, Value] = {}
        self._journals: list[_Journal] = []
        self._conditional = 0
        self._loop = 0
        self._stack: list[Frame] = []
        self._call_depth = 0
        self._evaluations: dict[int, int] = {}
        self._pending_handlers: list[Binding] = []
        self._pending_keys: set[tuple] = set()
        self._branch_path: list[tuple[int, int]] = []  # (if statement, branch), across calls too
        self._facts: list[frozenset] = []  # the conditions of those branches
        self._loops_total = 0  # enclosing loops, across calls too
        self._handler_calls: list[tuple[Span | None, int]] = []  # (call, branch depth at the call)
        self._required_helpers: set[str] = set()  # calls made directly by a handler body
        self.helper_registrations: dict[str, dict] = {}
        self.helper_returns: dict[tuple[str, str], str] = {}  # (helper, function) -> object it returns
        self.inert_events: set[str] = set()
        self.source_lines: Callable[[str], list[str] | None] | None = None  # shown name -> its lines
        self.event_param_types: dict[str, tuple[str, ...]] = {}  # event -> "string" / "string?"  # known events the loading program never fires
        self._functions: dict[int, FunctionInfo] = {}
        self._evaluated: set[int] = set()
        self._seen: set[tuple] = set()
        self.recording = True

    # -- driving ------------------------------------------------------------------

    def run(self, file: str, chunk: ast.Chunk) -> None:
        """Load the policy, then run every handler and every function not yet run."""
        self.model.files.append(file)
        self._run_chunk(file, chunk)
        done = 0
        while done < len(self._pending_handlers):
            binding = self._pending_handlers[done]
            done += 1
            if binding.event in self.inert_events:
                continue  # never fired by this program: its body is still checked, as a plain function
            if binding.handler is not None:
                self._call_function(binding.handler, None, event=binding.event or "?")
        for key, info in list(self._functions.items()):
            if key not in self._evaluated:
                self._call_function(info, None, event=None)

    def _run_chunk(self, file: str, chunk: ast.Chunk) -> Value:
        frame = Frame(None, file, None)
        scope = Scope(frame)
        self._stack.append(frame)
        try:
            self._block(chunk.body, scope)
        except _Return:
            pass
        finally:
            self._stack.pop()
        return one_of(frame.returns) if frame.returns else Const(None)

    def _span(self, node: Any) -> Span | None:
        return span_of(node, None, self._stack[-1].file)

    @property
    def frame(self) -> Frame:
        return self._stack[-1]

    @property
    def current_event(self) -> str | None:
        for frame in reversed(self._stack):
            if frame.event is not None:
                return frame.event
        return None

    def _record(self, bucket: list, item: Any, key: tuple) -> None:
        if not self.recording or key in self._seen:
            return
        self._seen.add(key)
        bucket.append(item)

    # -- statements ---------------------------------------------------------------

    def _block(self, block: ast.Block, scope: Scope) -> None:
        depth = len(self._branch_path)  # code after a returning branch is tagged until the end
        try:
            for statement in block.body:
                self._statement(statement, scope)
        finally:
            del self._branch_path[depth:]
            del self._facts[depth:]

    def _statement(self, node: Any, scope: Scope) -> None:
        method = getattr(self, "_stmt_" + type(node).__name__, None)
        if method is not None:
            method(node, scope)
        elif isinstance(node, (ast.Call, ast.Invoke)):
            self._expr(node, scope)

    def _stmt_LocalAssign(self, node: ast.LocalAssign, scope: Scope) -> None:  # noqa: N802
        values = self._expr_list(node.values or [], scope, len(node.targets))
        for target, value in zip(node.targets, values):
            scope.declare(target.id, value)

    def _stmt_Assign(self, node: ast.Assign, scope: Scope) -> None:  # noqa: N802
        values = self._expr_list(node.values, scope, len(node.targets))
        for target, value in zip(node.targets, values):
            self._assign(target, value, scope, node)

    def _assign(self, target: Any, value: Value, scope: Scope, statement: Any) -> None:
        deleting = any(isinstance(o, Const) and o.value is None for o in options(value))
        if self._loop:
            value = UNKNOWN  # values built in loops are never judged
        if isinstance(target, ast.Name):
            variable = scope.lookup(target.id)
            if variable is None:
                variable = self.globals.get(target.id)
                if variable is None:
                    variable = Variable(target.id, Const(None), self._global_frame)
                    self.globals[target.id] = variable
            self._write(variable, value)
            return
        if isinstance(target, ast.Index):
            base = self._expr(target.value, scope)
            key = self._index_key(target, scope)
            for option in options(base):
                if isinstance(option, TableValue):
                    if deleting and not isinstance(key, Const):
                        option.keys_uncertain = True  # `t[k] = nil`: any key may be gone
                    option.set(key, value, self._span(statement), merge=bool(self._conditional or self._loop))
                elif isinstance(option, Opaque) and option.kind == "module" and option.detail == ("kumo",):
                    name = _const_str(key)
                    if name:
                        self.model.kumo_extensions.add(name)

    def _taint_key(self, variable: Variable) -> tuple:
        frame = variable.frame
        if frame is self._global_frame:
            return ("global", variable.name)
        owner = id(frame.function.node) if frame.function is not None else ("chunk", frame.file)
        return (owner, variable.name)

    def _write(self, variable: Variable, value: Value) -> None:
        if variable.frame is not self.frame and (
            variable.frame is not self._global_frame or self.frame.function is not None
        ):
            self.tainted.add(self._taint_key(variable))  # assigned from another function
        for journal in self._journals:
            journal.note(variable)
        variable.value = value

    def _read(self, variable: Variable) -> Value:
        if variable.frame is not self.frame and self._taint_key(variable) in self.tainted:
            return UNKNOWN
        return variable.value

    def _stmt_LocalFunction(self, node: ast.LocalFunction, scope: Scope) -> None:  # noqa: N802
        variable = scope.declare(node.name.id, UNKNOWN)
        variable.value = self._function_value(node, scope, node.name.id)

    def _stmt_Function(self, node: ast.Function, scope: Scope) -> None:  # noqa: N802
        value = self._function_value(node, scope, _dotted(node.name))
        self._assign(node.name, value, scope, node)

    def _stmt_Method(self, node: ast.Method, scope: Scope) -> None:  # noqa: N802
        value = self._function_value(node, scope, f"{_dotted(node.source)}:{node.name.id}")
        base = self._expr(node.source, scope)
        for option in options(base):
            if isinstance(option, TableValue):
                option.set(Const(node.name.id.encode()), value, self._span(node), merge=bool(self._conditional))

    def _stmt_Return(self, node: ast.Return, scope: Scope) -> None:  # noqa: N802
        values = node.values or []
        frame = self.frame
        if values:
            first = self._expr_list(values, scope, 1)[0]
            frame.returns.append(first)
            if frame.event is not None and frame.function is not None:
                self._note_handler_return(node, values, first, frame)
        else:
            frame.returns.append(_NOTHING)
        if not self._conditional and not self._loop:
            raise _Return()

    def _note_handler_return(self, node: Any, values: list, first: Value, frame: Frame) -> None:
        kind = None
        if len(values) == 1 and isinstance(values[0], ast.Nil):
            kind = "nil"
        elif all(isinstance(v, TableValue) for v in options(first)):
            kind = "table"
        if kind:
            span = self._span(node)
            self._record(
                self.model.returns,
                HandlerReturn(frame.file, span, frame.event, kind, first),
                ("return", frame.file, span, frame.event),
            )

    def _stmt_If(self, node: Any, scope: Scope) -> None:  # noqa: N802
        branches: list[ast.Block] = []
        tests: list[Any] = []
        current: Any = node
        while isinstance(current, (ast.If, ast.ElseIf)):
            value = self._expr(current.test, scope)
            constant = _truthy(value) if isinstance(value, Const) else None
            if constant is False:
                current = current.orelse  # a constant false condition: dead code
                continue
            branches.append(current.body)
            tests.append(current.test)
            if constant is True:
                current = None  # a constant true condition: the rest is dead
                break
            current = current.orelse
        has_else = current is not None
        if has_else:
            branches.append(current)
        if not branches:
            return
        self._branches(branches, scope, exhaustive=has_else, statement=node, tests=tests)

    def _branches(
        self, blocks: list[ast.Block], scope: Scope, exhaustive: bool, statement: Any, tests: list[Any] = ()
    ) -> None:
        outcomes: list[dict[Variable, Value]] = []
        touched: dict[Variable, Value] = {}
        self._conditional += 1
        try:
            for index, block in enumerate(blocks):
                journal = _Journal()
                self._journals.append(journal)
                self._branch_path.append((id(statement), index))
                facts = frozenset().union(*(_facts(t, False) for t in tests[:index]))
                if index < len(tests):
                    facts |= _facts(tests[index], True)
                self._facts.append(facts)
                try:
                    # what the tests tell about the values here: earlier ones false, this one true
                    reachable = all([self._narrow(earlier, scope, truth=False) for earlier in tests[:index]])
                    if index < len(tests):
                        reachable = self._narrow(tests[index], scope, truth=True) and reachable
                    if reachable:
                        self._block(block, Scope(scope.frame, scope))
                except _Return:
                    pass
                finally:
                    self._branch_path.pop()
                    self._facts.pop()
                    self._journals.pop()
                outcomes.append({variable: variable.value for variable in journal.old})
                for variable, old in journal.old.items():
                    touched.setdefault(variable, old)
                    variable.value = old
        finally:
            self._conditional -= 1
        returning = [index for index, block in enumerate(blocks) if _always_returns(block)]
        continuing = [index for index in range(len(blocks)) if index not in returning]
        for variable, old in touched.items():
            possible = [outcome.get(variable, old) for index, outcome in enumerate(outcomes) if index in continuing]
            if not exhaustive:
                possible.append(old)
            if possible:
                self._write(variable, one_of(possible))
        if returning and not self._loop:
            # the rest of the enclosing block runs only when no returning branch was taken
            self._branch_path.append((id(statement), len(blocks)))
            facts = frozenset()
            if not continuing and not exhaustive:  # every branch returns: all tests were false
                facts = frozenset().union(*(_facts(t, False) for t in tests))
                for test in tests:
                    self._narrow(test, scope, truth=False)
            elif len(tests) == 1 and returning == [0] and not exhaustive:
                facts = _facts(tests[0], False)
                self._narrow(tests[0], scope, truth=False)
            self._facts.append(facts)

    def _narrowed(self, test: Any, truth: bool, scope: Scope, evaluate: Callable[[], Value]) -> Value:
        """Evaluate with the variables narrowed by `test` being `truth`, then restore them."""
        journal = _Journal()
        self._journals.append(journal)
        try:
            self._narrow(test, scope, truth)
            return evaluate()
        finally:
            self._journals.pop()
            for variable, old in journal.old.items():
                variable.value = old

    def _narrow(self, test: Any, scope: Scope, truth: bool) -> bool:
        """Narrow variables by a branch condition: `type(x) == 'table'`, `x ~= nil`, `x`, `not x`.

        False when the condition cannot hold for the values known (a dead branch)."""
        possible = True
        for variable, keep in self._guards(test, scope, truth):
            kept = [option for option in options(variable.value) if keep(option)]
            for journal in self._journals:
                journal.note(variable)
            if not kept and all(_lua_type_of(o) is not None for o in options(variable.value)):
                possible = False
            variable.value = one_of(kept) if kept else UNKNOWN
        return possible

    def _guards(self, test: Any, scope: Scope, truth: bool) -> list[tuple[Variable, Callable[[Value], bool]]]:
        if isinstance(test, ast.ULNotOp):
            return self._guards(test.operand, scope, not truth)
        if isinstance(test, ast.AndLoOp) and truth or isinstance(test, ast.OrLoOp) and not truth:
            return self._guards(test.left, scope, truth) + self._guards(test.right, scope, truth)
        if isinstance(test, ast.Name):
            variable = scope.lookup(test.id)
            if variable is None:
                return []
            return [(variable, lambda v, want=truth: _truthy(v) in (None, want))]
        if isinstance(test, (ast.EqToOp, ast.NotEqToOp)):
            equal = truth if isinstance(test, ast.EqToOp) else not truth
            for subject, other in ((test.left, test.right), (test.right, test.left)):
                variable = self._type_subject(subject, scope)
                if variable is not None and isinstance(other, ast.String):
                    wanted = other.s.decode("utf-8", "replace")
                    return [(variable, lambda v, t=wanted, eq=equal: _lua_type_of(v) in (None, t) if eq else _lua_type_of(v) != t)]
                if isinstance(subject, ast.Name) and isinstance(other, ast.Nil):
                    variable = scope.lookup(subject.id)
                    if variable is not None:
                        return [(variable, lambda v, eq=equal: _lua_type_of(v) in (None, "nil") if eq else _lua_type_of(v) != "nil")]
        return []

    def _type_subject(self, node: Any, scope: Scope) -> Variable | None:
        """The variable x in `type(x)`, directly or through `local t = type(x)`."""
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "type"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
        ):
            return scope.lookup(node.args[0].id)
        if isinstance(node, ast.Name):
            holder = scope.lookup(node.id)
            if holder is not None and isinstance(holder.value, Opaque) and holder.value.kind == "typeof":
                return holder.value.detail
        return None

    def _loop_body(self, block: ast.Block, scope: Scope) -> None:
        journal = _Journal()
        self._journals.append(journal)
        self._loop += 1
        self._loops_total += 1
        try:
            self._block(block, scope)
        except (_Return, _Break):
            pass
        finally:
            self._loop -= 1
            self._loops_total -= 1
            self._journals.pop()
        for variable in journal.old:
            self._write(variable, UNKNOWN)

    def _stmt_While(self, node: ast.While, scope: Scope) -> None:  # noqa: N802
        self._expr(node.test, scope)
        self._loop_body(node.body, Scope(scope.frame, scope))

    def _stmt_Repeat(self, node: ast.Repeat, scope: Scope) -> None:  # noqa: N802
        inner = Scope(scope.frame, scope)
        self._loop_body(node.body, inner)
        self._expr(node.test, inner)

    def _stmt_Fornum(self, node: ast.Fornum, scope: Scope) -> None:  # noqa: N802
        for part in (node.start, node.stop, node.step):
            if part is not None:
                self._expr(part, scope)
        inner = Scope(scope.frame, scope)
        inner.declare(node.target.id, UNKNOWN)
        self._loop_body(node.body, inner)

    def _stmt_Forin(self, node: ast.Forin, scope: Scope) -> None:  # noqa: N802
        self._expr_list(node.iter, scope, 1)
        inner = Scope(scope.frame, scope)
        for target in node.targets:
            inner.declare(target.id, UNKNOWN)
        self._loop_body(node.body, inner)

    def _stmt_Do(self, node: ast.Do, scope: Scope) -> None:  # noqa: N802
        self._block(node.body, Scope(scope.frame, scope))

    def _stmt_Break(self, node: Any, scope: Scope) -> None:  # noqa: N802
        if not self._conditional:
            raise _Break()

    # -- expressions --------------------------------------------------------------

    def _expr_list(self, nodes: list, scope: Scope, want: int) -> list[Value]:
        values = [self._expr(node, scope) for node in nodes]
        while len(values) < want:
            last_is_multi = nodes and isinstance(nodes[-1], (ast.Call, ast.Invoke, ast.Varargs, ast.Dots))
            values.append(UNKNOWN if last_is_multi else Const(None))
        return values

    def _expr(self, node: Any, scope: Scope) -> Value:
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        if isinstance(node, ast.BinaryOp):
            return self._binary(node, scope)
        if isinstance(node, ast.UnaryOp):
            operand = self._expr(node.operand, scope)
            return _fold_unary(node, operand, self._span(node))
        return UNKNOWN

    def _expr_Nil(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(None, self._span(node))

    def _expr_TrueExpr(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(True, self._span(node))

    def _expr_FalseExpr(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(False, self._span(node))

    def _expr_Number(self, node: ast.Number, scope: Scope) -> Value:  # noqa: N802
        return Const(node.n, self._span(node))  # decoded by the front end (kumocheck.parse.literals)

    def _expr_String(self, node: ast.String, scope: Scope) -> Value:  # noqa: N802
        raw = node.s if isinstance(node.s, bytes) else str(node.s).encode()
        return Const(raw, self._span(node))

    def _expr_Varargs(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return self.frame.varargs

    _expr_Dots = _expr_Varargs

    def _expr_Name(self, node: ast.Name, scope: Scope) -> Value:  # noqa: N802
        variable = scope.lookup(node.id)
        if variable is not None:
            return self._read(variable)
        variable = self.globals.get(node.id)
        if variable is not None:
            return self._read(variable)
        if node.id == "kumo":
            return Opaque("module", self._span(node), ("kumo",))
        if node.id in BUILTIN_MODULES:
            return Opaque("stdlib", self._span(node), (node.id,))
        return UNKNOWN

    def _expr_Table(self, node: ast.Table, scope: Scope) -> Value:  # noqa: N802
        table = TableValue(origin=self._span(node))
        position = 0
        for index, field in enumerate(node.fields):
            value = self._expr(field.value, scope)
            field_span = self._span(field)
            if field.key is None:
                is_last = index == len(node.fields) - 1
                if is_last and isinstance(field.value, (ast.Call, ast.Invoke, ast.Varargs, ast.Dots)):
                    table.open = True
                position += 1
                table.entries.append(Entry(Const(position), value, field_span))
                continue
            if isinstance(field.key, ast.Name) and not field.between_brackets:
                key: Value = Const(field.key.id.encode())
            else:
                key = self._expr(field.key, scope)
            if not isinstance(key, Const):
                table.open = True
                continue
            if isinstance(key.value, float) and key.value.is_integer():
                key = Const(int(key.value))
            key_span = _key_span(field, field_span)
            table.entries.append(Entry(key, value, key_span.in_file(self.frame.file) if key_span else None))
        return table

    def _expr_AnonymousFunction(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return self._function_value(node, scope, None)

    def _function_value(self, node: Any, scope: Scope, name: str | None) -> Value:
        info = self._functions.get(id(node))
        if info is None or info.scope is not scope:
            info = FunctionInfo(node, scope, self.frame.file, name)
            self._functions.setdefault(id(node), info)
        return Opaque("function", self._span(node), info)

    def _index_key(self, node: ast.Index, scope: Scope) -> Value:
        if node.notation == ast.IndexNotation.DOT and isinstance(node.idx, ast.Name):
            return Const(node.idx.id.encode(), self._span(node.idx))
        return self._expr(node.idx, scope)

    def _expr_Index(self, node: ast.Index, scope: Scope) -> Value:  # noqa: N802
        base = self._expr(node.value, scope)
        key = self._index_key(node, scope)
        results: list[Value] = []
        for option in options(base):
            results.append(self._index(option, key, node))
        return one_of(results)

    def _index(self, base: Value, key: Value, node: Any) -> Value:
        if isinstance(base, TableValue):
            if isinstance(key, Const):
                entry = base.get(key.value)
                if entry is not None and not base.open:
                    return entry.value
                if entry is not None:
                    return one_of([entry.value, UNKNOWN])
                return UNKNOWN
            values = [entry.value for entry in base.entries]
            return one_of(values + [UNKNOWN]) if values else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "stdlib" and base.detail == ("math",):
            constant = MATH_CONSTANTS.get(_const_str(key) or "")
            return Const(constant, self._span(node)) if constant is not None else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "helper":
            name = _const_str(key)
            span = self._span(node)
            if name and span is not None:
                use = HelperUse(self.frame.file, span, base.detail, name)
                self._record(self.model.helper_uses, use, ("helper-use", self.frame.file, span, name))
            return Opaque("helper_fn", span, (base.detail, name)) if name else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "module":
            name = _const_str(key)
            if name is None:
                return UNKNOWN
            path = base.detail + (name,)
            if path[0] == "kumo":
                span = self._span(node)
                if span is not None:
                    self._record(
                        self.model.api_uses, ApiUse(self.frame.file, span, path[1:]), ("api", self.frame.file, span)
                    )
            return Opaque("module", self._span(node), path)
        return UNKNOWN

    def _binary(self, node: Any, scope: Scope) -> Value:
        if isinstance(node, ast.AndLoOp):
            left = self._expr(node.left, scope)
            right = self._narrowed(node.left, True, scope, lambda: self._expr(node.right, scope))
            return _logical(node, left, right)
        if isinstance(node, ast.OrLoOp):
            left = self._expr(node.left, scope)
            guard = node.left
            if isinstance(guard, ast.AndLoOp) and _truthy(left) is None:
                # `c and x or y`: with x never false, y is evaluated exactly when c is false
                guard = guard.left
                then = self._narrowed(guard, True, scope, lambda: self._expr(node.left.right, scope))
                if any(_truthy(o) is not True for o in options(then)):
                    guard = node.left
            right = self._narrowed(guard, False, scope, lambda: self._expr(node.right, scope))
            return _logical(node, left, right)
        left = self._expr(node.left, scope)
        right = self._expr(node.right, scope)
        return _fold_binary(node, left, right, self._span(node))

    # -- calls --------------------------------------------------------------------

    def _expr_Invoke(self, node: ast.Invoke, scope: Scope) -> Value:  # noqa: N802
        source = self._expr(node.source, scope)
        args = [source] + [self._expr(arg, scope) for arg in node.args]
        method = node.func.id if isinstance(node.func, ast.Name) else None
        if method and isinstance(source, Unknown) and source.object_kind and isinstance(node.source, ast.Name):
            self._note_method_call(source.object_kind, method, node)
        results = []
        for option in options(source):
            callee = self._index(option, Const(method.encode()) if method else UNKNOWN, node) if option is not UNKNOWN else UNKNOWN
            results.append(self._call(callee, args, node, scope))
        return one_of(results) if results else UNKNOWN

    def _note_method_call(self, receiver: str, method: str, node: ast.Invoke) -> None:
        """Record `name:method(...)` with the exact span of `method` (none when not found)."""
        span = self._method_name_span(node, method)
        if span is not None:
            call = MethodCall(self.frame.file, span, receiver, method, node.source.id)
            self._record(self.model.method_calls, call, ("method", self.frame.file, span))

    def _method_name_span(self, node: ast.Invoke, method: str) -> Span | None:
        """Where `method` is written in `receiver:method`, on the receiver's line."""
        span = self._span(node)
        lines = self.source_lines(self.frame.file) if self.source_lines is not None and span else None
        if span is None or not lines or span.line > len(lines) or node.source.wrapped:
            return None
        found = re.compile(re.escape(node.source.id) + r"\s*:\s*(" + re.escape(method) + r")\b").match(
            lines[span.line - 1], span.column - 1
        )
        if found is None:
            return None
        return Span(span.line, found.start(1) + 1, span.line, found.end(1) + 1, self.frame.file)

    def _expr_Call(self, node: ast.Call, scope: Scope) -> Value:  # noqa: N802
        callee = self._expr(node.func, scope)
        args = [self._expr(arg, scope) for arg in node.args]
        results = [self._call(option, args, node, scope) for option in options(callee)]
        return one_of(results) if results else UNKNOWN

    def _helper_registers(self, module: str, function: str, span: Span | None) -> None:
        """Bindings a policy-extras helper makes on the policy's behalf."""
        for event in self.helper_registrations.get(module, {}).get(function, ()):
            binding = Binding(
                self.frame.file,
                span,
                Const(event.encode()),
                span,
                None,
                self.current_event,
                tuple(self._branch_path),
                self._loops_total > 0,
                helper=f"{module} {function}()",
                facts=frozenset().union(*self._facts),
            )
            self._record(self.model.bindings, binding, ("helper-on", self.frame.file, span, event))

    def _call(self, callee: Value, args: list[Value], node: Any, scope: Scope) -> Value:
        if self.frame.event is not None and isinstance(callee, Opaque) and callee.kind == "function":
            self._handler_calls.append((self._span(node), len(self._branch_path)))
            try:
                return self._call_function(callee.detail, args, event=None)
            finally:
                self._handler_calls.pop()
        if isinstance(callee, Opaque) and callee.kind == "helper_fn":
            module, function = callee.detail
            self._helper_registers(module, function, self._span(node))
            span = self._span(node)
            passed = args[1:] if args and isinstance(args[0], Opaque) and args[0].kind == "helper" else args
            call = HelperCall(self.frame.file, span, module, function, [snapshot(a) for a in passed], callee.origin)
            self._record(self.model.helper_calls, call, ("helper-call", self.frame.file, span, module, function))
            for arg in args:
                _escape(arg)
            returned = self.helper_returns.get((module, function))
            return Opaque("helper", span, returned) if returned else UNKNOWN
        if isinstance(callee, Opaque) and callee.kind == "module":
            return self._call_api(callee.detail, args, node)
        if isinstance(callee, Opaque) and callee.kind == "function":
            return self._call_function(callee.detail, args, event=None)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "require":
            return self._require(args, node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tostring", "tonumber"):
            return _fold_conversion(node.func.id, args, self._span(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and args:
            kinds = {_lua_type_of(option) for option in options(args[0])}
            if len(kinds) == 1 and None not in kinds:
                return Const(kinds.pop().encode(), self._span(node))
            if isinstance(node.args[0], ast.Name):
                variable = scope.lookup(node.args[0].id)
                if variable is not None:
                    return Opaque("typeof", self._span(node), variable)
            return UNKNOWN
        for arg in args:
            _escape(arg)
        return UNKNOWN

    def _call_function(self, info: FunctionInfo, args: list[Value] | None, event: str | None) -> Value:
        key = id(info.node)
        self._evaluated.add(key)
        count = self._evaluations.get(key, 0)
        if count >= MAX_EVALUATIONS_PER_FUNCTION or self._call_depth >= MAX_CALL_DEPTH:
            for arg in args or ():
                _escape(arg)
            return UNKNOWN
        if any(frame.function is not None and frame.function.node is info.node for frame in self._stack):
            return UNKNOWN  # recursion
        self._evaluations[key] = count + 1
        frame = Frame(info, info.file, event)
        scope = Scope(frame, info.scope)
        params = list(info.params)
        given = list(args) if args is not None else []
        if info.is_method:
            params.insert(0, "self")
        typed = self.event_param_types.get(event or "", ()) if args is None else ()
        for index, name in enumerate(params):
            if index < len(given):
                value = given[index]
            elif args is not None:
                value = Const(None)
            elif index < len(typed):
                value = _typed_unknown(typed[index])
            else:
                value = UNKNOWN
            scope.declare(name, value)
        frame.varargs = UNKNOWN
        saved = (self._conditional, self._loop, self._journals)
        self._conditional, self._loop, self._journals = 0, 0, []
        self._stack.append(frame)
        self._call_depth += 1
        try:
            self._block(info.node.body, scope)
        except (_Return, _Break):
            pass
        finally:
            self._call_depth -= 1
            self._stack.pop()
            self._conditional, self._loop, self._journals = saved
        values = [v for v in frame.returns if v is not _NOTHING]
        if not frame.returns or len(values) < len(frame.returns):
            values.append(Const(None))
        return one_of(values)

    def _require(self, args: list[Value], node: Any) -> Value:
        name = _const_str(args[0]) if args else None
        span = self._span(node)
        file = self.frame.file
        if name in CALL_MODULES:
            self._record(self.model.requires, RequireUse(file, span, name, None), ("req", file, span))
            return Opaque("module", span, (name,))
        resolved = self._resolve_module(name, file) if name else None
        self._record(self.model.requires, RequireUse(file, span, name, resolved), ("req", file, span))
        if name and name.startswith("policy-extras."):
            self.model.helper_modules.add(name)
            if name not in ("policy-extras.policy_utils", "policy-extras.typing"):
                self.model.loads_data = True  # helpers configured from data files
            if name in self.helper_registrations:
                if self.current_event is None and name not in self._required_helpers:
                    self._required_helpers.add(name)  # package.loaded: its top level runs once
                    self._helper_registers(name, "on_require", span)
                return Opaque("helper", span, name)
        if resolved is None:
            return UNKNOWN
        if resolved in self._modules:
            return self._modules[resolved]
        self._modules[resolved] = UNKNOWN  # a require cycle sees an unknown module
        loaded = self._load_module(name, file)
        if loaded is None:
            return UNKNOWN
        module_file, chunk = loaded
        if module_file not in self.model.files:
            self.model.files.append(module_file)
        saved = (self._conditional, self._loop, self._journals)
        self._conditional, self._loop, self._journals = 0, 0, []
        lazy = self.frame.event is not None  # a require run by a handler body
        if lazy:
            self._handler_calls.append((span, len(self._branch_path)))
        try:
            value = self._run_chunk(module_file, chunk)
        finally:
            if lazy:
                self._handler_calls.pop()
            self._conditional, self._loop, self._journals = saved
        self._modules[resolved] = value
        return value

    def _call_api(self, path: tuple[str, ...], args: list[Value], node: Any) -> Value:
        span = self._span(node)
        file = self.frame.file
        name = ".".join(path[1:])
        first = args[0] if args else Const(None)
        if path[0] != "kumo":  # tsa.start_http_listener, proxy.start_proxy_listener: tables only
            self._record(self.model.api_calls, ApiCall(file, span, path, first, tuple(args)), ("call", file, span, id(first)))
            return UNKNOWN
        if name == "on":
            handler_value = args[1] if len(args) > 1 else UNKNOWN
            handler = handler_value.detail if isinstance(handler_value, Opaque) and handler_value.kind == "function" else None
            name_node = node.args[0] if node.args else node
            binding = Binding(
                file,
                span,
                first,
                self._span(name_node) or span,
                handler,
                self.current_event,
                tuple(self._branch_path),
                self._loops_total > 0,
                call_site=self._handler_calls[-1][0] if self._handler_calls and self.frame.event is None else None,
                facts=frozenset().union(*self._facts),
                guarded_in_callee=bool(self._handler_calls) and len(self._branch_path) > self._handler_calls[-1][1],
            )
            key = ("on", file, span, id(handler.node) if handler else None, binding.branch_path, self.current_event)
            self._record(self.model.bindings, binding, key)
            if key not in self._pending_keys:
                self._pending_keys.add(key)
                self._pending_handlers.append(binding)
            return Const(None)
        if name == "make_queue_config":
            self._record(
                self.model.config_calls,
                ConfigCall(file, span, first, self.current_event),
                ("cfg", file, span, id(first)),
            )
            self._collect_constructors(first, file)
            return Opaque("config", span)
        if name == "spawn_task":
            self._reference_field(first, "event_name", "spawn_task", file)
        elif name == "configure_local_logs":
            self._reference_field(first, "filter_event", "filter_event", file)
        elif name == "configure_log_disposition_hook":
            for option in options(first):
                if isinstance(option, TableValue):
                    entry = option.get(b"name")
                    if entry is not None:
                        value = entry.value
                        text = _const_str(value)
                        ref_name = Const(f"log_disposition_{text}".encode()) if text is not None else UNKNOWN
                        self._add_reference("log_disposition", file, entry.origin or span, ref_name)
        elif path[-1] in LOAD_DATA_FUNCTIONS or path[1:2] == ("secrets",):
            self.model.loads_data = True
        self._record(self.model.api_calls, ApiCall(file, span, path, first, tuple(args)), ("call", file, span, id(first)))
        if name != "spawn_task":
            for arg in args:
                self._collect_keysource(arg, file)
        if path[-1] in ("json_parse", "json_load", "toml_load", "toml_parse", "yaml_load", "yaml_parse"):
            return UNKNOWN
        return UNKNOWN

    def _reference_field(self, value: Value, field: str, kind: str, file: str) -> None:
        for option in options(value):
            if isinstance(option, TableValue):
                entry = option.get(field.encode())
                if entry is not None:
                    for name in options(entry.value):
                        self._add_reference(kind, file, _origin_span(name) or entry.origin, name)
            elif not isinstance(option, Const):
                self._add_reference(kind, file, None, UNKNOWN)

    def _collect_keysource(self, value: Value, file: str, depth: int = 0) -> None:
        """`event_name = ...` anywhere in a table handed to kumo (keysources nest)."""
        if depth > 4:
            return
        for option in options(value):
            if not isinstance(option, TableValue):
                continue
            entry = option.get(b"event_name")
            if entry is not None:
                for name in options(entry.value):
                    self._add_reference("keysource", file, _origin_span(name) or entry.origin, name)
            for child in option.entries:
                if child is not entry:
                    self._collect_keysource(child.value, file, depth + 1)

    def _collect_constructors(self, config: Value, file: str) -> None:
        for option in options(config):
            if not isinstance(option, TableValue):
                continue
            protocol = option.get(b"protocol")
            if protocol is None:
                continue
            for proto in options(protocol.value):
                if not isinstance(proto, TableValue):
                    continue
                if proto.get(b"smtp") is not None or proto.get(b"maildir_path") is not None:
                    continue  # an earlier variant is tried first: custom_lua may never be used
                custom = proto.get(b"custom_lua")
                if custom is None:
                    continue
                for lua in options(custom.value):
                    if isinstance(lua, TableValue):
                        entry = lua.get(b"constructor")
                        if entry is None and lua.positional():
                            entry = lua.positional()[0]
                        if entry is not None:
                            for name in options(entry.value):
                                self._add_reference("constructor", file, _origin_span(name) or entry.origin, name)
                    elif isinstance(lua, Unknown):
                        self._add_reference("constructor", file, None, UNKNOWN)

    def _add_reference(self, kind: str, file: str, span: Span | None, name: Value) -> None:
        if isinstance(name, Const) and name.value is None:
            return
        if not isinstance(name, Const):
            name = UNKNOWN
        key = ("ref", kind, file, span, _const_str(name))
        self._record(self.model.references, EventReference(kind, file, span, name), key)


class _Return(Exception):
    """Unwinds an unconditional `return`."""


class _Break(Exception):
    """Unwinds an unconditional `break`."""


_NOTHING = Unknown()  # marks a bare `return`


def _dotted(node: Any) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Index) and isinstance(node.idx, ast.Name):
        return f"{_dotted(node.value)}.{node.idx.id}"
    return "?"


def _key_span(field: ast.Field, fallback: Span | None) -> Span | None:
    """The span of the key of a `key = value` field."""
    token = field._first_token
    if token is None:
        return fallback
    if token.text == "[" and field.key is not None:
        return span_of(field.key, fallback)
    return Span(token.line, token.column + 1, token.line, token.column + 1 + len(token.text))


def _origin_span(value: Value) -> Span | None:
    origin = getattr(value, "origin", None)
    return origin if isinstance(origin, Span) else None


def _escape(value: Value) -> None:
    """A table handed to unknown code may gain keys we cannot see."""
    for option in options(value):
        if isinstance(option, TableValue) and not option.open:
            option.open = True


def _lua_type_of(value: Value) -> str | None:
    """Lua's type() of a value, None when unknown."""
    if isinstance(value, Const):
        raw = value.value
        if raw is None:
            return "nil"
        if isinstance(raw, bool):
            return "boolean"
        if isinstance(raw, (int, float)):
            return "number"
        return "string"
    if isinstance(value, TableValue):
        return "table"
    if isinstance(value, Opaque):
        return {"function": "function", "config": "userdata"}.get(value.kind)
    if isinstance(value, Unknown):
        return value.lua_type
    return None


def _typed_unknown(kind: str) -> Value:
    """A value of a known Lua type ("string"), or that type or nil ("string?"), or a KumoMTA
    object ("message": userdata of that kind); "any" is not typed."""
    if kind == "any":
        return UNKNOWN
    if kind.endswith("?"):
        return one_of([_typed_unknown(kind[:-1]), Const(None)])
    if kind not in LUA_TYPES:
        return Unknown(lua_type="userdata", object_kind=kind)
    return Unknown(lua_type=kind)


def _contradict(a: tuple, b: tuple) -> bool:
    """Two condition facts that cannot hold together."""
    kind_a, subject_a, value_a, truth_a = a
    kind_b, subject_b, value_b, truth_b = b
    if subject_a != subject_b:
        return False
    if kind_a == kind_b == "truthy":
        return truth_a != truth_b
    if kind_a == kind_b == "eq":
        if value_a == value_b and type(value_a) is type(value_b):
            return truth_a != truth_b
        return truth_a and truth_b  # equal to two different constants
    return False


def _facts(test: Any, truth: bool) -> frozenset:
    """What a condition being `truth` says: ('truthy', x, None, t) and ('eq', x, const, t)."""
    if isinstance(test, ast.ULNotOp):
        return _facts(test.operand, not truth)
    if isinstance(test, ast.AndLoOp) and truth or isinstance(test, ast.OrLoOp) and not truth:
        return _facts(test.left, truth) | _facts(test.right, truth)
    if isinstance(test, ast.Name):
        return frozenset({("truthy", test.id, None, truth)})
    if isinstance(test, (ast.EqToOp, ast.NotEqToOp)):
        equal = truth if isinstance(test, ast.EqToOp) else not truth
        for subject, other in ((test.left, test.right), (test.right, test.left)):
            constant = _literal(other)
            if isinstance(subject, ast.Name) and constant is not _NO_LITERAL:
                return frozenset({("eq", subject.id, constant, equal)})
    return frozenset()


_NO_LITERAL = object()


def _literal(node: Any) -> Any:
    if isinstance(node, ast.String):
        return node.s
    if isinstance(node, ast.Number):
        return node.n
    if isinstance(node, ast.Nil):
        return None
    if isinstance(node, ast.TrueExpr):
        return True
    if isinstance(node, ast.FalseExpr):
        return False
    return _NO_LITERAL


def _always_returns(block: Any) -> bool:
    return bool(block.body) and isinstance(block.body[-1], ast.Return)


def _truthy(value: Value) -> bool | None:
    if isinstance(value, Const):
        return value.value is not None and value.value is not False
    if isinstance(value, (TableValue, Opaque)):
        return True
    if isinstance(value, Unknown) and value.lua_type not in (None, "boolean", "nil"):
        return True  # a string, number, table... is never false
    return None


def _logical(node: Any, left: Value, right: Value) -> Value:
    results: list[Value] = []
    is_and = isinstance(node, ast.AndLoOp)
    for option in options(left):
        truth = _truthy(option)
        if truth is None:
            results.extend([option, right])
        elif truth:
            results.append(right if is_and else option)
        else:
            results.append(option if is_and else right)
    return one_of(results)


def _number(value: Value) -> int | float | None:
    if isinstance(value, Const) and isinstance(value.value, (int, float)) and not isinstance(value.value, bool):
        return value.value
    return None


def _tostring(value: Value) -> bytes | None:
    """tostring() of a known string or number (Lua's number formatting)."""
    if not isinstance(value, Const):
        return None
    raw = value.value
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, bool) or raw is None:
        return None
    return lua_number.tostring_number(raw)


#: Constant folding uses the runtime's Lua 5.4 arithmetic (integer wrap-around, float
#: division, floor semantics): one home for Lua's number rules.
_ARITHMETIC = {
    ast.AddOp: lua_number.add,
    ast.SubOp: lua_number.sub,
    ast.MultOp: lua_number.mul,
    ast.FloatDivOp: lua_number.div,
    ast.FloorDivOp: lua_number.idiv,
    ast.ModOp: lua_number.mod,
    ast.ExpoOp: lua_number.pow,
}


def _fold_binary(node: Any, left: Value, right: Value, span: Span | None) -> Value:
    if isinstance(node, (ast.EqToOp, ast.NotEqToOp)):
        if isinstance(left, Const) and isinstance(right, Const):
            same = lua_number.eq(left.value, right.value)
            return Const(same if isinstance(node, ast.EqToOp) else not same, span)
        return UNKNOWN
    if isinstance(node, ast.Concat):
        if isinstance(left, OneOf) or isinstance(right, OneOf):
            combos = [_fold_binary(node, a, b, span) for a in options(left) for b in options(right)]
            return one_of(combos) if len(combos) <= 16 else UNKNOWN
        a, b = _tostring(left), _tostring(right)
        return Const(a + b, span) if a is not None and b is not None else UNKNOWN
    operation = _ARITHMETIC.get(type(node))
    x, y = _number(left), _number(right)
    if operation is None or x is None or y is None:
        return UNKNOWN
    try:
        return Const(operation(x, y), span)
    except (LuaError, OverflowError, ValueError, ZeroDivisionError):
        return UNKNOWN  # an error at run time (n // 0): not a value


def _fold_unary(node: Any, operand: Value, span: Span | None) -> Value:
    if isinstance(node, ast.UMinusOp):
        number = _number(operand)
        return UNKNOWN if number is None else Const(lua_number.unm(number), span)
    if isinstance(node, ast.ULNotOp):
        truth = _truthy(operand)
        return UNKNOWN if truth is None else Const(not truth, span)
    return UNKNOWN


def _fold_conversion(name: str, args: list[Value], span: Span | None) -> Value:
    if not args or not isinstance(args[0], Const):
        return UNKNOWN
    if name == "tostring":
        text = _tostring(args[0])
        return Const(text, span) if text is not None else UNKNOWN
    raw = args[0].value
    if len(args) > 1:
        base = _number(args[1])
        if isinstance(raw, bytes) and isinstance(base, int) and 2 <= base <= 36:
            try:
                return Const(int(raw.decode().strip().lower(), base), span)
            except ValueError:
                return Const(None, span)
        return UNKNOWN
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Const(raw, span)
    return UNKNOWN
