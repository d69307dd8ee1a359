"""Statement evaluation of the Interpreter: assignments, control flow, narrowing."""

from __future__ import annotations

from typing import Any, Callable

from luaparser import astnodes as ast

from kumocheck.model.folding import _always_returns, _const_str, _dotted, _facts, _lua_type_of, _truthy
from kumocheck.model.records import HandlerReturn
from kumocheck.model.scopes import _NOTHING, _Break, _Journal, _Return, Frame, Scope, Variable
from kumocheck.schema.values import UNKNOWN, Const, Opaque, TableValue, Value, one_of, options


class StatementsMixin:
    """Statements, branches and loops; mixed into `Interpreter`."""

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
